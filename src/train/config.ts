/**
 * The experiment config: what to train on, the model, the loss, the optimizer, the schedule and the
 * training settings, as one JSON object (the CLI reads it from a file; the playground keeps the
 * same object in its URL and saved files). parseConfig() validates untrusted JSON with messages that
 * name the field. Pure: the page reads it without the engine; src/train/make.ts turns a config into
 * data, an optimizer and a schedule.
 */

import { DATA_NAMES } from "../data/catalog";
import type { ImageDatasetName } from "../data/image-datasets";
import type { PointDatasetName } from "../data/synthetic";
import { type ModelSpec, parseModelSpec } from "../nn/spec";
import type { AugmentOptions } from "../ops/augment";
import type { Regularization } from "../optim/optimizer";
import { LOSSES, type LossName } from "./loss-names";
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
  if (!DATA_NAMES.includes(data.name as DataConfig["name"]))
    fail("data.name", `unknown dataset ${JSON.stringify(data.name)}; expected one of ${DATA_NAMES.join(", ")}`);
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
