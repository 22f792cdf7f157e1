/**
 * What a race entry is, in words and in settings: its label (the optimizer, and the architecture
 * when the entry trains its own model), the entries of an architecture race (one per builder preset
 * that fits the data, all with the Train tab's optimizer), of a cross-validation (one per fold) and
 * of an ensemble (one per member), of a loss race (one per loss that fits the task) and of a
 * hyper-parameter search (one per trial, and the best of them),
 * the entries that are left when the data change (architectures built for other data are dropped;
 * the optimizers stay), and a cross-validation's summary (mean ± std of the folds' scores).
 */
import type { ModelSpec } from "../../nn/spec";
import type { ExperimentConfig, OptimizerConfig } from "../../train/config";
import { LOSS_LABELS, REGRESSION_LOSSES } from "../../train/loss-names";
import { applyTrial, describeTrial, type SearchConfig, type SearchSpace, searchTrials } from "../../train/search";
import { OPTIMIZER_LABELS } from "../../train/settings";
import type { RaceEntry, RaceEpoch } from "../../worker/protocol";
import { type ModelPreset, presetSpec } from "../builder/model-presets";

/** The members of an ensemble race, each from its own seed and, with `bagging`, its own bootstrap sample. */
export function memberEntries(n: number, optimizer: OptimizerConfig, bagging: boolean): RaceEntry[] {
  return Array.from({ length: n }, (_, index) => ({
    label: `member ${index + 1} of ${n}${bagging ? " (bagged)" : ""}`,
    optimizer: structuredClone(optimizer),
    member: bagging ? { index, bagging } : { index },
  }));
}

/** Whether the entries are an ensemble's members. */
export const isEnsemble = (entries: RaceEntry[]) => entries.length > 0 && entries.every((e) => e.member !== undefined);

/** "SGD + momentum 0.9 · lr 0.05"; with an architecture first: "LSTM · 64 — Adam · lr 0.005". */
export function describeEntry(o: OptimizerConfig, architecture?: string): string {
  const momentum = typeof o.momentum === "number" && o.momentum > 0 ? ` + momentum ${o.momentum}` : "";
  const optimizer = `${OPTIMIZER_LABELS[o.name]}${momentum} · lr ${o.lr}`;
  return architecture ? `${architecture} — ${optimizer}` : optimizer;
}

/** An entry training `model` (undefined: the Train tab's) under `optimizer`, labelled by the preset the model is, if any. */
export function raceEntry(optimizer: OptimizerConfig, model?: ModelSpec, preset?: ModelPreset): RaceEntry {
  if (!model) return { label: describeEntry(optimizer), optimizer };
  return { label: describeEntry(optimizer, preset?.label ?? "custom model"), optimizer, model };
}

/** An architecture race: one entry per preset (at most `max`), each with `optimizer`. */
export function architectureEntries(presets: ModelPreset[], outputSize: number, optimizer: OptimizerConfig, max: number): RaceEntry[] {
  return presets.slice(0, max).map((p) => raceEntry(structuredClone(optimizer), presetSpec(p, outputSize), p));
}

/** The entries for new data: each trains the Train tab's model again (its own was built for the old data). */
export function withoutModels(entries: RaceEntry[]): RaceEntry[] {
  return entries.map((e) => (e.model ? raceEntry(e.optimizer) : e));
}

/**
 * A loss race: the Train tab's model and optimizer under each loss that fits the task and its output
 * layer (binary cross-entropy on one logit needs another output layer, so it is left out):
 * cross-entropy, the same with balanced class weights, multi-margin (hinge) and MSE on one-hot for
 * classification; MSE, L1 and Huber for regression.
 */
export function lossEntries(task: "classification" | "regression", optimizer: OptimizerConfig): RaceEntry[] {
  const entry = (loss: RaceEntry["loss"] & string, balanced = false): RaceEntry => ({
    label: `${LOSS_LABELS[loss]}${balanced ? " · balanced class weights" : ""}`,
    optimizer: structuredClone(optimizer),
    loss,
    ...(balanced ? { balanced } : {}),
  });
  if (task === "regression") return REGRESSION_LOSSES.map((l) => entry(l));
  return [entry("crossEntropy"), entry("crossEntropy", true), entry("multiMargin"), entry("mseOneHot")];
}

/** Whether the entries race losses. */
export const isLossRace = (entries: RaceEntry[]) => entries.length > 0 && entries.every((e) => e.loss !== undefined);

/** A cross-validation: `k` entries, fold i held out by entry i, each the Train tab's model and optimizer. */
export function foldEntries(k: number, optimizer: OptimizerConfig): RaceEntry[] {
  return Array.from({ length: k }, (_, index) => ({ label: `fold ${index + 1} of ${k}`, optimizer: structuredClone(optimizer), fold: { k, index } }));
}

/** Whether the entries are a cross-validation's folds. */
export const isCrossValidation = (entries: RaceEntry[]) => entries.length > 0 && entries.every((e) => e.fold !== undefined);

/**
 * The folds' held-out scores at the last epoch every fold reached: mean and standard deviation (over
 * the folds, n in the denominator as scikit-learn's cross_val_score summaries) of the accuracy, or of
 * the loss for regression; null until every fold has reported an epoch after the first.
 */
export function crossValidationSummary(k: number, epochs: RaceEpoch[]): { epoch: number; metric: "accuracy" | "loss"; mean: number; std: number } | null {
  const last = Array.from({ length: k }, (_, fold) => epochs.filter((e) => e.entry === fold).at(-1));
  if (last.some((e) => e === undefined || e.epoch === 0)) return null;
  const epoch = Math.min(...last.map((e) => (e as RaceEpoch).epoch));
  const at = Array.from({ length: k }, (_, fold) => epochs.find((e) => e.entry === fold && e.epoch === epoch) as RaceEpoch);
  const metric = at.every((e) => Number.isFinite(e.val.accuracy)) ? "accuracy" : "loss";
  const values = at.map((e) => e.val[metric]);
  const mean = values.reduce((a, b) => a + b, 0) / k;
  return { epoch, metric, mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / k) };
}

/** Three significant digits: what a multiplied learning rate is shown and tried as. */
const round3 = (v: number) => Number(v.toPrecision(3));

/**
 * The search the Race tab runs when the config has none: a grid of the learning rate (a third of
 * the Train tab's, it, three times it) by weight decay (none, 0.001) and, where the model has hidden
 * Linear layers, their width (as it is, and half): 12 trials, or 6 without the width.
 */
export function defaultSearch(config: ExperimentConfig): SearchConfig {
  const lr = config.optimizer.lr;
  const linears = config.model.layers.filter((l) => l.type === "linear") as { units: number }[];
  const space: SearchSpace = { lr: [round3(lr / 3), lr, round3(lr * 3)], weightDecay: [0, 0.001] };
  if (linears.length >= 2) space.width = [Math.max(1, Math.round(linears[0].units / 2)), linears[0].units];
  return { kind: "grid", space };
}

/** One entry per trial of the config's search (or the default one). */
export function searchEntries(config: ExperimentConfig): RaceEntry[] {
  return searchTrials(config.search ?? defaultSearch(config)).map((trial) => ({
    label: describeTrial(trial),
    optimizer: applyTrial(config, trial).optimizer,
    trial,
  }));
}

/** Whether the entries are a search's trials. */
export const isSearch = (entries: RaceEntry[]) => entries.length > 0 && entries.every((e) => e.trial !== undefined);

/** Each trial's best validation score over its epochs: accuracy, or the loss for regression (lower is better). */
export function trialScores(count: number, epochs: RaceEpoch[]): { metric: "accuracy" | "loss"; best: number[] } {
  const metric = epochs.some((e) => Number.isFinite(e.val.accuracy)) ? "accuracy" : "loss";
  const best = Array.from({ length: count }, (_, entry) => {
    const values = epochs.filter((e) => e.entry === entry && e.epoch > 0).map((e) => e.val[metric]);
    if (!values.length) return Number.NaN;
    return metric === "accuracy" ? Math.max(...values) : Math.min(...values);
  });
  return { metric, best };
}

/** The index of the best trial, or -1 before any trial has trained an epoch. */
export function bestTrial(scores: { metric: "accuracy" | "loss"; best: number[] }): number {
  let winner = -1;
  scores.best.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    if (winner < 0 || (scores.metric === "accuracy" ? v > scores.best[winner] : v < scores.best[winner])) winner = i;
  });
  return winner;
}
