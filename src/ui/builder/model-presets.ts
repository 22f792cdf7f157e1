/**
 * Named starting models for the model builder: for points and tables (vector inputs) a linear model,
 * a TensorFlow-Playground-like tanh MLP and ReLU MLPs; for images an MLP, LeNet-5 and a small
 * residual CNN; for sequences an RNN, an LSTM, a GRU, a 1-D CNN and a tiny transformer, fitted to
 * the data (an embedding for tokens; the steps kept when every step has a label). A preset is the hidden part of a model; presetSpec() appends the output layer sized
 * to the task, as the builder manages it.
 */
import type { LayerSpec, ModelSpec } from "../../nn/spec";

/** Vector inputs ([features]: 2-D points, Iris, a CSV), images ([channels, height, width]) or sequences. */
export type DataKind = "points" | "images" | "sequences";

/** What the builder knows of sequence data: its vocabulary (0: steps of numbers) and whether every step has a label. */
export interface SequenceData {
  vocab: number;
  perStep: boolean;
}

export interface ModelPreset {
  id: string;
  label: string;
  /** One line for learners: what the model is and what to expect from it. */
  description: string;
  kind: DataKind;
  /** The layers before the output layer. */
  layers: LayerSpec[];
}

const relu: LayerSpec = { type: "activation", fn: "relu" };
const tanh: LayerSpec = { type: "activation", fn: "tanh" };

/** ResNet's basic block: two 3×3 convolutions with batch norm; `halve` makes the first one stride 2. */
const residualBlock = (filters: number, halve = false): LayerSpec => ({
  type: "residual",
  layers: [
    { type: "conv2d", filters, kernel: 3, ...(halve ? { stride: 2, padding: 1 } : { padding: "same" as const }) },
    { type: "batchNorm" },
    relu,
    { type: "conv2d", filters, kernel: 3, padding: "same" },
    { type: "batchNorm" },
  ],
});

export const MODEL_PRESETS: ModelPreset[] = [
  {
    id: "linear",
    label: "Linear model",
    description: "No hidden layer: it can only draw straight boundaries, so a spiral defeats it.",
    kind: "points",
    layers: [],
  },
  {
    id: "tf-playground",
    label: "Playground MLP · 2 × 8 tanh",
    description: "Two small tanh layers, like the TensorFlow Playground: watch the boundary bend.",
    kind: "points",
    layers: [{ type: "linear", units: 8 }, tanh, { type: "linear", units: 8 }, tanh],
  },
  {
    id: "relu-mlp",
    label: "ReLU MLP · 2 × 32",
    description: "Two ReLU layers of 32: learns most 2-D data sets in a few hundred steps.",
    kind: "points",
    layers: [{ type: "linear", units: 32 }, relu, { type: "linear", units: 32 }, relu],
  },
  {
    id: "wide-relu",
    label: "Wide ReLU MLP · 3 × 64",
    description: "Three ReLU layers of 64: enough capacity for tangled spirals, and to overfit noisy data.",
    kind: "points",
    layers: [{ type: "linear", units: 64 }, relu, { type: "linear", units: 64 }, relu, { type: "linear", units: 64 }, relu],
  },
  {
    id: "image-mlp",
    label: "MLP · 128 hidden",
    description: "Flattens each image and treats its pixels as independent features: fast, about 97% on MNIST.",
    kind: "images",
    layers: [{ type: "flatten" }, { type: "linear", units: 128 }, relu, { type: "dropout", p: 0.2 }],
  },
  {
    id: "lenet",
    label: "LeNet-5",
    description: "LeCun's 1998 CNN: two convolution and pooling stages, then three dense layers.",
    kind: "images",
    layers: [
      { type: "conv2d", filters: 6, kernel: 5, padding: 2 },
      relu,
      { type: "maxPool2d", kernel: 2 },
      { type: "conv2d", filters: 16, kernel: 5 },
      relu,
      { type: "maxPool2d", kernel: 2 },
      { type: "flatten" },
      { type: "linear", units: 120 },
      relu,
      { type: "linear", units: 84 },
      relu,
    ],
  },
  {
    id: "small-resnet",
    label: "Small ResNet",
    description: "Convolutions with batch norm and two residual blocks (the second halves the size), then global pooling.",
    kind: "images",
    layers: [
      { type: "conv2d", filters: 16, kernel: 3, padding: "same" },
      { type: "batchNorm" },
      relu,
      residualBlock(16),
      relu,
      { type: "maxPool2d", kernel: 2 },
      residualBlock(32, true),
      relu,
      { type: "adaptiveAvgPool2d", size: 1 },
      { type: "flatten" },
    ],
  },
];

/**
 * The sequence presets, for the data at hand: token sets start with an embedding, and a model that
 * labels every step keeps the steps where one that labels the sequence reads the last (or the mean).
 */
const SEQUENCE_PRESETS: { id: string; label: string; description: string; layers: (d: SequenceData) => LayerSpec[] }[] = [
  {
    id: "seq-rnn",
    label: "RNN · 64",
    description: "A plain recurrent layer: quick, but its gradient fades over long spans (try the adding problem).",
    layers: (d) => [...embed(d), { type: "rnn", units: 64 }, ...readOut(d, "lastStep")],
  },
  {
    id: "seq-lstm",
    label: "LSTM · 64",
    description: "Gates around a cell state carry information, and the gradient, across long spans.",
    layers: (d) => [...embed(d), { type: "lstm", units: 64 }, ...readOut(d, "lastStep")],
  },
  {
    id: "seq-gru",
    label: "GRU · 64",
    description: "Two gates instead of the LSTM's three: lighter, and often as good.",
    layers: (d) => [...embed(d), { type: "gru", units: 64 }, ...readOut(d, "lastStep")],
  },
  {
    id: "seq-cnn",
    label: "1-D CNN",
    description: "Filters slide along time and spot short patterns wherever they occur; no recurrence.",
    layers: (d) => [
      ...embed(d),
      { type: "conv1d", filters: 32, kernel: 5, padding: "same" },
      relu,
      { type: "conv1d", filters: 32, kernel: 5, padding: "same" },
      relu,
      ...readOut(d, "meanOverTime"),
    ],
  },
  {
    id: "seq-transformer",
    label: "Tiny transformer",
    description: "Positions, then self-attention: every step looks at every other. Make it causal to predict the next step.",
    layers: (d) => [
      ...(d.vocab ? embed(d) : [{ type: "linear", units: 32 } as LayerSpec]),
      { type: "positional" },
      { type: "transformer", heads: 4, feedforward: 64, dropout: 0.1 },
      ...readOut(d, "meanOverTime"),
    ],
  },
];

/** Token sets first look their tokens up. */
const embed = (d: SequenceData): LayerSpec[] => (d.vocab ? [{ type: "embedding", vocab: d.vocab, dim: 32 }] : []);
/** A label per sequence reads one vector out of the steps; a label per step keeps them. */
const readOut = (d: SequenceData, how: "lastStep" | "meanOverTime"): LayerSpec[] => (d.perStep ? [] : [{ type: how }]);

/** The preset each kind of data starts with. */
export const DEFAULT_PRESET: Record<DataKind, string> = { points: "relu-mlp", images: "lenet", sequences: "seq-lstm" };

/** Images have three dims (channels, height, width); sequence data say so; everything else is a vector of features. */
export const dataKind = (inputShape: number[], sequence?: SequenceData | null): DataKind =>
  sequence ? "sequences" : inputShape.length === 3 ? "images" : "points";

/** The presets that fit data of `inputShape` (and `sequence`, for sequence data). */
export function presetsFor(inputShape: number[], sequence?: SequenceData | null): ModelPreset[] {
  if (sequence) return SEQUENCE_PRESETS.map((p) => ({ id: p.id, label: p.label, description: p.description, kind: "sequences", layers: p.layers(sequence) }));
  return MODEL_PRESETS.filter((p) => p.kind === dataKind(inputShape));
}

/** The preset's full model: its layers and an output Linear of `outputSize` units. */
export function presetSpec(preset: ModelPreset, outputSize: number): ModelSpec {
  return { layers: [...preset.layers, { type: "linear", units: outputSize }] };
}

/** The default model for data of `inputShape` and a task with `outputSize` outputs. */
export function defaultModel(inputShape: number[], outputSize: number, sequence?: SequenceData | null): ModelSpec {
  const id = DEFAULT_PRESET[dataKind(inputShape, sequence)];
  return presetSpec(presetsFor(inputShape, sequence).find((p) => p.id === id)!, outputSize);
}

/** The preset whose layers `spec` has (whatever its initialisation), if any; edits make it a custom model. */
export function matchPreset(spec: ModelSpec, inputShape: number[], outputSize: number, sequence?: SequenceData | null): ModelPreset | undefined {
  const json = JSON.stringify(spec.layers);
  return presetsFor(inputShape, sequence).find((p) => JSON.stringify(presetSpec(p, outputSize).layers) === json);
}
