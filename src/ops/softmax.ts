/**
 * softmax and logSoftmax along any dim, and their fused gradients, on shaders/softmax*.wgsl (and on
 * the wasm backend, rows along the last dim: src/backend/wasm/kernels/softmax.ts).
 *   softmax:     dx = y (dy - Σ dy·y)
 *   logSoftmax:  dx = dy - exp(y) Σ dy
 */

import forwardWgsl from "../../shaders/softmax.wgsl?raw";
import backwardWgsl from "../../shaders/softmax_backward.wgsl?raw";
import type { GpuContext, GpuTensor } from "../backend/webgpu/context";
import { cachedKernel, Uniforms } from "../backend/webgpu/kernel";
import { check } from "../errors";
import { apply1 } from "../tensor/engine";
import { normalizeDim, sizeOf } from "../tensor/shape";
import type { Tensor } from "../tensor/tensor";
import { type CpuTensor, defineOp, type OpDef, type OpTable } from "./op";

type DimAttrs = { dim: number };

/** [outer, D, inner] around `dim`. */
function rowsOf(shape: number[], dim: number) {
  const D = shape[dim] ?? 1;
  const inner = sizeOf(shape.slice(dim + 1));
  const outer = sizeOf(shape.slice(0, dim));
  return { D, inner, rows: outer * inner };
}

function record(ctx: GpuContext, source: string, name: string, mode: number, inputs: GpuTensor[], out: GpuTensor, dim: number) {
  const { D, inner, rows } = rowsOf(out.shape, dim);
  if (rows === 0 || D === 0) return;
  // A workgroup per row for long rows; emulators pay heavily for its barriers, so only when few rows.
  const perWorkgroup = D >= 128 && (!ctx.tuning.cpuEmulated || rows <= 16);
  const wg = perWorkgroup && !ctx.tuning.cpuEmulated ? 128 : 64;
  const kernel = cachedKernel(`${name}/${perWorkgroup ? "workgroup" : "thread"}/${wg}`, () => ({
    code: source,
    bindings: [...inputs.map(() => "read" as const), "write" as const],
    constants: { MODE: mode, PER_WORKGROUP: perWorkgroup ? 1 : 0, WG: wg },
  }));
  const groups = perWorkgroup ? [Math.min(rows, 65535), Math.ceil(rows / 65535)] : [Math.min(Math.ceil(rows / wg), ctx.tuning.gridWorkgroups)];
  ctx.dispatch(kernel, [...inputs.map((t) => t.binding), out.binding], new Uniforms().u32(rows).u32(D).u32(inner), groups);
}

/** Visits each row's element offsets on the CPU. */
function forRows(shape: number[], dim: number, visit: (at: (d: number) => number, D: number) => void) {
  const { D, inner, rows } = rowsOf(shape, dim);
  for (let r = 0; r < rows; r++) {
    const base = Math.floor(r / inner) * D * inner + (r % inner);
    visit((d) => base + d * inner, D);
  }
}

const CASES = [
  { inputs: [[4, 10]], attrs: { dim: 1 } },
  { inputs: [[2, 5, 3]], attrs: { dim: 1 } },
  { inputs: [[1]], attrs: { dim: 0 } },
  { inputs: [[3, 300]], attrs: { dim: 1 } },
  { inputs: [[130, 2]], attrs: { dim: 0 } },
];

function forwardOp(name: "softmax" | "logSoftmax", mode: 0 | 1, backward: () => OpDef<DimAttrs>): OpDef<DimAttrs> {
  return defineOp<DimAttrs>({
    name,
    infer([x]) {
      check(x.dtype === "float32", name, () => `expected float32, got ${x.dtype}`);
      return [{ shape: x.shape, dtype: "float32" }];
    },
    cpu([x], [y], { dim }) {
      forRows(x.shape, dim, (at, D) => {
        let m = -Infinity;
        for (let d = 0; d < D; d++) m = Math.max(m, x.data[at(d)]);
        let s = 0;
        for (let d = 0; d < D; d++) s += Math.exp(x.data[at(d)] - m);
        for (let d = 0; d < D; d++) y.data[at(d)] = mode === 0 ? Math.exp(x.data[at(d)] - m) / s : x.data[at(d)] - m - Math.log(s);
      });
    },
    gpu(ctx, [x], [y], { dim }) {
      record(ctx, forwardWgsl, name, mode, [x], y, dim);
    },
    wasm(ctx, [x], [y], { dim }) {
      const { D, inner, rows } = rowsOf(x.shape, dim);
      if (inner !== 1 || D === 0) return false; // rows along another dim: the reference
      ctx.kernels.softmaxRows(x.offset, y.offset, rows, D, mode);
    },
    vjp: ({ outputs: [y], dy, attrs }) => [apply1(backward(), [dy, y], attrs)],
    test: { cases: CASES, domain: [-3, 3] },
  });
}

function backwardOp(name: string, mode: 0 | 1): OpDef<DimAttrs> {
  return defineOp<DimAttrs>({
    name,
    infer: ([dy]) => [{ shape: dy.shape, dtype: "float32" }],
    cpu([dy, y], [dx], { dim }) {
      const g = (t: CpuTensor, i: number) => t.data[i];
      forRows(dy.shape, dim, (at, D) => {
        let s = 0;
        for (let d = 0; d < D; d++) s += mode === 0 ? g(dy, at(d)) * g(y, at(d)) : g(dy, at(d));
        for (let d = 0; d < D; d++) dx.data[at(d)] = mode === 0 ? g(y, at(d)) * (g(dy, at(d)) - s) : g(dy, at(d)) - Math.exp(g(y, at(d))) * s;
      });
    },
    gpu(ctx, [dy, y], [dx], { dim }) {
      record(ctx, backwardWgsl, name, mode, [dy, y], dx, dim);
    },
    wasm(ctx, [dy, y], [dx], { dim }) {
      const { D, inner, rows } = rowsOf(dy.shape, dim);
      if (inner !== 1 || D === 0) return false;
      ctx.kernels.softmaxBackwardRows(dy.offset, y.offset, dx.offset, rows, D, mode);
    },
    test: { cases: CASES.map((c) => ({ ...c, inputs: [c.inputs[0], c.inputs[0]] })), gradcheck: false },
  });
}

export const softmaxBackwardOp = backwardOp("softmaxBackward", 0);
export const logSoftmaxBackwardOp = backwardOp("logSoftmaxBackward", 1);
export const softmaxOp = forwardOp("softmax", 0, () => softmaxBackwardOp);
export const logSoftmaxOp = forwardOp("logSoftmax", 1, () => logSoftmaxBackwardOp);

/** Softmax along `dim`. */
export const softmax = (x: Tensor, dim: number) => apply1(softmaxOp, [x], { dim: normalizeDim("softmax", dim, x.rank) });
/** log(softmax(x)) along `dim`, computed stably. */
export const logSoftmax = (x: Tensor, dim: number) => apply1(logSoftmaxOp, [x], { dim: normalizeDim("logSoftmax", dim, x.rank) });

/** This module's ops, by name (the registry joins every module's table). */
export const softmaxOps = {
  softmaxBackward: softmaxBackwardOp,
  logSoftmaxBackward: logSoftmaxBackwardOp,
  softmax: softmaxOp,
  logSoftmax: logSoftmaxOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    softmax: typeof softmaxOps;
  }
}
