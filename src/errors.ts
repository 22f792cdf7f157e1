/**
 * Errors that explain themselves. Every invalid call throws an `OpError` that names the op, what it
 * received and what it expected, so a learner can fix the call without reading engine code.
 */

/** An invalid call to an op: the message names the op, what it got and what it expected. */
export class OpError extends Error {
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
    this.name = "OpError";
  }
}

/** Throws an OpError for `op` unless `condition` holds. */
export function check(condition: unknown, op: string, detail: () => string): asserts condition {
  if (!condition) throw new OpError(op, detail());
}

/** Formats a shape the way the messages print it: `[2, 3, 4]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}
