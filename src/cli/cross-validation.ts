/**
 * `npm run train -- <config> --folds k` (or `--folds loo`): k-fold cross-validation of the config's
 * model on its training and validation data together (the test split is never touched), printing
 * each fold's held-out scores and their mean ± standard deviation, the way a model or a setting is
 * chosen before the one look at the test split. Classification folds are stratified; leave-one-out
 * holds out one example per fold. Scaling is fitted on each fold's training part. Every fold's model
 * starts from the same initial weights (the config's seed).
 */
import { writeFileSync } from "node:fs";
import type { Backend } from "../backend/backend";
import { concatDatasets } from "../data/dataset";
import type { ScalingKind } from "../data/scaling";
import type { ExperimentConfig } from "../train/config";
import { crossValidate } from "../train/cross-validate";
import type { Evaluation } from "../train/evaluate";
import { buildExperimentModel, experimentAugment, experimentLoss, makeExperimentOptimizer, trainingSeed } from "../train/experiment";
import { makeData } from "../train/make";

/** Runs the cross-validation and prints it; `folds` is k, or "loo" for leave-one-out. */
export async function runCrossValidation(
  config: ExperimentConfig,
  backend: Backend,
  folds: number | "loo",
  options: { json?: string; read?: (path: string) => AsyncIterable<string>; describe: (e: Evaluation) => string },
): Promise<void> {
  const scale = (config.data as { scale?: ScalingKind }).scale ?? "none";
  // The same split as training uses, unscaled: each fold fits its own scaling.
  const splits = await makeData({ ...config.data, scale: undefined } as ExperimentConfig["data"], options.read);
  const data = concatDatasets(splits.train, splits.val);
  const k = folds === "loo" ? data.n : folds;
  if (k > data.n) throw new Error(`train: --folds ${k} needs at least ${k} examples; the training and validation data have ${data.n}`);
  const how = folds === "loo" ? "leave-one-out" : data.task === "classification" ? "stratified" : "shuffled";
  console.log(`cross-validation: ${k} folds (${how}) over the ${data.n} training and validation examples; the ${splits.test.n} test examples are not used`);
  const t = config.training;
  const started = performance.now();
  const result = await crossValidate(
    data,
    k,
    () => {
      const { model } = buildExperimentModel(config, data.inputShape, backend);
      return { model, ...makeExperimentOptimizer(config, model) };
    },
    {
      loss: experimentLoss(config, data),
      batchSize: t.batchSize,
      epochs: t.epochs,
      seed: trainingSeed(config),
      clipGradNorm: t.clipGradNorm,
      clipGradValue: t.clipGradValue,
      augment: experimentAugment(config, data.inputShape),
      stratified: folds !== "loo",
      scale,
    },
    (fold, e) => {
      if (folds !== "loo" || k <= 20) console.log(`fold ${fold + 1}/${k}: ${options.describe(e)}`);
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const percent = (v: number) => (result.score.name === "accuracy" ? `${(100 * v).toFixed(2)}%` : v.toFixed(4));
  console.log(
    `cross-validated ${result.score.name}: ${percent(result.score.mean)} ± ${percent(result.score.std)} (mean ± std over ${k} folds); loss ${result.loss.mean.toFixed(4)} ± ${result.loss.std.toFixed(4)} (${seconds.toFixed(1)} s)`,
  );
  if (options.json) {
    const folds = result.folds.map((e) => ({ loss: e.loss, n: e.n, accuracy: e.classification?.accuracy, r2: e.regression?.r2 }));
    writeFileSync(options.json, JSON.stringify({ config, crossValidation: { k, how, folds, loss: result.loss, score: result.score, seconds } }, null, 2));
  }
}
