/**
 * k-fold cross-validation: trains a fresh model on k-1 folds and evaluates it on the held-out one, k
 * times, and reports each fold and the mean and spread of the scores. Classification folds are
 * stratified, so each keeps the class balance (unless `stratified: false`, as leave-one-out must).
 * With `scale`, each fold's inputs are scaled with statistics fitted on its own training folds, so
 * that the held-out fold never shapes what it is scored with.
 */
import type { Dataset } from "../data/dataset";
import { subset } from "../data/dataset";
import { type ScalingKind, scaleSplits } from "../data/scaling";
import { foldsOf } from "../data/splits";
import { check } from "../errors";
import type { Module } from "../nn/module";
import type { Optimizer } from "../optim/optimizer";
import type { Evaluation } from "./evaluate";
import { evaluateWith, Trainer, type TrainerOptions } from "./trainer";

export interface CrossValidationResult {
  folds: Evaluation[];
  /** Mean and standard deviation over the folds of the loss and the headline score. */
  loss: { mean: number; std: number };
  /** Accuracy for classification, R² for regression. */
  score: { name: "accuracy" | "r2"; mean: number; std: number };
}

const meanStd = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
};

export async function crossValidate(
  data: Dataset,
  k: number,
  make: () => { model: Module; optimizer: Optimizer; scheduler?: TrainerOptions["scheduler"] },
  options: Omit<TrainerOptions, "model" | "optimizer" | "train" | "val" | "scheduler"> & { stratified?: boolean; scale?: ScalingKind },
  onFold?: (fold: number, evaluation: Evaluation) => void,
): Promise<CrossValidationResult> {
  check(Number.isInteger(k) && k >= 2 && k <= data.n, "crossValidate", () => `k must be a whole number in [2, ${data.n}], got ${k}`);
  const { stratified = true, scale = "none", ...trainerOptions } = options;
  const seed = options.seed ?? 0;
  const folds = foldsOf(data, k, seed, stratified);
  const results: Evaluation[] = [];
  for (const [i, fold] of folds.entries()) {
    const [train, heldOut] = scaleSplits(scale, subset(data, fold.train), subset(data, fold.test));
    const { model, optimizer, scheduler } = make();
    try {
      const trainer = new Trainer({ ...trainerOptions, model, optimizer, scheduler, train });
      await trainer.run();
      const evaluation = await evaluateWith(trainer, heldOut);
      results.push(evaluation);
      onFold?.(i, evaluation);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  }
  const classification = data.task === "classification";
  const scores = results.map((r) => (classification ? (r.classification?.accuracy ?? 0) : (r.regression?.r2 ?? 0)));
  return { folds: results, loss: meanStd(results.map((r) => r.loss)), score: { name: classification ? "accuracy" : "r2", ...meanStd(scores) } };
}
