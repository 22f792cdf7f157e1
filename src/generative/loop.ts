/**
 * The control shared by the generative training loops (GAN, autoencoder, VAE), DOM-free like the
 * Trainer: epochs of steps, each recorded and submitted without waiting (one submit per step), its
 * metrics read back through the async ring; a learning-rate schedule stepped per epoch; pause,
 * resume, one step, stop (RunControl, as the Trainer); and on a NaN or infinite
 * loss, a stop that explains itself and puts back the last weights known to be good. A subclass says
 * what a step records and what its metrics mean.
 */
import type { Backend, HostArray } from "../backend/backend";
import type { Module } from "../nn/module";
import type { Optimizer } from "../optim/optimizer";
import type { LRScheduler } from "../optim/schedulers";
import { noGrad, tidy } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { RunControl, type RunState, type StopEvent } from "../train/run-control";
import { type Landed, ReadbackRing } from "./readback";

/** The events of a loop: one per landed step, one per epoch, one at the end. */
export type LoopEvents<StepE, EpochE> = { step: StepE; epoch: EpochE; stop: StopEvent };

export type LoopState = RunState;

interface StepTag {
  step: number;
  epoch: number;
  /** Parameters of every optimizer after this step, kept until its metrics are known to be finite. */
  snapshot: Tensor[] | null;
}

const SNAPSHOT_EVERY = 25;

export abstract class TrainingLoop<Unit, StepE, EpochE> extends RunControl<LoopEvents<StepE, EpochE>> {
  protected readonly backend: Backend;
  private readonly ring: ReadbackRing<StepTag>;
  private lastGood: Tensor[] | null;

  /**
   * @param optimizers every optimizer the loop steps (their parameters are what a divergence restores)
   * @param epochs epochs to train
   * @param lossIndices positions in a step's metrics that must stay finite
   * @param schedulers learning-rate schedules stepped after every epoch
   */
  constructor(
    private readonly optimizers: Optimizer[],
    readonly epochs: number,
    private readonly lossIndices: number[],
    readbackDepth = 4,
    private readonly schedulers: LRScheduler[] = [],
  ) {
    super();
    this.backend = optimizers[0].backend;
    this.ring = new ReadbackRing(readbackDepth);
    this.lastGood = this.snapshot();
  }

  /** The units of work of an epoch (a batch, or a GAN's group of batches), one step each. */
  protected abstract epochUnits(epoch: number): Iterable<Unit>;

  /** Records one step on `unit` (no waiting) and returns its metrics as a small 1-D tensor, unread. */
  protected abstract recordStep(unit: Unit): Tensor;

  /** Reports one step's landed metrics. */
  protected abstract reportStep(values: HostArray, step: number, epoch: number): void;

  /** Ends an epoch whose steps averaged `means`; returns its event (the loop emits it). */
  protected abstract endEpoch(means: number[], seconds: number, steps: number): Promise<EpochE>;

  /** Trains until the last epoch, stop() or a divergence; resolves with why it ended. */
  async run(options: { paused?: boolean } = {}): Promise<StopEvent> {
    this.state = options.paused ? "paused" : "running";
    try {
      while (this.epoch < this.epochs && !this.stopRequest) {
        const started = performance.now();
        const first = this.step;
        const means = await this.trainEpoch();
        if (this.stopRequest) break;
        this.epoch++;
        const event = await this.endEpoch(means, (performance.now() - started) / 1000, this.step - first);
        this.emit("epoch", event);
        for (const s of this.schedulers) s.step();
      }
    } catch (e) {
      this.state = "stopped";
      this.release(); // a device error: free the snapshots, then let the caller report it
      throw e;
    }
    const end = this.stopRequest ?? { reason: "done", message: `trained ${this.epoch} epochs`, epoch: this.epoch, step: this.step };
    this.state = "stopped";
    this.release();
    this.emit("stop", end);
    return end;
  }

  /** One epoch of steps; returns each metric's mean over the steps that landed. */
  private async trainEpoch(): Promise<number[]> {
    const sums: number[] = [];
    let count = 0;
    const add = (landed: Landed<StepTag> | null) => {
      if (!landed || !this.accept(landed)) return;
      landed.values.forEach((v, i) => {
        sums[i] = (sums[i] ?? 0) + v;
      });
      count++;
    };
    let i = 0;
    for (const unit of this.epochUnits(this.epoch)) {
      // Report every step still in flight before parking, so a paused run shows its last step.
      if (this.state === "paused") for (const landed of await this.ring.drain()) add(landed);
      await this.waitWhilePaused();
      if (this.stopRequest) break;
      const metrics = this.recordStep(unit);
      this.step++;
      const snapshot = this.step % SNAPSHOT_EVERY === 0 ? this.snapshot() : null;
      // Starting the read records the copy of the metrics and submits: the step and its readback
      // are one submit (the flush is for backends whose reads do not submit at once).
      const landed = this.ring.push(metrics, { step: this.step, epoch: this.epoch, snapshot });
      this.backend.flush();
      add(await landed);
      if (++i % 8 === 0) await new Promise((r) => setTimeout(r, 0)); // let messages (pause, stop) in
    }
    for (const landed of await this.ring.drain()) add(landed);
    return sums.map((s) => s / count);
  }

  /** Takes in one landed step: reports it, or on a non-finite loss stops and restores the last good weights. */
  private accept({ values, tag }: Landed<StepTag>): boolean {
    if (this.stopRequest?.reason === "diverged") {
      disposeAll(tag.snapshot);
      return false;
    }
    const bad = this.lossIndices.find((k) => !Number.isFinite(values[k]));
    if (bad !== undefined) {
      disposeAll(tag.snapshot);
      this.diverged(tag, values[bad]);
      return false;
    }
    if (tag.snapshot) {
      disposeAll(this.lastGood);
      this.lastGood = tag.snapshot;
    }
    this.reportStep(values, tag.step, tag.epoch + 1);
    return true;
  }

  private diverged(tag: StepTag, value: number): void {
    const good = this.lastGood;
    if (good)
      this.optimizers.forEach((o, k) => {
        o.restore(good[k]);
      });
    for (const o of this.optimizers) o.resetState();
    const lrs = this.optimizers.map((o) => o.lr);
    this.stopRequest = {
      reason: "diverged",
      message: `a loss became ${value} at step ${tag.step} (learning rate ${lrs.join(" and ")}): training diverged. The weights are back to the last good ones; lower the learning rate (try ${lrs.map((lr) => +(lr / 10).toPrecision(2)).join(" and ")}) or change the loss, then continue.`,
      epoch: tag.epoch,
      step: tag.step,
    };
  }

  private snapshot(): Tensor[] {
    return this.optimizers.map((o) => o.snapshot());
  }

  /** Frees the snapshots kept for divergence. */
  private release(): void {
    for (const tag of this.ring.discard()) disposeAll(tag.snapshot);
    disposeAll(this.lastGood);
    this.lastGood = null;
  }
}

/**
 * Runs `fn` with `modules` in eval mode, without gradients and inside tidy() (only what it returns
 * survives), then puts their modes back.
 */
export function inEval<T>(modules: Module[], fn: () => T): T {
  const modes = modules.map((m) => m.training);
  for (const m of modules) m.eval();
  try {
    return noGrad(() => tidy(fn));
  } finally {
    modules.forEach((m, i) => {
      m.train(modes[i]);
    });
  }
}

function disposeAll(tensors: Tensor[] | null): void {
  for (const t of tensors ?? []) t.dispose();
}
