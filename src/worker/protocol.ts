/**
 * The typed messages between the page and the training worker. The page never touches the engine:
 * it sends commands carrying the experiment config (the same object the URL, saved files and the
 * CLI use) and renders the events the worker posts back. Every array here is a plain typed array
 * so it can be transferred, not copied.
 */
import type { BackendChoice, BackendKind } from "../backend/backend";
import type { Scaling } from "../data/scaling";
import type { PartialLoad } from "../io/checkpoint";
import type { LayerSummary } from "../nn/shapes";
import type { ModelSpec } from "../nn/spec";
import type { OptimizerState } from "../optim/optimizer";
import type { BoostingRound } from "../train/boosting";
import type { ExperimentConfig, OptimizerConfig } from "../train/config";
import type { LossName } from "../train/loss-names";
import type { Trial } from "../train/search";
import type { TransferResult, TransferStudyConfig } from "../train/transfer-study";
import type { GenerativeCommand, GenerativeEvent } from "./generative-protocol";

/**
 * One entry of a race: its label in legends and tables, its optimizer, the model it trains when it
 * is not the config's (an architecture race), and in a cross-validation the fold it holds out.
 */
export interface RaceEntry {
  label: string;
  optimizer: OptimizerConfig;
  model?: ModelSpec;
  fold?: { k: number; index: number };
  /** An ensemble's member: its own seed (the config's plus `index`) and, with `bagging`, its own bootstrap sample. */
  member?: { index: number; bagging?: boolean };
  /** A search's trial: the learning rate, weight decay, batch size, width or dropout it tries (src/train/search.ts). */
  trial?: Trial;
  /** Racing losses: this entry's loss, with balanced class weights or none, in place of the config's loss and weights. */
  loss?: LossName;
  balanced?: boolean;
}

/** An ensemble race's members combined, on the validation split after an epoch (accuracies). */
export interface RaceEnsemble {
  epoch: number;
  step: number;
  meanMember: number;
  soft: number;
  hard: number;
  weighted: number;
  /** The share of validation examples the members do not all agree on. */
  disagreement: number;
  /** Images: the validation examples the members split on most, each member's vote ([examples × members]) and the soft vote's answer. */
  splitVotes?: { images: ExampleImages; votes: Int32Array; ensemble: Int32Array };
}

/** 2-D data: each member's decision boundary and the ensemble's (the mean of the members' probabilities). */
export interface RaceBoundaries {
  step: number;
  members: BoundaryReport[];
  ensemble: BoundaryReport;
}

/**
 * A Train-tab run as it stood, to resume after a reload: what it trains, where it was, the weights
 * (parameters and buffers) and the optimizer's and schedule's state. The page autosaves it.
 */
export interface RunSnapshot {
  /** The config the run trains (live changes included), as JSON: a snapshot resumes only that experiment. */
  config: string;
  epoch: number;
  step: number;
  /** The model's state_dict as safetensors. */
  weights: Uint8Array;
  optimizer: OptimizerState;
  /** A per-epoch schedule's position and base rates. */
  scheduler?: { t: number; baseLrs: number[] };
}

/** The studies that run on their own in the worker (src/worker/study-session.ts). */
export type StudyKind = "transfer" | "boosting";

/** A weights file the model starts from (transfer learning): loaded by name where shapes match, the rest as initialised. */
export interface InitWeights {
  name: string;
  /** safetensors: this playground's (Weights ↓) or a PyTorch state_dict's. */
  bytes: Uint8Array;
}

export type Command =
  /**
   * Builds data, model, optimizer and trainer from the config (discarding any previous session);
   * posts dataset, model and an initial evaluation. With `resume`, the run continues from that snapshot.
   */
  | { type: "load"; config: ExperimentConfig; resume?: RunSnapshot; initWeights?: InitWeights }
  | { type: "play" }
  | { type: "pause" }
  | { type: "step" }
  /** Live changes that apply without a reload: learning rate and the other numeric optimizer settings, L1/L2, the number of epochs (more epochs continue a finished run). */
  | { type: "tune"; optimizer?: Partial<OptimizerConfig>; regularization?: { l1?: number; l2?: number }; epochs?: number }
  /** The pixels of test images (a confusion-matrix cell's examples). */
  | { type: "examples"; indices: number[] }
  /** Names or passages drawn from a character model at a temperature (the names-lm and moby-dick data). */
  | { type: "sample"; temperature: number; count: number }
  /** The test sequence "Inside the sequence" follows (its report comes at once and with each later one). */
  | { type: "sequence-inspect"; index: number }
  /** The run as it stands, for the autosave (answered by a `snapshot` event). */
  | { type: "snapshot" }
  /**
   * Starts the engine: the page's first command (the automatic choice, or the backend its address
   * names), and again after the device was lost (a new WebGPU device, or the CPU). Every session was
   * dropped with the old device; the page loads its run again (from its saved snapshot).
   */
  | { type: "start"; backend: BackendChoice }
  /** Feature maps of test example `index` through the conv layers (images only). */
  | { type: "inspect"; index: number }
  /** A batch of training images with the config's augmentation applied on the device. */
  | { type: "augment-preview"; count: number }
  /** Same model, data, initial weights and batch order under each optimizer, in lock-step. */
  | { type: "race"; config: ExperimentConfig; entries: RaceEntry[] }
  | { type: "race-play" }
  | { type: "race-pause" }
  /** The trained weights as safetensors (spec in the metadata) and the PyTorch script that loads them. */
  | { type: "export" }
  /** The transfer-learning study (src/train/transfer-study.ts). */
  | { type: "transfer-start"; study: TransferStudyConfig }
  /** Boosting the experiment for `rounds` rounds (src/train/boosting.ts). */
  | { type: "boost-start"; config: ExperimentConfig; rounds: number }
  /** Ends the study that runs (transfer or boosting) after the step in progress. */
  | { type: "study-stop" }
  | GenerativeCommand;

/** What the data panel previews. Points: every example; images: the first `count` of the train split. */
export type DatasetPreview =
  | {
      kind: "points";
      trainX: Float32Array;
      trainY: Float32Array | Int32Array;
      testX: Float32Array;
      testY: Float32Array | Int32Array;
      classes: number;
      task: "classification" | "regression";
      /** How the coordinates were scaled (fitted on the training split), or null. */
      scaling: Scaling | null;
    }
  | {
      kind: "images";
      channels: number;
      height: number;
      width: number;
      pixels: Uint8Array;
      labels: Int32Array;
      classNames: string[];
      trainSize: number;
      valSize: number;
      testSize: number;
    }
  | {
      kind: "table";
      columns: string[];
      rows: number[][];
      labels: number[];
      classNames: string[];
      trainSize: number;
      valSize: number;
      testSize: number;
      scaling: Scaling | null;
    }
  | {
      kind: "sequences";
      /** One example's shape: [time] for tokens, [time, features] for steps of numbers. */
      inputShape: number[];
      /** The first few training examples: their text (tokens) or each step's first feature (numbers, with the marked steps), and their target in words. */
      examples: { text?: string; values?: number[]; marks?: number[]; target: string }[];
      /** Classification: the class (token) names. */
      classNames: string[];
      /** Regression: values per target (a forecast's horizon). */
      targetDim: number;
      /** Whether each step has its own label (a sequence to sequence). */
      perStep: boolean;
      /** Tokens: how many there are (0: steps of numbers). */
      vocabulary: number;
      /** A character model (labels are the next characters): the page can sample names or passages from it. */
      generates: "names" | "text" | null;
      featureNames: string[];
      trainSize: number;
      valSize: number;
      testSize: number;
    };

/** Per-step numbers, batched: the worker posts at most ~20 of these messages a second. */
export interface StepBatch {
  steps: Int32Array;
  losses: Float32Array;
  lrs: Float32Array;
  stepsPerSecond: number;
  epoch: number;
}

/** Loss and accuracy of one split (accuracy NaN for regression). */
export interface SplitScore {
  loss: number;
  accuracy: number;
  /** Classification: the mean of the classes' recalls, which a rare class counts in as much as a common one (NaN for regression). */
  balancedAccuracy?: number;
}

export interface EpochReport {
  epoch: number;
  step: number;
  lr: number;
  train: SplitScore;
  /** The validation split (held out of the training data; never the test split). */
  val: SplitScore;
  seconds: number;
  /**
   * The engine's memory at its lowest during the epoch, measured as each step landed: live tensors,
   * and the device's live buffers and bytes; what a leak would raise over a long run.
   */
  memory?: { tensors: number; buffers: number; bytes: number };
}

/** Class probabilities over a size x size grid of [-extent, extent]², rows from the top. */
export interface BoundaryReport {
  step: number;
  size: number;
  extent: number;
  classes: number;
  /** [size*size, classes]; for regression [size*size, 1] holding the prediction. */
  values: Float32Array;
}

/** Test-set results after an epoch (or on demand when paused). */
export interface TestReport {
  step: number;
  loss: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** Rows: true class, columns: predicted. */
  confusion: number[][];
  /** For each cell (true*classes + predicted), up to 32 test indices, for "open its examples". */
  cellExamples: Int32Array[];
  /** The first `gridSize` test images with their predictions (images only). */
  grid?: { indices: Int32Array; pixels: Uint8Array; labels: Int32Array; predictions: Int32Array; confidence: Float32Array };
  /** Binary tasks. */
  roc?: { fpr: Float32Array; tpr: Float32Array; auc: number };
  /** More than two classes (up to 20): each class against the rest, null where the test split lacks it. */
  rocByClass?: ({ fpr: Float32Array; tpr: Float32Array; auc: number } | null)[];
}

/** What the model's layers look like from the inside, posted every few hundred steps and when paused. */
export interface InsideReport {
  step: number;
  /** One per parameter tensor, PyTorch names ("0.weight"). */
  layers: {
    name: string;
    gradNorm: number;
    weightNorm: number;
    histogram: { min: number; max: number; counts: Int32Array };
    /** A weight of 2 or more dims: its units (rows: a Linear's outputs, a conv's filters), and how many differ (fewer: symmetric units). */
    units?: { count: number; distinct: number };
  }[];
  /** First layer's filters: conv2d [filters, channels, k, k], or linear units reshaped to the image (images only). */
  filters?: { count: number; channels: number; height: number; width: number; values: Float32Array };
  /** Sequence models: one test example seen from the inside (src/worker/sequence-inside.ts). */
  sequence?: SequenceInside;
}

/**
 * The same validation examples in eval mode and in train mode (src/worker/modes.ts): what dropout
 * and batch norm change. Posted with each test report when the model has either.
 */
export interface ModesReport {
  step: number;
  /** What behaves differently in training: "dropout", "batch norm". */
  layers: string[];
  /** Validation examples scored. */
  examples: number;
  evalAccuracy: number;
  /** One per train-mode pass (each with its own dropout masks). */
  trainAccuracies: number[];
  /**
   * The validation example the model is least sure of in eval mode (its index among those scored):
   * its label, its class probabilities in eval mode, and in each train-mode pass ([passes, classes]);
   * for 2-D data, where it lies (ringed on both boundaries).
   */
  example: { index: number; label: number; eval: Float32Array; train: Float32Array; point?: [number, number] };
  /** 2-D data: the decision boundary in each mode. */
  boundaries?: { eval: BoundaryReport; train: BoundaryReport };
}

/** One test sequence inside the model: states, gates and attention over its steps, and the gradient by step. */
export interface SequenceInside {
  step: number;
  /** The test example shown. */
  index: number;
  /** Each step's name: its token, or its number. */
  steps: string[];
  /** |dloss/dx_t| per step over a batch of test examples (for tokens: their embedded vectors). */
  gradient: Float32Array;
  /** The first recurrent layer's output at every step, [T, units] (both directions side by side). */
  hidden?: { layer: string; units: number; values: Float32Array };
  /** An LSTM's input, forget and output gates and cell state, [4, T, units] (first layer, forward direction). */
  gates?: { units: number; values: Float32Array };
  /** The first attention's weights, [heads, T (queries), T (keys)]. */
  attention?: { layer: string; heads: number; values: Float32Array };
  /** What the model makes of the example. */
  output: SequenceOutput;
}

/** The model's answer for one example, as its task reads. */
export type SequenceOutput =
  /** A forecast or a value: the series (first feature), the true targets and the model's; `continues`: the targets are the series' next values. */
  | { kind: "values"; series: number[]; truth: number[]; predicted: number[]; continues: boolean }
  /** One label: each class's probability and the true class. */
  | { kind: "class"; probabilities: number[]; truth: number; classNames: string[] }
  /** A label per step: the predicted and the true labels, spelled. */
  | { kind: "steps"; predicted: string[]; truth: string[] };

/** Feature maps of one test image after each conv (or pooling) layer. */
export interface FeatureMapsReport {
  index: number;
  label: number;
  prediction: number;
  maps: { layer: string; channels: number; height: number; width: number; values: Float32Array }[];
}

export interface RaceProgress {
  /** Index into the race entries. */
  entry: number;
  steps: Int32Array;
  losses: Float32Array;
}

export interface RaceEpoch {
  entry: number;
  epoch: number;
  step: number;
  train: SplitScore;
  val: SplitScore;
}

/** Test images by index, with their labels (uint8 pixels, [count, channels, height, width]). */
export interface ExampleImages {
  indices: Int32Array;
  labels: Int32Array;
  channels: number;
  height: number;
  width: number;
  pixels: Uint8Array;
}

export type WorkerEvent =
  | {
      type: "backend";
      kind: BackendKind;
      description: string;
      fallbackReason?: string;
      /** Threads the wasm backend computes on. */
      threads?: number;
      /** The device's buffer limits (WebGPU), for the page's memory estimate. */
      limits?: { maxStorageBufferBindingSize: number; maxBufferSize: number };
    }
  /** The GPU device was lost (a driver reset, another tab, a test's destroy()): every session is gone until `start`. */
  | { type: "device-lost"; reason: string }
  /** What a load is doing while it takes time (reading a dataset, compiling kernels). */
  | { type: "loading"; message: string }
  /** About how long an epoch will take on this device, from timed training passes at load. */
  | { type: "estimate"; secondsPerEpoch: number }
  | ({ type: "examples" } & ExampleImages)
  | { type: "samples"; temperature: number; step: number; names: string[] }
  | { type: "snapshot"; run: RunSnapshot }
  | { type: "dataset"; preview: DatasetPreview }
  | { type: "model"; layers: LayerSummary[]; totalParams: number; outputShape: number[] }
  | ({ type: "steps" } & StepBatch)
  | ({ type: "epoch" } & EpochReport)
  | ({ type: "boundary" } & BoundaryReport)
  | ({ type: "test" } & TestReport)
  | ({ type: "inside" } & InsideReport)
  | ({ type: "feature-maps" } & FeatureMapsReport)
  | ({ type: "modes" } & ModesReport)
  /** The transfer study: what runs now, the pretrained model's accuracy on the old task, each arm's result, and whether it runs. */
  | { type: "transfer-phase"; text: string }
  | { type: "transfer-pretrained"; accuracy: number }
  | { type: "transfer-result"; result: TransferResult }
  /** A boosting round: its weighted error, say and scores; for 2-D data the example weights after it and the member's and the boosted boundaries. */
  | { type: "boost-round"; round: Omit<BoostingRound, "weights">; weights?: Float32Array; boundaries?: { member: BoundaryReport; boosted: BoundaryReport } }
  /** A study (transfer or boosting) runs, finished (done), stopped early, or failed (error). */
  | { type: "study-state"; study: StudyKind; running: boolean; done: boolean; seconds?: number; error?: string }
  /** What a load made of the weights file it was given: which weights loaded and which did not (and why), or why none could. */
  | { type: "init-weights"; name: string; report?: PartialLoad; error?: string }
  | { type: "augmented"; channels: number; height: number; width: number; pixels: Uint8Array; originals: Uint8Array }
  | ({ type: "race-steps" } & RaceProgress)
  | ({ type: "race-epoch" } & RaceEpoch)
  | ({ type: "race-ensemble" } & RaceEnsemble)
  | ({ type: "race-boundaries" } & RaceBoundaries)
  | { type: "exported"; safetensors: Uint8Array; script: string; filename: string }
  /** running: the trainer is stepping; done: training finished (epochs, early stopping or divergence). `race` when it is the race's. */
  | { type: "state"; running: boolean; done: boolean; reason?: string; race?: boolean; step?: number; epoch?: number }
  /** A problem the user must see (bad config, diverged loss with the last good weights kept, lost device). */
  | { type: "error"; message: string }
  | GenerativeEvent;
