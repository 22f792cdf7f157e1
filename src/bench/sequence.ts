/**
 * Sequence training steps for `npm run bench`, this engine beside TF.js:
 *
 * - LSTM: 32 steps of 32 features, hidden 128, batch 32, the last step's hidden state through a
 *   linear head to one value, MSE, Adam. TF.js runs `tf.layers.lstm` (sigmoid gates, as PyTorch's)
 *   with the same weights (its kernel is W_ihᵀ, its recurrent kernel W_hhᵀ, its one bias
 *   b_ih + b_hh, gates in the same order i, f, g, o), so the two first losses must agree.
 * - Transformer encoder layer: d_model 64, 2 heads, feed-forward 128, 64 tokens, batch 32, no
 *   dropout, MSE to a target, Adam. TF.js has no attention layer, so only this engine runs it.
 */
import type { Tensor as TfTensor } from "@tensorflow/tfjs-core";
import type { Backend } from "../backend/backend";
import * as dl from "../index";
import { withBackend } from "../tensor/engine";
import { randomArray } from "./check";
import { trainStepWorkload } from "./ours";
import { type Tf, tfjsWorkload } from "./tfjs";
import type { Workload } from "./timing";

export const LSTM_SHAPE = { batch: 32, steps: 32, features: 32, hidden: 128 };
export const TRANSFORMER_SHAPE = { batch: 32, tokens: 64, dModel: 64, heads: 2, feedForward: 128 };

type Step = Workload & { dispose(): void; firstLoss: number };

/** Uniform(±bound) values, deterministic by seed (PyTorch's LSTM initialisation range). */
const scaled = (n: number, seed: number, bound: number) => randomArray(n, seed).map((v) => v * bound);

/** The LSTM's weights and batch, in PyTorch's layout. */
function lstmData() {
  const { batch, steps, features, hidden } = LSTM_SHAPE;
  const bound = 1 / Math.sqrt(hidden);
  return {
    weightIh: scaled(4 * hidden * features, 11, bound),
    weightHh: scaled(4 * hidden * hidden, 12, bound),
    biasIh: scaled(4 * hidden, 13, bound),
    biasHh: scaled(4 * hidden, 14, bound),
    headW: scaled(hidden, 15, bound),
    headB: scaled(1, 16, bound),
    x: randomArray(batch * steps * features, 17),
    y: randomArray(batch, 18),
  };
}

export function oursLstm(gpu: Backend): Promise<Step> {
  const { batch, steps, features, hidden } = LSTM_SHAPE;
  const d = lstmData();
  return withBackend(gpu, async () => {
    const lstm = new dl.nn.LSTM(features, hidden, { batchFirst: true });
    const head = new dl.nn.Linear(hidden, 1);
    lstm.loadStateDict(
      new Map([
        ["weight_ih_l0", { shape: [4 * hidden, features], data: d.weightIh }],
        ["weight_hh_l0", { shape: [4 * hidden, hidden], data: d.weightHh }],
        ["bias_ih_l0", { shape: [4 * hidden], data: d.biasIh }],
        ["bias_hh_l0", { shape: [4 * hidden], data: d.biasHh }],
      ]),
    );
    head.loadStateDict(
      new Map([
        ["weight", { shape: [1, hidden], data: d.headW }],
        ["bias", { shape: [1], data: d.headB }],
      ]),
    );
    const x = dl.tensor(d.x, { shape: [batch, steps, features] });
    const y = dl.tensor(d.y, { shape: [batch, 1] });
    const opt = new dl.optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
    const loss = () => dl.mseLoss(head.forward(lstm.run(x).hidden.reshape([batch, hidden])), y);
    return trainStepWorkload(gpu, opt, loss, () => {
      lstm.dispose();
      head.dispose();
      dl.dispose([x, y]);
    });
  });
}

export async function tfjsLstm(tf: Tf): Promise<Step> {
  const { batch, steps, features, hidden } = LSTM_SHAPE;
  const layers = await import("@tensorflow/tfjs-layers");
  const d = lstmData();
  const transpose = (w: Float32Array, rows: number, cols: number) => {
    const out = new Float32Array(w.length);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
    return out;
  };
  // Zeros to start (the weights are set below): its default orthogonal initializer fails on TF.js's WASM backend.
  const lstm = layers.layers.lstm({ units: hidden, recurrentActivation: "sigmoid", recurrentInitializer: "zeros", inputShape: [steps, features] });
  const head = layers.layers.dense({ units: 1 });
  const x = tf.tensor3d(d.x, [batch, steps, features]);
  const y = tf.tensor2d(d.y, [batch, 1]);
  const forward = () => head.apply(lstm.apply(x) as never) as TfTensor;
  tf.tidy(forward); // builds the layers' weights
  lstm.setWeights([
    tf.tensor2d(transpose(d.weightIh, 4 * hidden, features), [features, 4 * hidden]),
    tf.tensor2d(transpose(d.weightHh, 4 * hidden, hidden), [hidden, 4 * hidden]),
    tf.tensor1d(d.biasIh.map((b, i) => b + d.biasHh[i])),
  ]);
  head.setWeights([tf.tensor2d(d.headW, [hidden, 1]), tf.tensor1d(d.headB)]);
  const loss = () => tf.mean(tf.square(tf.sub(forward(), y))) as never;
  const first = tf.tidy(loss) as TfTensor;
  const firstLoss = (await first.data())[0];
  first.dispose();
  const opt = tf.train.adam(1e-3);
  const vars = [...lstm.trainableWeights, ...head.trainableWeights].map((w) => (w as unknown as { val: never }).val);
  const w = tfjsWorkload(tf, () => opt.minimize(loss, true, vars) as TfTensor);
  return {
    ...w,
    firstLoss,
    dispose: () => {
      w.dispose();
      opt.dispose();
      tf.dispose([x, y]);
      lstm.dispose();
      head.dispose();
    },
  };
}

export function oursTransformer(gpu: Backend): Promise<Step> {
  const { batch, tokens, dModel, heads, feedForward } = TRANSFORMER_SHAPE;
  return withBackend(gpu, async () => {
    dl.manualSeed(1);
    const layer = new dl.nn.TransformerEncoderLayer(dModel, heads, { dimFeedforward: feedForward, dropout: 0, batchFirst: true });
    const x = dl.tensor(randomArray(batch * tokens * dModel, 21), { shape: [batch, tokens, dModel] });
    const y = dl.tensor(randomArray(batch * tokens * dModel, 22), { shape: [batch, tokens, dModel] });
    const opt = new dl.optim.Adam(layer.parameters(), { lr: 1e-3 });
    return trainStepWorkload(
      gpu,
      opt,
      () => dl.mseLoss(layer.forward(x), y),
      () => {
        layer.dispose();
        dl.dispose([x, y]);
      },
    );
  });
}
