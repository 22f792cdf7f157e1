/**
 * Input checks shared by the metrics. Every bad call throws an `OpError` (src/errors.ts) that names the
 * metric, what it received and what it expected: arrays of different lengths, empty arrays, labels
 * that are not integers, scores that are not finite, unknown options.
 */
import { check } from "../../errors";

/** The host arrays the metrics accept: number[], Int32Array, Float32Array, Float64Array, ... */
export type Values = ArrayLike<number>;

/** How a value that is not an array reads in a message: `undefined`, `null`, `a string`, ... */
function describeNonArray(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  return `a ${typeof value}`;
}

/** Throws unless `value` is array-like (number[] or a typed array). */
export function checkArray(fn: string, name: string, value: unknown): asserts value is Values {
  const ok = typeof value === "object" && value !== null && typeof (value as Values).length === "number";
  check(ok, fn, () => `${name} is ${describeNonArray(value)}; expected an array of numbers (number[], Int32Array or Float32Array)`);
}

/** Throws unless `a` and `b` are arrays of the same, non-zero length. */
export function checkPair(fn: string, aName: string, a: unknown, bName: string, b: unknown): asserts a is Values {
  checkArray(fn, aName, a);
  checkArray(fn, bName, b);
  const [n, m] = [a.length, (b as Values).length];
  check(n === m, fn, () => `${aName} and ${bName} have ${n} and ${m} elements; expected the same length`);
  check(n > 0, fn, () => `${aName} and ${bName} are empty; expected at least one element`);
}

/** Throws unless every element of `values` is an integer class label. */
export function checkLabels(fn: string, name: string, values: Values): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    check(Number.isInteger(v), fn, () => `${name}[${i}] is ${v}; expected an integer class label`);
  }
}

/** Throws unless every element of `values` is a finite number. */
export function checkFinite(fn: string, name: string, values: Values, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    check(Number.isFinite(v), fn, () => `${name}[${i}] is ${v}; expected a finite ${what}`);
  }
}

/** Checks a pair of label arrays (same length, not empty, integers). */
export function checkLabelPair(fn: string, yTrue: unknown, yPred: unknown): asserts yTrue is Values {
  checkPair(fn, "yTrue", yTrue, "yPred", yPred);
  checkLabels(fn, "yTrue", yTrue);
  checkLabels(fn, "yPred", yPred as Values);
}

/** Throws unless `label` is an integer; `name` is the option's name. */
export function checkLabelOption(fn: string, name: string, label: unknown): asserts label is number {
  check(Number.isInteger(label), fn, () => `${name} is ${String(label)}; expected an integer class label`);
}

/** The distinct values of the given arrays, ascending. */
export function uniqueSorted(...arrays: Values[]): number[] {
  const seen = new Set<number>();
  for (const a of arrays) for (let i = 0; i < a.length; i++) seen.add(a[i]);
  return [...seen].sort((x, y) => x - y);
}

/** Formats class labels the way the messages print them: `(0, 1, 2)`, at most 10 of them. */
export function fmtLabels(labels: readonly number[]): string {
  const shown = labels.length > 10 ? [...labels.slice(0, 10).map(String), `... ${labels.length - 10} more`] : labels.map(String);
  return `(${shown.join(", ")})`;
}

/** Checks an explicit `classes` option (an array of distinct integers, not empty) and copies it. */
export function checkClasses(fn: string, classes: unknown): number[] {
  checkArray(fn, "classes", classes);
  check(classes.length > 0, fn, () => "classes is empty; expected at least one class label");
  checkLabels(fn, "classes", classes);
  const list = Array.from(classes);
  const repeated = list.find((c, i) => list.indexOf(c) !== i);
  check(repeated === undefined, fn, () => `classes lists ${repeated} twice; expected distinct class labels`);
  return list;
}
