/**
 * Hyper-parameter search: the trials of a grid (every combination of the listed values, in the
 * order the settings are listed) or of a random search (each setting drawn from its list, seeded),
 * and a trial applied to a config: the learning rate and weight decay of its optimizer, its batch
 * size, the width of its hidden Linear layers, the rate of its Dropout layers. The trials train
 * side by side as race entries (src/worker/race-session.ts) and are scored by their validation
 * split, never the test split.
 */

import { Rng } from "../data/random";
import type { LayerSpec, ModelSpec } from "../nn/spec";
import type { ExperimentConfig } from "./config";

export const SEARCHABLE = ["lr", "weightDecay", "batchSize", "width", "dropout"] as const;
export type Searchable = (typeof SEARCHABLE)[number];

/** The values to try of each setting searched. */
export type SearchSpace = Partial<Record<Searchable, number[]>>;

export interface SearchConfig {
  kind: "grid" | "random";
  space: SearchSpace;
  /** Random search: how many trials (default 8). */
  trials?: number;
  seed?: number;
}

/** One trial: a value for each setting searched. */
export type Trial = Partial<Record<Searchable, number>>;

/** Every combination of the listed values, the first setting varying slowest. */
export function gridTrials(space: SearchSpace): Trial[] {
  let trials: Trial[] = [{}];
  for (const key of SEARCHABLE) {
    const values = space[key];
    if (!values?.length) continue;
    trials = trials.flatMap((t) => values.map((v) => ({ ...t, [key]: v })));
  }
  return trials;
}

/** `count` trials, each setting drawn from its list (seeded; a combination may repeat). */
export function randomTrials(space: SearchSpace, count: number, seed: number): Trial[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const trial: Trial = {};
    for (const key of SEARCHABLE) {
      const values = space[key];
      if (values?.length) trial[key] = values[rng.int(values.length)];
    }
    return trial;
  });
}

export function searchTrials(search: SearchConfig): Trial[] {
  return search.kind === "grid" ? gridTrials(search.space) : randomTrials(search.space, search.trials ?? 8, search.seed ?? 1);
}

const NAMES: Record<Searchable, string> = { lr: "lr", weightDecay: "weight decay", batchSize: "batch", width: "width", dropout: "dropout" };

/** "lr 0.01 · weight decay 0.001": what a trial sets. */
export const describeTrial = (trial: Trial) =>
  SEARCHABLE.filter((k) => trial[k] !== undefined)
    .map((k) => `${NAMES[k]} ${trial[k]}`)
    .join(" · ") || "the config as it is";

/** The hidden Linear layers' units set to `width` (the output layer keeps its size), and Dropout layers' rate to `dropout`. */
function reshapeModel(model: ModelSpec, width?: number, dropout?: number): ModelSpec {
  const lastLinear = model.layers.map((l) => l.type).lastIndexOf("linear");
  const layers = model.layers.map((l, i): LayerSpec => {
    if (width !== undefined && l.type === "linear" && i !== lastLinear) return { ...l, units: width };
    if (dropout !== undefined && l.type === "dropout") return { ...l, p: dropout };
    return l;
  });
  return { ...model, layers };
}

/** Why a search cannot set what it lists on this model, or null. */
export function searchProblem(config: ExperimentConfig, space: SearchSpace): string | null {
  const types = config.model.layers.map((l) => l.type);
  if (space.width?.length && types.filter((t) => t === "linear").length < 2) return "search.space.width: the model has no hidden Linear layer to widen";
  if (space.dropout?.length && !types.includes("dropout")) return "search.space.dropout: the model has no Dropout layer; add one in the builder first";
  return null;
}

/** The config a trial trains. */
export function applyTrial(config: ExperimentConfig, trial: Trial): ExperimentConfig {
  const optimizer = { ...config.optimizer };
  if (trial.lr !== undefined) optimizer.lr = trial.lr;
  if (trial.weightDecay !== undefined) optimizer.weightDecay = trial.weightDecay;
  const training = trial.batchSize !== undefined ? { ...config.training, batchSize: trial.batchSize } : config.training;
  const model = trial.width !== undefined || trial.dropout !== undefined ? reshapeModel(config.model, trial.width, trial.dropout) : config.model;
  return { ...config, optimizer, training, model };
}
