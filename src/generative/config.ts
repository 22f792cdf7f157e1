/**
 * Generative experiment configs: the same JSON schema as classifier configs (name, data, optimizer,
 * training), with `generative` (the pair of networks, see spec.ts) in place of `model` and `loss`.
 * parseGenerativeConfig() validates one, checking the networks against the data's shape before
 * anything is built; parseAnyConfig() reads either kind, as the CLI does. The data are the 2-D
 * targets (unlabelled point clouds) or MNIST / Fashion-MNIST.
 */
import type { Dataset } from "../data/dataset";
import { IMAGE_DATASET_NAMES, type ImageDatasetName, loadImageDataset } from "../data/image-datasets";
import { ConfigError, type ExperimentConfig, type OptimizerConfig, parseConfig, parseOptimizerConfig, SCHEDULERS, type SchedulerConfig } from "../train/config";
import { checkGenerativeSpec, type GenerativeSpec, GenerativeSpecError, type NetworkSummary, parseGenerativeSpec } from "./spec";
import { type MixtureModes, makeTarget, TARGET_NAMES, type TargetName } from "./targets";

export type GenerativeDataConfig =
  | { name: TargetName; points?: number; noise?: number; seed?: number }
  | { name: ImageDatasetName; trainLimit?: number; testLimit?: number; seed?: number };

export interface GenerativeTrainingConfig {
  epochs: number;
  batchSize: number;
  /** Seeds the weights, the batch order and the noise (default 1). */
  seed?: number;
}

export interface GenerativeConfig {
  name?: string;
  data: GenerativeDataConfig;
  generative: GenerativeSpec;
  /** Both networks' optimizer (a GAN's generator's alone when the spec has a discriminatorOptimizer). */
  optimizer: OptimizerConfig;
  /** A learning-rate schedule for every optimizer, stepped per epoch (not "plateau": there is no validation loss to watch). */
  scheduler?: SchedulerConfig;
  training: GenerativeTrainingConfig;
}

const DATA_NAMES: readonly string[] = [...TARGET_NAMES, ...IMAGE_DATASET_NAMES];

function fail(field: string, detail: string): never {
  throw new ConfigError(`config ${field}: ${detail}`);
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) fail(field, `expected an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function optionalCount(o: Record<string, unknown>, key: string, field: string): void {
  const v = o[key];
  if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 1)) fail(`${field}.${key}`, `expected a whole number >= 1, got ${JSON.stringify(v)}`);
}

/** Whether untrusted JSON is a generative config (it has a "generative" field). */
export function isGenerativeConfig(value: unknown): boolean {
  return !!value && typeof value === "object" && !Array.isArray(value) && "generative" in value;
}

/** The shape of one example of the data a config names: [2] for 2-D targets, [1, 28, 28] for images. */
export function generativeDataShape(data: GenerativeDataConfig): number[] {
  return (IMAGE_DATASET_NAMES as readonly string[]).includes(data.name) ? [1, 28, 28] : [2];
}

/** Validates untrusted JSON as a GenerativeConfig, the networks checked against the data's shape. */
export function parseGenerativeConfig(value: unknown): GenerativeConfig {
  const c = object(value, "");
  for (const key of Object.keys(c))
    if (!["name", "data", "generative", "optimizer", "scheduler", "training"].includes(key))
      fail(key, "is not a field of a generative config; it has name, data, generative, optimizer, scheduler and training");
  const data = object(c.data, "data");
  if (!DATA_NAMES.includes(data.name as string))
    fail("data.name", `unknown dataset ${JSON.stringify(data.name)} for a generative model; expected one of ${DATA_NAMES.join(", ")}`);
  const image = (IMAGE_DATASET_NAMES as readonly string[]).includes(data.name as string);
  const allowed = image ? ["name", "trainLimit", "testLimit", "seed"] : ["name", "points", "noise", "seed"];
  for (const key of Object.keys(data)) if (!allowed.includes(key)) fail(`data.${key}`, `is not a setting of ${data.name}; it takes ${allowed.join(", ")}`);
  for (const key of ["points", "trainLimit", "testLimit"]) optionalCount(data, key, "data");
  if (data.noise !== undefined && !(typeof data.noise === "number" && data.noise > 0))
    fail("data.noise", `expected a number > 0, got ${JSON.stringify(data.noise)}`);
  let generative: GenerativeSpec;
  try {
    generative = parseGenerativeSpec(c.generative);
    checkGenerativeSpec(generative, generativeDataShape(data as GenerativeDataConfig));
  } catch (e) {
    if (e instanceof GenerativeSpecError) fail("generative", e.message);
    throw e;
  }
  const optimizer = parseOptimizerConfig(c.optimizer);
  if (c.scheduler !== undefined) {
    const name = object(c.scheduler, "scheduler").name;
    const usable = SCHEDULERS.filter((s) => s !== "plateau");
    if (!(usable as readonly unknown[]).includes(name))
      fail("scheduler.name", `expected one of ${usable.join(", ")} for a generative model, got ${JSON.stringify(name)}`);
  }
  const training = object(c.training, "training");
  for (const key of Object.keys(training))
    if (!["epochs", "batchSize", "seed"].includes(key))
      fail(`training.${key}`, "is not a training setting of a generative config; it has epochs, batchSize and seed");
  if (training.epochs === undefined || training.batchSize === undefined) fail("training", "epochs and batchSize are required");
  optionalCount(training, "epochs", "training");
  optionalCount(training, "batchSize", "training");
  if (training.seed !== undefined && !Number.isInteger(training.seed)) fail("training.seed", `expected a whole number, got ${JSON.stringify(training.seed)}`);
  return { ...c, generative, optimizer } as unknown as GenerativeConfig;
}

/** Validates either kind of config: generative when it has a "generative" field, else a classifier's (parseConfig). */
export function parseAnyConfig(value: unknown): ExperimentConfig | GenerativeConfig {
  return isGenerativeConfig(value) ? parseGenerativeConfig(value) : parseConfig(value);
}

/** The networks of a parsed config, checked against its data (summaries for each layer). */
export function summarizeGenerative(config: GenerativeConfig): NetworkSummary[] {
  return checkGenerativeSpec(config.generative, generativeDataShape(config.data));
}

/** The data of a generative config: the training examples, held-out images, and a mixture target's modes. */
export interface GenerativeData {
  train: Dataset;
  /** Image sets: their test split (for reconstruction scores). */
  test?: Dataset;
  /** Mixture targets (ring, grid): where the modes are, for "modes covered". */
  modes?: MixtureModes;
}

/** Generates the 2-D target or loads the image set a config names. */
export async function makeGenerativeData(data: GenerativeDataConfig): Promise<GenerativeData> {
  const seed = data.seed ?? 1;
  if ((IMAGE_DATASET_NAMES as readonly string[]).includes(data.name)) {
    const d = data as Extract<GenerativeDataConfig, { name: ImageDatasetName }>;
    const train = await loadImageDataset(d.name, "train", { limit: d.trainLimit, seed });
    const test = await loadImageDataset(d.name, "test", { limit: d.testLimit, seed });
    return { train, test };
  }
  const d = data as Extract<GenerativeDataConfig, { name: TargetName }>;
  const target = makeTarget(d.name, { points: d.points, noise: d.noise, seed });
  return { train: target.points, modes: target.modes };
}
