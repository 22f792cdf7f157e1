/**
 * From an experiment config to the pieces of a training run, the one way both the CLI and the
 * playground's worker start one: the model built with the config's seed for the data's input shape,
 * the loss (with label smoothing), the on-device augmentation of image batches, and the Trainer
 * with its optimizer (L1/L2 included) and schedule and every training setting the config has
 * (batch size, epochs, seed, clipping, early stopping).
 */

import type { Backend } from "../backend/backend";
import { datasetFacts } from "../data/catalog";
import type { Dataset } from "../data/dataset";
import type { Scaling } from "../data/scaling";
import type { ExportPurpose } from "../io/pytorch-usage";
import { type BuiltModel, buildModel, lrScaleOf } from "../nn/build";
import type { Module } from "../nn/module";
import { budgetOf, checkTrainingMemory, optimizerStateValues } from "../nn/resources";
import { summarizeModel } from "../nn/shapes";
import { augment } from "../ops/augment";
import type { Optimizer, ParamGroupInput } from "../optim/optimizer";
import type { LRScheduler, ReduceLROnPlateau } from "../optim/schedulers";
import { withBackend } from "../tensor/engine";
import { manualSeed } from "../tensor/random";
import type { Tensor } from "../tensor/tensor";
import { resolveClassWeights } from "./class-weights";
import type { ExperimentConfig, OptimizerConfig } from "./config";
import { isClassification } from "./loss-names";
import { makeOptimizer, makeScheduler, type Splits } from "./make";
import { type LossFn, lossByName } from "./objectives";
import { Trainer } from "./trainer";

/** The seed of a run's weights and batch order (the config's, default 1). */
export const trainingSeed = (config: ExperimentConfig) => config.training.seed ?? 1;

/**
 * Seeds the generator with the config's seed and builds its model on `backend` for `inputShape`,
 * after checking that training it at the config's batch size fits the backend's memory
 * (src/nn/resources.ts; `copies` models train side by side, as in a race).
 */
export function buildExperimentModel(config: ExperimentConfig, inputShape: number[], backend: Backend, copies = 1): BuiltModel {
  checkTrainingMemory(
    summarizeModel(config.model, inputShape),
    inputShape,
    config.training.batchSize * copies,
    optimizerStateValues(config.optimizer),
    budgetOf(backend),
  );
  return withBackend(backend, () => {
    manualSeed(trainingSeed(config));
    return buildModel(config.model, inputShape);
  });
}

/** What a config's model is for, as its PyTorch export documents it (inputs and their scaling, outputs, the loss to go on with). */
export function exportPurpose(config: ExperimentConfig, scaling?: Scaling): ExportPurpose {
  const family = datasetFacts(config.data.name).family;
  const tokens = config.model.layers[0]?.type === "embedding";
  const input = family === "images" ? "pixels" : family === "points" ? "points" : family === "sequences" ? (tokens ? "tokens" : "series") : "features";
  return { kind: isClassification(config.loss) ? "classifier" : "regressor", input, ...(scaling ? { scaling } : {}) };
}

/** The loss a config trains with on `train` (whose class counts "balanced" class weights come from). */
export function experimentLoss(config: ExperimentConfig, train: Dataset): LossFn {
  return lossByName(config.loss, { labelSmoothing: config.training.labelSmoothing, classWeights: resolveClassWeights(config.training.classWeights, train) });
}

/** The config's augmentation of a batch of training images on the device; undefined without one or for non-image inputs. */
export function experimentAugment(config: ExperimentConfig, inputShape: number[]): ((x: Tensor) => Tensor) | undefined {
  const options = config.training.augment;
  return options && inputShape.length === 3 ? (x) => augment(x, options) : undefined;
}

/** An optimizer over `model`'s parameters with the config's L1/L2 (a copy, so changing it later leaves the config alone) and its schedule. */
export function makeExperimentOptimizer(
  config: ExperimentConfig,
  model: Module,
  optimizerConfig: OptimizerConfig = config.optimizer,
): { optimizer: Optimizer; scheduler?: LRScheduler | ReduceLROnPlateau } {
  const optimizer = makeOptimizer(optimizerConfig, parameterGroups(model.parameters()), { ...config.regularization });
  try {
    return { optimizer, scheduler: config.scheduler ? makeScheduler(config.scheduler, optimizer, config.training.epochs) : undefined };
  } catch (e) {
    optimizer.dispose(); // a bad schedule setting: give the parameters back
    throw e;
  }
}

/**
 * The parameters as optimizer groups: one for the layers at the optimizer's learning rate, one per
 * other lrScale the spec gives layers (discriminative fine-tuning), in the model's order.
 */
export function parameterGroups(parameters: Tensor[]): ParamGroupInput<{ lr: number }>[] {
  const byScale = new Map<number, Tensor[]>();
  for (const p of parameters) {
    const scale = lrScaleOf(p);
    byScale.set(scale, [...(byScale.get(scale) ?? []), p]);
  }
  return [...byScale].map(([lrScale, params]) => (lrScale === 1 ? { params } : { params, lrScale }));
}

/** A Trainer for `model` with everything the config sets; it evaluates the validation split after each epoch. */
export function makeExperimentTrainer(config: ExperimentConfig, splits: Splits, model: Module, start?: { epoch: number; step: number }): Trainer {
  const t = config.training;
  const { optimizer, scheduler } = makeExperimentOptimizer(config, model);
  return new Trainer({
    model,
    optimizer,
    loss: experimentLoss(config, splits.train),
    train: splits.train,
    val: splits.val,
    batchSize: t.batchSize,
    epochs: t.epochs,
    seed: trainingSeed(config),
    scheduler,
    clipGradNorm: t.clipGradNorm,
    clipGradValue: t.clipGradValue,
    earlyStopping: t.earlyStopping,
    augment: experimentAugment(config, splits.train.inputShape),
    start,
  });
}
