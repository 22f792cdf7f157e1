/**
 * Shapes, strides and PyTorch broadcasting. Tensors are always contiguous and row-major, so a
 * shape alone fixes the layout; strides appear only inside kernels that read a view of one.
 */
import { check, fmtShape } from "../errors";

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor: strides([2, 3, 4]) = [12, 4, 1]. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Checks a user-given shape: whole numbers >= 0. */
export function checkShape(op: string, shape: Shape): number[] {
  check(Array.isArray(shape), op, () => `expected a shape (array of sizes), got ${String(shape)}`);
  for (const d of shape) check(Number.isInteger(d) && d >= 0, op, () => `shape ${fmtShape(shape)} has an invalid size ${d}; sizes must be whole numbers >= 0`);
  return [...shape];
}

/** Resolves a possibly negative dim against `rank` (PyTorch style: -1 is the last dim). */
export function normalizeDim(op: string, dim: number, rank: number): number {
  const lo = rank === 0 ? -1 : -rank;
  const hi = rank === 0 ? 0 : rank - 1;
  check(Number.isInteger(dim) && dim >= lo && dim <= hi, op, () => `dim ${dim} is out of range for a tensor of rank ${rank}; expected a dim in [${lo}, ${hi}]`);
  return dim < 0 ? dim + Math.max(rank, 1) : dim;
}

/** Resolves a list of dims (or all dims when undefined), sorted and without repeats. */
export function normalizeDims(op: string, dims: number | readonly number[] | undefined | null, rank: number): number[] {
  if (dims === undefined || dims === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dims === "number" ? [dims] : dims;
  const out = list.map((d) => normalizeDim(op, d, rank));
  check(new Set(out).size === out.length, op, () => `dims [${list.join(", ")}] repeat a dimension`);
  return out.sort((x, y) => x - y);
}

/**
 * PyTorch broadcasting: align shapes on the right; each pair of sizes must be equal or one of them 1.
 * broadcastShapes([2, 3, 4], [3, 1]) = [2, 3, 4].
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (out[o] === 1) out[o] = d;
      else
        check(
          d === 1 || d === out[o],
          op,
          () => `shapes ${shapes.map(fmtShape).join(" and ")} cannot be broadcast: dim ${o - rank} has sizes ${out[o]} and ${d}; expected equal sizes or 1`,
        );
    }
  }
  return out;
}

/** Strides to read a tensor of `shape` as if broadcast to `outShape` (0 on broadcast dims). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const o = outShape.length - shape.length + i;
    out[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : strides[i];
  }
  return out;
}

/** Resolves one `-1` in a reshape target against the element count. */
export function inferReshape(op: string, from: Shape, to: readonly number[]): number[] {
  const n = sizeOf(from);
  const free = to.filter((d) => d === -1).length;
  check(free <= 1, op, () => `target shape ${fmtShape(to)} has more than one -1`);
  for (const d of to) check(Number.isInteger(d) && d >= -1, op, () => `target shape ${fmtShape(to)} has an invalid size ${d}`);
  const known = to.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (free) {
    check(known > 0 && n % known === 0, op, () => `cannot reshape ${fmtShape(from)} (${n} elements) to ${fmtShape(to)}`);
    return to.map((d) => (d === -1 ? n / known : d));
  }
  check(known === n, op, () => `cannot reshape ${fmtShape(from)} (${n} elements) to ${fmtShape(to)} (${known} elements)`);
  return [...to];
}

/**
 * Merges adjacent dims that can be walked as one (for every operand, stride[i] == stride[i+1] *
 * size[i+1]), and drops size-1 dims, so kernels index the fewest dims possible.
 * Returns the merged shape and per-operand strides.
 */
export function coalesceDims(shape: Shape, strides: number[][]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const last = outShape.length - 1;
    const canMerge = last >= 0 && strides.every((s, k) => outStrides[k][last] === s[i] * shape[i]);
    if (canMerge) {
      outShape[last] *= shape[i];
      strides.forEach((s, k) => {
        outStrides[k][last] = s[i];
      });
    } else {
      outShape.push(shape[i]);
      strides.forEach((s, k) => {
        outStrides[k].push(s[i]);
      });
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Every offset of a walk over `shape` with `strides`, in row-major order (offset of index i =
 * Σ coordinate·stride): how the wasm backend visits the outer dims of a strided loop.
 */
export function walkOffsets(shape: number[], strides: number[]): Int32Array {
  const out = new Int32Array(sizeOf(shape));
  const index = new Array<number>(shape.length).fill(0);
  let at = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = at;
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      at += strides[d];
      if (index[d] < shape[d]) break;
      at -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}
