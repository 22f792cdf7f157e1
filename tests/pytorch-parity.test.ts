/**
 * PyTorch parity: every case of tests/fixtures/pytorch_parity.json except the optimizer cases
 * (tests/optimizer-parity.test.ts) and the metrics case (tests/metrics.test.ts), on the CPU reference
 * and on WebGPU, outputs and gradients, at relative 1e-4 + absolute 1e-5.
 */
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { cpu32, wasm, webgpu } from "./helpers/backends";
import { type GoldenCase, type GoldenTensor, loadGoldens } from "./helpers/goldens";
import { expectClose } from "./helpers/op-cases";

type T = dl.Tensor;
type Inputs = Record<string, T>;
type A = Record<string, unknown>;

const num = (v: unknown, fallback: number) => (typeof v === "number" ? v : fallback);
const recurrent = (i: Inputs) => ({ weightIh: i.weight_ih_l0, weightHh: i.weight_hh_l0, biasIh: i.bias_ih_l0, biasHh: i.bias_hh_l0 });

/** How each PyTorch op of the fixtures is computed with this engine. */
const IMPLEMENTATIONS: Record<string, (i: Inputs, a: A) => Record<string, T>> = {
  matmul: (i) => ({ out: dl.matmul(i.a, i.b) }),
  add: (i) => ({ out: dl.add(i.a, i.b) }),
  sub: (i) => ({ out: dl.sub(i.a, i.b) }),
  mul: (i) => ({ out: dl.mul(i.a, i.b) }),
  div: (i) => ({ out: dl.div(i.a, i.b) }),
  pow: (i, a) => ({ out: dl.pow(i.a, num(a.exponent, 1)) }),
  exp: (i) => ({ out: dl.exp(i.a) }),
  log: (i) => ({ out: dl.log(i.a) }),
  sqrt: (i) => ({ out: dl.sqrt(i.a) }),
  abs: (i) => ({ out: dl.abs(i.a) }),
  relu: (i) => ({ out: dl.relu(i.a) }),
  leaky_relu: (i, a) => ({ out: dl.leakyRelu(i.a, num(a.negative_slope, 0.01)) }),
  sigmoid: (i) => ({ out: dl.sigmoid(i.a) }),
  tanh: (i) => ({ out: dl.tanh(i.a) }),
  elu: (i, a) => ({ out: dl.elu(i.a, num(a.alpha, 1)) }),
  gelu: (i, a) => ({ out: dl.gelu(i.a, { approximate: a.approximate as "none" | "tanh" }) }),
  silu: (i) => ({ out: dl.silu(i.a) }),
  softplus: (i) => ({ out: dl.softplus(i.a) }),
  sum: (i, a) => ({ out: dl.sum(i.a, a.dim as number[] | null, Boolean(a.keepdim)) }),
  mean: (i, a) => ({ out: dl.mean(i.a, a.dim as number[] | null, Boolean(a.keepdim)) }),
  max: (i, a) => ({ out: dl.max(i.a, a.dim as number) }),
  softmax: (i, a) => ({ out: dl.softmax(i.a, a.dim as number) }),
  log_softmax: (i, a) => ({ out: dl.logSoftmax(i.a, a.dim as number) }),
  cross_entropy: (i, a) => ({ out: dl.crossEntropy(i.logits, i.target, { labelSmoothing: num(a.label_smoothing, 0) }) }),
  mse_loss: (i) => ({ out: dl.mseLoss(i.input, i.target) }),
  binary_cross_entropy_with_logits: (i) => ({ out: dl.binaryCrossEntropyWithLogits(i.input, i.target) }),
  hinge_embedding_multi_margin_loss: (i, a) => ({ out: dl.multiMarginLoss(i.input, i.target, { margin: num(a.margin, 1), p: num(a.p, 1) as 1 | 2 }) }),
  huber_loss: (i, a) => ({ out: dl.huberLoss(i.input, i.target, { delta: num(a.delta, 1) }) }),
  l1_loss: (i) => ({ out: dl.l1Loss(i.input, i.target) }),
  conv2d: (i, a) => ({ out: dl.conv2d(i.input, i.weight, i.bias, { stride: num(a.stride, 1), padding: num(a.padding, 0), dilation: num(a.dilation, 1) }) }),
  conv_transpose2d: (i, a) => ({
    out: dl.convTranspose2d(i.input, i.weight, i.bias, { stride: num(a.stride, 1), padding: num(a.padding, 0), outputPadding: num(a.output_padding, 0) }),
  }),
  max_pool2d: (i, a) => ({ out: dl.maxPool2d(i.input, num(a.kernel_size, 2), { stride: num(a.stride, 2), padding: num(a.padding, 0) }) }),
  avg_pool2d: (i, a) => ({
    out: dl.avgPool2d(i.input, num(a.kernel_size, 2), { stride: num(a.stride, 2), padding: num(a.padding, 0), countIncludePad: a.count_include_pad !== false }),
  }),
  adaptive_avg_pool2d_1: (i) => ({ out: dl.adaptiveAvgPool2d(i.input, 1) }),
  upsample_nearest2d: (i, a) => ({ out: dl.upsample(i.input, { scaleFactor: num(a.scale_factor, 2) }) }),
  batch_norm_train: (i, a) => ({ out: dl.batchNorm(i.input, null, null, i.weight, i.bias, { training: true, eps: num(a.eps, 1e-5) }) }),
  batch_norm1d_train: (i, a) => ({ out: dl.batchNorm(i.input, null, null, i.weight, i.bias, { training: true, eps: num(a.eps, 1e-5) }) }),
  layer_norm: (i, a) => ({ out: dl.layerNorm(i.input, i.weight.shape, i.weight, i.bias, num(a.eps, 1e-5)) }),
  batch_norm_running_stats: (i, a) => {
    const c = i.input.shape[1];
    const runningMean = dl.zeros([c]);
    const runningVar = dl.ones([c]);
    dl.batchNorm(i.input, runningMean, runningVar, null, null, { training: true, momentum: num(a.momentum, 0.1) });
    return { running_mean: runningMean, running_var: runningVar };
  },
  rnn: (i) => ({ out: dl.rnn(i.input, recurrent(i)).output }),
  lstm: (i) => ({ out: dl.lstm(i.input, recurrent(i)).output }),
  gru: (i) => ({ out: dl.gru(i.input, recurrent(i)).output }),
  scaled_dot_product_attention: (i, a) => ({ out: dl.scaledDotProductAttention(i.q, i.k, i.v, { isCausal: Boolean(a.is_causal) }) }),
  embedding: (i) => ({ out: dl.embedding(i.indices, i.weight) }),
};

/** Inputs that hold class indices (int32). */
const INT_INPUTS: Record<string, string[]> = {
  cross_entropy: ["target"],
  hinge_embedding_multi_margin_loss: ["target"],
  embedding: ["indices"],
};

const cases = loadGoldens().filter((c) => c.op !== "optimizer" && c.op !== "metrics");

async function runCase(backend: Backend, c: GoldenCase) {
  return withBackend(backend, async () => {
    const made: T[] = [];
    const inputs: Inputs = {};
    for (const [name, value] of Object.entries(c.inputs)) {
      const g = value as GoldenTensor;
      const t = dl.tensor(g.data, { shape: g.shape, dtype: INT_INPUTS[c.op]?.includes(name) ? "int32" : "float32" });
      if (c.grads?.[name]) t.requiresGrad_();
      inputs[name] = t;
      made.push(t);
    }
    const outputs = IMPLEMENTATIONS[c.op](inputs, c.attrs ?? {});
    if (c.grads && Object.keys(c.grads).length) {
      const terms = Object.entries(c.upstream ?? {}).map(([name, up]) => dl.sum(dl.mul(outputs[name], dl.tensor(up.data, { shape: up.shape }))));
      terms.reduce((s, t) => dl.add(s, t)).backward();
    }
    const out: Record<string, ArrayLike<number>> = {};
    for (const [name, t] of Object.entries(outputs)) out[name] = await t.data();
    const grads: Record<string, ArrayLike<number>> = {};
    for (const name of Object.keys(c.grads ?? {})) grads[name] = await (inputs[name].grad as T).data();
    for (const t of made) t.dispose();
    return { out, grads };
  });
}

describe.each([
  ["cpu", async () => cpu32 as Backend],
  ["webgpu", async () => (await webgpu()) as Backend],
  ["wasm", async () => (await wasm()) as Backend],
])("PyTorch parity on %s", (_, backendOf) => {
  it("covers every fixture op of this suite", () => {
    expect(cases.length).toBeGreaterThan(60);
    expect(cases.map((c) => c.op).filter((op) => !IMPLEMENTATIONS[op])).toEqual([]);
  });
  it.each(cases.map((c, k) => ({ c, label: `${k} ${c.op} ${JSON.stringify(c.attrs)}` })))("$label", async ({ c }) => {
    const { out, grads } = await runCase(await backendOf(), c);
    for (const [name, g] of Object.entries(c.outputs)) {
      const expected = g as GoldenTensor;
      expectClose(out[name], expected.data, 1e-4, 1e-5, `${c.op} output ${name}`);
    }
    for (const [name, g] of Object.entries(c.grads ?? {})) expectClose(grads[name], g.data, 1e-4, 1e-5, `${c.op} grad ${name}`);
  });
});
