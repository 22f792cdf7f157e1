/**
 * Pooling and upsampling on NCHW images: maxPool2d (with dilation and ceil mode, remembering the
 * argmax for its gradient), avgPool2d (count_include_pad, ceil mode), adaptiveAvgPool2d and nearest
 * upsampling, each forward and backward on shaders/pool2d.wgsl and shaders/upsample.wgsl.
 */

import poolWgsl from "../../shaders/pool2d.wgsl?raw";
import upsampleWgsl from "../../shaders/upsample.wgsl?raw";
import type { PoolArgs } from "../backend/wasm/kernels/pool";
import type { WasmContext, WasmTensor } from "../backend/wasm/wasm-backend";
import type { GpuContext, GpuTensor } from "../backend/webgpu/context";
import { cachedKernel, fillTemplate, Uniforms } from "../backend/webgpu/kernel";
import { check, fmtShape } from "../errors";
import { apply, apply1 } from "../tensor/engine";
import { sizeOf } from "../tensor/shape";
import type { Tensor } from "../tensor/tensor";
import { defineOp, type OpDef, type OpTable, type TensorMeta } from "./op";
import { type Pair, pair, poolOutSize } from "./sizes";

export interface PoolAttrs {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
  countIncludePad: boolean;
  /** Adaptive average pooling to `outputSize` (the window fields are then unused). */
  adaptive: boolean;
  outputSize: [number, number];
}

/** The output shape of a pooling op on `x` (PyTorch's sizes, ceil mode included: see poolOutSize). */
function outShape(op: string, x: TensorMeta, a: PoolAttrs): number[] {
  check(x.shape.length === 4, op, () => `input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
  check(x.dtype === "float32", op, () => `input must be float32, got ${x.dtype}`);
  const [n, c, h, w] = x.shape;
  if (a.adaptive) {
    check(
      a.outputSize.every((v) => Number.isInteger(v) && v >= 1),
      op,
      () => `output size must be whole numbers >= 1, got [${a.outputSize}]`,
    );
    return [n, c, ...a.outputSize];
  }
  const [kh, kw] = a.kernel;
  check(
    [...a.kernel, ...a.stride, ...a.dilation].every((v) => Number.isInteger(v) && v >= 1),
    op,
    () => `kernel, stride and dilation must be whole numbers >= 1`,
  );
  check(
    a.padding[0] <= kh / 2 && a.padding[1] <= kw / 2 && a.padding.every((p) => p >= 0),
    op,
    () => `padding [${a.padding}] must be at most half the kernel ${kh}x${kw}`,
  );
  const oh = poolOutSize(h, kh, a.stride[0], a.padding[0], a.dilation[0], a.ceilMode);
  const ow = poolOutSize(w, kw, a.stride[1], a.padding[1], a.dilation[1], a.ceilMode);
  check(oh > 0 && ow > 0, op, () => `a ${kh}x${kw} window does not fit the ${h}x${w} input; lower the kernel size or remove a pooling layer before it`);
  return [n, c, oh, ow];
}

/** One window along one dim, as the kernels define it. */
function windowOf(o: number, size: number, outSize: number, k: number, s: number, p: number, a: PoolAttrs) {
  if (a.adaptive) {
    const start = Math.floor((o * size) / outSize);
    const end = Math.ceil(((o + 1) * size) / outSize);
    return { start, end, span: end - start };
  }
  const start = o * s - p;
  const end = Math.min(start + k, size + p);
  return { start: Math.max(start, 0), end: Math.min(end, size), span: end - start };
}

/** Visits each output of each plane with its window (average) or taps (max). */
function forEachOutput(
  shape: number[],
  out: number[],
  a: PoolAttrs,
  kind: "max" | "avg",
  visit: (plane: number, o: number, taps: number[], divisor: number) => void,
) {
  const [n, c, h, w] = shape;
  const [, , oh, ow] = out;
  for (let plane = 0; plane < n * c; plane++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++) {
        const taps: number[] = [];
        let divisor = 0;
        if (kind === "avg") {
          const wh = windowOf(y, h, oh, a.kernel[0], a.stride[0], a.padding[0], a);
          const ww = windowOf(x, w, ow, a.kernel[1], a.stride[1], a.padding[1], a);
          for (let i = wh.start; i < wh.end; i++) for (let j = ww.start; j < ww.end; j++) taps.push(i * w + j);
          divisor = !a.adaptive && a.countIncludePad ? wh.span * ww.span : (wh.end - wh.start) * (ww.end - ww.start);
        } else {
          for (let ti = 0; ti < a.kernel[0]; ti++) {
            const i = y * a.stride[0] - a.padding[0] + ti * a.dilation[0];
            if (i < 0 || i >= h) continue;
            for (let tj = 0; tj < a.kernel[1]; tj++) {
              const j = x * a.stride[1] - a.padding[1] + tj * a.dilation[1];
              if (j >= 0 && j < w) taps.push(i * w + j);
            }
          }
        }
        visit(plane, (plane * oh + y) * ow + x, taps, divisor);
      }
}

function poolKernel(mode: number, adaptive: boolean, withIndices: boolean, indicesAccess: "read" | "write") {
  return cachedKernel(`pool2d/${mode}/${adaptive ? "adaptive" : "window"}`, () => ({
    code: fillTemplate(poolWgsl, {
      INDICES: withIndices
        ? `@group(0) @binding(3) var<storage, ${indicesAccess === "read" ? "read" : "read_write"}> indices: array<i32>;\n` +
          (indicesAccess === "write"
            ? "fn save_index(i: u32, v: i32) { indices[i] = v; }\nfn load_index(i: u32) -> i32 { return 0; }"
            : "fn save_index(i: u32, v: i32) {}\nfn load_index(i: u32) -> i32 { return indices[i]; }")
        : "fn save_index(i: u32, v: i32) {}\nfn load_index(i: u32) -> i32 { return 0; }",
    }),
    bindings: withIndices ? ["read", "write", indicesAccess] : ["read", "write"],
    constants: { MODE: mode, ADAPTIVE: adaptive ? 1 : 0 },
  }));
}

function recordPool(ctx: GpuContext, mode: number, a: PoolAttrs, input: number[], output: number[], src: GpuTensor, dst: GpuTensor, indices?: GpuTensor) {
  const [n, c, h, w] = input;
  const [, , oh, ow] = output;
  const kernel = poolKernel(mode, a.adaptive, indices !== undefined, mode === 0 ? "write" : "read");
  const u = new Uniforms()
    .u32(n * c)
    .u32(h)
    .u32(w)
    .u32(oh)
    .u32(ow);
  for (const v of [...a.kernel, ...a.stride, ...a.padding, ...a.dilation]) u.u32(v);
  u.u32(a.countIncludePad ? 1 : 0);
  const total = mode < 2 ? n * c * oh * ow : n * c * h * w;
  const bindings = indices ? [src.binding, dst.binding, indices.binding] : [src.binding, dst.binding];
  ctx.dispatch(kernel, bindings, u, [Math.min(Math.ceil(total / 256), ctx.tuning.gridWorkgroups)]);
}

/**
 * Runs a wasm average-pooling kernel (src/backend/wasm/kernels/avg-pool.ts) with its table of
 * windows: each output row's [start, end, span], then each output column's, from windowOf.
 */
function avgPoolOnWasm(
  ctx: WasmContext,
  kernel: "avgPool2d" | "avgPool2dBackward",
  src: WasmTensor,
  dst: WasmTensor,
  input: number[],
  output: number[],
  a: PoolAttrs,
) {
  const [n, c, h, w] = input;
  const [, , oh, ow] = output;
  const bytes = (oh + ow) * 12;
  const windows = ctx.heap.allocate(bytes);
  try {
    const table = ctx.heap.i32(windows, (oh + ow) * 3);
    for (let y = 0; y < oh; y++) {
      const r = windowOf(y, h, oh, a.kernel[0], a.stride[0], a.padding[0], a);
      table.set([r.start, r.end, r.span], y * 3);
    }
    for (let x = 0; x < ow; x++) {
      const r = windowOf(x, w, ow, a.kernel[1], a.stride[1], a.padding[1], a);
      table.set([r.start, r.end, r.span], (oh + x) * 3);
    }
    ctx.kernels[kernel](src.offset, dst.offset, n * c, h, w, oh, ow, windows, !a.adaptive && a.countIncludePad ? 1 : 0);
  } finally {
    ctx.heap.free(windows, bytes);
  }
}

/** The wasm max-pooling kernels' arguments (src/backend/wasm/kernels/pool.ts). */
function poolArgs(src: number, dst: number, idx: number, input: number[], output: number[], a: PoolAttrs): PoolArgs {
  const [n, c, h, w] = input;
  return [src, dst, idx, n * c, h, w, output[2], output[3], ...a.kernel, ...a.stride, ...a.padding, ...a.dilation];
}

export interface MaxPool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

/** Attrs of a windowed pooling, with PyTorch's defaults (stride = kernel size). */
function windowAttrs(kernelSize: Pair, o: MaxPool2dOptions & { countIncludePad?: boolean } = {}): PoolAttrs {
  const kernel = pair(kernelSize);
  return {
    kernel,
    stride: pair(o.stride ?? kernel),
    padding: pair(o.padding ?? 0),
    dilation: pair(o.dilation ?? 1),
    ceilMode: o.ceilMode ?? false,
    countIncludePad: o.countIncludePad ?? true,
    adaptive: false,
    outputSize: [1, 1],
  };
}

/** Attrs of an adaptive average pooling to `outputSize`. */
function adaptiveAttrs(outputSize: Pair): PoolAttrs {
  return { ...windowAttrs(1), adaptive: true, outputSize: pair(outputSize) };
}

const POOL_CASES: PoolAttrs[] = [
  windowAttrs(2),
  windowAttrs(3, { stride: 2, padding: 1 }),
  windowAttrs(3, { stride: 1, padding: 1 }),
  windowAttrs([3, 2], { stride: [2, 1], padding: [1, 0], ceilMode: true, countIncludePad: false }),
];

/** Max pooling: outputs the maxima and (int32) where each came from, h W + w within its plane. */
export const maxPool2dOp: OpDef<PoolAttrs> = defineOp<PoolAttrs>({
  name: "maxPool2d",
  infer([x], a) {
    const shape = outShape("maxPool2d", x, a);
    return [
      { shape, dtype: "float32" },
      { shape, dtype: "int32" },
    ];
  },
  cpu([x], [y, idx], a) {
    const planeSize = x.shape[2] * x.shape[3];
    forEachOutput(x.shape, y.shape, a, "max", (plane, o, taps) => {
      let best = -Infinity;
      let at = -1;
      for (const t of taps) {
        const v = x.data[plane * planeSize + t];
        if (v > best || at < 0) {
          best = v;
          at = t;
        }
      }
      y.data[o] = best;
      idx.data[o] = at;
    });
  },
  gpu(ctx, [x], [y, idx], a) {
    recordPool(ctx, 0, a, x.shape, y.shape, x, y, idx);
  },
  wasm(ctx, [x], [y, idx], a) {
    ctx.kernels.maxPool2d(...poolArgs(x.offset, y.offset, idx.offset, x.shape, y.shape, a));
  },
  vjp: ({ inputs: [x], outputs: [, idx], dy, attrs }) => [apply1(maxPool2dBackwardOp, [dy, idx], { ...attrs, inputShape: x.shape })],
  test: {
    cases: [
      ...POOL_CASES.map((attrs) => ({ inputs: [[2, 3, 9, 8]], attrs })),
      { inputs: [[1, 2, 7, 7]], attrs: windowAttrs(3, { stride: 1, padding: 1, dilation: 2 }) },
    ],
  },
});

type BackwardAttrs = PoolAttrs & { inputShape: number[] };

/** Sends each output gradient to the input element that won its window. */
export const maxPool2dBackwardOp: OpDef<BackwardAttrs> = defineOp<BackwardAttrs>({
  name: "maxPool2dBackward",
  infer: (_, a) => [{ shape: a.inputShape, dtype: "float32" }],
  cpu([dy, idx], [dx], a) {
    dx.data.fill(0);
    const planeSize = a.inputShape[2] * a.inputShape[3];
    // An index outside its own window is ignored, as the WebGPU kernel (which gathers) does.
    forEachOutput(a.inputShape, dy.shape, a, "max", (plane, o, taps) => {
      if (taps.includes(idx.data[o])) dx.data[plane * planeSize + idx.data[o]] += dy.data[o];
    });
  },
  gpu(ctx, [dy, idx], [dx], a) {
    recordPool(ctx, 2, a, a.inputShape, dy.shape, dy, dx, idx);
  },
  wasm(ctx, [dy, idx], [dx], a) {
    ctx.heap.f32(dx.offset, sizeOf(a.inputShape)).fill(0);
    ctx.kernels.maxPool2dBackward(...poolArgs(dy.offset, dx.offset, idx.offset, a.inputShape, dy.shape, a));
  },
  test: {
    cases: POOL_CASES.map((attrs) => {
      const out = outShape("test", { shape: [2, 3, 9, 8], dtype: "float32" }, attrs);
      return { inputs: [out, { shape: out, int: [0, 1] }], attrs: { ...attrs, inputShape: [2, 3, 9, 8] } };
    }),
    gradcheck: false,
  },
});

/** Average pooling (or adaptive average pooling when attrs.adaptive). */
export const avgPool2dOp: OpDef<PoolAttrs> = defineOp<PoolAttrs>({
  name: "avgPool2d",
  infer: ([x], a) => [{ shape: outShape(a.adaptive ? "adaptiveAvgPool2d" : "avgPool2d", x, a), dtype: "float32" }],
  cpu([x], [y], a) {
    const planeSize = x.shape[2] * x.shape[3];
    forEachOutput(x.shape, y.shape, a, "avg", (plane, o, taps, divisor) => {
      let s = 0;
      for (const t of taps) s += x.data[plane * planeSize + t];
      y.data[o] = s / divisor;
    });
  },
  gpu(ctx, [x], [y], a) {
    recordPool(ctx, 1, a, x.shape, y.shape, x, y);
  },
  wasm(ctx, [x], [y], a) {
    avgPoolOnWasm(ctx, "avgPool2d", x, y, x.shape, y.shape, a);
  },
  vjp: ({ inputs: [x], dy, attrs }) => [apply1(avgPool2dBackwardOp, [dy], { ...attrs, inputShape: x.shape })],
  test: {
    cases: [
      ...POOL_CASES.map((attrs) => ({ inputs: [[2, 3, 9, 8]], attrs })),
      {
        inputs: [[2, 5, 4, 4]],
        attrs: adaptiveAttrs([1, 1]),
      },
      {
        inputs: [[1, 2, 7, 5]],
        attrs: adaptiveAttrs([3, 2]),
      },
    ],
  },
});

/** Spreads each output gradient evenly over its window. */
export const avgPool2dBackwardOp: OpDef<BackwardAttrs> = defineOp<BackwardAttrs>({
  name: "avgPool2dBackward",
  infer: (_, a) => [{ shape: a.inputShape, dtype: "float32" }],
  cpu([dy], [dx], a) {
    dx.data.fill(0);
    const planeSize = a.inputShape[2] * a.inputShape[3];
    forEachOutput(a.inputShape, dy.shape, a, "avg", (plane, o, taps, divisor) => {
      for (const t of taps) dx.data[plane * planeSize + t] += dy.data[o] / divisor;
    });
  },
  gpu(ctx, [dy], [dx], a) {
    recordPool(ctx, 3, a, a.inputShape, dy.shape, dy, dx);
  },
  wasm(ctx, [dy], [dx], a) {
    ctx.heap.f32(dx.offset, sizeOf(a.inputShape)).fill(0);
    avgPoolOnWasm(ctx, "avgPool2dBackward", dy, dx, a.inputShape, dy.shape, a);
  },
  vjp: ({ dy: g, attrs }) => {
    const { inputShape: _, ...pool } = attrs;
    return [apply1(avgPool2dOp, [g], pool)];
  },
  test: {
    cases: [
      ...POOL_CASES.map((attrs) => ({
        inputs: [outShape("test", { shape: [2, 3, 9, 8], dtype: "float32" }, attrs)],
        attrs: { ...attrs, inputShape: [2, 3, 9, 8] },
      })),
      {
        inputs: [[1, 2, 3, 2]],
        attrs: { ...adaptiveAttrs([3, 2]), inputShape: [1, 2, 7, 5] },
      },
    ],
  },
});

type UpsampleAttrs = { size: [number, number] };

function recordUpsample(ctx: GpuContext, mode: 0 | 1, small: number[], big: number[], src: GpuTensor, dst: GpuTensor) {
  const kernel = cachedKernel(`upsample/${mode}`, () => ({ code: upsampleWgsl, bindings: ["read", "write"], constants: { MODE: mode } }));
  const total = mode === 0 ? big[0] * big[1] * big[2] * big[3] : small[0] * small[1] * small[2] * small[3];
  const u = new Uniforms()
    .u32(small[0] * small[1])
    .u32(small[2])
    .u32(small[3])
    .u32(big[2])
    .u32(big[3]);
  ctx.dispatch(kernel, [src.binding, dst.binding], u, [Math.min(Math.ceil(total / 256), ctx.tuning.gridWorkgroups)]);
}

/** Runs a wasm upsampling kernel (src/backend/wasm/kernels/upsample.ts) with its table of source rows, then columns. */
function upsampleOnWasm(
  ctx: WasmContext,
  kernel: "upsampleNearest" | "upsampleNearestBackward",
  src: WasmTensor,
  dst: WasmTensor,
  small: number[],
  big: number[],
) {
  const [n, c, h, w] = small;
  const [, , oh, ow] = big;
  const bytes = (oh + ow) * 4;
  const sources = ctx.heap.allocate(bytes);
  try {
    const table = ctx.heap.i32(sources, oh + ow);
    for (let o = 0; o < oh; o++) table[o] = upsampleSource(o, h, oh);
    for (let p = 0; p < ow; p++) table[oh + p] = upsampleSource(p, w, ow);
    ctx.kernels[kernel](src.offset, dst.offset, n * c, h, w, oh, ow, sources);
  } finally {
    ctx.heap.free(sources, bytes);
  }
}

/** Output pixel (o, p) of each plane copies input pixel (floor(o H / OH), floor(p W / OW)). */
function upsampleSource(o: number, inSize: number, outSize: number): number {
  return Math.floor((o * inSize) / outSize);
}

export const upsampleNearestOp: OpDef<UpsampleAttrs> = defineOp<UpsampleAttrs>({
  name: "upsampleNearest",
  infer([x], { size }) {
    check(x.shape.length === 4, "upsample", () => `input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
    check(
      size.every((v) => Number.isInteger(v) && v >= 1),
      "upsample",
      () => `output size must be whole numbers >= 1, got [${size}]`,
    );
    return [{ shape: [x.shape[0], x.shape[1], ...size], dtype: x.dtype }];
  },
  cpu([x], [y]) {
    const [, , h, w] = x.shape;
    const [n, c, oh, ow] = y.shape;
    for (let p = 0; p < n * c; p++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) y.data[(p * oh + i) * ow + j] = x.data[(p * h + upsampleSource(i, h, oh)) * w + upsampleSource(j, w, ow)];
  },
  gpu(ctx, [x], [y]) {
    recordUpsample(ctx, 0, x.shape, y.shape, x, y);
  },
  wasm(ctx, [x], [y]) {
    if (x.dtype !== "float32") return false;
    upsampleOnWasm(ctx, "upsampleNearest", x, y, x.shape, y.shape);
  },
  vjp: ({ inputs: [x], dy }) => [apply1(upsampleNearestBackwardOp, [dy], { size: [x.shape[2], x.shape[3]] })],
  test: {
    cases: [
      { inputs: [[1, 2, 3, 4]], attrs: { size: [6, 8] } },
      { inputs: [[2, 1, 3, 3]], attrs: { size: [4, 7] } },
    ],
  },
});

/** Sums each output gradient into the input pixel it copied. `size` is the input's H, W. */
export const upsampleNearestBackwardOp: OpDef<UpsampleAttrs> = defineOp<UpsampleAttrs>({
  name: "upsampleNearestBackward",
  infer: ([dy], { size }) => [{ shape: [dy.shape[0], dy.shape[1], ...size], dtype: "float32" }],
  cpu([dy], [dx]) {
    const [, , oh, ow] = dy.shape;
    const [n, c, h, w] = dx.shape;
    dx.data.fill(0);
    for (let p = 0; p < n * c; p++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) dx.data[(p * h + upsampleSource(i, h, oh)) * w + upsampleSource(j, w, ow)] += dy.data[(p * oh + i) * ow + j];
  },
  gpu(ctx, [dy], [dx]) {
    recordUpsample(ctx, 1, dx.shape, dy.shape, dy, dx);
  },
  wasm(ctx, [dy], [dx]) {
    ctx.heap.f32(dx.offset, sizeOf(dx.shape)).fill(0);
    upsampleOnWasm(ctx, "upsampleNearestBackward", dy, dx, dx.shape, dy.shape);
  },
  vjp: ({ dy: g, inputs: [dy] }) => [apply1(upsampleNearestOp, [g], { size: [dy.shape[2], dy.shape[3]] })],
  test: {
    cases: [
      { inputs: [[1, 2, 6, 8]], attrs: { size: [3, 4] } },
      { inputs: [[2, 1, 4, 7]], attrs: { size: [3, 3] } },
    ],
  },
});

// ---- public functions ----

/** Max pooling over kernelSize windows (stride defaults to the kernel size). */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor {
  return apply(maxPool2dOp, [x], windowAttrs(kernelSize, options))[0];
}

/** Max pooling that also returns the argmax indices (h W + w within each plane), like return_indices=True. */
export function maxPool2dWithIndices(x: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): [Tensor, Tensor] {
  const [y, idx] = apply(maxPool2dOp, [x], windowAttrs(kernelSize, options));
  return [y, idx];
}

/** Average pooling; countIncludePad (default true) divides by the full window, padding included. */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: Omit<MaxPool2dOptions, "dilation"> & { countIncludePad?: boolean } = {}): Tensor {
  return apply1(avgPool2dOp, [x], windowAttrs(kernelSize, options));
}

/** Average pooling to a fixed output size (1 gives global average pooling). */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  return apply1(avgPool2dOp, [x], adaptiveAttrs(outputSize));
}

/** Nearest-neighbour upsampling to `size` [H, W] or by an integer `scaleFactor`. */
export function upsample(x: Tensor, options: { size?: Pair; scaleFactor?: Pair; mode?: "nearest" }): Tensor {
  check((options.mode ?? "nearest") === "nearest", "upsample", () => `only mode 'nearest' is implemented, got '${options.mode}'`);
  check(x.rank === 4, "upsample", () => `input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
  check((options.size === undefined) !== (options.scaleFactor === undefined), "upsample", () => "give exactly one of size and scaleFactor");
  const [sh, sw] = options.scaleFactor === undefined ? [0, 0] : pair(options.scaleFactor);
  const size = options.size ? pair(options.size) : ([Math.floor(x.shape[2] * sh), Math.floor(x.shape[3] * sw)] as [number, number]);
  return apply1(upsampleNearestOp, [x], { size });
}

/** This module's ops, by name (the registry joins every module's table). */
export const poolOps = {
  maxPool2d: maxPool2dOp,
  maxPool2dBackward: maxPool2dBackwardOp,
  avgPool2d: avgPool2dOp,
  avgPool2dBackward: avgPool2dBackwardOp,
  upsampleNearest: upsampleNearestOp,
  upsampleNearestBackward: upsampleNearestBackwardOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    pool: typeof poolOps;
  }
}
