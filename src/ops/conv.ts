/**
 * 2-D convolution (NCHW, weights [C_out, C_in, KH, KW]) with stride, padding (per side, 'same',
 * 'valid'), dilation, and transposed convolution. Three registry ops share shaders/conv2d.wgsl
 * (implicit GEMM): the forward pass and its two gradients, each differentiable in turn:
 *   y  = conv(x, w)                 dx = convBackwardInput(dy, w)    dw = convBackwardWeight(x, dy)
 * convTranspose2d is convBackwardInput run forwards (PyTorch's weight layout [C_in, C_out, KH, KW]).
 * On the wasm backend each is a GEMM over chunks of images' columns (src/ops/kernels/conv-wasm.ts).
 */

import col2imWgsl from "../../shaders/col2im.wgsl?raw";
import convWgsl from "../../shaders/conv2d.wgsl?raw";
import type { GpuContext, GpuTensor } from "../backend/webgpu/context";
import { cachedKernel, Uniforms } from "../backend/webgpu/kernel";
import { check, fmtShape } from "../errors";
import { apply1 } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { add } from "./binary";
import { type ConvSizes, conv2dBackwardInputWasm, conv2dBackwardWeightWasm, conv2dWasm } from "./kernels/conv-wasm";
import { gemmGrid, gemmKernel, gemmTile } from "./kernels/gemm";
import { defineOp, type OpDef, type OpTable, type TensorMeta } from "./op";
import { sum } from "./reduce";
import { reshape } from "./shape-ops";
import { convOutSize, type Pair, pair, resolvePadding } from "./sizes";

export interface ConvGeometry {
  stride: [number, number];
  /** [top, bottom, left, right] */
  padding: [number, number, number, number];
  dilation: [number, number];
}

/** A convolution's sizes (shared with the wasm path). */
type Dims = ConvSizes;

function dimsOf(x: number[], w: number[], g: ConvGeometry): Dims {
  const [n, cIn, h, wd] = x;
  const [cOut, , kh, kw] = w;
  const [pt, pb, pl, pr] = g.padding;
  return {
    n,
    cIn,
    h,
    w: wd,
    cOut,
    kh,
    kw,
    oh: convOutSize(h, kh, g.stride[0], pt, pb, g.dilation[0]),
    ow: convOutSize(wd, kw, g.stride[1], pl, pr, g.dilation[1]),
  };
}

function checkGeometry(op: string, g: ConvGeometry): void {
  check(
    g.stride.every((s) => Number.isInteger(s) && s >= 1),
    op,
    () => `stride must be whole numbers >= 1, got [${g.stride}]`,
  );
  check(
    g.dilation.every((d) => Number.isInteger(d) && d >= 1),
    op,
    () => `dilation must be whole numbers >= 1, got [${g.dilation}]`,
  );
  check(
    g.padding.every((p) => Number.isInteger(p) && p >= 0),
    op,
    () => `padding must be whole numbers >= 0, got [${g.padding}]`,
  );
}

/** Validates x [N, C, H, W] against w [C_out, C, KH, KW] and returns the geometry. */
function checkConv(op: string, x: TensorMeta, w: TensorMeta, g: ConvGeometry): Dims {
  checkGeometry(op, g);
  check(x.shape.length === 4, op, () => `input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
  check(w.shape.length === 4, op, () => `weight must be [C_out, C_in, KH, KW], got ${fmtShape(w.shape)}`);
  check(x.dtype === "float32" && w.dtype === "float32", op, () => "input and weight must be float32");
  check(x.shape[1] === w.shape[1], op, () => `input has ${x.shape[1]} channels but weight ${fmtShape(w.shape)} expects ${w.shape[1]}`);
  const d = dimsOf(x.shape, w.shape, g);
  check(
    d.oh > 0 && d.ow > 0,
    op,
    () =>
      `kernel ${d.kh}x${d.kw} (dilation ${g.dilation.join("x")}) does not fit the ${d.h}x${d.w} input with padding [${g.padding}]; lower the kernel or dilation, add padding, or remove a pooling layer before it`,
  );
  return d;
}

/** Checks that a gradient has the convolution's output shape. */
function checkGradient(op: string, dy: TensorMeta, d: Dims): void {
  const expected = [d.n, d.cOut, d.oh, d.ow];
  const ok = dy.shape.length === 4 && dy.shape.every((v, i) => v === expected[i]);
  check(ok, op, () => `gradient ${fmtShape(dy.shape)} does not match the convolution's output ${fmtShape(expected)}`);
}

type Binding = Pick<GpuTensor, "binding">;

/** Runs one of the convolution GEMMs (MODE 3: the columns of dx, for col2im). */
function recordConv(ctx: GpuContext, mode: 0 | 1 | 2 | 3, a: Binding, b: Binding, c: Binding, d: Dims, g: ConvGeometry, bias?: GpuTensor) {
  const khw = d.kh * d.kw;
  const [M, N, K] = [
    [d.n * d.oh * d.ow, d.cOut, d.cIn * khw],
    [d.n * d.h * d.w, d.cIn, d.cOut * khw],
    [d.cOut, d.cIn * khw, d.n * d.oh * d.ow],
    [d.cIn * khw, d.n * d.oh * d.ow, d.cOut],
  ][mode];
  const tile = gemmTile(ctx.tuning, M, N);
  const fills = bias
    ? { BIAS_DECL: "@group(0) @binding(4) var<storage, read> bias: array<f32>;\nfn bias_at(n: u32) -> f32 { return bias[n]; }" }
    : { BIAS_DECL: "fn bias_at(n: u32) -> f32 { return 0.0; }" };
  const name = ["conv2d", "conv2dBackwardInput", "conv2dBackwardWeight", "conv2dColumns"][mode] + (bias ? "+bias" : "");
  const kernel = gemmKernel(name, convWgsl, fills, bias ? ["read", "read", "write", "read"] : ["read", "read", "write"], tile, { MODE: mode });
  const u = new Uniforms().u32(M).u32(N).u32(K).u32(1);
  for (const v of [d.n, d.cIn, d.h, d.w, d.cOut, d.oh, d.ow, d.kh, d.kw, g.stride[0], g.stride[1], g.padding[0], g.padding[2], g.dilation[0], g.dilation[1]])
    u.u32(v);
  const bindings = [a.binding, b.binding, c.binding];
  if (bias) bindings.push(bias.binding);
  ctx.dispatch(kernel, bindings, u, gemmGrid(tile, M, N, 1));
}

/** Visits every (output pixel, kernel tap) pair that lands inside the input: the CPU reference's loop. */
function eachTap(d: Dims, g: ConvGeometry, visit: (xAt: number, wAt: number, yAt: number) => void) {
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const pt = g.padding[0];
  const pl = g.padding[2];
  for (let n = 0; n < d.n; n++)
    for (let co = 0; co < d.cOut; co++)
      for (let oh = 0; oh < d.oh; oh++)
        for (let ow = 0; ow < d.ow; ow++) {
          const yAt = ((n * d.cOut + co) * d.oh + oh) * d.ow + ow;
          for (let ci = 0; ci < d.cIn; ci++)
            for (let i = 0; i < d.kh; i++) {
              const ih = oh * sh - pt + i * dh;
              if (ih < 0 || ih >= d.h) continue;
              for (let j = 0; j < d.kw; j++) {
                const iw = ow * sw - pl + j * dw;
                if (iw < 0 || iw >= d.w) continue;
                visit(((n * d.cIn + ci) * d.h + ih) * d.w + iw, ((co * d.cIn + ci) * d.kh + i) * d.kw + j, yAt);
              }
            }
        }
}

const GEOMETRY_CASES: { x: number[]; w: number[]; g: ConvGeometry }[] = [
  { x: [2, 3, 9, 8], w: [4, 3, 3, 3], g: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1] } },
  { x: [1, 2, 9, 8], w: [3, 2, 3, 3], g: { stride: [2, 2], padding: [0, 0, 0, 0], dilation: [1, 1] } },
  { x: [1, 2, 9, 9], w: [3, 2, 3, 3], g: { stride: [1, 2], padding: [2, 2, 1, 1], dilation: [2, 1] } },
  { x: [1, 1, 5, 6], w: [1, 1, 2, 2], g: { stride: [1, 1], padding: [0, 1, 0, 1], dilation: [1, 1] } },
  { x: [3, 5, 7, 7], w: [70, 5, 1, 1], g: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1] } },
  // Few output channels (two blocks, the second partial), rows of 11: the wasm direct convolution's edges.
  { x: [2, 2, 9, 11], w: [9, 2, 3, 2], g: { stride: [2, 1], padding: [1, 0, 2, 1], dilation: [2, 2] } },
];

export const conv2dOp: OpDef<ConvGeometry> = defineOp<ConvGeometry>({
  name: "conv2d",
  infer([x, w, bias], g) {
    const d = checkConv("conv2d", x, w, g);
    if (bias) check(bias.shape.length === 1 && bias.shape[0] === d.cOut, "conv2d", () => `bias has shape ${fmtShape(bias.shape)}, expected [${d.cOut}]`);
    return [{ shape: [d.n, d.cOut, d.oh, d.ow], dtype: "float32" }];
  },
  cpu([x, w, bias], [y], g) {
    const d = dimsOf(x.shape, w.shape, g);
    const ohw = d.oh * d.ow;
    for (let i = 0; i < y.data.length; i++) y.data[i] = bias ? bias.data[Math.floor(i / ohw) % d.cOut] : 0;
    eachTap(d, g, (xi, wi, yi) => {
      y.data[yi] += x.data[xi] * w.data[wi];
    });
  },
  gpu(ctx, [x, w, bias], [y], g) {
    recordConv(ctx, 0, x, w, y, dimsOf(x.shape, w.shape, g), g, bias);
  },
  wasm(ctx, [x, w, bias], [y], g) {
    conv2dWasm(ctx, x, w, bias, y, dimsOf(x.shape, w.shape, g), g);
  },
  vjp: ({ inputs: [x, w, bias], dy, attrs: g, needs }) => [
    needs[0] ? apply1(conv2dBackwardInputOp, [dy, w], { ...g, inputShape: x.shape }) : null,
    needs[1] ? apply1(conv2dBackwardWeightOp, [x, dy], { ...g, weightShape: w.shape }) : null,
    bias && needs[2] ? sum(dy, [0, 2, 3]) : null,
  ],
  test: {
    cases: [...GEOMETRY_CASES.map((c) => ({ inputs: [c.x, c.w], attrs: c.g })), { inputs: [[2, 3, 9, 8], [4, 3, 3, 3], [4]], attrs: GEOMETRY_CASES[0].g }],
  },
});

type BackwardInputAttrs = ConvGeometry & { inputShape: number[] };
type BackwardWeightAttrs = ConvGeometry & { weightShape: number[] };

/** dx of a convolution: the transposed convolution of dy with w. Linear in dy and in w. */
export const conv2dBackwardInputOp: OpDef<BackwardInputAttrs> = defineOp<BackwardInputAttrs>({
  name: "conv2dBackwardInput",
  infer([dy, w], g) {
    const x = { shape: g.inputShape, dtype: "float32" as const };
    const d = checkConv("conv2dBackwardInput", x, w, g);
    checkGradient("conv2dBackwardInput", dy, d);
    return [x];
  },
  cpu([dy, w], [dx], g) {
    dx.data.fill(0);
    eachTap(dimsOf(g.inputShape, w.shape, g), g, (xi, wi, yi) => {
      dx.data[xi] += dy.data[yi] * w.data[wi];
    });
  },
  gpu(ctx, [dy, w], [dx], g) {
    const d = dimsOf(g.inputShape, w.shape, g);
    if (!ctx.tuning.cpuEmulated) {
      recordConv(ctx, 1, dy, w, dx, d, g);
      return;
    }
    // Emulators: a dense product into columns, then a gather into dx (no per-element branching in
    // the product, which an emulator runs lane by lane).
    const columns = d.n * d.oh * d.ow;
    const cols = ctx.scratch(d.cIn * d.kh * d.kw * columns * 4);
    recordConv(ctx, 3, w, dy, { binding: cols }, d, g);
    const kernel = cachedKernel("col2im", () => ({ code: col2imWgsl, bindings: ["read", "write"] }));
    const n = d.n * d.cIn * d.h * d.w;
    const u = new Uniforms().u32(n).u32(d.cIn).u32(d.h).u32(d.w).u32(d.oh).u32(d.ow).u32(d.kh).u32(d.kw);
    for (const v of [g.stride[0], g.stride[1], g.padding[0], g.padding[2], g.dilation[0], g.dilation[1], columns]) u.u32(v);
    ctx.dispatch(kernel, [cols, dx.binding], u, [Math.min(Math.ceil(n / 256), ctx.tuning.gridWorkgroups)]);
    ctx.releaseScratch(cols);
  },
  wasm(ctx, [dy, w], [dx], g) {
    conv2dBackwardInputWasm(ctx, dy, w, dx, dimsOf(g.inputShape, w.shape, g), g);
  },
  vjp: ({ inputs: [dy, w], dy: g, attrs, needs }) => {
    const { inputShape: _, ...geometry } = attrs;
    return [
      needs[0] ? apply1(conv2dOp, [g, w], geometry) : null,
      needs[1] ? apply1(conv2dBackwardWeightOp, [g, dy], { ...geometry, weightShape: w.shape }) : null,
    ];
  },
  test: {
    cases: GEOMETRY_CASES.map((c) => {
      const d = dimsOf(c.x, c.w, c.g);
      return { inputs: [[d.n, d.cOut, d.oh, d.ow], c.w], attrs: { ...c.g, inputShape: c.x } };
    }),
  },
});

/** dw of a convolution: correlates the input with dy. Linear in x and in dy. */
export const conv2dBackwardWeightOp: OpDef<BackwardWeightAttrs> = defineOp<BackwardWeightAttrs>({
  name: "conv2dBackwardWeight",
  infer([x, dy], g) {
    const w = { shape: g.weightShape, dtype: "float32" as const };
    const d = checkConv("conv2dBackwardWeight", x, w, g);
    checkGradient("conv2dBackwardWeight", dy, d);
    return [w];
  },
  cpu([x, dy], [dw], g) {
    dw.data.fill(0);
    eachTap(dimsOf(x.shape, g.weightShape, g), g, (xi, wi, yi) => {
      dw.data[wi] += x.data[xi] * dy.data[yi];
    });
  },
  gpu(ctx, [x, dy], [dw], g) {
    recordConv(ctx, 2, dy, x, dw, dimsOf(x.shape, g.weightShape, g), g);
  },
  wasm(ctx, [x, dy], [dw], g) {
    conv2dBackwardWeightWasm(ctx, x, dy, dw, dimsOf(x.shape, g.weightShape, g), g);
  },
  vjp: ({ inputs: [x, dy], dy: g, attrs, needs }) => {
    const { weightShape: _, ...geometry } = attrs;
    return [
      needs[0] ? apply1(conv2dBackwardInputOp, [dy, g], { ...geometry, inputShape: x.shape }) : null,
      needs[1] ? apply1(conv2dOp, [x, g], geometry) : null,
    ];
  },
  test: {
    cases: GEOMETRY_CASES.map((c) => {
      const d = dimsOf(c.x, c.w, c.g);
      return { inputs: [c.x, [d.n, d.cOut, d.oh, d.ow]], attrs: { ...c.g, weightShape: c.w } };
    }),
  },
});

// ---- public functions ----

export interface Conv2dOptions {
  stride?: Pair;
  /** Per side as [ph, pw] or a number; 'valid' (none) or 'same' (output size = input size, stride 1). */
  padding?: Pair | "same" | "valid";
  dilation?: Pair;
}

/** 2-D convolution of x [N, C_in, H, W] with weight [C_out, C_in, KH, KW] (+ bias [C_out]). */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const stride = pair(options.stride ?? 1);
  const dilation = pair(options.dilation ?? 1);
  check(weight.rank === 4, "conv2d", () => `weight must be [C_out, C_in, KH, KW], got ${fmtShape(weight.shape)}`);
  const padding = resolvePadding("conv2d", options.padding, [weight.shape[2], weight.shape[3]], stride, dilation);
  return apply1(conv2dOp, bias ? [x, weight, bias] : [x, weight], { stride, padding, dilation });
}

export interface ConvTranspose2dOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
}

/**
 * Transposed convolution of x [N, C_in, H, W] with weight [C_in, C_out, KH, KW] (PyTorch's layout),
 * output size (H - 1) s - 2p + d (k - 1) + outputPadding + 1.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  const stride = pair(options.stride ?? 1);
  const dilation = pair(options.dilation ?? 1);
  const [ph, pw] = pair(options.padding ?? 0);
  const [oph, opw] = pair(options.outputPadding ?? 0);
  check(x.rank === 4, "convTranspose2d", () => `input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
  check(
    weight.rank === 4 && weight.shape[0] === x.shape[1],
    "convTranspose2d",
    () => `weight must be [${x.shape[1]}, C_out, KH, KW] for ${x.shape[1]} input channels, got ${fmtShape(weight.shape)}`,
  );
  check(
    oph < Math.max(stride[0], dilation[0]) && opw < Math.max(stride[1], dilation[1]) && oph >= 0 && opw >= 0,
    "convTranspose2d",
    () => `outputPadding [${oph}, ${opw}] must be smaller than the stride or the dilation`,
  );
  const [kh, kw] = [weight.shape[2], weight.shape[3]];
  const h = (x.shape[2] - 1) * stride[0] - 2 * ph + dilation[0] * (kh - 1) + oph + 1;
  const w = (x.shape[3] - 1) * stride[1] - 2 * pw + dilation[1] * (kw - 1) + opw + 1;
  check(h > 0 && w > 0, "convTranspose2d", () => `the output would be ${h}x${w}; lower the padding`);
  const y = apply1(conv2dBackwardInputOp, [x, weight], { stride, padding: [ph, ph, pw, pw], dilation, inputShape: [x.shape[0], weight.shape[1], h, w] });
  return bias ? add(y, reshape(bias, [1, -1, 1, 1])) : y;
}

/** This module's ops, by name (the registry joins every module's table). */
export const convOps = {
  conv2d: conv2dOp,
  conv2dBackwardInput: conv2dBackwardInputOp,
  conv2dBackwardWeight: conv2dBackwardWeightOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    conv: typeof convOps;
  }
}
