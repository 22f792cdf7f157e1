/**
 * A race: one model architecture trained under several optimizers side by side, or several
 * architectures (an RNN, an LSTM, a GRU, a transformer...) each with its own optimizer, on the same
 * batches in the same order (the config's seed). Entries of one architecture start from IDENTICAL
 * initial weights (built once with the config's seed, the state dict copied into the others), so an
 * optimizer race's curves differ only by the optimizer; different architectures are each built
 * with the config's seed.
 *
 * It runs its own small lock-step loop rather than one Trainer per entry: each tick uploads the
 * batch (and augments it) once, records one step of every model on it and submits them together,
 * so the entries can never drift apart and a tick costs one submit however many optimizers race.
 * Losses are read back through a small ring of pending reads (never waited on per tick), batched
 * into `race-steps` about 20 times a second; after each epoch every entry is scored on the same
 * training subset and validation split (`race-epoch`). An entry whose loss turns NaN or infinite
 * stops there with an `error` naming it; the others go on.
 */
import { type Batch, batches } from "../data/batches";
import type { Dataset } from "../data/dataset";
import { buildModel } from "../nn/build";
import type { Module } from "../nn/module";
import { hasBatchNorm } from "../nn/normalization";
import { cat, reshape } from "../ops/shape-ops";
import type { Optimizer } from "../optim/optimizer";
import { type LRScheduler, ReduceLROnPlateau } from "../optim/schedulers";
import { tidy, withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { type ExperimentConfig, parseConfig } from "../train/config";
import { ExplodingLossRule } from "../train/divergence";
import { evaluate, uploadBatch } from "../train/evaluate";
import { buildExperimentModel, experimentAugment, experimentLoss, makeExperimentOptimizer, trainingSeed } from "../train/experiment";
import { makeData, type Splits } from "../train/make";
import type { LossFn } from "../train/objectives";
import type { SessionOptions } from "./experiment-session";
import { errorMessage } from "./post";
import type { RaceEntry } from "./protocol";
import { scoreOf, trainScoreSet } from "./reports";
import { StepBuffer, Throttle } from "./step-stream";

/** Ticks whose losses may be in flight before a tick waits for the oldest. */
const READBACK_DEPTH = 4;

interface Racer {
  label: string;
  model: Module;
  optimizer: Optimizer;
  scheduler?: LRScheduler | ReduceLROnPlateau;
  steps: StepBuffer;
  diverged: boolean;
  /** Its exploding-loss rule (src/train/divergence.ts). */
  rule: ExplodingLossRule;
}

interface PendingTick {
  step: number;
  racers: Racer[];
  lrs: number[];
  /** One loss per racer, in order. */
  losses: Promise<Float32Array>;
}

export class RaceSession {
  private readonly loss: LossFn;
  private readonly augment?: (x: Tensor) => Tensor;
  private readonly trainScore: Dataset;
  private readonly val: Dataset;
  private readonly throttle = new Throttle(() => this.flushSteps());
  private readonly pending: PendingTick[] = [];
  private epoch = 0;
  private step = 0;
  private wantRunning = false;
  private done: string | null = null;
  private disposed = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly config: ExperimentConfig,
    private readonly splits: Splits,
    private readonly racers: Racer[],
    private readonly options: SessionOptions,
  ) {
    this.loss = experimentLoss(config);
    this.augment = experimentAugment(config, splits.train.inputShape);
    this.trainScore = trainScoreSet(splits.train);
    this.val = splits.val ?? splits.test;
  }

  /**
   * Validates the config and each entry's optimizer, builds one model per entry with the same
   * initial weights, and posts each entry's initial scores (`race-epoch` 0) and `state`.
   */
  static async load(config: unknown, entries: RaceEntry[], options: SessionOptions): Promise<RaceSession> {
    const parsed = parseConfig(structuredClone(config));
    if (!Array.isArray(entries) || entries.length === 0) throw new Error("race: give at least one entry to race");
    // Each entry is the config with its own optimizer and, racing architectures, its own model.
    const configs = entries.map((entry, i) => {
      const label = typeof entry?.label === "string" ? entry.label : `entry ${i + 1}`;
      try {
        const own = { optimizer: structuredClone(entry.optimizer ?? parsed.optimizer), model: structuredClone(entry.model ?? parsed.model) };
        return { label, config: parseConfig({ ...parsed, ...own }) };
      } catch (e) {
        throw new Error(`race entry "${label}": ${(e as Error).message}`);
      }
    });
    const splits = await makeData(parsed.data, options.read);
    const { backend } = options;
    const inputShape = splits.train.inputShape;
    const models: Module[] = [];
    const racers: Racer[] = [];
    try {
      // Entries of the same architecture start from the same weights: the first of them is built
      // with the config's seed (its memory checked for all of them) and copied into the others.
      const firstOf = new Map<string, { model: Module; state: Map<string, { shape: number[]; data: Float32Array }> }>();
      for (const { label, config: c } of configs) {
        const key = JSON.stringify(c.model);
        let first = firstOf.get(key);
        let model: Module;
        if (first) {
          model = withBackend(backend, () => buildModel(c.model, inputShape).model);
          model.loadStateDict(first.state);
        } else {
          const copies = configs.filter((o) => JSON.stringify(o.config.model) === key).length;
          try {
            model = buildExperimentModel(c, inputShape, backend, copies).model;
          } catch (e) {
            throw new Error(`race entry "${label}": ${(e as Error).message}`);
          }
          first = { model, state: new Map() };
          for (const [name, t] of model.stateDict()) first.state.set(name, { shape: t.shape, data: (await t.data()) as Float32Array });
          firstOf.set(key, first);
        }
        models.push(model);
        racers.push({
          label,
          model,
          ...makeExperimentOptimizer(c, model, c.optimizer),
          steps: new StepBuffer(),
          diverged: false,
          rule: new ExplodingLossRule(),
        });
      }
    } catch (e) {
      for (const r of racers) r.optimizer.dispose();
      for (const m of models) m.dispose();
      throw e;
    }
    const session = new RaceSession(parsed, splits, racers, options);
    try {
      await session.scoreEpoch();
    } catch (e) {
      await session.dispose();
      throw e;
    }
    session.postState();
    return session;
  }

  /** Starts or resumes the race. */
  play(): void {
    if (this.disposed) return;
    if (this.done !== null) {
      this.postState();
      return;
    }
    this.wantRunning = true;
    this.loop ??= this.runLoop().catch((e: unknown) => this.finish(errorMessage(e, this.options.backend), true));
    this.wake?.();
    this.postState();
  }

  /** Whether the race is stepping (played and not finished). */
  get running(): boolean {
    return this.wantRunning && this.done === null;
  }

  /** Pauses after the current tick. */
  pause(): void {
    if (this.done !== null) return;
    this.wantRunning = false;
    this.postState();
  }

  /** Ends the race and frees every model and optimizer. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.throttle.cancel();
    this.wake?.();
    await this.loop;
    for (const r of this.racers) {
      r.optimizer.dispose();
      r.model.dispose();
    }
  }

  private async runLoop(): Promise<void> {
    const t = this.config.training;
    while (this.epoch < t.epochs && !this.disposed) {
      const minLast = this.racers.some((r) => hasBatchNorm(r.model)) ? 2 : 1; // batch norm cannot train on one example
      for (const batch of batches(this.splits.train, { batchSize: t.batchSize, seed: trainingSeed(this.config), epoch: this.epoch, minLast })) {
        await this.waitWhilePaused();
        if (this.disposed) return;
        if (this.racers.every((r) => r.diverged)) return this.finish("every optimizer diverged");
        this.tick(batch);
        if (this.pending.length > READBACK_DEPTH) await this.settle(this.pending.shift() as PendingTick);
        if (this.step % 8 === 0) await new Promise((r) => setTimeout(r, 0)); // let messages (pause) in
      }
      await this.drain();
      this.epoch++;
      await this.scoreEpoch();
    }
    if (!this.disposed) this.finish(`raced ${this.epoch} epochs`);
  }

  /** Records one step of every racer still in the race on the same batch, submitted together. */
  private tick(batch: Batch): void {
    const { backend } = this.options;
    const t = this.config.training;
    const racing = this.racers.filter((r) => !r.diverged);
    const losses = withBackend(backend, () =>
      tidy(() => {
        const { x, y } = uploadBatch(backend, this.splits.train, batch);
        const input = this.augment ? this.augment(x) : x;
        const each = racing.map((r) => {
          r.optimizer.zeroGrad();
          const l = this.loss(r.model.forward(input), y);
          l.backward();
          if (t.clipGradValue) r.optimizer.clipGradValue(t.clipGradValue);
          if (t.clipGradNorm) r.optimizer.clipGradNorm(t.clipGradNorm);
          r.optimizer.step();
          return reshape(l, [1]);
        });
        return cat(each); // [racers]: one read for the whole tick
      }),
    );
    this.step++;
    const read = losses.data() as Promise<Float32Array>; // submits the whole tick
    read.finally(() => losses.dispose()).catch(() => {});
    this.pending.push({ step: this.step, racers: racing, lrs: racing.map((r) => r.optimizer.lr), losses: read });
  }

  /** Reports one tick's landed losses; a non-finite one takes its racer out of the race. */
  private async settle(tick: PendingTick): Promise<void> {
    const values = await tick.losses;
    for (const [k, racer] of tick.racers.entries()) {
      const value = values[k];
      const lr = tick.lrs[k];
      if (racer.diverged) continue;
      const finite = Number.isFinite(value);
      if (finite) racer.steps.push(tick.step, value, lr);
      if (finite && !(racer.rule.update(value) && racer.rule.exploded)) continue;
      racer.diverged = true;
      const what = finite ? racer.rule.describe(tick.step) : `the loss became ${value} at step ${tick.step}`;
      this.options.post({
        type: "error",
        message: `race: ${racer.label} diverged: ${what} (learning rate ${lr}); its curve stops there, the others go on`,
      });
    }
    this.throttle.request();
  }

  private async drain(): Promise<void> {
    while (this.pending.length) await this.settle(this.pending.shift() as PendingTick);
    this.throttle.flush();
  }

  private async waitWhilePaused(): Promise<void> {
    if (this.wantRunning || this.disposed) return;
    await this.drain();
    while (!this.wantRunning && !this.disposed) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  /** Scores every racer still in the race, steps its schedule and posts `race-epoch`. */
  private async scoreEpoch(): Promise<void> {
    const { backend } = this.options;
    const batchSize = Math.max(this.config.training.batchSize, 256);
    for (const [entry, r] of this.racers.entries()) {
      if (r.diverged || this.disposed) continue;
      const train = await evaluate(r.model, this.trainScore, this.loss, { backend, batchSize });
      const val = await evaluate(r.model, this.val, this.loss, { backend, batchSize });
      if (this.epoch > 0) stepSchedule(r.scheduler, val.loss);
      this.options.post({ type: "race-epoch", entry, epoch: this.epoch, step: this.step, train: scoreOf(train), val: scoreOf(val) });
    }
  }

  private flushSteps(): void {
    for (const [entry, r] of this.racers.entries()) {
      const batch = r.steps.take();
      if (batch && !this.disposed) this.options.post({ type: "race-steps", entry, steps: batch.steps, losses: batch.losses });
    }
  }

  private finish(reason: string, failed = false): void {
    if (this.disposed) return;
    this.throttle.flush();
    if (failed) this.options.post({ type: "error", message: reason });
    this.done = reason;
    this.wantRunning = false;
    this.postState();
  }

  private postState(): void {
    const done = this.done !== null;
    this.options.post({ type: "state", race: true, running: this.wantRunning && !done, done, ...(done ? { reason: this.done ?? undefined } : {}) });
  }
}

/** Advances a per-epoch schedule (ReduceLROnPlateau watches the validation loss). */
function stepSchedule(scheduler: LRScheduler | ReduceLROnPlateau | undefined, valLoss: number): void {
  if (scheduler instanceof ReduceLROnPlateau) scheduler.step(valLoss);
  else scheduler?.step();
}
