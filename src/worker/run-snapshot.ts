/**
 * A Train-tab run saved and restored whole, so that a reload resumes it: the model's parameters and
 * buffers (batch-norm statistics) as safetensors, the optimizer's moments and step count, the
 * schedule's position, and the epoch and step reached. The Trainer then skips the batches of the
 * current epoch it had trained, so the run goes on as if the page had never closed.
 */
import { datasetFacts } from "../data/catalog";
import { loadWeightsInto, saveModel } from "../io/checkpoint";
import type { Module } from "../nn/module";
import { LRScheduler } from "../optim/schedulers";
import type { ExperimentConfig } from "../train/config";
import type { Trainer } from "../train/trainer";
import type { RunSnapshot } from "./protocol";

/** "MNIST (5,000 train / 1,000 test images)", for the loading message. */
export function describeData(config: ExperimentConfig): string {
  const d = config.data as { name: ExperimentConfig["data"]["name"]; trainLimit?: number; testLimit?: number; points?: number };
  const label = datasetFacts(d.name).label;
  if (d.trainLimit !== undefined || d.testLimit !== undefined) {
    const count = (n: number | undefined, all: string) => (n === undefined ? all : n.toLocaleString("en-US"));
    return `${label} (${count(d.trainLimit, "all")} train / ${count(d.testLimit, "all")} test images)`;
  }
  return d.points ? `${label} (${d.points.toLocaleString("en-US")} points)` : label;
}

/** The run as it stands; read while the trainer is paused. */
export async function snapshotRun(config: ExperimentConfig, trainer: Trainer, model: Module, inputShape: number[]): Promise<RunSnapshot> {
  const o = trainer.options;
  const scheduler = o.scheduler instanceof LRScheduler ? { t: o.scheduler.t, baseLrs: [...o.scheduler.baseLrs] } : undefined;
  return {
    config: JSON.stringify(config),
    epoch: trainer.epoch,
    step: trainer.step,
    weights: await saveModel(model, config.model, inputShape),
    optimizer: await o.optimizer.saveState(),
    ...(scheduler ? { scheduler } : {}),
  };
}

/** Puts a snapshot's weights into a freshly built model (throws, changing nothing, when they do not fit). */
export function restoreRun(model: Module, run: RunSnapshot): void {
  loadWeightsInto(model, run.weights);
}

/** Puts a snapshot's optimizer and schedule state into a new trainer's. */
export function resumeOptimizer(trainer: Trainer, run: RunSnapshot): void {
  const o = trainer.options;
  o.optimizer.loadState(run.optimizer);
  if (run.scheduler && o.scheduler instanceof LRScheduler) {
    o.scheduler.t = run.scheduler.t;
    o.scheduler.baseLrs.splice(0, o.scheduler.baseLrs.length, ...run.scheduler.baseLrs);
  }
}
