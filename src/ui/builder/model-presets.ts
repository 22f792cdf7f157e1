/**
 * Named starting models for the model builder: for points and tables (vector inputs) a linear model,
 * a TensorFlow-Playground-like tanh MLP and ReLU MLPs; for images an MLP, LeNet-5 and a small
 * residual CNN. A preset is the hidden part of a model; presetSpec() appends the output layer sized
 * to the task, as the builder manages it.
 */
import type { LayerSpec, ModelSpec } from "../../nn/spec";

/** Vector inputs ([features]: 2-D points, Iris, a CSV) or images ([channels, height, width]). */
export type DataKind = "points" | "images";

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

/** The preset each kind of data starts with. */
export const DEFAULT_PRESET: Record<DataKind, string> = { points: "relu-mlp", images: "lenet" };

/** Images have three dims (channels, height, width); everything else is a vector of features. */
export const dataKind = (inputShape: number[]): DataKind => (inputShape.length === 3 ? "images" : "points");

/** The presets that fit data of `inputShape`. */
export const presetsFor = (inputShape: number[]) => MODEL_PRESETS.filter((p) => p.kind === dataKind(inputShape));

/** The preset's full model: its layers and an output Linear of `outputSize` units. */
export function presetSpec(preset: ModelPreset, outputSize: number): ModelSpec {
  return { layers: [...preset.layers, { type: "linear", units: outputSize }] };
}

/** The default model for data of `inputShape` and a task with `outputSize` outputs. */
export function defaultModel(inputShape: number[], outputSize: number): ModelSpec {
  const id = DEFAULT_PRESET[dataKind(inputShape)];
  return presetSpec(MODEL_PRESETS.find((p) => p.id === id)!, outputSize);
}

/** The preset whose layers `spec` has (whatever its initialisation), if any; edits make it a custom model. */
export function matchPreset(spec: ModelSpec, inputShape: number[], outputSize: number): ModelPreset | undefined {
  const json = JSON.stringify(spec.layers);
  return presetsFor(inputShape).find((p) => JSON.stringify(presetSpec(p, outputSize).layers) === json);
}
