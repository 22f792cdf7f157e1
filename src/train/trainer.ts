/**
 * The trainer: runs epochs of mini-batch steps on a model, DOM-free, in a page, a worker or Node.
 * Each step is recorded and submitted without waiting for the GPU; losses are read back through a
 * small ring of pending reads and reported as they land, so the loop never stalls on one step. It
 * can pause, resume, run one step, stop, evaluate after each epoch, step a learning-rate schedule,
 * stop early (restoring the best weights), and it stops when training diverges (src/train/divergence.ts:
 * a non-finite loss, weights or batch-norm statistics, or an exploding loss), explaining why and
 * putting back the last weights and statistics known to be good.
 */
import type { Backend } from "../backend/backend";
import { type Batch, batchCount, batches } from "../data/batches";
import { assertFiniteData, type Dataset } from "../data/dataset";
import type { Module } from "../nn/module";
import { hasBatchNorm } from "../nn/normalization";
import type { Optimizer } from "../optim/optimizer";
import { type LRScheduler, ReduceLROnPlateau } from "../optim/schedulers";
import { tidy } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { DivergenceGuard, suspectsOf } from "./divergence";
import { type Evaluation, evaluate, uploadBatch } from "./evaluate";
import type { LossFn } from "./objectives";
import { RunControl, type RunState, type StopEvent } from "./run-control";
import { disposeSnapshot, type StateSnapshot, TrainableState, withSentinel } from "./state-snapshot";

export interface EarlyStopping {
  /** Epochs without improvement before stopping. */
  patience: number;
  /** Smallest change that counts as an improvement. */
  minDelta?: number;
  /** "valLoss" (default, lower is better) or "valAccuracy" (higher is better). */
  monitor?: "valLoss" | "valAccuracy";
  /** Put back the weights of the best epoch when stopping (default true). */
  restoreBest?: boolean;
}

export interface TrainerOptions {
  model: Module;
  optimizer: Optimizer;
  loss: LossFn;
  train: Dataset;
  /** Evaluated after every epoch when given. */
  val?: Dataset;
  batchSize: number;
  epochs: number;
  /** Seeds the batch order (default 0). */
  seed?: number;
  /** Stepped once per epoch (ReduceLROnPlateau with the validation loss, or the training loss). */
  scheduler?: LRScheduler | ReduceLROnPlateau;
  clipGradNorm?: number;
  clipGradValue?: number;
  earlyStopping?: EarlyStopping;
  /** Applied to each training batch's inputs on the device (data augmentation). */
  augment?: (x: Tensor) => Tensor;
  /** Pending loss reads before a step waits for the oldest (default 4). */
  readbackDepth?: number;
  /**
   * Where a resumed run starts (weights and optimizer state already restored): the epochs completed
   * and the steps taken. The current epoch's batches already trained are skipped, in the same
   * seeded order, so the run goes on exactly as if it had not stopped.
   */
  start?: { epoch: number; step: number };
}

export interface StepEvent {
  epoch: number;
  /** Steps completed since the start of training. */
  step: number;
  loss: number;
  lr: number;
}

export interface EpochEvent {
  epoch: number;
  step: number;
  trainLoss: number;
  val?: Evaluation;
  lr: number;
  seconds: number;
  stepsPerSecond: number;
}

export type { StopEvent, StopReason } from "./run-control";

export type TrainerEvents = { step: StepEvent; epoch: EpochEvent; stop: StopEvent };

export type TrainerState = RunState;

interface PendingLoss {
  step: number;
  epoch: number;
  lr: number;
  /** The step's loss, then the snapshot's sentinel when it took one. */
  values: Promise<ArrayLike<number>>;
  /** Parameters and buffers as they were after this step, for the divergence guard. */
  snapshot: StateSnapshot | null;
}

export class Trainer extends RunControl<TrainerEvents> {
  /** Losses of every step, in order (for curves). */
  readonly history: number[] = [];
  readonly epochs: EpochEvent[] = [];
  private readonly backend: Backend;
  private readonly pending: PendingLoss[] = [];
  private readonly trainable: TrainableState;
  private readonly guard: DivergenceGuard;
  private best: { value: number; epoch: number; snapshot: StateSnapshot | null } | null = null;
  private badEpochs = 0;
  /** Batches of the current epoch a resumed run has already trained. */
  private skip = 0;
  /** The smallest last batch an epoch trains on: 2 with batch norm, which cannot train on one example. */
  private readonly minLast: number;

  constructor(readonly options: TrainerOptions) {
    super();
    this.backend = options.optimizer.backend;
    this.minLast = hasBatchNorm(options.model) ? 2 : 1;
    if (options.start) {
      this.epoch = options.start.epoch;
      this.step = options.start.step;
      const perEpoch = batchCount(options.train.n, options.batchSize, { minLast: this.minLast });
      this.skip = Math.min(Math.max(options.start.step - options.start.epoch * perEpoch, 0), perEpoch);
    }
    assertFiniteData(options.train, "training");
    if (options.val) assertFiniteData(options.val, "validation");
    const { model, optimizer } = options;
    this.trainable = new TrainableState([optimizer], [model]);
    this.guard = new DivergenceGuard(this.trainable, () => suspectsOf([optimizer], [model], { canClip: true }), { lossIndices: [0], watchIndex: 0 }, this.step);
  }

  /**
   * Trains until the last epoch, an early stop, a divergence or stop(); resolves with why it ended.
   * With `paused`, it starts paused (stepOnce() and resume() drive it).
   */
  async run(options: { paused?: boolean } = {}): Promise<StopEvent> {
    this.state = options.paused ? "paused" : "running";
    try {
      await this.runEpochs();
    } catch (e) {
      this.stopped();
      this.release(); // a device error: free the snapshots, then let the caller report it
      throw e;
    }
    return this.finish(this.stopRequest ?? { reason: "done", message: `trained ${this.epoch} epochs`, epoch: this.epoch, step: this.step });
  }

  private async runEpochs(): Promise<void> {
    const o = this.options;
    while (this.epoch < o.epochs && !this.stopRequest) {
      const started = performance.now();
      const first = this.step;
      const trainLoss = await this.trainEpoch();
      if (this.stopRequest) break;
      this.epoch++;
      const val = o.val ? await evaluate(o.model, o.val, o.loss, { backend: this.backend, batchSize: Math.max(o.batchSize, 256) }) : undefined;
      if (val) this.stopRequest ??= await this.guard.evaluated(val.loss, this.step, this.epoch - 1);
      if (this.stopRequest?.reason === "diverged") break;
      const seconds = (performance.now() - started) / 1000;
      const event: EpochEvent = {
        epoch: this.epoch,
        step: this.step,
        trainLoss,
        val,
        lr: o.optimizer.lr,
        seconds,
        stepsPerSecond: (this.step - first) / seconds,
      };
      this.epochs.push(event);
      this.emit("epoch", event);
      this.scheduleLr(val?.loss ?? trainLoss);
      this.checkEarlyStopping(val);
    }
  }

  private async trainEpoch(): Promise<number> {
    const o = this.options;
    o.model.train();
    let sum = 0;
    let count = 0;
    let i = 0;
    for (const batch of batches(o.train, { batchSize: o.batchSize, seed: o.seed ?? 0, epoch: this.epoch, minLast: this.minLast })) {
      if (this.skip > 0) {
        this.skip--; // trained before the run was resumed
        continue;
      }
      if (this.state === "paused")
        // Report every loss still in flight before parking, so a paused run shows its last step.
        for (const v of await this.drain()) {
          sum += v;
          count++;
        }
      await this.waitWhilePaused();
      if (this.stopRequest) break;
      const loss = this.recordStep(batch);
      this.step++;
      i++;
      const value = await this.track(loss);
      if (value !== null) {
        sum += value;
        count++;
      }
      if (i % 8 === 0) await new Promise((r) => setTimeout(r, 0)); // let messages (pause, stop) in
    }
    for (const v of await this.drain()) {
      sum += v;
      count++;
    }
    return count ? sum / count : Number.NaN;
  }

  /** Records one training step (no waiting) and returns its loss tensor, unread. */
  private recordStep(batch: Batch): Tensor {
    const o = this.options;
    const loss = tidy(() => {
      o.optimizer.zeroGrad();
      const { x, y } = uploadBatch(this.backend, o.train, batch);
      const input = o.augment ? o.augment(x) : x;
      const l = o.loss(o.model.forward(input), y);
      l.backward();
      if (o.clipGradValue) o.optimizer.clipGradValue(o.clipGradValue);
      if (o.clipGradNorm) o.optimizer.clipGradNorm(o.clipGradNorm);
      o.optimizer.step();
      return l;
    });
    this.backend.flush();
    return loss;
  }

  /**
   * Starts reading a step's loss without waiting for it; when more than `readbackDepth` reads are
   * pending, waits for the oldest and returns its value (null while the ring is filling).
   */
  private async track(loss: Tensor): Promise<number | null> {
    const o = this.options;
    const snapshot = this.guard.capture(this.step);
    const read = withSentinel(loss, snapshot);
    const values = read.data();
    values.finally(() => read.dispose()).catch(() => {});
    this.pending.push({ step: this.step, epoch: this.epoch, lr: o.optimizer.lr, values, snapshot });
    if (this.pending.length <= (o.readbackDepth ?? 4)) return null;
    return this.settle(this.pending.shift() as PendingLoss);
  }

  private async drain(): Promise<number[]> {
    const values: number[] = [];
    while (this.pending.length) {
      const v = await this.settle(this.pending.shift() as PendingLoss);
      if (v !== null) values.push(v);
    }
    return values;
  }

  /** Reports one landed loss, unless the divergence guard stops the run on it (having put back the last good state). */
  private async settle(p: PendingLoss): Promise<number | null> {
    const values = await p.values;
    const loss = values[0];
    const stop = await this.guard.land(p.step, p.epoch, values, p.snapshot);
    if (this.guard.diverged) {
      this.stopRequest ??= stop;
      return null;
    }
    this.history.push(loss);
    this.emit("step", { epoch: p.epoch + 1, step: p.step, loss, lr: p.lr });
    return loss;
  }

  private scheduleLr(monitored: number): void {
    const s = this.options.scheduler;
    if (!s) return;
    if (s instanceof ReduceLROnPlateau) s.step(monitored);
    else s.step();
  }

  private checkEarlyStopping(val: Evaluation | undefined): void {
    const es = this.options.earlyStopping;
    if (!es || !val) return;
    const byAccuracy = es.monitor === "valAccuracy";
    const value = byAccuracy ? (val.classification?.accuracy ?? Number.NaN) : val.loss;
    const minDelta = es.minDelta ?? 0;
    const improved = !this.best || (byAccuracy ? value > this.best.value + minDelta : value < this.best.value - minDelta);
    if (improved) {
      disposeSnapshot(this.best?.snapshot);
      this.best = { value, epoch: this.epoch, snapshot: es.restoreBest === false ? null : this.trainable.take(this.step) };
      this.badEpochs = 0;
      return;
    }
    this.badEpochs++;
    if (this.badEpochs >= es.patience && this.best) {
      if (this.best.snapshot) this.trainable.restore(this.best.snapshot, { resetOptimizers: false });
      const what = byAccuracy ? "validation accuracy" : "validation loss";
      this.stopRequest = {
        reason: "early-stopping",
        message: `${what} did not improve for ${es.patience} epochs; ${this.best.snapshot ? `restored the weights of epoch ${this.best.epoch}` : "kept the last weights"} (${what} ${this.best.value.toFixed(4)})`,
        epoch: this.epoch,
        step: this.step,
      };
    }
  }

  private finish(event: StopEvent): StopEvent {
    this.stopped();
    this.release();
    this.emit("stop", event);
    return event;
  }

  /** Frees the snapshots kept for divergence and early stopping. */
  private release(): void {
    for (const p of this.pending.splice(0)) disposeSnapshot(p.snapshot);
    this.guard.release();
    disposeSnapshot(this.best?.snapshot);
    this.best = null;
  }
}

/** Evaluates the current model on a dataset with the trainer's loss. */
export function evaluateWith(trainer: Trainer, ds: Dataset): Promise<Evaluation> {
  const o = trainer.options;
  return evaluate(o.model, ds, o.loss, { backend: o.optimizer.backend, batchSize: Math.max(o.batchSize, 256) });
}
