/**
 * Shape and data-movement ops: reshape (a view: no copy), permute, expand, slice, pad, cat, unbind,
 * and the PyTorch conveniences built on them (transpose, squeeze, unsqueeze, flatten, stack, narrow).
 * All copies go through one strided-copy kernel; each op's gradient is another movement op.
 */
import { check, fmtShape } from "../errors";
import { apply, apply1 } from "../tensor/engine";
import { broadcastStrides, inferReshape, normalizeDim, sizeOf, stridesOf } from "../tensor/shape";
import type { Tensor } from "../tensor/tensor";
import { zerosLike } from "./creation";
import { copyOnCpu, copyOnGpu, copyOnWasm, fillOnGpu } from "./kernels/copy";
import { defineOp, type OpDef, type OpTable } from "./op";

/** Same elements, new shape; shares storage with its input (no copy). d/dx: reshape back. */
export const reshapeOp = defineOp<{ shape: number[] }>({
  name: "reshape",
  aliases: true,
  infer([x], { shape }) {
    return [{ shape: inferReshape("reshape", x.shape, shape), dtype: x.dtype }];
  },
  cpu([x], [y]) {
    y.data.set(x.data);
  },
  gpu(ctx, [x], [y]) {
    copyOnGpu(ctx, x.binding, y.binding, { shape: [sizeOf(x.shape)], srcStrides: [1], dstStrides: [1], srcOffset: 0, dstOffset: 0 });
  },
  vjp: ({ inputs: [x], dy }) => [reshape(dy, x.shape)],
  test: {
    cases: [
      { inputs: [[3, 4]], attrs: { shape: [2, 6] } },
      { inputs: [[1]], attrs: { shape: [] } },
    ],
  },
});

/** Reorders dims: y.shape[i] = x.shape[dims[i]]. d/dx: permute by the inverse order. */
export const permuteOp = defineOp<{ dims: number[] }>({
  name: "permute",
  infer([x], { dims }) {
    const sorted = [...dims].sort((a, b) => a - b);
    check(
      dims.length === x.shape.length && sorted.every((d, i) => d === i),
      "permute",
      () => `dims [${dims.join(", ")}] are not an ordering of the ${x.shape.length} dims of ${fmtShape(x.shape)}`,
    );
    return [{ shape: dims.map((d) => x.shape[d]), dtype: x.dtype }];
  },
  cpu([x], [y], { dims }) {
    copyOnCpu(x.data, y.data, permuteCopy(x.shape, dims));
  },
  gpu(ctx, [x], [y], { dims }) {
    copyOnGpu(ctx, x.binding, y.binding, permuteCopy(x.shape, dims));
  },
  wasm(ctx, [x], [y], { dims }) {
    copyOnWasm(ctx, x, y, permuteCopy(x.shape, dims));
  },
  vjp: ({ dy, attrs: { dims } }) => {
    const inverse = new Array<number>(dims.length);
    dims.forEach((d, i) => {
      inverse[d] = i;
    });
    return [permute(dy, inverse)];
  },
  test: {
    cases: [
      { inputs: [[3, 4]], attrs: { dims: [1, 0] } },
      { inputs: [[2, 3, 5]], attrs: { dims: [2, 0, 1] } },
      { inputs: [[2, 1, 3, 4]], attrs: { dims: [0, 2, 3, 1] } },
    ],
  },
});

function permuteCopy(shape: number[], dims: number[]) {
  const strides = stridesOf(shape);
  const out = dims.map((d) => shape[d]);
  return { shape: out, srcStrides: dims.map((d) => strides[d]), dstStrides: stridesOf(out), srcOffset: 0, dstOffset: 0 };
}

/** Repeats size-1 dims (and adds leading dims) to reach `shape`. d/dx: the sum over the repeats. */
export const expandOp = defineOp<{ shape: number[] }>({
  name: "expand",
  infer([x], { shape }) {
    check(shape.length >= x.shape.length, "expand", () => `cannot expand ${fmtShape(x.shape)} to fewer dims ${fmtShape(shape)}`);
    const lead = shape.length - x.shape.length;
    const out = shape.map((d, i) => (i >= lead && d === -1 ? x.shape[i - lead] : d));
    out.forEach((d, i) => {
      const from = i >= lead ? x.shape[i - lead] : 1;
      check(
        Number.isInteger(d) && d >= 0 && (from === d || from === 1),
        "expand",
        () => `cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)}: dim ${i} has size ${from}, only size-1 dims can grow`,
      );
    });
    return [{ shape: out, dtype: x.dtype }];
  },
  cpu([x], [y]) {
    copyOnCpu(x.data, y.data, expandCopy(x.shape, y.shape));
  },
  gpu(ctx, [x], [y]) {
    copyOnGpu(ctx, x.binding, y.binding, expandCopy(x.shape, y.shape));
  },
  wasm(ctx, [x], [y]) {
    copyOnWasm(ctx, x, y, expandCopy(x.shape, y.shape));
  },
  vjp: ({ dy }) => [dy], // autograd sums it back to the input's shape
  test: {
    cases: [
      { inputs: [[3, 1]], attrs: { shape: [3, 4] } },
      { inputs: [[1]], attrs: { shape: [2, 5] } },
      { inputs: [[2, 1, 3]], attrs: { shape: [4, 2, 5, 3] } },
    ],
  },
});

function expandCopy(from: number[], to: number[]) {
  return { shape: to, srcStrides: broadcastStrides(from, to), dstStrides: stridesOf(to), srcOffset: 0, dstOffset: 0 };
}

/** A box of x: begin[d] .. begin[d] + size[d] on every dim. d/dx: dy padded back with zeros. */
export const sliceOp: OpDef<{ begin: number[]; size: number[] }> = defineOp<{ begin: number[]; size: number[] }>({
  name: "slice",
  infer([x], { begin, size }) {
    check(begin.length === x.shape.length && size.length === x.shape.length, "slice", () => `expected begin and size for each of the ${x.shape.length} dims`);
    x.shape.forEach((d, i) => {
      check(
        begin[i] >= 0 && size[i] >= 0 && begin[i] + size[i] <= d,
        "slice",
        () => `dim ${i}: [${begin[i]}, ${begin[i] + size[i]}) is outside 0..${d} of ${fmtShape(x.shape)}`,
      );
    });
    return [{ shape: [...size], dtype: x.dtype }];
  },
  cpu([x], [y], { begin, size }) {
    copyOnCpu(x.data, y.data, sliceCopy(x.shape, begin, size));
  },
  gpu(ctx, [x], [y], { begin, size }) {
    copyOnGpu(ctx, x.binding, y.binding, sliceCopy(x.shape, begin, size));
  },
  wasm(ctx, [x], [y], { begin, size }) {
    copyOnWasm(ctx, x, y, sliceCopy(x.shape, begin, size));
  },
  vjp: ({ inputs: [x], dy, attrs: { begin, size } }) => [
    apply1(padOp, [dy], { before: begin, after: x.shape.map((d, i) => d - begin[i] - size[i]), value: 0 }),
  ],
  test: {
    cases: [
      { inputs: [[5, 6]], attrs: { begin: [1, 2], size: [3, 3] } },
      { inputs: [[2, 7, 3]], attrs: { begin: [0, 6, 0], size: [2, 1, 3] } },
    ],
  },
});

function sliceCopy(shape: number[], begin: number[], size: number[]) {
  const strides = stridesOf(shape);
  return { shape: size, srcStrides: strides, dstStrides: stridesOf(size), srcOffset: begin.reduce((o, b, i) => o + b * strides[i], 0), dstOffset: 0 };
}

/** Pads every dim with `value`: before[d] in front, after[d] behind. d/dx: the slice of dy. */
export const padOp: OpDef<{ before: number[]; after: number[]; value: number }> = defineOp<{ before: number[]; after: number[]; value: number }>({
  name: "pad",
  infer([x], { before, after }) {
    check(before.length === x.shape.length && after.length === x.shape.length, "pad", () => `expected padding for each of the ${x.shape.length} dims`);
    check(
      [...before, ...after].every((p) => Number.isInteger(p) && p >= 0),
      "pad",
      () => `paddings must be whole numbers >= 0, got before [${before}] after [${after}]`,
    );
    return [{ shape: x.shape.map((d, i) => d + before[i] + after[i]), dtype: x.dtype }];
  },
  cpu([x], [y], { before, value }) {
    y.data.fill(value);
    copyOnCpu(x.data, y.data, padCopy(x.shape, y.shape, before));
  },
  gpu(ctx, [x], [y], { before, value }) {
    fillOnGpu(ctx, y.binding, sizeOf(y.shape), value, y.dtype);
    copyOnGpu(ctx, x.binding, y.binding, padCopy(x.shape, y.shape, before));
  },
  wasm(ctx, [x], [y], { before, value }) {
    (y.dtype === "int32" ? ctx.heap.i32(y.offset, sizeOf(y.shape)) : ctx.heap.f32(y.offset, sizeOf(y.shape))).fill(value);
    copyOnWasm(ctx, x, y, padCopy(x.shape, y.shape, before));
  },
  vjp: ({ inputs: [x], dy, attrs: { before } }) => [apply1(sliceOp, [dy], { begin: before, size: x.shape })],
  test: {
    cases: [
      { inputs: [[3, 4]], attrs: { before: [1, 0], after: [2, 3], value: 0 } },
      { inputs: [[2, 3, 5, 5]], attrs: { before: [0, 0, 2, 1], after: [0, 0, 1, 2], value: -1.5 } },
    ],
  },
});

function padCopy(from: number[], to: number[], before: number[]) {
  const strides = stridesOf(to);
  return { shape: from, srcStrides: stridesOf(from), dstStrides: strides, srcOffset: 0, dstOffset: before.reduce((o, b, i) => o + b * strides[i], 0) };
}

/**
 * Splits x along `dim` into its x.shape[dim] slices, that dim removed (torch.unbind): one op, so
 * that a loop over time steps does not pad each step's gradient back to the whole sequence.
 * d/dx: the slices' gradients stacked back (zeros where a slice got none).
 */
export const unbindOp = defineOp<{ dim: number }>({
  name: "unbind",
  infer([x], { dim }) {
    check(Number.isInteger(dim) && dim >= 0 && dim < x.shape.length, "unbind", () => `dim ${dim} is not a dim of ${fmtShape(x.shape)}`);
    check(x.shape[dim] > 0, "unbind", () => `dim ${dim} of ${fmtShape(x.shape)} is empty`);
    const shape = x.shape.filter((_, i) => i !== dim);
    return Array.from({ length: x.shape[dim] }, () => ({ shape: [...shape], dtype: x.dtype }));
  },
  cpu([x], ys, { dim }) {
    for (const [k, y] of ys.entries()) copyOnCpu(x.data, y.data, unbindCopy(x.shape, dim, k));
  },
  gpu(ctx, [x], ys, { dim }) {
    for (const [k, y] of ys.entries()) copyOnGpu(ctx, x.binding, y.binding, unbindCopy(x.shape, dim, k));
  },
  wasm(ctx, [x], ys, { dim }) {
    for (const [k, y] of ys.entries()) copyOnWasm(ctx, x, y, unbindCopy(x.shape, dim, k));
  },
  vjp: ({ outputs, grads, attrs: { dim } }) => [
    stack(
      grads.map((g, k) => g ?? zerosLike(outputs[k])),
      dim,
    ),
  ],
  test: {
    cases: [
      { inputs: [[3, 4]], attrs: { dim: 0 } },
      { inputs: [[2, 5, 3]], attrs: { dim: 1 } },
      { inputs: [[2, 3, 1]], attrs: { dim: 2 } },
    ],
  },
});

/** Slice k of `dim` as a copy plan (the output has `dim` removed; its strides are the same as keeping it of size 1). */
function unbindCopy(shape: number[], dim: number, k: number) {
  const size = shape.map((d, i) => (i === dim ? 1 : d));
  return sliceCopy(
    shape,
    shape.map((_, i) => (i === dim ? k : 0)),
    size,
  );
}

/** Joins tensors along `dim`. d/dx_k: the slice of dy that x_k filled. */
export const catOp = defineOp<{ dim: number }>({
  name: "cat",
  infer(inputs, { dim }) {
    check(inputs.length > 0, "cat", () => "expected at least one tensor");
    const [first] = inputs;
    inputs.forEach((t, k) => {
      check(t.dtype === first.dtype, "cat", () => `tensor ${k} is ${t.dtype}, tensor 0 is ${first.dtype}`);
      check(
        t.shape.length === first.shape.length && t.shape.every((d, i) => i === dim || d === first.shape[i]),
        "cat",
        () => `tensor ${k} has shape ${fmtShape(t.shape)}, which does not match ${fmtShape(first.shape)} outside dim ${dim}`,
      );
    });
    const shape = [...first.shape];
    shape[dim] = inputs.reduce((s, t) => s + t.shape[dim], 0);
    return [{ shape, dtype: first.dtype }];
  },
  cpu(inputs, [y], { dim }) {
    let at = 0;
    for (const x of inputs) {
      copyOnCpu(x.data, y.data, catCopy(x.shape, y.shape, dim, at));
      at += x.shape[dim];
    }
  },
  wasm(ctx, inputs, [y], { dim }) {
    let at = 0;
    for (const x of inputs) {
      copyOnWasm(ctx, x, y, catCopy(x.shape, y.shape, dim, at));
      at += x.shape[dim];
    }
  },
  gpu(ctx, inputs, [y], { dim }) {
    let at = 0;
    for (const x of inputs) {
      copyOnGpu(ctx, x.binding, y.binding, catCopy(x.shape, y.shape, dim, at));
      at += x.shape[dim];
    }
  },
  vjp: ({ inputs, dy, attrs: { dim }, needs }) => {
    let at = 0;
    return inputs.map((x, k) => {
      const begin = x.shape.map((_, i) => (i === dim ? at : 0));
      at += x.shape[dim];
      return needs[k] ? apply1(sliceOp, [dy], { begin, size: x.shape }) : null;
    });
  },
  test: {
    cases: [
      {
        inputs: [
          [2, 3],
          [4, 3],
        ],
        attrs: { dim: 0 },
      },
      {
        inputs: [
          [2, 1, 4],
          [2, 5, 4],
          [2, 2, 4],
        ],
        attrs: { dim: 1 },
      },
      { inputs: [[3, 1]], attrs: { dim: 1 } },
    ],
  },
});

function catCopy(from: number[], to: number[], dim: number, at: number) {
  const strides = stridesOf(to);
  return { shape: from, srcStrides: stridesOf(from), dstStrides: strides, srcOffset: 0, dstOffset: at * strides[dim] };
}

// ---- public functions ----

/** Same elements in a new shape (one size may be -1); no copy. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return apply1(reshapeOp, [x], { shape: inferReshape("reshape", x.shape, shape) });
}

/** Reorders dims: permute(x, [2, 0, 1]). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  return apply1(permuteOp, [x], { dims: dims.map((d) => normalizeDim("permute", d, x.rank)) });
}

/** Swaps two dims. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim("transpose", dim0, x.rank);
  const b = normalizeDim("transpose", dim1, x.rank);
  if (a === b) return reshape(x, x.shape);
  const dims = x.shape.map((_, i) => i);
  [dims[a], dims[b]] = [dims[b], dims[a]];
  return apply1(permuteOp, [x], { dims });
}

/** Broadcasts to `shape` (-1 keeps a size), copying. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return apply1(expandOp, [x], { shape: [...shape] });
}

/** x[start:end] along `dim` (PyTorch slicing; negative indices count from the end; step 1). */
export function slice(x: Tensor, dim: number, start = 0, end?: number): Tensor {
  const d = normalizeDim("slice", dim, x.rank);
  const n = x.shape[d];
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampIndex(start);
  const e = Math.max(clampIndex(end ?? n), s);
  return apply1(sliceOp, [x], { begin: x.shape.map((_, i) => (i === d ? s : 0)), size: x.shape.map((v, i) => (i === d ? e - s : v)) });
}

/** `length` elements of `dim` from `start` (torch.narrow). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim("narrow", dim, x.rank);
  check(start >= 0 && length >= 0 && start + length <= x.shape[d], "narrow", () => `[${start}, ${start + length}) is outside dim ${d} of size ${x.shape[d]}`);
  return slice(x, d, start, start + length);
}

/**
 * Constant padding with PyTorch's F.pad convention: `pads` runs from the last dim backwards as
 * (left, right), (top, bottom), ...; e.g. pad(x, [1, 1, 2, 2]) pads W by 1 and H by 2.
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  check(pads.length % 2 === 0 && pads.length / 2 <= x.rank, "pad", () => `expected pairs of paddings for at most ${x.rank} dims, got [${pads.join(", ")}]`);
  const before = new Array<number>(x.rank).fill(0);
  const after = new Array<number>(x.rank).fill(0);
  for (let k = 0; k < pads.length / 2; k++) {
    before[x.rank - 1 - k] = pads[2 * k];
    after[x.rank - 1 - k] = pads[2 * k + 1];
  }
  return apply1(padOp, [x], { before, after, value });
}

/** Concatenates along `dim`. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  check(tensors.length > 0, "cat", () => "expected at least one tensor");
  return apply(catOp, tensors, { dim: normalizeDim("cat", dim, tensors[0].rank) })[0];
}

/** The slices of x along `dim`, that dim removed (torch.unbind). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  return apply(unbindOp, [x], { dim: normalizeDim("unbind", dim, x.rank) });
}

/** Stacks same-shape tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  check(tensors.length > 0, "stack", () => "expected at least one tensor");
  const d = normalizeDim("stack", dim, tensors[0].rank + 1);
  tensors.forEach((t, k) => {
    const same = t.shape.length === tensors[0].shape.length && t.shape.every((v, i) => v === tensors[0].shape[i]);
    check(same, "stack", () => `tensor ${k} has shape ${fmtShape(t.shape)}, tensor 0 has ${fmtShape(tensors[0].shape)}`);
  });
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

/** Inserts a size-1 dim at `dim`. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim("unsqueeze", dim, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Removes size-1 dims (all of them, or only `dim`). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const d = normalizeDim("squeeze", dim, x.rank);
  return x.shape[d] === 1
    ? reshape(
        x,
        x.shape.filter((_, i) => i !== d),
      )
    : reshape(x, x.shape);
}

/** Merges dims startDim..endDim into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeDim("flatten", startDim, x.rank);
  const e = normalizeDim("flatten", endDim, x.rank);
  check(s <= e, "flatten", () => `startDim ${startDim} comes after endDim ${endDim}`);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** This module's ops, by name (the registry joins every module's table). */
export const shapeOps = {
  reshape: reshapeOp,
  permute: permuteOp,
  expand: expandOp,
  slice: sliceOp,
  pad: padOp,
  cat: catOp,
  unbind: unbindOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    shape: typeof shapeOps;
  }
}
