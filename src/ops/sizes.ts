/**
 * The size arithmetic of convolutions and pooling, as PyTorch defines it: how big an output is,
 * and PyTorch's padding forms resolved per side. Pure functions, shared by the ops (their shape
 * rules) and by the model spec's shape inference (src/nn/shapes.ts), which the page runs without
 * loading the engine.
 */
import { check } from "../errors";

/** A size given once for both dims, or as [height, width]. */
export type Pair = number | [number, number];
export const pair = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : v);

/** Padding per side: [top, bottom, left, right]. */
export type SidePadding = [number, number, number, number];

/** Output size of one spatial dim of a convolution. */
export function convOutSize(size: number, k: number, stride: number, padBefore: number, padAfter: number, dilation: number): number {
  return Math.floor((size + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1;
}

/** Output size of one spatial dim of a pooling window (PyTorch's ceil_mode rule included). */
export function poolOutSize(size: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceilMode && (out - 1) * s >= size + p) out--;
  return out;
}

/** Resolves PyTorch's padding forms (a number, [ph, pw], "valid", "same") into [top, bottom, left, right]. */
export function resolvePadding(
  op: string,
  padding: Pair | "same" | "valid" | undefined,
  kernel: [number, number],
  stride: [number, number],
  dilation: [number, number],
): SidePadding {
  if (padding === undefined || padding === "valid") return [0, 0, 0, 0];
  if (padding === "same") {
    check(stride[0] === 1 && stride[1] === 1, op, () => `padding='same' needs stride 1 (as in PyTorch), got stride [${stride}]`);
    // Total padding d (k - 1) per dim; the odd extra goes after (bottom/right), as PyTorch does.
    const [th, tw] = [dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)];
    return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  }
  const [ph, pw] = pair(padding);
  return [ph, ph, pw, pw];
}
