/**
 * The control shared by the generative training loops (GAN, autoencoder, VAE), DOM-free like the
 * Trainer: epochs of steps, each recorded and submitted without waiting (one submit per step), its
 * metrics read back through the async ring; a learning-rate schedule stepped per epoch; pause,
 * resume, one step, stop (RunControl, as the Trainer); and on a divergence (src/train/divergence.ts:
 * a non-finite loss, weights or batch-norm statistics, or an autoencoder's exploding loss) a stop
 * that explains itself and puts back the last weights and statistics known to be good. A subclass
 * says what a step records and what its metrics mean.
 */
import type { Backend, HostArray } from "../backend/backend";
import { assertFiniteData, type Dataset } from "../data/dataset";
import type { Module } from "../nn/module";
import type { Optimizer } from "../optim/optimizer";
import type { LRScheduler } from "../optim/schedulers";
import { noGrad, tidy } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { DivergenceGuard, suspectsOf } from "../train/divergence";
import { RunControl, type RunState, type StopEvent } from "../train/run-control";
import { disposeSnapshot, SENTINEL_VALUES, type StateSnapshot, TrainableState, withSentinel } from "../train/state-snapshot";
import { type Landed, ReadbackRing } from "./readback";

/** The events of a loop: one per landed step, one per epoch, one at the end. */
export type LoopEvents<StepE, EpochE> = { step: StepE; epoch: EpochE; stop: StopEvent };

export type LoopState = RunState;

interface StepTag {
  step: number;
  epoch: number;
  /** Parameters and buffers after this step, for the divergence guard. */
  snapshot: StateSnapshot | null;
}

/** What a loop trains and how it watches it. */
export interface LoopSetup {
  /** Every optimizer the loop steps. */
  optimizers: Optimizer[];
  /** The networks (their buffers, with the optimizers' parameters, are what a divergence restores). */
  models: Module[];
  /** The training data (checked finite before anything runs). */
  train: Dataset;
  epochs: number;
  /** Positions in a step's metrics that must stay finite. */
  lossIndices: number[];
  /** The position the exploding-loss rule watches (none for a GAN, whose losses rise and fall by design). */
  watchIndex?: number;
  readbackDepth?: number;
  /** Learning-rate schedules stepped after every epoch. */
  schedulers?: LRScheduler[];
  /** What each optimizer trains, for messages ("generator"), when there are several. */
  roles?: string[];
  /** Networks that follow the trained ones (a GAN's weight average): snapshotted and restored with them. */
  followers?: [name: string, network: Module][];
}

export abstract class TrainingLoop<Unit, StepE, EpochE> extends RunControl<LoopEvents<StepE, EpochE>> {
  protected readonly backend: Backend;
  /** The parameters and buffers of every network: what snapshots copy and rollbacks restore. */
  readonly trainable: TrainableState;
  readonly epochs: number;
  private readonly ring: ReadbackRing<StepTag>;
  private readonly guard: DivergenceGuard;

  constructor(private readonly setup: LoopSetup) {
    super();
    assertFiniteData(setup.train, "training");
    const { optimizers, models } = setup;
    this.epochs = setup.epochs;
    this.backend = optimizers[0].backend;
    this.ring = new ReadbackRing(setup.readbackDepth ?? 4);
    this.trainable = new TrainableState(optimizers, models, setup.followers);
    this.guard = new DivergenceGuard(this.trainable, () => suspectsOf(optimizers, models, { roles: setup.roles }), setup, 0);
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
        for (const s of this.setup.schedulers ?? []) s.step();
      }
    } catch (e) {
      this.stopped();
      this.release(); // a device error: free the snapshots, then let the caller report it
      throw e;
    }
    const end = this.stopRequest ?? { reason: "done", message: `trained ${this.epoch} epochs`, epoch: this.epoch, step: this.step };
    this.stopped();
    this.release();
    this.emit("stop", end);
    return end;
  }

  /** One epoch of steps; returns each metric's mean over the steps that landed. */
  private async trainEpoch(): Promise<number[]> {
    const sums: number[] = [];
    let count = 0;
    const add = async (landed: Landed<StepTag> | null) => {
      if (!landed || !(await this.accept(landed))) return;
      landed.values.forEach((v, i) => {
        sums[i] = (sums[i] ?? 0) + v;
      });
      count++;
    };
    let i = 0;
    for (const unit of this.epochUnits(this.epoch)) {
      // Report every step still in flight before parking, so a paused run shows its last step.
      if (this.state === "paused") for (const landed of await this.ring.drain()) await add(landed);
      await this.waitWhilePaused();
      if (this.stopRequest) break;
      const metrics = this.recordStep(unit);
      this.step++;
      const snapshot = this.guard.capture(this.step);
      // Starting the read records the copy of the metrics and submits: the step and its readback
      // are one submit (the flush is for backends whose reads do not submit at once).
      const landed = this.ring.push(withSentinel(metrics, snapshot), { step: this.step, epoch: this.epoch, snapshot });
      this.backend.flush();
      await add(await landed);
      if (++i % 8 === 0) await new Promise((r) => setTimeout(r, 0)); // let messages (pause, stop) in
    }
    for (const landed of await this.ring.drain()) await add(landed);
    return sums.map((s) => s / count);
  }

  /** Takes in one landed step: reports it, unless the divergence guard stops the run on it (having restored the last good state). */
  private async accept({ values, tag }: Landed<StepTag>): Promise<boolean> {
    const stop = await this.guard.land(tag.step, tag.epoch, values, tag.snapshot);
    if (this.guard.diverged) {
      this.stopRequest ??= stop;
      return false;
    }
    this.reportStep(tag.snapshot ? values.subarray(0, values.length - SENTINEL_VALUES) : values, tag.step, tag.epoch + 1);
    return true;
  }

  /** Frees the snapshots kept for divergence. */
  private release(): void {
    for (const tag of this.ring.discard()) disposeSnapshot(tag.snapshot);
    this.guard.release();
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
