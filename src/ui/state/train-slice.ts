/**
 * The Train tab's session as the page sees it: what the worker reported (the data's preview, the
 * model's layers, the latest numbers, the decision boundary, the test report, the layers' insides)
 * and what the user asked for, with the intents that change it. It holds the rules that keep the
 * page honest: Train is refused with the reason while the model or the data on screen cannot train;
 * an edit the running session cannot take waits, listed beside the Train button; a finished run
 * can be given more epochs; the previous run's curves stay as a faint overlay after a reset.
 */
import { classesOf, datasetFacts, inputShapeOf, tokensOf } from "../../data/catalog";
import type { PartialLoad } from "../../io/checkpoint";
import { budgetOf, checkTrainingMemory, type MemoryBudget, optimizerStateValues } from "../../nn/resources";
import { type LayerSummary, summarizeModel } from "../../nn/shapes";
import type { ModelSpec } from "../../nn/spec";
import type { AugmentOptions } from "../../ops/augment";
import type { DataConfig, ExperimentConfig } from "../../train/config";
import { isClassification } from "../../train/loss-names";
import type {
  BoundaryReport,
  DatasetPreview,
  EpochReport,
  ExampleImages,
  FeatureMapsReport,
  InitWeights,
  InsideReport,
  ModesReport,
  RunSnapshot,
  StepBatch,
  TestReport,
  WorkerEvent,
} from "../../worker/protocol";
import type { SequenceData } from "../builder/model-presets";
import { withoutModels } from "../race/race-entries";
import { isLiveChange } from "../train/hyperparams";
import { defaultConfigFor, ExperimentError } from "./experiment";
import { Feed } from "./feed";
import { pendingChanges } from "./pending";
import { PAUSED_BY, type SessionHost, type SessionName } from "./session-host";

/** A point on the Train tab's curves: a batch of steps, or an epoch's scores. */
export type TrainCurveItem = { kind: "steps"; batch: StepBatch } | { kind: "epoch"; report: EpochReport };

/** A change of the experiment's config, as a function of the config when it lands (src/ui/train/training-panel.ts). */
export type ConfigUpdate = (config: ExperimentConfig) => ExperimentConfig;

/** What the training panel's buttons and shortcuts ask for ("toggle": Space, play or pause as the run is now). */
export type ControlAction = "play" | "pause" | "toggle" | "step" | "reset";

/** How many more epochs "Train more" gives a finished run of `epochs`. */
export const moreEpochs = (epochs: number): number => Math.min(epochs, 100);

export type TrainStatus = "starting" | "loading" | "ready" | "running" | "paused" | "done";

export interface AugmentedBatch {
  channels: number;
  height: number;
  width: number;
  pixels: Uint8Array;
  originals: Uint8Array;
}

export interface TrainState {
  status: TrainStatus;
  /** What a load is doing ("Reading MNIST…"), while `status` is "loading". */
  progress: string;
  /** Play or step asked for while the session loads: sent once it has loaded. */
  afterLoad: "play" | "step" | null;
  step: number;
  epoch: number;
  loss: number;
  firstLoss: number;
  valLoss: number;
  valAccuracy: number;
  stepsPerSecond: number;
  preview: DatasetPreview | null;
  augmented: AugmentedBatch | null;
  /** An augmentation preview was asked for and has not come back. */
  augmentBusy: boolean;
  boundary: BoundaryReport | null;
  test: TestReport | null;
  inside: InsideReport | null;
  featureMaps: FeatureMapsReport | null;
  /**
   * The weights file the model starts from (transfer learning), while one is chosen: its name, and
   * what the last load made of it (which weights loaded, or why none could).
   */
  initWeights: { name: string; report?: PartialLoad; error?: string } | null;
  /** The model's train mode against its eval mode (a model with dropout or batch norm), or null. */
  modes: ModesReport | null;
  /** Test images the page asked for (a confusion-matrix cell), by index. */
  examples: ReadonlyMap<number, ExampleImages>;
  layers: LayerSummary[];
  /** A training problem: a divergence, a config the worker refused, a lost device. */
  error: string;
  /** Why the run ended or stopped (the worker's words). */
  reason: string;
  /** Why the page paused the run (another tab's run started), shown until it plays again. */
  pausedBecause: string;
  /** About how long an epoch takes on this device (estimated at load, then measured while training). */
  secondsPerEpoch: number | null;
  /** The step a reload resumed from, while it is the latest news. */
  resumedAt: number | null;
  /** The config the worker's session trains (with the live changes it took). */
  loaded: ExperimentConfig | null;
  /** "Your CSV" is picked but holds no usable table yet: what is wrong (the picker shows it, Train is refused). */
  csvProblem: string | null;
  /** The GPU device was lost: why, whether a new GPU device is worth a try, and the saved step training goes on from (null: none yet). */
  deviceLost: { reason: string; gpu: boolean; savedStep: number | null } | null;
  /** The engine's memory at its lowest during the last epoch (live tensors, device buffers and bytes). */
  engineMemory: { tensors: number; buffers: number; bytes: number } | null;
  /** Names drawn from a character model, at a temperature and step; null before any were asked for. */
  samples: { temperature: number; step: number; names: string[] } | null;
}

const INITIAL: TrainState = {
  status: "starting",
  progress: "",
  afterLoad: null,
  step: 0,
  epoch: 0,
  loss: Number.NaN,
  firstLoss: Number.NaN,
  valLoss: Number.NaN,
  valAccuracy: Number.NaN,
  stepsPerSecond: 0,
  preview: null,
  augmented: null,
  augmentBusy: false,
  boundary: null,
  test: null,
  inside: null,
  featureMaps: null,
  initWeights: null,
  modes: null,
  examples: new Map(),
  layers: [],
  error: "",
  reason: "",
  pausedBecause: "",
  resumedAt: null,
  secondsPerEpoch: null,
  loaded: null,
  csvProblem: null,
  deviceLost: null,
  engineMemory: null,
  samples: null,
};

/** Which family a dataset belongs to: switching family needs a new model, switching within keeps it. */
function dataFamily(data: DataConfig): string {
  const facts = datasetFacts(data.name);
  if (facts.family === "points") return `points-${facts.task}`;
  if (facts.family === "sequences") return `${data.name}-${tokensOf(data)}`; // other tokens need another embedding
  return facts.family === "images" ? "images" : data.name;
}

/** Milliseconds an edit waits before the session reloads (edits in quick succession load once). */
const RELOAD_DELAY = 250;

/** The worker's reports that describe its session's data (its preview, model and evaluations). */
const DATA_REPORTS = new Set<WorkerEvent["type"]>([
  "dataset",
  "model",
  "boundary",
  "test",
  "inside",
  "feature-maps",
  "modes",
  "augmented",
  "examples",
  "samples",
]);

export class TrainSlice {
  state: TrainState = { ...INITIAL };
  /** The curves of the current run. */
  readonly curves = new Feed<TrainCurveItem>();
  /** The curves of the run before the last reset, drawn faintly for comparison. */
  readonly previous = new Feed<TrainCurveItem>();
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  /** The weights file every fresh load starts the model from (kept in memory until forgotten or the page closes). */
  private weightsFile: InitWeights | null = null;
  /** A restored run waiting for the first load (a reload resuming the autosaved run). */
  private resume: RunSnapshot | undefined;
  /** Waiters of the next snapshot event. */
  private snapshotWaiters: ((run: RunSnapshot | null) => void)[] = [];

  constructor(private readonly host: SessionHost) {}

  private get config(): ExperimentConfig | null {
    return this.host.experiment?.config ?? null;
  }

  private patch(next: Partial<TrainState>): void {
    this.state = { ...this.state, ...next };
    this.host.changed();
  }

  // ---- What the page derives ----

  /** Classification or regression, by the loss. */
  get task(): "classification" | "regression" {
    return this.config && !isClassification(this.config.loss) ? "regression" : "classification";
  }

  /** One example's shape: from the preview, else the dataset's facts. */
  get inputShape(): number[] {
    const p = this.state.preview;
    if (p?.kind === "images") return [p.channels, p.height, p.width];
    if (p?.kind === "table") return [p.columns.length];
    if (p?.kind === "points") return [2];
    if (p?.kind === "sequences") return p.inputShape;
    return (this.config ? inputShapeOf(this.config.data) : undefined) ?? [2];
  }

  /** Sequence data as the builder needs them (vocabulary, a label per step), from the preview; null for other data. */
  get sequenceData(): SequenceData | null {
    const p = this.state.preview;
    if (p?.kind !== "sequences") return null;
    const known = this.sequenceFacts;
    if (known?.vocab === p.vocabulary && known.perStep === p.perStep) return known; // the same object while the data are the same
    this.sequenceFacts = { vocab: p.vocabulary, perStep: p.perStep };
    return this.sequenceFacts;
  }
  private sequenceFacts: SequenceData | null = null;

  /** How many classes the data have (null for regression), whatever the loss. */
  get classCount(): number | null {
    if (this.task === "regression") return null;
    const p = this.state.preview;
    if (p?.kind === "points") return p.classes;
    if (p?.classNames.length) return p.classNames.length;
    return (this.config && classesOf(this.config.data)) ?? null;
  }

  /** The model's output size the task needs (classes, or 1 value). */
  get outputSize(): number {
    const p = this.state.preview;
    if (this.task === "regression") return p?.kind === "sequences" ? p.targetDim : 1;
    if (this.config?.loss === "bceWithLogits") return 1; // two classes as one logit
    if (p?.kind === "points") return p.classes;
    if (p?.classNames.length) return p.classNames.length;
    const known = this.config && classesOf(this.config.data); // before the preview of new data arrives
    if (known) return known;
    const layers = this.config?.model.layers ?? [];
    const last = layers[layers.length - 1];
    return last?.type === "linear" ? last.units : 3;
  }

  /** Why Train cannot start with what is on screen, or null when it can. */
  get blockedReason(): string | null {
    if (this.state.deviceLost) return "The GPU device was lost: continue on a new device or the CPU (above the charts).";
    if (this.state.csvProblem) return this.state.csvProblem;
    const config = this.config;
    if (!config) return "The experiment is still opening.";
    try {
      const summary = summarizeModel(config.model, this.inputShape);
      checkTrainingMemory(summary, this.inputShape, config.training.batchSize, optimizerStateValues(config.optimizer), this.memoryBudget);
    } catch (e) {
      const message = (e as Error).message;
      const layer = /^layer ([\d.]+)/.exec(message)?.[1];
      return `${layer ? `Fix layer ${layer} to train` : "Fix the model to train"}: ${message.replace(/^layer [\d.]+ \w+: /, "")}`;
    }
    return null;
  }

  /** What the engine can hold: its device's limits once it has started (WebGPU's defaults until then). */
  get memoryBudget(): MemoryBudget {
    return budgetOf(this.host.backend);
  }

  /** The edits the running session has not taken; they apply on reset. */
  get pending(): string[] {
    const { loaded, step, status } = this.state;
    const config = this.config;
    if (!loaded || !config || step === 0 || status === "done") return [];
    return pendingChanges(loaded, config);
  }

  // ---- Worker events ----

  /**
   * Whether the worker's session was loaded with the data on screen. Once other data is picked, the
   * reports of the session being replaced (which may still be loading) describe the old data: taken,
   * they would put the old data's input shape beside the new model and block Train.
   */
  private sessionHasDataOnScreen(): boolean {
    const loaded = this.state.loaded;
    const config = this.config;
    return !loaded || !config || JSON.stringify(loaded.data) === JSON.stringify(config.data);
  }

  receive(event: WorkerEvent): void {
    const s = this.state;
    if (DATA_REPORTS.has(event.type) && !this.sessionHasDataOnScreen()) return; // its reload is on its way
    switch (event.type) {
      case "loading":
        this.patch({ status: "loading", progress: event.message });
        return;
      case "estimate":
        this.patch({ secondsPerEpoch: event.secondsPerEpoch });
        return;
      case "dataset":
        this.patch({ preview: event.preview });
        return;
      case "model":
        this.patch({ layers: event.layers, modes: null }); // a new model: its modes report follows if it has dropout or batch norm
        return;
      case "steps": {
        this.curves.add({ kind: "steps", batch: event });
        const n = event.steps.length;
        if (n === 0) return;
        const firstLoss = Number.isNaN(s.firstLoss) ? event.losses[0] : s.firstLoss;
        this.patch({ step: event.steps[n - 1], epoch: event.epoch, loss: event.losses[n - 1], firstLoss, stepsPerSecond: event.stepsPerSecond });
        return;
      }
      case "epoch":
        this.curves.add({ kind: "epoch", report: event });
        this.patch({
          epoch: event.epoch,
          valLoss: event.val.loss,
          valAccuracy: event.val.accuracy,
          ...(event.epoch > 0 && event.seconds > 0 ? { secondsPerEpoch: event.seconds } : {}),
          ...(event.memory ? { engineMemory: event.memory } : {}),
        });
        return;
      case "boundary":
        this.patch({ boundary: event });
        return;
      case "test":
        this.patch({ test: event });
        return;
      case "inside":
        this.patch({ inside: event });
        return;
      case "feature-maps":
        this.patch({ featureMaps: event });
        return;
      case "modes":
        this.patch({ modes: event });
        return;
      case "init-weights":
        // A file that fits nothing is dropped (the message stays): later loads start from their own weights.
        if (event.error) this.weightsFile = null;
        this.patch({ initWeights: { name: event.name, report: event.report, error: event.error } });
        return;
      case "augmented":
        this.patch({ augmented: event, augmentBusy: false });
        return;
      case "examples": {
        const examples = new Map(s.examples);
        const size = event.channels * event.height * event.width;
        event.indices.forEach((index, k) => {
          examples.set(index, {
            ...event,
            indices: Int32Array.of(index),
            labels: event.labels.subarray(k, k + 1),
            pixels: event.pixels.subarray(k * size, (k + 1) * size),
          });
        });
        this.patch({ examples });
        return;
      }
      case "snapshot":
        for (const waiter of this.snapshotWaiters.splice(0)) waiter(event.run);
        return;
      case "samples":
        this.patch({ samples: { temperature: event.temperature, step: event.step, names: event.names } });
        return;
      case "state": {
        const status = event.done ? "done" : event.running ? "running" : (event.step ?? s.step) > 0 ? "paused" : "ready";
        this.patch({
          status,
          reason: event.reason ?? "",
          ...(event.step !== undefined ? { step: event.step } : {}),
          ...(event.epoch !== undefined ? { epoch: event.epoch } : {}),
          ...(event.running ? { pausedBecause: "", resumedAt: null } : {}),
        });
        this.sendAfterLoad();
        return;
      }
      case "error":
        for (const waiter of this.snapshotWaiters.splice(0)) waiter(null);
        if (s.deviceLost) return; // the lost-device notice says it (and what to do)
        this.patch({ error: event.message, augmentBusy: false, ...(s.status === "loading" ? { status: "ready", afterLoad: null } : {}) });
        return;
    }
  }

  // ---- Intents ----

  /**
   * Builds a fresh session from the experiment: new weights (or the resumed run's), empty curves;
   * the old run's curves become the faint overlay.
   */
  load(resume?: RunSnapshot): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = undefined;
    const config = this.config;
    if (!config || this.state.csvProblem) return;
    this.resume = undefined;
    if (!resume) {
      if (this.curves.items.some((c) => c.kind === "steps")) this.previous.reset(this.curves.items);
      this.curves.clear();
    }
    this.state = {
      ...INITIAL,
      status: "loading",
      progress: "Starting…",
      afterLoad: this.state.afterLoad, // a play pressed during the load this one replaces still counts
      preview: this.state.preview,
      layers: this.state.layers,
      loaded: structuredClone(config),
      resumedAt: resume ? resume.step : null,
    };
    this.host.changed();
    const initWeights = !resume && this.weightsFile ? { initWeights: this.weightsFile } : {};
    this.host.send({ type: "load", config, ...(resume ? { resume } : {}), ...initWeights });
  }

  /** Starts the model from a weights file (by name where shapes match) from now on, until forgotten: reloads at once. */
  startFromWeights(name: string, bytes: Uint8Array): void {
    this.weightsFile = { name, bytes };
    this.load();
    this.patch({ initWeights: { name } });
  }

  /** Back to the model's own initial weights. */
  forgetWeights(): void {
    this.weightsFile = null;
    this.patch({ initWeights: null });
    this.load();
  }

  /** Opens the page on an autosaved run of this experiment: its curves now, its weights with the first load. */
  restore(run: RunSnapshot, curves: readonly TrainCurveItem[]): void {
    this.curves.reset(curves);
    this.resume = run;
  }

  /** The first load of the page: the restored run when there is one, else fresh weights. */
  loadOrResume(): void {
    this.load(this.resume);
  }

  /** Reloads the session soon, unless a run is under way (then the edit waits, listed as pending). */
  private scheduleReload(): void {
    if (this.state.step > 0 && this.state.status !== "done") {
      this.host.changed();
      return;
    }
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.load(), RELOAD_DELAY);
  }

  /**
   * A button or shortcut, decided on the state as it is now (not as last drawn: the page draws the
   * worker's reports at the next frame, so a key pressed just after a load may meet stale buttons).
   * Play or step pressed while the session loads waits for the load, then goes.
   */
  control(action: ControlAction): void {
    const { status, afterLoad } = this.state;
    if (action === "toggle") {
      if (status === "done") this.trainMore(moreEpochs(this.config?.training.epochs ?? 1));
      else this.control(status === "running" || afterLoad === "play" ? "pause" : "play");
      return;
    }
    if (action === "reset") {
      this.patch({ afterLoad: null });
      this.load();
      return;
    }
    if (action === "pause") {
      if (afterLoad) this.patch({ afterLoad: null });
      this.host.send({ type: "pause" });
      // The press counts at once: a second press before the worker confirms the pause (its reports
      // can take a moment) means resume, not pause again. The worker's next state confirms it.
      if (status === "running") this.patch({ status: this.state.step > 0 ? "paused" : "ready" });
      return;
    }
    if (status === "done" || (action === "step" && status === "running") || this.blockedReason) return;
    if (status === "loading" || status === "starting") {
      this.patch({ afterLoad: action });
      return;
    }
    // An edit's reload still waiting, or one the user deferred, goes first: the worker handles
    // commands in order, so the new session is the one that plays or steps.
    const reload = this.reloadTimer !== undefined || this.pending.length > 0;
    if (reload) this.load();
    this.host.pauseOthers("train");
    // Play counts at once too (a quick second press pauses); the worker's state confirms or corrects
    // it. After a reload the status stays "loading" until the new session says it runs.
    this.patch({ error: "", pausedBecause: "", resumedAt: null, ...(action === "play" && !reload ? { status: "running" as const } : {}) });
    this.host.send({ type: action });
  }

  /** The play or step pressed during the load, now that the session has loaded. */
  private sendAfterLoad(): void {
    const action = this.state.afterLoad;
    if (!action || this.state.status === "loading" || this.state.status === "starting") return;
    this.patch({ afterLoad: null });
    this.control(action);
  }

  /** A paused-by-another-run note (the store calls this when another tab's run starts). */
  pausedBy(other: SessionName): void {
    if (this.state.status !== "running") return;
    this.host.send({ type: "pause" });
    this.patch({ pausedBecause: PAUSED_BY[other] });
  }

  /** A change asked for by the training panel, applied to the config as it is now. */
  updateConfig(update: ConfigUpdate): void {
    const config = this.config;
    if (config) this.setConfig(update(config));
  }

  /** A setting changed: live ones go to the running session at once. */
  setConfig(config: ExperimentConfig): void {
    const e = this.host.experiment;
    if (!e) return;
    this.host.setExperiment({ ...e, config });
    const loaded = this.state.loaded;
    if (loaded && this.state.step > 0 && isLiveChange(loaded, config)) {
      const epochs = config.training.epochs !== loaded.training.epochs ? config.training.epochs : undefined;
      this.host.send({ type: "tune", optimizer: config.optimizer, regularization: config.regularization ?? { l1: 0, l2: 0 }, ...(epochs ? { epochs } : {}) });
      this.patch({ loaded: structuredClone(config) });
      return;
    }
    this.scheduleReload();
  }

  /**
   * Gives a finished run `more` epochs and trains on. The run shows as running at once: until the
   * worker says so, the page must not offer "Train more" for a run that is already going on.
   */
  trainMore(more: number): void {
    const config = this.config;
    if (!config) return;
    this.setConfig({ ...config, training: { ...config.training, epochs: Math.max(config.training.epochs, this.state.epoch) + more } });
    this.patch({ status: "running" });
    this.control("play");
  }

  /** A new dataset: within a family the model stays; across families its default model comes with it. */
  setData(data: DataConfig): void {
    const e = this.host.experiment;
    if (!e) return;
    const sameFamily = dataFamily(data) === dataFamily(e.config.data) && data.name !== "csv";
    let config: ExperimentConfig;
    try {
      config = sameFamily ? { ...e.config, data } : { ...defaultConfigFor(data) };
    } catch (err) {
      this.patch({ error: err instanceof ExperimentError ? err.message : String(err) });
      return;
    }
    // The name follows the data unless the experiment was named otherwise (an example file).
    const renamed = !e.config.name || e.config.name.startsWith(e.config.data.name);
    config.name = renamed ? data.name : e.config.name;
    if (data.name !== e.config.data.name) this.patch({ preview: null, boundary: null, test: null, featureMaps: null, examples: new Map() });
    this.patch({ csvProblem: null, error: "" });
    // A race's own architectures were built for the old data: its entries go back to the Train tab's model.
    this.host.setExperiment({ ...e, config, race: data.name !== e.config.data.name ? withoutModels(e.race) : e.race });
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.load(), RELOAD_DELAY);
  }

  /** "Your CSV" picked without a usable table: the picker shows it, Train says why it cannot start. */
  setCsvProblem(problem: string): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = undefined;
    this.patch({ csvProblem: problem });
  }

  setAugment(augment: AugmentOptions | undefined): void {
    const config = this.config;
    if (!config) return;
    const training = { ...config.training, augment };
    if (!augment) delete training.augment;
    this.setConfig({ ...config, training });
  }

  /** A model edit: kept (and shown) even when invalid; Train is refused until it is valid. */
  setModel(spec: ModelSpec): void {
    const e = this.host.experiment;
    if (!e || JSON.stringify(spec) === JSON.stringify(e.config.model)) return;
    const config = { ...e.config, model: spec };
    this.host.setExperiment({ ...e, config });
    if (this.blockedReason) {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = undefined;
      this.host.changed();
      return;
    }
    this.scheduleReload();
  }

  previewAugment(count: number): void {
    this.patch({ augmentBusy: true });
    this.host.send({ type: "augment-preview", count });
  }

  inspect(index: number): void {
    this.host.send({ type: "inspect", index });
  }

  /** Asks for the pixels of test images not yet here. */
  requestExamples(indices: number[]): void {
    const missing = indices.filter((i) => !this.state.examples.has(i));
    if (missing.length) this.host.send({ type: "examples", indices: missing.slice(0, 64) });
  }

  /** Shows test sequence `index` inside the model. */
  inspectSequence(index: number): void {
    this.host.send({ type: "sequence-inspect", index });
  }

  /** Asks the worker for `count` names or passages drawn from the character model at `temperature`. */
  requestSamples(temperature: number, count: number): void {
    this.host.send({ type: "sample", temperature, count });
  }

  exportWeights(): void {
    this.host.send({ type: "export" });
  }

  /** The run as it stands, from the worker (null when it has none or fails). */
  snapshot(): Promise<RunSnapshot | null> {
    const { step, status, deviceLost } = this.state;
    if (step === 0 || status === "loading" || status === "starting" || deviceLost) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.snapshotWaiters.push(resolve);
      this.host.send({ type: "snapshot" });
    });
  }

  /** The device was lost: the session is gone; the page keeps everything and offers to go on (`saved`: the last snapshot). */
  deviceLost(reason: string, gpu: boolean, saved: { snapshot: RunSnapshot } | null): void {
    for (const waiter of this.snapshotWaiters.splice(0)) waiter(null); // a snapshot asked of the lost device never comes
    this.patch({ status: "paused", deviceLost: { reason, gpu, savedStep: saved?.snapshot.step ?? null }, error: "", pausedBecause: "" });
  }

  /** Goes on after a lost device (the store has restarted the engine): the saved run, or a fresh one, trains at once. */
  continueAfterLoss(saved: { snapshot: RunSnapshot; curves: readonly TrainCurveItem[] } | null): void {
    if (saved) this.restore(saved.snapshot, saved.curves);
    this.load(saved?.snapshot);
    this.control("play");
  }

  dismissError(): void {
    this.patch({ error: "" });
  }
}
