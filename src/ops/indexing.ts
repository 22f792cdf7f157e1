/**
 * Indexing and randomness that needs its own kernels: indexSelect (rows of a table: embedding,
 * batches), its gradient indexAdd (atomic adds), oneHot (class labels to rows of 0/1), and dropout,
 * whose mask is regenerated from a key in the backward pass instead of being stored.
 */

import dropoutWgsl from "../../shaders/dropout.wgsl?raw";
import indexAddWgsl from "../../shaders/index_add.wgsl?raw";
import indexSelectWgsl from "../../shaders/index_select.wgsl?raw";
import mathWgsl from "../../shaders/math.wgsl?raw";
import oneHotWgsl from "../../shaders/one_hot.wgsl?raw";
import rngWgsl from "../../shaders/rng.wgsl?raw";
import type { DropoutArgs } from "../backend/wasm/kernels/dropout";
import { cachedKernel, fillTemplate, Uniforms } from "../backend/webgpu/kernel";
import { check, fmtShape, OpError } from "../errors";
import { apply1, withBackend } from "../tensor/engine";
import { nextKey, uniform01 } from "../tensor/random";
import { normalizeDim, sizeOf } from "../tensor/shape";
import type { Tensor } from "../tensor/tensor";
import { mul } from "./binary";
import { tensor } from "./creation";
import { fillOnGpu } from "./kernels/copy";
import { defineOp, type OpDef, type OpTable } from "./op";
import { reshape } from "./shape-ops";

/** x viewed as [outer, size of dim, inner]. */
function around(shape: number[], dim: number) {
  return { outer: sizeOf(shape.slice(0, dim)), size: shape[dim], inner: sizeOf(shape.slice(dim + 1)) };
}

function checkIndex(op: string, index: { shape: number[]; dtype: string }): void {
  check(index.dtype === "int32", op, () => `index must be int32, got ${index.dtype}; make it with tensor(values, { dtype: "int32" })`);
  check(index.shape.length === 1, op, () => `index must be 1-D, got ${fmtShape(index.shape)}`);
}

const grid = (n: number, cap: number) => [Math.min(Math.ceil(n / 256), cap)];

/** Which rows indexSelect picks, and a row whose gradient is dropped (embedding's paddingIdx; none when absent). */
interface SelectAttrs {
  dim: number;
  gradSkip?: number;
}

/** out = x with dim `dim` replaced by the rows index picks: out[..., j, ...] = x[..., index[j], ...]. */
export const indexSelectOp: OpDef<SelectAttrs> = defineOp<SelectAttrs>({
  name: "indexSelect",
  infer([x, index], { dim }) {
    checkIndex("indexSelect", index);
    const shape = [...x.shape];
    shape[dim] = index.shape[0];
    return [{ shape, dtype: x.dtype }];
  },
  cpu([x, index], [y], { dim }) {
    const { outer, size, inner } = around(x.shape, dim);
    const n = index.data.length;
    for (let j = 0; j < n; j++) {
      const k = index.data[j];
      if (k < 0 || k >= size) throw new OpError("indexSelect", `index ${k} at position ${j} is out of range for dim ${dim} of size ${size}`);
    }
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < n; j++) for (let i = 0; i < inner; i++) y.data[(o * n + j) * inner + i] = x.data[(o * size + index.data[j]) * inner + i];
  },
  gpu(ctx, [x, index], [y], { dim }) {
    const { size, inner } = around(x.shape, dim);
    const n = sizeOf(y.shape);
    const kernel = cachedKernel("indexSelect", () => ({ code: indexSelectWgsl, bindings: ["read", "read", "write"] }));
    ctx.dispatch(
      kernel,
      [x.binding, index.binding, y.binding],
      new Uniforms().u32(n).u32(size).u32(index.shape[0]).u32(Math.max(inner, 1)),
      grid(n, ctx.tuning.gridWorkgroups),
    );
  },
  vjp: ({ inputs: [x, index], dy, attrs: { dim, gradSkip } }) => [apply1(indexAddOp, [dy, index], { dim, size: x.shape[dim], skip: gradSkip })],
  test: {
    cases: [
      { inputs: [[10, 4], { shape: [6], int: [0, 10] }], attrs: { dim: 0 } },
      { inputs: [[6, 3], { shape: [9], int: [0, 6] }], attrs: { dim: 0, gradSkip: 2 }, gradcheck: false }, // the padding row takes no gradient
      { inputs: [[3, 5, 2], { shape: [7], int: [0, 5] }], attrs: { dim: 1 } },
      { inputs: [[1], { shape: [3], int: [0, 1] }], attrs: { dim: 0 } },
    ],
  },
});

/** indexAdd's dim and output size along it, and an index whose rows are not added (none when absent). */
interface AddAttrs {
  dim: number;
  size: number;
  skip?: number;
}

/** The gradient of indexSelect: zeros of size `size` along dim, with src's rows added at index. */
export const indexAddOp: OpDef<AddAttrs> = defineOp<AddAttrs>({
  name: "indexAdd",
  infer([src, index], { dim, size }) {
    checkIndex("indexAdd", index);
    check(src.shape[dim] === index.shape[0], "indexAdd", () => `src has ${src.shape[dim]} rows along dim ${dim} but index has ${index.shape[0]}`);
    const shape = [...src.shape];
    shape[dim] = size;
    return [{ shape, dtype: "float32" }];
  },
  cpu([src, index], [y], { dim, size, skip }) {
    y.data.fill(0);
    const { outer, inner } = around(src.shape, dim);
    const n = index.data.length;
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < n; j++) {
        const k = index.data[j];
        if (k < 0 || k >= size || k === skip) continue;
        for (let i = 0; i < inner; i++) y.data[(o * size + k) * inner + i] += src.data[(o * n + j) * inner + i];
      }
  },
  gpu(ctx, [src, index], [y], { dim, size, skip }) {
    const { inner } = around(src.shape, dim);
    const n = sizeOf(src.shape);
    fillOnGpu(ctx, y.binding, sizeOf(y.shape), 0, "float32");
    const kernel = cachedKernel("indexAdd", () => ({ code: indexAddWgsl, bindings: ["read", "read", "write"] }));
    ctx.dispatch(
      kernel,
      [src.binding, index.binding, y.binding],
      new Uniforms()
        .u32(n)
        .u32(size)
        .u32(index.shape[0])
        .u32(Math.max(inner, 1))
        .u32(skip !== undefined && skip >= 0 && skip < size ? skip : size),
      grid(n, ctx.tuning.gridWorkgroups),
    );
  },
  // d src[j] = g[index[j]], and 0 where index[j] is the skipped row (it added nothing): g with that row zeroed.
  vjp: ({ inputs: [, index], dy: g, attrs: { dim, skip } }) => {
    const size = g.shape[dim];
    if (skip === undefined || skip < 0 || skip >= size) return [apply1(indexSelectOp, [g, index], { dim }), null];
    const keep = Array.from({ length: size }, (_, k) => (k === skip ? 0 : 1));
    const mask = withBackend(g.backend, () => tensor(keep, { shape: [size, ...g.shape.slice(dim + 1).map(() => 1)] }));
    return [apply1(indexSelectOp, [mul(g, mask), index], { dim }), null];
  },
  test: {
    cases: [
      { inputs: [[6, 4], { shape: [6], int: [0, 3] }], attrs: { dim: 0, size: 3 } },
      { inputs: [[7, 2], { shape: [7], int: [0, 4] }], attrs: { dim: 0, size: 4, skip: 1 } },
      { inputs: [[3, 7, 2], { shape: [7], int: [0, 5] }], attrs: { dim: 1, size: 5 } },
    ],
  },
});

/** Rows of 0/1 marking each label's class: [..., classes], float32. */
/** The number of classes, and a label whose row is all zeros (cross-entropy's ignoreIndex; none when absent). */
interface OneHotAttrs {
  classes: number;
  ignore?: number;
}

export const oneHotOp: OpDef<OneHotAttrs> = defineOp<OneHotAttrs>({
  name: "oneHot",
  infer([labels], { classes }) {
    check(labels.dtype === "int32", "oneHot", () => `labels must be int32, got ${labels.dtype}`);
    check(Number.isInteger(classes) && classes >= 1, "oneHot", () => `classes must be a whole number >= 1, got ${classes}`);
    return [{ shape: [...labels.shape, classes], dtype: "float32" }];
  },
  cpu([labels], [y], { classes, ignore }) {
    y.data.fill(0);
    labels.data.forEach((label, n) => {
      if (label === ignore) return;
      if (!(label >= 0 && label < classes)) throw new OpError("oneHot", `label ${label} at position ${n} is outside [0, ${classes})`);
      y.data[n * classes + label] = 1;
    });
  },
  gpu(ctx, [labels], [y], { classes, ignore }) {
    const n = sizeOf(y.shape);
    const kernel = cachedKernel("oneHot", () => ({ code: oneHotWgsl, bindings: ["read", "write"] }));
    const uniforms = new Uniforms()
      .u32(n)
      .u32(classes)
      .u32(ignore === undefined ? 0 : 1)
      .u32((ignore ?? 0) >>> 0);
    ctx.dispatch(kernel, [labels.binding, y.binding], uniforms, grid(n, ctx.tuning.gridWorkgroups));
  },
  test: {
    cases: [
      { inputs: [{ shape: [8], int: [0, 6] }], attrs: { classes: 6 } },
      { inputs: [{ shape: [9], int: [0, 5] }], attrs: { classes: 5, ignore: 2 } },
      { inputs: [{ shape: [2, 3], int: [0, 4] }], attrs: { classes: 4 } },
    ],
  },
});

/**
 * Elements each wasm thread takes at least: dropout on fewer than twice this stays on one thread
 * (measured on 2 cores: 16,384 elements took 75 µs on two threads against 94 µs on one; 8,192 took
 * 62 µs against 47: waking a helper costs about as much as a few thousand elements).
 */
const DROPOUT_PER_THREAD = 8192;

/** Zeroes each element with probability p and scales the rest by 1/(1-p); the mask comes from `key`. */
export const dropoutOp: OpDef<{ p: number; key: number }> = defineOp<{ p: number; key: number }>({
  name: "dropout",
  infer([x], { p }) {
    check(x.dtype === "float32", "dropout", () => `expected float32, got ${x.dtype}`);
    check(p >= 0 && p < 1, "dropout", () => `p must be in [0, 1), got ${p}`);
    return [{ shape: x.shape, dtype: "float32" }];
  },
  cpu([x], [y], { p, key }) {
    const scale = 1 / (1 - p);
    for (let i = 0; i < x.data.length; i++) y.data[i] = uniform01(key, i) >= p ? x.data[i] * scale : 0;
  },
  gpu(ctx, [x], [y], { p, key }) {
    const n = sizeOf(x.shape);
    const kernel = cachedKernel("dropout", () => ({ code: fillTemplate(dropoutWgsl, { RNG: `${rngWgsl}\n${mathWgsl}` }), bindings: ["read", "write"] }));
    ctx.dispatch(
      kernel,
      [x.binding, y.binding],
      new Uniforms()
        .u32(n)
        .u32(key)
        .f32(p)
        .f32(1 / (1 - p)),
      grid(n, ctx.tuning.gridWorkgroups),
    );
  },
  // The same mask as `cpu`: uniform01 = (hash >>> 8) / 2^24 >= p exactly when (hash >>> 8) >= ceil(p·2^24).
  // Large tensors are split into one range of elements per thread.
  wasm(ctx, [x], [y], { p, key }) {
    const n = sizeOf(x.shape);
    const parts = n >= DROPOUT_PER_THREAD * 2 ? Math.min(ctx.threads, Math.floor(n / DROPOUT_PER_THREAD)) : 1;
    const per = Math.ceil(n / parts);
    const scaleBits = new Int32Array(Float32Array.of(1 / (1 - p)).buffer)[0];
    const threshold = Math.ceil(p * 16777216);
    const ranges: DropoutArgs[] = [];
    for (let start = 0; start < n; start += per) ranges.push([x.offset, y.offset, start, Math.min(n, start + per), key | 0, threshold, scaleBits]);
    ctx.parallel("dropout", ranges);
  },
  // Linear in x with the same mask: dx = dropout(dy) with the same key.
  vjp: ({ dy, attrs }) => [apply1(dropoutOp, [dy], attrs)],
  test: {
    cases: [
      { inputs: [[7]], attrs: { p: 0.3, key: 99 } },
      { inputs: [[4, 300]], attrs: { p: 0.5, key: 12345 } },
    ],
  },
});

// ---- public functions ----

/** Rows of x along `dim` picked by a 1-D int32 index (torch.index_select). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  return apply1(indexSelectOp, [x, index], { dim: normalizeDim("indexSelect", dim, x.rank) });
}

/** Rows of 0/1 marking each int32 label's class; a label equal to `ignore` gets a row of zeros. */
export function oneHot(labels: Tensor, numClasses: number, options: { ignore?: number } = {}): Tensor {
  return apply1(oneHotOp, [labels], { classes: numClasses, ...(options.ignore === undefined ? {} : { ignore: options.ignore }) });
}

/** paddingIdx as PyTorch takes it: a row of the table, negative counting from the end; undefined: none. */
export function paddingIndex(paddingIdx: number | undefined, rows: number): number | undefined {
  if (paddingIdx === undefined) return undefined;
  check(
    Number.isInteger(paddingIdx) && paddingIdx >= -rows && paddingIdx < rows,
    "embedding",
    () => `paddingIdx must be a whole number in [${-rows}, ${rows}) for a table of ${rows} rows, got ${paddingIdx}`,
  );
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

/**
 * Looks up rows of weight [num, dim] for int32 indices of any shape: [..., dim]. With paddingIdx,
 * that row takes no gradient (PyTorch's padding_idx: padding tokens do not train their vector).
 */
export function embedding(indices: Tensor, weight: Tensor, options: { paddingIdx?: number } = {}): Tensor {
  check(weight.rank === 2, "embedding", () => `weight must be [num_embeddings, dim], got ${fmtShape(weight.shape)}`);
  const paddingIdx = paddingIndex(options.paddingIdx, weight.shape[0]);
  const rows = apply1(indexSelectOp, [weight, reshape(indices, [-1])], { dim: 0, ...(paddingIdx === undefined ? {} : { gradSkip: paddingIdx }) });
  return reshape(rows, [...indices.shape, weight.shape[1]]);
}

/**
 * Dropout (seeded by manualSeed): in training, zeroes elements with probability p and scales the
 * rest by 1/(1-p); when not training, returns x unchanged.
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  check(p >= 0 && p <= 1, "dropout", () => `p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  return apply1(dropoutOp, [x], { p, key: nextKey() });
}

/** This module's ops, by name (the registry joins every module's table). */
export const indexingOps = {
  indexSelect: indexSelectOp,
  indexAdd: indexAddOp,
  oneHot: oneHotOp,
  dropout: dropoutOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    indexing: typeof indexingOps;
  }
}
