/**
 * The experiment config: what to train on, the model, the loss, the optimizer, the schedule and the
 * training settings, as one JSON object (the CLI reads it from a file; the playground keeps the
 * same object in its URL and saved files). parseConfig() validates untrusted JSON with messages that
 * name the field; the make* functions turn a config into data, a model, an optimizer, a schedule.
 */

import { parseCsv } from "../data/csv";
import type { Dataset } from "../data/dataset";
import { IMAGE_DATASET_NAMES, type ImageDatasetName, loadImageDataset } from "../data/image-datasets";
import { iris } from "../data/iris";
import { trainTestSplit } from "../data/splits";
import { makePoints, type PointDatasetName, pointDatasets } from "../data/synthetic";
import { type ModelSpec, parseModelSpec } from "../nn/spec";
import type { AugmentOptions } from "../ops/augment";
import { Adadelta } from "../optim/adadelta";
import { Adagrad } from "../optim/adagrad";
import { Adam, AdamW } from "../optim/adam";
import type { Optimizer, Regularization } from "../optim/optimizer";
import { RMSprop } from "../optim/rmsprop";
import { CosineAnnealingLR, ExponentialLR, LinearLR, type LRScheduler, ReduceLROnPlateau, SequentialLR, StepLR } from "../optim/schedulers";
import { SGD } from "../optim/sgd";
import type { Tensor } from "../tensor/tensor";
import { LOSSES, type LossName } from "./objectives";
import type { EarlyStopping } from "./trainer";

export type DataConfig =
  | { name: PointDatasetName; points?: number; noise?: number; classes?: number; trainRatio?: number; seed?: number }
  | { name: ImageDatasetName; trainLimit?: number; testLimit?: number; valRatio?: number; seed?: number }
  | { name: "iris"; trainRatio?: number; seed?: number }
  | { name: "csv"; path?: string; text?: string; label?: string; trainRatio?: number; seed?: number };

export const OPTIMIZERS = ["sgd", "adam", "adamw", "adagrad", "rmsprop", "adadelta"] as const;
export type OptimizerConfig = { name: (typeof OPTIMIZERS)[number]; lr: number } & Record<string, number | boolean | number[] | string>;

export const SCHEDULERS = ["step", "exponential", "cosine", "warmup", "warmupCosine", "plateau"] as const;
export type SchedulerConfig = { name: (typeof SCHEDULERS)[number] } & Record<string, number | string>;

export interface TrainingConfig {
  epochs: number;
  batchSize: number;
  seed?: number;
  clipGradNorm?: number;
  clipGradValue?: number;
  labelSmoothing?: number;
  earlyStopping?: EarlyStopping;
  augment?: AugmentOptions;
}

export interface ExperimentConfig {
  name?: string;
  data: DataConfig;
  model: ModelSpec;
  loss: LossName;
  optimizer: OptimizerConfig;
  scheduler?: SchedulerConfig;
  regularization?: Regularization;
  training: TrainingConfig;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function fail(field: string, detail: string): never {
  throw new ConfigError(`config ${field}: ${detail}`);
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) fail(field, `expected an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function positive(value: unknown, field: string, whole = false): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value)))
    fail(field, `expected a ${whole ? "whole " : ""}number > 0, got ${JSON.stringify(value)}`);
  return value;
}

const DATA_NAMES = [...Object.keys(pointDatasets), ...IMAGE_DATASET_NAMES, "iris", "csv"];

/** Validates untrusted JSON as an optimizer setting: a known name and a positive lr (`field` names it in messages). */
export function parseOptimizerConfig(value: unknown, field = "optimizer"): OptimizerConfig {
  const optimizer = object(value, field);
  if (!OPTIMIZERS.includes(optimizer.name as OptimizerConfig["name"]))
    fail(`${field}.name`, `unknown optimizer ${JSON.stringify(optimizer.name)}; expected one of ${OPTIMIZERS.join(", ")}`);
  positive(optimizer.lr, `${field}.lr`);
  return optimizer as OptimizerConfig;
}

/** Validates untrusted JSON as an ExperimentConfig (a classifier or regressor; generative configs: parseAnyConfig in src/generative/config.ts). */
export function parseConfig(value: unknown): ExperimentConfig {
  const c = object(value, "");
  if ("generative" in c) fail("generative", "this is a generative (GAN or autoencoder) config; read it with parseAnyConfig() from src/generative/config.ts");
  for (const key of Object.keys(c))
    if (!["name", "data", "model", "loss", "optimizer", "scheduler", "regularization", "training"].includes(key)) fail(key, "is not a config field");
  const data = object(c.data, "data");
  if (!DATA_NAMES.includes(data.name as string)) fail("data.name", `unknown dataset ${JSON.stringify(data.name)}; expected one of ${DATA_NAMES.join(", ")}`);
  let model: ModelSpec;
  try {
    model = parseModelSpec(c.model);
  } catch (e) {
    fail("model", (e as Error).message);
  }
  if (!LOSSES.includes(c.loss as LossName)) fail("loss", `unknown loss ${JSON.stringify(c.loss)}; expected one of ${LOSSES.join(", ")}`);
  parseOptimizerConfig(c.optimizer);
  if (c.scheduler !== undefined) {
    const s = object(c.scheduler, "scheduler");
    if (!SCHEDULERS.includes(s.name as SchedulerConfig["name"]))
      fail("scheduler.name", `unknown schedule ${JSON.stringify(s.name)}; expected one of ${SCHEDULERS.join(", ")}`);
  }
  const training = object(c.training, "training");
  positive(training.epochs, "training.epochs", true);
  positive(training.batchSize, "training.batchSize", true);
  return { ...c, model } as unknown as ExperimentConfig;
}

export interface Splits {
  train: Dataset;
  val?: Dataset;
  test: Dataset;
}

/** Loads or generates the data and splits it (image sets keep their own test split). */
export async function makeData(config: DataConfig, read?: (path: string) => Promise<string>): Promise<Splits> {
  const seed = config.seed ?? 1;
  if ((IMAGE_DATASET_NAMES as readonly string[]).includes(config.name)) {
    const c = config as Extract<DataConfig, { name: ImageDatasetName }>;
    const all = await loadImageDataset(c.name, "train", { limit: c.trainLimit, seed });
    const test = await loadImageDataset(c.name, "test", { limit: c.testLimit, seed });
    if (!c.valRatio) return { train: all, test };
    const split = trainTestSplit(all, { trainRatio: 1 - c.valRatio, seed });
    return { train: split.train, val: split.test, test };
  }
  let ds: Dataset;
  if (config.name === "iris") ds = iris();
  else if (config.name === "csv") {
    const c = config as Extract<DataConfig, { name: "csv" }>;
    const text = c.text ?? (c.path && read ? await read(c.path) : fail("data", 'a csv dataset needs "path" (CLI) or "text"'));
    ds = parseCsv(text, { label: c.label });
  } else {
    const c = config as Extract<DataConfig, { name: PointDatasetName }>;
    ds = makePoints(c.name, { points: c.points, noise: c.noise, classes: c.classes, seed });
  }
  const ratio = (config as { trainRatio?: number }).trainRatio ?? 0.8;
  const split = trainTestSplit(ds, { trainRatio: ratio, seed });
  return { train: split.train, test: split.test };
}

const num = (o: Record<string, unknown>, key: string) => (typeof o[key] === "number" ? (o[key] as number) : undefined);

/** The optimizer a config names, over `params`. */
export function makeOptimizer(config: OptimizerConfig, params: Tensor[], regularization?: Regularization): Optimizer {
  const wd = num(config, "weightDecay");
  switch (config.name) {
    case "sgd":
      return new SGD(
        params,
        { lr: config.lr, momentum: num(config, "momentum"), nesterov: config.nesterov === true, weightDecay: wd, dampening: num(config, "dampening") },
        regularization,
      );
    case "adam":
    case "adamw": {
      const betas = Array.isArray(config.betas) ? (config.betas as [number, number]) : undefined;
      const options = { lr: config.lr, betas, eps: num(config, "eps"), weightDecay: wd, amsgrad: config.amsgrad === true };
      return config.name === "adam" ? new Adam(params, options, regularization) : new AdamW(params, options, regularization);
    }
    case "adagrad":
      return new Adagrad(
        params,
        { lr: config.lr, lrDecay: num(config, "lrDecay"), weightDecay: wd, initialAccumulatorValue: num(config, "initialAccumulatorValue") },
        regularization,
      );
    case "rmsprop":
      return new RMSprop(
        params,
        { lr: config.lr, alpha: num(config, "alpha"), momentum: num(config, "momentum"), centered: config.centered === true, weightDecay: wd },
        regularization,
      );
    default:
      return new Adadelta(params, { lr: config.lr, rho: num(config, "rho"), weightDecay: wd }, regularization);
  }
}

/** The learning-rate schedule a config names (stepped once per epoch). */
export function makeScheduler(config: SchedulerConfig, optimizer: Optimizer, epochs: number): LRScheduler | ReduceLROnPlateau {
  const get = (key: string, fallback: number) => num(config, key) ?? fallback;
  switch (config.name) {
    case "step":
      return new StepLR(optimizer, get("stepSize", 10), get("gamma", 0.1));
    case "exponential":
      return new ExponentialLR(optimizer, get("gamma", 0.95));
    case "cosine":
      return new CosineAnnealingLR(optimizer, get("tMax", epochs), get("etaMin", 0));
    case "warmup":
      return new LinearLR(optimizer, get("startFactor", 0.1), 1, get("warmupEpochs", 5));
    case "warmupCosine": {
      const warm = get("warmupEpochs", 2);
      return new SequentialLR(
        optimizer,
        [new LinearLR(optimizer, get("startFactor", 0.1), 1, warm), new CosineAnnealingLR(optimizer, Math.max(epochs - warm, 1), get("etaMin", 0))],
        [warm],
      );
    }
    default:
      return new ReduceLROnPlateau(optimizer, { factor: get("factor", 0.1), patience: get("patience", 5) });
  }
}
