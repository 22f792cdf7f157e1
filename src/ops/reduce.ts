/**
 * Reductions over any dims with keepdim (sum, mean, max, min, argmax, argmin), one kernel family
 * (shaders/reduce.wgsl). Long reductions into few outputs get a workgroup each (a tree in shared
 * memory); many short ones get a thread each. var, std and logsumexp are composites.
 */

import reduceWgsl from "../../shaders/reduce.wgsl?raw";
import type { WasmContext, WasmTensor } from "../backend/wasm/wasm-backend";
import { cachedKernel, Uniforms } from "../backend/webgpu/kernel";
import { check } from "../errors";
import { apply1 } from "../tensor/engine";
import { coalesceDims, normalizeDims, sizeOf, stridesOf, walkOffsets } from "../tensor/shape";
import type { Tensor } from "../tensor/tensor";
import { add, div, eq, mul, sub } from "./binary";
import { defineOp, type OpDef, type OpTable } from "./op";
import { expand, reshape } from "./shape-ops";
import { expOp, logOp, sqrtOp } from "./unary";

export type ReduceMode = "sum" | "mean" | "max" | "min" | "argmax" | "argmin";
const MODE_CODE: Record<ReduceMode, number> = { sum: 0, mean: 0, max: 1, min: 2, argmax: 3, argmin: 4 };

export interface ReduceAttrs {
  /** Dims to reduce, normalized and sorted; [] with all=true means every dim. */
  dims: number[];
  keepdim: boolean;
}

/** How a reduction walks its input: kept dims (one output each) and reduced dims. */
export function reducePlan(shape: number[], dims: number[]) {
  const strides = stridesOf(shape);
  const kept = shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const k = coalesceDims(
    kept.map((d) => shape[d]),
    [kept.map((d) => strides[d])],
  );
  const r = coalesceDims(
    dims.map((d) => shape[d]),
    [dims.map((d) => strides[d])],
  );
  return {
    keptShape: k.shape,
    keptStrides: k.strides[0],
    redShape: r.shape,
    redStrides: r.strides[0],
    nOut: sizeOf(k.shape),
    nRed: sizeOf(r.shape),
  };
}

function outputShape(shape: number[], dims: number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (dims.includes(i) ? 1 : d)) : shape.filter((_, i) => !dims.includes(i));
}

function offsetOf(index: number, sizes: number[], strides: number[]): number {
  let off = 0;
  for (let d = sizes.length - 1; d >= 0; d--) {
    off += (index % sizes[d]) * strides[d];
    index = Math.floor(index / sizes[d]);
  }
  return off;
}

const TEST_CASES = [
  { inputs: [[1]], attrs: { dims: [0], keepdim: false } },
  { inputs: [[7]], attrs: { dims: [0], keepdim: true } },
  { inputs: [[3, 4, 5]], attrs: { dims: [1], keepdim: false } },
  { inputs: [[3, 4, 5]], attrs: { dims: [0, 2], keepdim: true } },
  { inputs: [[2, 3, 4, 5]], attrs: { dims: [0, 1, 2, 3], keepdim: false } },
  { inputs: [[5, 300]], attrs: { dims: [1], keepdim: false } },
  { inputs: [[300, 3]], attrs: { dims: [0], keepdim: true } },
  { inputs: [[4, 1030]], attrs: { dims: [0, 1], keepdim: false } },
];

/**
 * sum or mean on the wasm backend, in float32: when the innermost reduced dim is contiguous, each
 * output adds up contiguous runs (the kernels' sumRun); when the innermost kept dim is, whole rows of
 * outputs add rows of the input at once (the add kernel); other layouts run the reference.
 */
function sumOnWasm(ctx: WasmContext, x: WasmTensor, out: WasmTensor, dims: number[], mean: boolean): false | undefined {
  const p = reducePlan(x.shape, dims);
  if (p.nRed === 0 || p.nOut === 0) return false;
  const scale = mean ? 1 / p.nRed : 1;
  const [r, k] = [p.redShape.length - 1, p.keptShape.length - 1];
  if (r >= 0 && p.redStrides[r] === 1) {
    const run = p.redShape[r];
    const outer = walkOffsets(p.redShape.slice(0, r), p.redStrides.slice(0, r));
    const kept = walkOffsets(p.keptShape, p.keptStrides);
    const result = new Float32Array(p.nOut);
    for (let o = 0; o < p.nOut; o++) {
      let s = 0;
      for (const off of outer) s += ctx.kernels.sumRun(x.offset + (kept[o] + off) * 4, run);
      result[o] = s * scale;
    }
    ctx.heap.f32(out.offset, p.nOut).set(result);
    return;
  }
  if (k >= 0 && p.keptStrides[k] === 1) {
    const run = p.keptShape[k];
    const rows = walkOffsets(p.keptShape.slice(0, k), p.keptStrides.slice(0, k));
    const reduced = walkOffsets(p.redShape, p.redStrides);
    ctx.heap.f32(out.offset, p.nOut).fill(0);
    const add = ctx.kernels["add/vv"];
    rows.forEach((row, i) => {
      const o = out.offset + i * run * 4;
      for (const off of reduced) add(run, o, x.offset + (row + off) * 4, o, 0, 0);
    });
    if (mean) {
      const o = ctx.heap.f32(out.offset, p.nOut);
      for (let i = 0; i < o.length; i++) o[i] *= scale;
    }
    return;
  }
  return false;
}

/**
 * max or min on the wasm backend when the innermost reduced dim is contiguous: each output takes the
 * extreme of its contiguous runs (the kernels' extremeRun), combined in order as the reference
 * scans them (a NaN counts only when it comes first); other layouts run the reference.
 */
function extremeOnWasm(ctx: WasmContext, x: WasmTensor, out: WasmTensor, dims: number[], max: boolean): false | undefined {
  const p = reducePlan(x.shape, dims);
  const r = p.redShape.length - 1;
  if (p.nRed === 0 || p.nOut === 0 || r < 0 || p.redStrides[r] !== 1) return false;
  const run = p.redShape[r];
  const outer = walkOffsets(p.redShape.slice(0, r), p.redStrides.slice(0, r));
  const kept = walkOffsets(p.keptShape, p.keptStrides);
  const result = new Float32Array(p.nOut);
  for (let o = 0; o < p.nOut; o++) {
    let best = Number.NaN;
    outer.forEach((off, k) => {
      const v = ctx.kernels.extremeRun(x.offset + (kept[o] + off) * 4, run, max ? 1 : 0);
      if (k === 0 || (max ? v > best : v < best)) best = v;
    });
    result[o] = best;
  }
  ctx.heap.f32(out.offset, p.nOut).set(result);
  return undefined;
}

function reduceOp(name: ReduceMode, vjp?: OpDef<ReduceAttrs>["vjp"]): OpDef<ReduceAttrs> {
  const mode = MODE_CODE[name];
  const isArg = mode >= 3;
  return defineOp<ReduceAttrs>({
    name,
    infer([x], { dims, keepdim }) {
      check(x.dtype === "float32", name, () => `expected a float32 tensor, got ${x.dtype}`);
      if (mode !== 0 && dims.length)
        for (const d of dims) check(x.shape[d] > 0, name, () => `cannot reduce over dim ${d} of size 0 (it has no ${name === "min" ? "minimum" : "maximum"})`);
      return [{ shape: outputShape(x.shape, dims, keepdim), dtype: isArg ? "int32" : "float32" }];
    },
    cpu([x], [out], { dims }) {
      const p = reducePlan(x.shape, dims);
      const scale = name === "mean" ? 1 / p.nRed : 1;
      for (let o = 0; o < p.nOut; o++) {
        const base = offsetOf(o, p.keptShape, p.keptStrides);
        let best = mode === 0 ? 0 : mode === 1 || mode === 3 ? -Infinity : Infinity;
        let bestIndex = -1;
        for (let r = 0; r < p.nRed; r++) {
          const v = x.data[base + offsetOf(r, p.redShape, p.redStrides)];
          if (mode === 0) best += v;
          else if ((mode === 1 || mode === 3 ? v > best : v < best) || bestIndex < 0) {
            best = v;
            bestIndex = r;
          }
        }
        out.data[o] = isArg ? bestIndex : best * scale;
      }
    },
    // sum, mean, max and min have a wasm path; the arg- reductions run their reference there.
    wasm:
      mode === 0
        ? (ctx, [x], [out], { dims }) => sumOnWasm(ctx, x, out, dims, name === "mean")
        : mode === 1 || mode === 2
          ? (ctx, [x], [out], { dims }) => extremeOnWasm(ctx, x, out, dims, mode === 1)
          : undefined,
    gpu(ctx, [x], [out], { dims }) {
      const p = reducePlan(x.shape, dims);
      check(p.keptShape.length <= 8 && p.redShape.length <= 8, name, () => "more than 8 dims after merging");
      // A workgroup per output (a tree in shared memory) pays off for long reductions into few
      // outputs; emulators pay heavily for its barriers, so they use it only for a handful of outputs.
      const perWorkgroup = ctx.tuning.cpuEmulated ? p.nRed >= 256 && p.nOut <= 16 : p.nRed >= 256 && p.nOut <= 8192;
      const wg = perWorkgroup && !ctx.tuning.cpuEmulated ? 256 : 64;
      const kernel = cachedKernel(`reduce/${name}/${perWorkgroup ? "workgroup" : "thread"}/${wg}`, () => ({
        code: reduceWgsl,
        bindings: ["read", "write"],
        constants: { MODE: mode, PER_WORKGROUP: perWorkgroup ? 1 : 0, WG: wg },
      }));
      const u = new Uniforms()
        .u32(p.nOut)
        .u32(p.nRed)
        .u32(p.keptShape.length)
        .u32(p.redShape.length)
        .f32(name === "mean" ? 1 / p.nRed : 1)
        .u32Array(p.keptShape, 2)
        .u32Array(p.keptStrides, 2)
        .u32Array(p.redShape, 2)
        .u32Array(p.redStrides, 2);
      const groups = perWorkgroup ? [Math.min(p.nOut, 65535), Math.ceil(p.nOut / 65535)] : [Math.min(Math.ceil(p.nOut / wg), ctx.tuning.gridWorkgroups)];
      ctx.dispatch(kernel, [x.binding, out.binding], u, groups);
    },
    vjp,
    test: { cases: TEST_CASES, gradcheck: !isArg },
  });
}

/** The shape x had before reducing `dims` without keepdim, with those dims as size 1. */
const keptShape = (x: Tensor, dims: number[]) => x.shape.map((d, i) => (dims.includes(i) ? 1 : d));

/** sum: every input element gets dy of its output: dx = expand(dy). */
export const sumOp = reduceOp("sum", ({ inputs: [x], dy, attrs }) => [expand(reshape(dy, keptShape(x, attrs.dims)), x.shape)]);

/** mean: dx = expand(dy) / n. */
export const meanOp = reduceOp("mean", ({ inputs: [x], dy, attrs }) => {
  const n = sizeOf(attrs.dims.map((d) => x.shape[d]));
  return [expand(reshape(mul(dy, 1 / n), keptShape(x, attrs.dims)), x.shape)];
});

/** max/min: the gradient goes to the elements equal to the result, split evenly between ties. */
const extremumVjp: OpDef<ReduceAttrs>["vjp"] = ({ inputs: [x], outputs: [y], dy, attrs }) => {
  const shape = keptShape(x, attrs.dims);
  const hits = eq(x, reshape(y, shape));
  const count = sumReduce(hits, attrs.dims, true);
  return [mul(hits, div(reshape(dy, shape), count))];
};

export const maxOp = reduceOp("max", extremumVjp);
export const minOp = reduceOp("min", extremumVjp);
export const argmaxOp = reduceOp("argmax");
export const argminOp = reduceOp("argmin");

type Dims = number | number[] | undefined | null;

function reduce(op: OpDef<ReduceAttrs>, x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  return apply1(op, [x], { dims: normalizeDims(op.name, dim, x.rank), keepdim });
}

function sumReduce(x: Tensor, dims: number[], keepdim: boolean): Tensor {
  return apply1(sumOp, [x], { dims, keepdim });
}

/** Sum over `dim` (one dim, a list, or all when omitted). */
export const sum = (x: Tensor, dim?: Dims, keepdim = false) => reduce(sumOp, x, dim, keepdim);
/** Mean over `dim` (one dim, a list, or all when omitted). */
export const mean = (x: Tensor, dim?: Dims, keepdim = false) => reduce(meanOp, x, dim, keepdim);
/** Largest value over `dim` (PyTorch's amax). */
export const max = (x: Tensor, dim?: Dims, keepdim = false) => reduce(maxOp, x, dim, keepdim);
/** Smallest value over `dim` (PyTorch's amin). */
export const min = (x: Tensor, dim?: Dims, keepdim = false) => reduce(minOp, x, dim, keepdim);
/** Index of the largest value along `dim` (of the flattened tensor when omitted); int32. */
export const argmax = (x: Tensor, dim?: number, keepdim = false) =>
  dim === undefined ? reduce(argmaxOp, reshape(x, [-1]), 0, false) : reduce(argmaxOp, x, dim, keepdim);
/** Index of the smallest value along `dim` (of the flattened tensor when omitted); int32. */
export const argmin = (x: Tensor, dim?: number, keepdim = false) =>
  dim === undefined ? reduce(argminOp, reshape(x, [-1]), 0, false) : reduce(argminOp, x, dim, keepdim);

/** Variance over `dim` with Bessel's correction by default (correction = 1), like torch.var. */
export function variance(x: Tensor, dim?: Dims, options: { correction?: number; keepdim?: boolean } = {}): Tensor {
  const { correction = 1, keepdim = false } = options;
  const dims = normalizeDims("var", dim, x.rank);
  const n = sizeOf(dims.map((d) => x.shape[d]));
  const centered = sub(x, mean(x, dims, true));
  return mul(sum(mul(centered, centered), dims, keepdim), 1 / Math.max(n - correction, 0));
}

/** Standard deviation: sqrt(var). */
export function std(x: Tensor, dim?: Dims, options: { correction?: number; keepdim?: boolean } = {}): Tensor {
  const v = variance(x, dim, options);
  return apply1(sqrtOp, [v], {});
}

/** log(sum(exp(x))) over `dim`, computed stably as m + log(sum(exp(x - m))). */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  const dims = normalizeDims("logsumexp", dim, x.rank);
  const m = max(x, dims, true);
  const shifted = apply1(expOp, [sub(x, m)], {});
  const s = apply1(logOp, [sum(shifted, dims, true)], {});
  const out = add(s, m);
  return keepdim ? out : reshape(out, outputShape(x.shape, dims, false));
}

/** Sums a broadcast gradient back to `shape` (the reverse of broadcasting). */
export function sumToShape(g: Tensor, shape: number[]): Tensor {
  const lead = g.rank - shape.length;
  check(lead >= 0, "sumToShape", () => `cannot reduce rank ${g.rank} to rank ${shape.length}`);
  const dims: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  const summed = dims.length ? sumReduce(g, dims, true) : g;
  return reshape(summed, shape);
}

/** This module's ops, by name (the registry joins every module's table). */
export const reduceOps = {
  sum: sumOp,
  mean: meanOp,
  max: maxOp,
  min: minOp,
  argmax: argmaxOp,
  argmin: argminOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    reduce: typeof reduceOps;
  }
}
