/**
 * Inside a sequence model, for one test example (the playground's "Inside the sequence" card):
 *
 * - the first recurrent layer's hidden state at every step (units x steps), and for an LSTM its
 *   input, forget and output gates and cell state, recomputed from the layer's weights and its
 *   inputs step by step (their h = o tanh(c) is the layer's own output, which the tests check);
 * - the first attention's weights per head (query step x key step);
 * - how much each step's input still moves the loss, |dloss/dx_t| over a batch of test examples
 *   (for tokens: with respect to their embedded vectors) — the vanishing gradient made visible;
 * - what the model answers for the example: a forecast beside the truth, class probabilities, or a
 *   label per step.
 */
import type { Backend } from "../backend/backend";
import { type Dataset, targetSize } from "../data/dataset";
import { MultiheadAttention, TransformerEncoderLayer } from "../nn/attention";
import type { Sequential } from "../nn/layers";
import { GRU, LSTM, RNN } from "../nn/recurrent";
import { tensor } from "../ops/creation";
import { noGrad, tidy, withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import type { LossFn } from "../train/objectives";
import { gradientByStep } from "../train/step-gradients";
import type { SequenceInside, SequenceOutput } from "./protocol";

/** Test examples the gradient by step averages over. */
const GRADIENT_EXAMPLES = 32;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** The sequence views of `model` for test example `index` at `step`. */
export async function sequenceInside(model: Sequential, backend: Backend, test: Dataset, loss: LossFn, step: number, index = 0): Promise<SequenceInside> {
  const T = test.inputShape[0];
  const perExample = test.inputShape.reduce((a, b) => a * b, 1);
  const example = test.x.subarray(index * perExample, (index + 1) * perExample);
  const report: SequenceInside = {
    step,
    index,
    steps: labelsOf(test, example),
    gradient: await gradientByStep(model, backend, test, loss, GRADIENT_EXAMPLES),
    output: await outputOf(model, backend, test, index),
  };
  const wasTraining = model.training;
  model.eval();
  try {
    // Walk the layers with the example, looking into the first recurrent and the first attention layer.
    let h = withBackend(backend, () => tensor(example, { shape: [1, ...test.inputShape] }));
    for (const [k, layer] of model.layers.entries()) {
      const name = `layer ${k + 1}`;
      const attention = layer instanceof TransformerEncoderLayer ? layer.self_attn : layer instanceof MultiheadAttention ? layer : null;
      if (!report.attention && attention) {
        const weights = withBackend(backend, () =>
          noGrad(() =>
            tidy(() => {
              const x = layer instanceof TransformerEncoderLayer && layer.options.normFirst ? layer.norm1.forward(h) : h;
              const causal = (layer as { causal?: boolean }).causal === true;
              return attention.attend(x, x, x, { isCausal: causal, averageAttnWeights: false }).weights;
            }),
          ),
        );
        report.attention = { layer: name, heads: attention.numHeads, values: Float32Array.from(await weights.data()) };
        weights.dispose();
      }
      const next = withBackend(backend, () => noGrad(() => tidy(() => layer.forward(h))));
      if (!report.hidden && (layer instanceof RNN || layer instanceof LSTM || layer instanceof GRU)) {
        const [input, output] = await Promise.all([h.data(), next.data()]);
        const kind = layer instanceof LSTM ? "LSTM" : layer instanceof GRU ? "GRU" : "RNN";
        report.hidden = { layer: `${name} ${kind}`, units: layer.hiddenSize * layer.directions, values: Float32Array.from(output) };
        if (layer instanceof LSTM) report.gates = await lstmGates(layer, Float32Array.from(input), T);
      }
      h.dispose();
      h = next;
      if (h.rank !== 3) break; // past the sequence (a last step, a mean over time)
    }
    h.dispose();
  } finally {
    model.train(wasTraining);
  }
  return report;
}

/** The model's answer for test example `index`, read as its task reads it. */
async function outputOf(model: Sequential, backend: Backend, test: Dataset, index: number): Promise<SequenceOutput> {
  const perExample = test.inputShape.reduce((a, b) => a * b, 1);
  const labels = targetSize(test);
  const x = test.x.subarray(index * perExample, (index + 1) * perExample);
  const truth = Array.from(test.y.subarray(index * labels, (index + 1) * labels));
  const wasTraining = model.training;
  model.eval();
  const out = withBackend(backend, () => noGrad(() => tidy(() => model.forward(tensor(x, { shape: [1, ...test.inputShape] })))));
  model.train(wasTraining);
  const values = Array.from(await out.data());
  out.dispose();
  if (test.task === "regression") {
    const features = test.inputShape[1] ?? 1;
    const series = Array.from({ length: test.inputShape[0] }, (_, t) => x[t * features]);
    return { kind: "values", series, truth, predicted: values, continues: features === 1 }; // one value per step: a forecast
  }
  const classes = test.classes ?? 2;
  const names = test.classNames ?? [];
  if (labels > 1) {
    // A label per step: the best class at each step.
    const predicted = Array.from({ length: labels }, (_, t) => {
      const scores = values.slice(t * classes, (t + 1) * classes);
      return names[scores.indexOf(Math.max(...scores))] ?? "?";
    });
    return { kind: "steps", predicted, truth: truth.map((c) => names[c] ?? String(c)) };
  }
  if (values.length === 1) {
    const p = 1 / (1 + Math.exp(-values[0])); // one logit for two classes
    return { kind: "class", probabilities: [1 - p, p], truth: truth[0], classNames: [...names] };
  }
  const peak = Math.max(...values);
  const e = values.map((v) => Math.exp(v - peak));
  const total = e.reduce((a, b) => a + b, 0);
  return { kind: "class", probabilities: e.map((v) => v / total), truth: truth[0], classNames: [...names] };
}

/** The steps' names on the axes: tokens spelled by the vocabulary, else step numbers. */
function labelsOf(test: Dataset, example: ArrayLike<number>): string[] {
  const T = test.inputShape[0];
  const vocabulary = test.vocabulary;
  return Array.from({ length: T }, (_, t) => (vocabulary ? (vocabulary[example[t]] ?? "?") : String(t)));
}

/**
 * The LSTM's gates and cell state at every step of its first layer's forward direction, [4, T, H]
 * (input, forget, output gate, cell), from its weights and inputs: gates_t = W_ih x_t + b_ih +
 * W_hh h_{t-1} + b_hh, i f o = sigmoid, g = tanh, c_t = f c_{t-1} + i g, h_t = o tanh(c_t).
 */
export async function lstmGates(layer: LSTM, input: Float32Array, T: number): Promise<{ units: number; values: Float32Array }> {
  const H = layer.hiddenSize;
  const fields = layer as unknown as Record<string, Tensor | undefined>;
  const read = async (name: string) => (fields[name] ? Float32Array.from(await (fields[name] as Tensor).data()) : null);
  const [wih, whh, bih, bhh] = await Promise.all([read("weight_ih_l0"), read("weight_hh_l0"), read("bias_ih_l0"), read("bias_hh_l0")]);
  const F = input.length / T;
  const values = new Float32Array(4 * T * H);
  const h = new Float32Array(H);
  const c = new Float32Array(H);
  const pre = new Float32Array(4 * H);
  for (let t = 0; t < T; t++) {
    for (let r = 0; r < 4 * H; r++) {
      let s = (bih?.[r] ?? 0) + (bhh?.[r] ?? 0);
      for (let f = 0; f < F; f++) s += (wih as Float32Array)[r * F + f] * input[t * F + f];
      for (let u = 0; u < H; u++) s += (whh as Float32Array)[r * H + u] * h[u];
      pre[r] = s;
    }
    for (let u = 0; u < H; u++) {
      const [i, f, g, o] = [sigmoid(pre[u]), sigmoid(pre[H + u]), Math.tanh(pre[2 * H + u]), sigmoid(pre[3 * H + u])];
      c[u] = f * c[u] + i * g;
      h[u] = o * Math.tanh(c[u]);
      values[(0 * T + t) * H + u] = i;
      values[(1 * T + t) * H + u] = f;
      values[(2 * T + t) * H + u] = o;
      values[(3 * T + t) * H + u] = c[u];
    }
  }
  return { units: H, values };
}
