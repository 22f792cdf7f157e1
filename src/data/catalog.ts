/**
 * The one list of what the playground and the CLI can train on, and the facts everyone asks about a
 * dataset: its label and one-line description, its family (2-D points, images, a table or sequences), its task
 * (classification or regression; a CSV's depends on its label column), the shape of one example and
 * the data config it starts from. The data panel, the experiment state, the worker, the config
 * parser, the PyTorch export and the tests read it here, so that they cannot disagree.
 */
import type { DataConfig } from "../train/config";
import { IMAGE_DATASET_NAMES, type ImageDatasetName } from "./image-datasets";
import type { PointDatasetName } from "./synthetic";

export type DataName = DataConfig["name"];
export type DataFamily = "points" | "images" | "table" | "sequences";
export type DataTask = "classification" | "regression";

export interface DatasetFacts {
  name: DataName;
  label: string;
  /** One line on what it is, for the picker. */
  description: string;
  /** The picker's group. */
  group: "2-D classification" | "2-D regression" | "Tables" | "Images" | "Sequences";
  family: DataFamily;
  /** Undefined for a CSV: its label column decides. */
  task?: DataTask;
  /** One example's shape with the default settings (undefined for a CSV: its columns decide; see inputShapeOf). */
  inputShape?: number[];
  /** Classes of a classification set whose config does not choose them (undefined: regression, a CSV, or data.classes decides). */
  classes?: number;
  /** The data config a first pick gets (before the seed). */
  defaults: DataConfig;
  /** Token sets: the size of their vocabulary (undefined: their examples are numbers). */
  tokens?: number;
  /** Sequence sets labelled step by step. */
  perStep?: boolean;
}

const point = (
  name: PointDatasetName,
  label: string,
  description: string,
  task: DataTask,
  defaults: { points: number; noise: number; classes?: number },
): DatasetFacts => ({
  name,
  label,
  description,
  group: task === "classification" ? "2-D classification" : "2-D regression",
  family: "points",
  task,
  inputShape: [2],
  classes: task === "classification" ? (defaults.classes ?? 2) : undefined,
  defaults: { name, ...defaults, trainRatio: 0.8 } as DataConfig,
});

const image = (name: ImageDatasetName, label: string, description: string): DatasetFacts => ({
  name,
  label,
  description,
  group: "Images",
  family: "images",
  task: "classification",
  inputShape: [1, 28, 28],
  classes: 10,
  // A balanced subset small enough to train on a CPU-emulated GPU, with a validation split.
  defaults: { name, trainLimit: 5000, testLimit: 1000, valRatio: 0.1 },
});

const sequence = (
  name: "adding" | "sines" | "brackets" | "reverse",
  label: string,
  description: string,
  task: DataTask,
  inputShape: number[],
  classes?: number,
): DatasetFacts => ({
  name,
  label,
  description,
  group: "Sequences",
  family: "sequences",
  task,
  inputShape,
  classes,
  defaults: { name, examples: 2000, length: inputShape[0], valRatio: 0.1 },
});

/** A text set: names as character tokens (the length is fixed by the longest name). */
const text = (name: "names" | "names-lm" | "moby-dick" | "spam", label: string, description: string, inputShape: number[], classes: number): DatasetFacts => ({
  name,
  label,
  description,
  group: "Sequences",
  family: "sequences",
  task: "classification",
  inputShape,
  classes,
  defaults: { name, valRatio: 0.1 },
});

/** Every dataset, in picker order. */
export const DATASETS: readonly DatasetFacts[] = [
  point("circle", "Circle", "A disc inside a ring: two classes", "classification", { points: 500, noise: 0.05 }),
  point("xor", "XOR", "Four quadrants; opposite corners share a class", "classification", { points: 500, noise: 0.05 }),
  point("gaussian", "Gaussian", "Two overlapping gaussian blobs", "classification", { points: 500, noise: 0.3 }),
  point("spiral", "Spiral", "Interleaved spiral arms, one per class", "classification", { points: 600, noise: 0.2, classes: 3 }),
  point("moons", "Moons", "Two interleaving half circles", "classification", { points: 500, noise: 0.1 }),
  point("ring", "Rings", "Concentric rings, one per class", "classification", { points: 600, noise: 0.05, classes: 3 }),
  point("plane", "Plane", "A tilted plane: target = ½·x₁ + ½·x₂", "regression", { points: 500, noise: 0.05 }),
  point("multi-gaussian", "Multi-gaussian", "Six gaussian bumps of alternating sign", "regression", { points: 600, noise: 0 }),
  {
    name: "iris",
    label: "Iris",
    description: "150 flowers, 4 measurements, 3 species",
    group: "Tables",
    family: "table",
    task: "classification",
    inputShape: [4],
    classes: 3,
    defaults: { name: "iris", trainRatio: 0.8, scale: "standard" },
  },
  {
    name: "csv",
    label: "Your CSV",
    description: "Numeric feature columns and one label column",
    group: "Tables",
    family: "table",
    defaults: { name: "csv", trainRatio: 0.8, scale: "standard" },
  },
  image("mnist", "MNIST", "Handwritten digits, 28×28 grey, 10 classes"),
  image("fashion-mnist", "Fashion-MNIST", "Clothes and shoes, 28×28 grey, 10 classes"),
  sequence("adding", "Adding problem", "Sum the two marked values of a long sequence: long-range memory", "regression", [30, 2]),
  sequence("sines", "Sine forecast", "Predict the next value of a noisy sum of two sine waves", "regression", [40, 1]),
  { ...sequence("brackets", "Balanced brackets", "Is every bracket closed in order? Counting is not enough", "classification", [16], 2), tokens: 2 },
  {
    ...sequence("reverse", "Reverse a string", "Output the input backwards, step by step: where attention shines", "classification", [12], 8),
    tokens: 8,
    perStep: true,
  },
  { ...text("names", "Names: female or male?", "8,003 English first names, letter by letter: a real text classification", [15], 2), tokens: 28 },
  { ...text("names-lm", "Names: invent new ones", "A character-level language model of 8,422 first names (makemore)", [16], 28), tokens: 28, perStep: true },
  {
    ...text("moby-dick", "Moby-Dick: write like Melville", "A character-level language model of the novel: 1.2 million characters", [64], 36),
    defaults: { name: "moby-dick", examples: 4000, length: 64, valRatio: 0.05 },
    tokens: 36,
    perStep: true,
  },
  {
    ...text("spam", "Spam or ham?", "5,759 real emails (SpamAssassin), word by word: subject and first lines", [40], 2),
    defaults: { name: "spam", length: 40, vocabulary: 2000, valRatio: 0.1 },
    tokens: 2000,
  },
];

/** Every dataset name, in picker order. */
export const DATA_NAMES: readonly DataName[] = DATASETS.map((d) => d.name);

const BY_NAME = new Map(DATASETS.map((d) => [d.name, d]));

/** Whether `name` is a dataset this project knows (own names only: "constructor" is not one). */
export const isDataName = (name: unknown): name is DataName => typeof name === "string" && BY_NAME.has(name as DataName);

/** The facts of a known dataset. */
export function datasetFacts(name: DataName): DatasetFacts {
  const facts = BY_NAME.get(name);
  if (!facts) throw new Error(`unknown dataset ${JSON.stringify(name)}; expected one of ${DATA_NAMES.join(", ")}`);
  return facts;
}

/** One example's shape under `data`'s settings (a sequence's length is a setting); undefined for a CSV. */
export function inputShapeOf(data: DataConfig): number[] | undefined {
  const facts = datasetFacts(data.name);
  const length = (data as { length?: number }).length;
  if (facts.family !== "sequences" || length === undefined || !facts.inputShape) return facts.inputShape;
  return [length, ...facts.inputShape.slice(1)];
}

/** The vocabulary size of a token set under `data`'s settings (0: its examples are numbers). */
export function tokensOf(data: DataConfig): number {
  const facts = datasetFacts(data.name);
  const { symbols, vocabulary } = data as { symbols?: number; vocabulary?: number };
  return facts.tokens === undefined ? 0 : (symbols ?? vocabulary ?? facts.tokens);
}

/** How many classes `data` has, as its config says (undefined: regression, or a CSV, whose label column decides). */
export function classesOf(data: DataConfig): number | undefined {
  const facts = datasetFacts(data.name);
  if (facts.task !== "classification") return undefined;
  const subset = (data as { classSubset?: number[] }).classSubset;
  return (data as { classes?: number; symbols?: number }).classes ?? (data as { symbols?: number }).symbols ?? subset?.length ?? facts.classes;
}

/** The validation share of the training data when a config does not set one: a fifth of the small 2-D and tabular sets, a tenth of the rest. */
export function defaultValRatio(name: DataName): number {
  const family = datasetFacts(name).family;
  return family === "points" || family === "table" ? 0.2 : 0.1;
}

/** The data config a first pick of `name` gets, with `seed`. */
export function defaultDataConfig(name: DataName, seed = 1): DataConfig {
  return { ...structuredClone(datasetFacts(name).defaults), seed } as DataConfig;
}

export const isPointData = (name: DataName) => datasetFacts(name).family === "points";
export const isImageData = (name: DataName): name is ImageDatasetName => (IMAGE_DATASET_NAMES as readonly string[]).includes(name);
