/**
 * One experiment in the playground's worker, DOM-free (the tests drive it in Node): builds the data,
 * the model, the optimizer and the Trainer from a config the way the CLI does (src/train/experiment.ts)
 * and turns the Trainer's events into the protocol's reports.
 *
 * Training runs in the Trainer's own loop. Reports run one at a time on a queue beside it, without
 * stopping it: they see the model through an EvalView (eval mode for each synchronous forward only),
 * and each reads all it needs in one synchronous burst, so its numbers come from one step. Per-step
 * losses come from the Trainer's readback ring and are batched to ~20 messages a second; nothing
 * reads the GPU per step. A boundary is due every BOUNDARY_EVERY steps, an inside report every
 * INSIDE_EVERY steps (the only gradient readback), a test report after each epoch; pause, step and
 * the end of training bring all three for the weights as they are then. After a divergence the
 * Trainer has put back the last good weights; play or step continues from them with a fresh Trainer
 * over the same model and optimizer. (Paused, the Trainer holds its last few losses unread until it
 * steps again, so `steps` trail the reports' step count by up to its readback depth.)
 */
import type { Backend } from "../backend/backend";
import { type Dataset, labelsPerStep } from "../data/dataset";
import { CheckpointError, checkpointFilename, loadMatchingWeights, saveModel } from "../io/checkpoint";
import { exportPyTorchScript } from "../io/pytorch-export";
import { SafetensorsError } from "../io/safetensors";
import type { BuiltModel } from "../nn/build";
import type { Module } from "../nn/module";
import { memory } from "../tensor/engine";
import { type ExperimentConfig, parseConfig } from "../train/config";
import { type Evaluation, evaluate } from "../train/evaluate";
import { buildExperimentModel, exportPurpose, makeExperimentTrainer } from "../train/experiment";
import { makeData, type Splits } from "../train/make";
import { isCharacterModel, sampleFromModel } from "../train/sample-text";
import { type EpochEvent, type StepEvent, type StopEvent, Trainer } from "../train/trainer";
import { estimateEpochSeconds } from "./estimate";
import { EvalView } from "./eval-view";
import { featureMaps, insideReport } from "./inside";
import { LoopSession } from "./loop-session";
import { modeLayers, modesReport } from "./modes";
import { errorMessage, type Post } from "./post";
import { augmentedPreview, datasetPreview, exampleImages, isImages, isPoints, isSequences } from "./previews";
import type { InitWeights, RunSnapshot } from "./protocol";
import { boundaryExtent, boundaryReport, scoreOf, testReport, trainScoreSet } from "./reports";
import { describeData, restoreRun, resumeOptimizer, snapshotRun } from "./run-snapshot";
import { sequenceInside } from "./sequence-inside";
import { StepBuffer } from "./step-stream";
import { applyTune, type Tune } from "./tune";

/** Steps between decision-boundary reports while training (and at least BOUNDARY_MS apart). */
export const BOUNDARY_EVERY = 50;
const BOUNDARY_MS = 100;
/** Steps between inside reports while training. */
export const INSIDE_EVERY = 250;

/** What a session needs from its host. */
export interface SessionOptions {
  backend: Backend;
  post: Post;
  /** Reads a CSV file a config names by path, as a stream of text (the CLI and tests; the page sends the text). */
  read?: (path: string) => AsyncIterable<string>;
}

type Report = "boundary" | "test" | "inside";

const NO_FLOOR = { tensors: Number.POSITIVE_INFINITY, buffers: Number.POSITIVE_INFINITY, bytes: Number.POSITIVE_INFINITY };

export class ExperimentSession extends LoopSession<Trainer> {
  private readonly view: EvalView;
  private readonly trainScore: Dataset;
  /** Half the side of the boundary's square (2-D points only). */
  private readonly extent: number | null;
  private readonly steps = new StepBuffer();
  private lastEpoch = 1;
  private lastBoundary = { step: 0, time: 0 };
  private lastInside = 0;
  private reports: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();

  private constructor(
    private config: ExperimentConfig,
    private readonly splits: Splits,
    private readonly built: BuiltModel,
    private readonly options: SessionOptions,
    resume?: RunSnapshot,
  ) {
    super(options.backend);
    this.loop = this.attach(makeExperimentTrainer(config, splits, built.model, resume && { epoch: resume.epoch, step: resume.step }));
    if (resume) resumeOptimizer(this.loop, resume);
    this.lastInside = this.loop.step;
    this.lastBoundary.step = this.loop.step;
    this.view = new EvalView(built.model);
    this.trainScore = trainScoreSet(splits.train);
    this.extent = isPoints(splits.train) ? boundaryExtent([splits.train, splits.test]) : null;
  }

  /**
   * Validates `config` (untrusted JSON), builds the run and posts `dataset`, `model`, the initial
   * evaluation (`epoch` 0, `test`, `boundary` for points, `inside`) and `state`. Throws the
   * config's or the model spec's error, naming the field or layer.
   */
  static async load(config: unknown, options: SessionOptions, resume?: RunSnapshot, initWeights?: InitWeights): Promise<ExperimentSession> {
    const parsed = parseConfig(structuredClone(config));
    options.post({ type: "loading", message: `Reading ${describeData(parsed)}…` });
    const splits = await makeData(parsed.data, options.read);
    options.post({ type: "loading", message: "Building the model…" });
    const built = buildExperimentModel(parsed, splits.train.inputShape, options.backend);
    let session: ExperimentSession;
    try {
      if (resume) restoreRun(built.model, resume);
      else if (initWeights) startFrom(built.model, initWeights, options.post);
      session = new ExperimentSession(parsed, splits, built, options, resume);
    } catch (e) {
      built.model.dispose();
      throw e;
    }
    try {
      options.post({ type: "dataset", preview: datasetPreview(splits) });
      options.post({ type: "model", layers: built.layers, totalParams: built.totalParams, outputShape: built.outputShape });
      options.post({ type: "loading", message: resume ? `Evaluating the run at step ${resume.step}…` : "Evaluating the untrained model…" });
      await session.initialReports();
    } catch (e) {
      await session.dispose();
      throw e;
    }
    session.postState();
    return session;
  }

  /** Changes the learning rate, other numeric optimizer settings, L1/L2 and the number of epochs for the next steps. */
  tune(tune: Tune & { epochs?: number }): void {
    const o = this.loop.options;
    if (tune.epochs !== undefined && !(Number.isInteger(tune.epochs) && tune.epochs >= 1))
      throw new Error(`tune: epochs must be a whole number >= 1, got ${JSON.stringify(tune.epochs)}`);
    const tuned = applyTune(tune, o.optimizer, o.scheduler, this.config.optimizer);
    this.config = { ...this.config, optimizer: tuned.optimizer, regularization: tuned.regularization };
    if (tune.epochs !== undefined) {
      o.epochs = tune.epochs;
      this.config = { ...this.config, training: { ...this.config.training, epochs: tune.epochs } };
      this.postState(); // a finished run that got more epochs can play again
    }
  }

  /** Posts the pixels of the given test images. */
  examples(indices: number[]): void {
    this.options.post({ type: "examples", ...exampleImages(this.splits.test, indices) });
  }

  /** Follows test sequence `index` inside the model from now on, and reports it at once. */
  inspectSequence(index: number): Promise<void> {
    const n = this.splits.test.n;
    if (!Number.isInteger(index) || index < 0 || index >= n) throw new Error(`sequence-inspect: index ${index} is not a test sequence (0 to ${n - 1})`);
    this.sequenceIndex = index;
    return this.queueReports(["inside"]);
  }
  /** The test sequence the inside report follows. */
  private sequenceIndex = 0;

  /** Posts `count` names drawn from a character model at `temperature`; the trainer waits while they are drawn. */
  async sample(temperature: number, count: number): Promise<void> {
    if (!isCharacterModel(this.splits.train)) throw new Error("sampling needs a character model's data (names-lm)");
    if (!(temperature > 0 && temperature <= 10) || !Number.isInteger(count) || count < 1 || count > 50)
      throw new Error(`sample: temperature must be in (0, 10] and count a whole number from 1 to 50, got ${temperature} and ${count}`);
    const trainer = this.loop;
    trainer.pause();
    try {
      await trainer.whenParked(); // eval mode and the weights held still while it draws
      const names = await sampleFromModel(this.built.model, this.options.backend, this.splits.train, { count, temperature, seed: trainer.step + 1 });
      this.options.post({ type: "samples", temperature, step: trainer.step, names });
    } finally {
      if (this.wantRunning && !this.finished) trainer.resume();
    }
  }

  /** Posts the run as it stands (weights, optimizer, position) for the page's autosave; pauses the trainer while it reads. */
  async snapshot(): Promise<void> {
    const trainer = this.loop;
    trainer.pause();
    try {
      // Every step taken is reported before the snapshot, so the page saves the curves it matches.
      await trainer.whenParked();
      this.throttle.flush();
      this.options.post({ type: "snapshot", run: await snapshotRun(this.config, trainer, this.built.model, this.splits.train.inputShape) });
    } finally {
      if (this.wantRunning && !this.finished) trainer.resume();
    }
  }

  /** Posts the feature maps of test image `index`. */
  async inspect(index: number): Promise<void> {
    const test = this.splits.test;
    if (!isImages(test)) throw new Error("feature maps need an image dataset (MNIST or Fashion-MNIST)");
    if (!Number.isInteger(index) || index < 0 || index >= test.n) throw new Error(`inspect: index ${index} is not a test image (0 to ${test.n - 1})`);
    this.options.post({ type: "feature-maps", ...(await featureMaps(this.built.model, this.built.layers, test, index, this.options.backend)) });
  }

  /** Posts `count` training images before and after the config's augmentation. */
  async augmentPreview(count: number): Promise<void> {
    this.options.post(await augmentedPreview(this.config, this.splits.train, count, this.options.backend));
  }

  /** Posts the weights as safetensors (spec, config and progress in the metadata) and the PyTorch script that loads them. */
  async export(): Promise<void> {
    const trainer = this.loop;
    trainer.pause(); // saveModel reads tensor by tensor: hold the weights still
    try {
      const inputShape = this.splits.train.inputShape;
      const filename = checkpointFilename(this.config.name ?? `${this.config.data.name}-model`);
      const extra = { config: JSON.stringify(this.config), epoch: String(trainer.epoch), step: String(trainer.step) };
      const safetensors = await saveModel(this.built.model, this.config.model, inputShape, extra);
      const script = exportPyTorchScript(this.config.model, inputShape, {
        weightsFile: filename,
        purpose: exportPurpose(this.config, this.splits.train.scaling),
      });
      this.options.post({ type: "exported", safetensors, script, filename });
    } finally {
      if (this.wantRunning) trainer.resume();
    }
  }

  /** Stops training and frees the model and optimizer once the trainer and the reports are done. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.stopLoop();
    await this.reports;
    this.loop.options.optimizer.dispose();
    this.built.model.dispose();
  }

  /** A run that diverged goes on from its last good weights; one that finished its epochs goes on when given more. */
  protected override canContinue(end: StopEvent): boolean {
    return end.reason === "diverged" || (end.reason === "done" && this.loop.epoch < this.loop.options.epochs);
  }

  protected freshLoop(old: Trainer): Trainer {
    return this.attach(new Trainer({ ...old.options, start: undefined }));
  }

  /** Pause and step bring the boundary, test and inside reports for the weights as they are. */
  protected reportNow(): Promise<void> {
    return this.queueReports(["boundary", "test", "inside"]);
  }

  /**
   * The engine's memory at its lowest over the steps of this epoch so far: what stays allocated
   * between the transient things (a second divergence snapshot, a report being made), which a leak
   * would raise.
   */
  private memoryFloor = NO_FLOOR;

  private attach(trainer: Trainer): Trainer {
    trainer.on("step", (e) => this.onStep(e));
    trainer.on("epoch", (e) => this.onEpoch(e));
    return trainer;
  }

  private onStep(e: StepEvent): void {
    this.steps.push(e.step, e.loss, e.lr);
    const m = memory();
    const floor = this.memoryFloor;
    this.memoryFloor = {
      tensors: Math.min(floor.tensors, m.tensors),
      buffers: Math.min(floor.buffers, m.liveBuffers),
      bytes: Math.min(floor.bytes, m.liveBytes),
    };
    this.lastEpoch = e.epoch;
    this.throttle.request();
    const step = this.loop.step;
    const now = performance.now();
    if (this.extent !== null && step - this.lastBoundary.step >= BOUNDARY_EVERY && now - this.lastBoundary.time >= BOUNDARY_MS) {
      this.lastBoundary = { step, time: now };
      void this.schedule("boundary", () => this.report("boundary"));
    }
    if (step - this.lastInside >= INSIDE_EVERY) {
      this.lastInside = step;
      void this.schedule("inside", () => this.report("inside"));
    }
  }

  private onEpoch(e: EpochEvent): void {
    this.throttle.flush();
    void this.schedule(null, async () => {
      const train = await this.evaluate(this.trainScore);
      const val = e.val as Evaluation;
      const m = memory();
      const engine = Number.isFinite(this.memoryFloor.tensors) ? this.memoryFloor : { tensors: m.tensors, buffers: m.liveBuffers, bytes: m.liveBytes };
      this.memoryFloor = NO_FLOOR;
      this.options.post({
        type: "epoch",
        epoch: e.epoch,
        step: e.step,
        lr: e.lr,
        train: scoreOf(train),
        val: scoreOf(val),
        seconds: e.seconds,
        memory: engine,
      });
      await this.postTest(this.loop.step);
    });
  }

  protected onStop(trainer: Trainer, end: StopEvent, error?: unknown): void {
    if (trainer !== this.loop || this.disposed) return;
    this.throttle.flush();
    this.finished = end;
    this.wantRunning = false;
    void this.schedule(null, async () => {
      if (error !== undefined || end.reason === "diverged") this.options.post({ type: "error", message: end.message });
      // The final weights (the best epoch's after early stopping, the last good ones after a
      // divergence); after the last epoch its test report is already there.
      const final: Report[] = end.reason === "done" ? ["boundary", "inside"] : ["boundary", "test", "inside"];
      if (error === undefined) for (const kind of final) await this.report(kind);
      this.postState();
    });
  }

  protected flushSteps(): void {
    const batch = this.steps.take();
    if (batch && !this.disposed) this.options.post({ type: "steps", ...batch, stepsPerSecond: this.rate.update(this.loop.step), epoch: this.lastEpoch });
  }

  protected postState(): void {
    const done = this.finished !== null && !this.canContinue(this.finished);
    const reason = this.finished?.message;
    this.options.post({
      type: "state",
      running: this.wantRunning && !this.finished,
      done,
      ...(reason ? { reason } : {}),
      step: this.loop.step,
      epoch: this.loop.epoch,
    });
  }

  /** The untrained model's (or a resumed run's) scores as epoch 0 (or the epoch it resumes at), test report, boundary and inside. */
  private async initialReports(): Promise<void> {
    const train = await this.evaluate(this.trainScore);
    const val = await this.evaluate(this.splits.val);
    this.options.post({ type: "estimate", secondsPerEpoch: await estimateEpochSeconds(this.loop) });
    const { epoch, step } = this.loop;
    const lr = this.loop.options.optimizer.lr;
    if (step === 0) this.options.post({ type: "epoch", epoch, step, lr, train: scoreOf(train), val: scoreOf(val), seconds: 0 });
    await this.postTest(step);
    await this.report("boundary");
    await this.report("inside");
  }

  /** Queues the reports (each at most once in the queue) and resolves when they are posted. */
  private queueReports(kinds: Report[]): Promise<void> {
    for (const kind of kinds) void this.schedule(kind, () => this.report(kind));
    return this.reports;
  }

  private async report(kind: Report): Promise<void> {
    const { backend, post } = this.options;
    const step = this.loop.step;
    if (kind === "boundary") {
      if (this.extent !== null) post({ type: "boundary", ...(await boundaryReport(this.view, backend, this.splits.train, this.extent, step)) });
    } else if (kind === "test") await this.postTest(step);
    else {
      const inside = await insideReport(this.built.model, backend, this.splits.train.inputShape, step, step > 0);
      if (isSequences(this.splits.test))
        inside.sequence = await sequenceInside(this.built.model, backend, this.splits.test, this.loop.options.loss, step, this.sequenceIndex);
      post({ type: "inside", ...inside });
    }
  }

  /** The test report and, for a model with dropout or batch norm, the same validation examples in train and eval mode. */
  private async postTest(step: number): Promise<void> {
    const { backend, post } = this.options;
    post({ type: "test", ...testReport(await this.evaluate(this.splits.test), this.splits.test, step) });
    if (this.splits.val.task !== "classification" || labelsPerStep(this.splits.val) || modeLayers(this.config.model).length === 0) return;
    const o = this.loop.options;
    const report = await modesReport(this.built.model, this.config.model, {
      backend,
      val: this.splits.val,
      loss: o.loss,
      batchSize: o.batchSize,
      step,
      extent: this.extent,
      boundaryData: this.splits.train,
    });
    post({ type: "modes", ...report });
  }

  private evaluate(ds: Dataset): Promise<Evaluation> {
    const o = this.loop.options;
    return evaluate(this.view, ds, o.loss, { backend: this.options.backend, batchSize: Math.max(o.batchSize, 256) });
  }

  /** Runs `task` after the queued reports; a `key` already waiting in the queue is not queued twice. */
  private schedule(key: string | null, task: () => Promise<void>): Promise<void> {
    if (key !== null) {
      if (this.queued.has(key)) return this.reports;
      this.queued.add(key);
    }
    this.reports = this.reports
      .then(async () => {
        if (key !== null) this.queued.delete(key);
        if (!this.disposed) await task();
      })
      .catch((e: unknown) => {
        if (!this.disposed) this.options.post({ type: "error", message: errorMessage(e, this.options.backend) });
      });
    return this.reports;
  }
}

/**
 * Transfer learning in the page: the weights of `file` that fit the model by name and shape, the
 * rest as initialised, and what loaded posted for the page to show. A file that does not fit at all
 * (or is not safetensors) leaves the model as initialised and says why: the run goes on.
 */
function startFrom(model: Module, file: InitWeights, post: Post): void {
  try {
    post({ type: "init-weights", name: file.name, report: loadMatchingWeights(model, file.bytes) });
  } catch (e) {
    if (!(e instanceof CheckpointError || e instanceof SafetensorsError)) throw e;
    post({ type: "init-weights", name: file.name, error: `${e.message}; the model starts from its own initial weights` });
  }
}
