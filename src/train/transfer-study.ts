/**
 * A transfer-learning study that runs out of the box: a small CNN pretrained on five classes of an
 * image set (digits 0-4), then a new task (digits 5-9, relabelled 0-4; or five classes of the other
 * image set) learnt from a few labelled examples in four ways: from scratch, fine-tuning every
 * pretrained layer, fine-tuning with the convolutions at a tenth of the learning rate, and with the
 * convolutions frozen so that only the layers above them train. Each arm at each number of labelled examples is
 * scored on the same held-out test examples of the new task: accuracy against labelled examples,
 * the curve that shows what pretraining buys when labels are scarce.
 *
 * Every arm starts from the same seed: the scratch arm's hidden layers are initialised as they would
 * be without pretraining, and both transfer arms get a new head (the pretrained head answered the
 * old classes). The arms share the batch order of their size.
 */
import type { Backend } from "../backend/backend";
import type { ImageDatasetName } from "../data/image-datasets";
import type { Module } from "../nn/module";
import type { LayerSpec, ModelSpec } from "../nn/spec";
import { type ExperimentConfig, parseConfig } from "./config";
import { evaluate } from "./evaluate";
import { buildExperimentModel, experimentLoss, makeExperimentTrainer } from "./experiment";
import { makeData } from "./make";

export const TRANSFER_ARMS = ["scratch", "fineTune", "gentle", "frozen"] as const;
export type TransferArm = (typeof TRANSFER_ARMS)[number];

export const ARM_LABELS: Record<TransferArm, string> = {
  scratch: "from scratch",
  fineTune: "fine-tune all layers",
  gentle: "fine-tune, conv layers at lr × 0.1",
  frozen: "frozen conv features, new classifier",
};

/** The new task: the same image set's other five classes, or five classes of the other image set. */
export const TRANSFER_TARGETS = ["otherClasses", "otherDataset"] as const;
export type TransferTarget = (typeof TRANSFER_TARGETS)[number];

export interface TransferStudyConfig {
  /** The image set pretrained on. */
  dataset: ImageDatasetName;
  target: TransferTarget;
  /** Numbers of labelled examples of the new task to learn from (at least 10 each). */
  sizes: number[];
  /** Examples of the old task to pretrain on, and for how many epochs. */
  pretrainExamples: number;
  pretrainEpochs: number;
  /** Epochs over the labelled examples for every arm. */
  fineTuneEpochs: number;
  /** Held-out examples of the new task each arm is scored on. */
  testExamples: number;
  seed: number;
}

export const DEFAULT_TRANSFER_STUDY: TransferStudyConfig = {
  dataset: "mnist",
  target: "otherClasses",
  sizes: [25, 50, 100, 200],
  pretrainExamples: 6000,
  pretrainEpochs: 3,
  fineTuneEpochs: 20,
  testExamples: 1000,
  seed: 1,
};

/** The classes of the old task and of the new one. */
export const SOURCE_CLASSES = [0, 1, 2, 3, 4];
export const TARGET_CLASSES = [5, 6, 7, 8, 9];

/** A small CNN (LeNet-like, narrower): two conv-pool stages, a hidden layer, a head of 5. */
export const STUDY_MODEL: ModelSpec = {
  layers: [
    { type: "conv2d", filters: 8, kernel: 5 },
    { type: "activation", fn: "relu" },
    { type: "maxPool2d", kernel: 2 },
    { type: "conv2d", filters: 16, kernel: 5 },
    { type: "activation", fn: "relu" },
    { type: "maxPool2d", kernel: 2 },
    { type: "flatten" },
    { type: "linear", units: 64 },
    { type: "activation", fn: "relu" },
    { type: "linear", units: 5 },
  ],
};

export interface TransferResult {
  size: number;
  arm: TransferArm;
  /** Test accuracy on the new task. */
  accuracy: number;
  seconds: number;
}

export interface TransferStudyEvents {
  /** What runs now ("pretraining on digits 0-4", "50 labelled examples: fine-tune all layers"). */
  phase(text: string): void;
  /** The pretrained model's test accuracy on the old task. */
  pretrained(accuracy: number): void;
  result(result: TransferResult): void;
  /** True when the study should end after the run in progress. */
  stopped(): boolean;
}

/**
 * The spec of an arm: "frozen" freezes the convolutions (the features; the classifier above them
 * trains), "gentle" trains every layer but the head at a tenth of the learning rate (discriminative
 * fine-tuning: the pretrained features move little while the classifier above them learns).
 */
export function armSpec(arm: TransferArm, spec: ModelSpec = STUDY_MODEL): ModelSpec {
  const change = (l: LayerSpec): LayerSpec => {
    if (arm === "frozen" && l.type === "conv2d") return { ...l, frozen: true };
    if (arm === "gentle" && l.type === "conv2d") return { ...l, lrScale: 0.1 };
    return l;
  };
  return arm === "frozen" || arm === "gentle" ? { ...spec, layers: spec.layers.map(change) } : spec;
}

/** The other image set. */
const otherSet = (name: ImageDatasetName): ImageDatasetName => (name === "mnist" ? "fashion-mnist" : "mnist");

/** The old task (pretraining) or the new one: its image set and classes. */
export function studyTask(study: TransferStudyConfig, task: "old" | "new"): { dataset: ImageDatasetName; classes: number[] } {
  if (task === "old") return { dataset: study.dataset, classes: SOURCE_CLASSES };
  return study.target === "otherClasses" ? { dataset: study.dataset, classes: TARGET_CLASSES } : { dataset: otherSet(study.dataset), classes: SOURCE_CLASSES };
}

/** "digits 5-9", "Fashion-MNIST classes 0-4". */
export function describeTask(task: { dataset: ImageDatasetName; classes: number[] }): string {
  const range = `${task.classes[0]}-${task.classes.at(-1)}`;
  return task.dataset === "mnist" ? `digits ${range}` : `Fashion-MNIST classes ${range}`;
}

function studyConfig(study: TransferStudyConfig, arm: TransferArm, task: "old" | "new", trainLimit: number, epochs: number): ExperimentConfig {
  const { dataset, classes } = studyTask(study, task);
  return parseConfig({
    name: `transfer study: ${arm}`,
    data: { name: dataset, classSubset: classes, trainLimit, testLimit: study.testExamples, valRatio: 0.05, seed: study.seed },
    model: armSpec(arm),
    loss: "crossEntropy",
    optimizer: { name: "adam", lr: 0.002 },
    training: { epochs, batchSize: Math.min(32, Math.max(8, Math.floor(trainLimit / 4))), seed: study.seed },
  });
}

/** Trains `config`'s model (started by `init`) and scores it on its test split. */
async function trainAndScore(config: ExperimentConfig, backend: Backend, init?: (model: Module) => void): Promise<{ accuracy: number; model: Module }> {
  const splits = await makeData(config.data);
  const { model } = buildExperimentModel(config, splits.train.inputShape, backend);
  init?.(model);
  const trainer = makeExperimentTrainer(config, splits, model);
  await trainer.run();
  trainer.options.optimizer.dispose();
  const scored = await evaluate(model, splits.test, experimentLoss(config, splits.train), { backend });
  return { accuracy: scored.classification?.accuracy ?? Number.NaN, model };
}

/** Pretrains, then runs every arm at every size (smallest first), reporting as it goes; returns every result. */
export async function runTransferStudy(study: TransferStudyConfig, backend: Backend, events: TransferStudyEvents): Promise<TransferResult[]> {
  events.phase(`pretraining on ${study.pretrainExamples.toLocaleString("en-US")} examples of ${describeTask(studyTask(study, "old"))}`);
  const source = studyConfig(study, "fineTune", "old", study.pretrainExamples, study.pretrainEpochs);
  const pretrained = await trainAndScore(source, backend);
  events.pretrained(pretrained.accuracy);
  // The pretrained weights but the head's: the transfer arms start from these, with a new head.
  const headNames = new Set(
    pretrained.model
      .namedParameters()
      .slice(-2)
      .map(([name]) => name),
  );
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of pretrained.model.stateDict())
    if (!headNames.has(name)) weights.set(name, { shape: [...t.shape], data: Float32Array.from((await t.data()) as Float32Array) });
  pretrained.model.dispose();
  const results: TransferResult[] = [];
  for (const size of [...study.sizes].sort((a, b) => a - b))
    for (const arm of TRANSFER_ARMS) {
      if (events.stopped()) return results;
      events.phase(`${size} labelled examples of ${describeTask(studyTask(study, "new"))}: ${ARM_LABELS[arm]}`);
      const started = performance.now();
      const { accuracy, model } = await trainAndScore(
        studyConfig(study, arm, "new", size, study.fineTuneEpochs),
        backend,
        arm === "scratch" ? undefined : (m) => m.loadStateDict(weights, { strict: false }),
      );
      model.dispose();
      const result = { size, arm, accuracy, seconds: (performance.now() - started) / 1000 };
      results.push(result);
      events.result(result);
    }
  return results;
}
