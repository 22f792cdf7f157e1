/**
 * A race: one model architecture trained under several optimizers side by side, or several
 * architectures (an RNN, an LSTM, a GRU, a transformer...) each with its own optimizer, on the same
 * batches in the same order (the config's seed). Entries of one architecture start from IDENTICAL
 * initial weights (built once with the config's seed, the state dict copied into the others), so an
 * optimizer race's curves differ only by the optimizer; different architectures are each built
 * with the config's seed. Entries may also bring their own loss (a loss race: each racer scores
 * with its own), fold (cross-validation), seed and sample (ensemble members; on images the
 * validation examples the members split on are reported) or search trial.
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
import { concatDatasets, type Dataset, subset } from "../data/dataset";
import { type ScalingKind, scaleSplits } from "../data/scaling";
import { foldsOf } from "../data/splits";
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
import { accuracyOf, argmaxRows, averageProbabilities, bootstrapIndices, disagreement, hardVote, splitVotes, weightsFromScores } from "../train/ensemble";
import type { Evaluation } from "../train/evaluate";
import { evaluate, uploadBatch } from "../train/evaluate";
import { buildExperimentModel, experimentAugment, experimentLoss, makeExperimentOptimizer, trainingSeed } from "../train/experiment";
import { makeData, type Splits } from "../train/make";
import type { LossFn } from "../train/objectives";
import { applyTrial } from "../train/search";
import type { SessionOptions } from "./experiment-session";
import { errorMessage } from "./post";
import { exampleImages, isImages } from "./previews";
import type { RaceEntry } from "./protocol";
import { boundaryExtent, boundaryReport, scoreOf, trainScoreSet } from "./reports";
import { StepBuffer, Throttle } from "./step-stream";

/** Images an ensemble race shows of the validation examples its members split on. */
const SPLIT_VOTES_SHOWN = 12;

/** Ticks whose losses may be in flight before a tick waits for the oldest. */
const READBACK_DEPTH = 4;

/** What a racer trains on and is scored on: shared by every entry, or one fold's own in a cross-validation. */
interface RacerData {
  train: Dataset;
  val: Dataset;
  /** The batches the racers of this data step with (a search may try several sizes). */
  batchSize: number;
  /** The subset of `train` scored after each epoch. */
  trainScore: Dataset;
}

interface Racer {
  label: string;
  data: RacerData;
  model: Module;
  /** Its loss: the config's, or the entry's own when the race compares losses. */
  loss: LossFn;
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
  private readonly augment?: (x: Tensor) => Tensor;
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
    inputShape: number[],
    private readonly racers: Racer[],
    private readonly options: SessionOptions,
    /** The entries are an ensemble's members: their combination is reported after each epoch. */
    private readonly ensemble: boolean,
  ) {
    this.augment = experimentAugment(config, inputShape);
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
        // An ensemble's member starts from its own seed: other initial weights (and bagging's sample).
        let training = entry.member ? { ...parsed.training, seed: trainingSeed(parsed) + entry.member.index } : parsed.training;
        // Racing losses: an entry brings its own loss, with balanced class weights or none.
        if (entry.loss) {
          const { classWeights: _, ...rest } = training;
          training = entry.balanced ? { ...rest, classWeights: "balanced" } : rest;
        }
        // A search's trial sets its own learning rate, weight decay, batch size, width or dropout.
        const entryConfig = { ...parsed, ...own, ...(entry.loss ? { loss: entry.loss } : {}), training };
        return { label, config: parseConfig(entry.trial ? applyTrial(entryConfig, entry.trial) : entryConfig) };
      } catch (e) {
        throw new Error(`race entry "${label}": ${(e as Error).message}`);
      }
    });
    const splits = await makeData(parsed.data, options.read);
    const shared: RacerData = { train: splits.train, val: splits.val, batchSize: parsed.training.batchSize, trainScore: trainScoreSet(splits.train) };
    const batched = new Map<RacerData, Map<number, RacerData>>(); // a search's other batch sizes
    const foldData = await crossValidationFolds(parsed, entries, options);
    const { backend } = options;
    const inputShape = splits.train.inputShape;
    const models: Module[] = [];
    const racers: Racer[] = [];
    try {
      // Entries of the same architecture start from the same weights: the first of them is built
      // with the config's seed (its memory checked for all of them) and copied into the others.
      const firstOf = new Map<string, { model: Module; state: Map<string, { shape: number[]; data: Float32Array }> }>();
      for (const [i, { label, config: c }] of configs.entries()) {
        const key = `${JSON.stringify(c.model)} ${entries[i].member ? trainingSeed(c) : ""}`; // members never share weights
        const member = entries[i].member;
        let first = firstOf.get(key);
        let model: Module;
        if (first) {
          model = withBackend(backend, () => buildModel(c.model, inputShape).model);
          model.loadStateDict(first.state);
        } else {
          const copies = configs.filter((o) => JSON.stringify(o.config.model) === JSON.stringify(c.model)).length; // all of them, in memory at once
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
        const data = withBatchSize(
          foldData?.[i] ?? (member?.bagging ? baggedData(splits, trainingSeed(c), parsed.training.batchSize) : shared),
          c.training.batchSize,
          batched,
        );
        racers.push({
          label,
          data,
          model,
          loss: experimentLoss(c, data.train),
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
    const session = new RaceSession(
      parsed,
      inputShape,
      racers,
      options,
      entries.every((e) => e.member !== undefined),
    );
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
      // One batch order per training set and batch size (one for all, one per fold or bagged member,
      // one per size a search tries), stepped in lock-step until the last of them ends its epoch.
      const orders = new Map(
        [...new Set(this.racers.map((r) => r.data))].map((d) => [
          d,
          batches(d.train, { batchSize: d.batchSize, seed: trainingSeed(this.config), epoch: this.epoch, minLast }),
        ]),
      );
      for (;;) {
        const next = new Map<RacerData, Batch>();
        for (const [data, order] of orders) {
          const b = order.next();
          if (!b.done) next.set(data, b.value);
        }
        if (next.size === 0) break;
        await this.waitWhilePaused();
        if (this.disposed) return;
        if (this.racers.every((r) => r.diverged)) return this.finish("every entry diverged");
        this.tick(next);
        if (this.pending.length > READBACK_DEPTH) await this.settle(this.pending.shift() as PendingTick);
        if (this.step % 8 === 0) await new Promise((r) => setTimeout(r, 0)); // let messages (pause) in
      }
      await this.drain();
      this.epoch++;
      await this.scoreEpoch();
    }
    if (!this.disposed) this.finish(`raced ${this.epoch} epochs`);
  }

  /** Records one step of every racer still in the race on its training set's batch (each batch uploaded once), submitted together. */
  private tick(next: Map<RacerData, Batch>): void {
    const { backend } = this.options;
    const t = this.config.training;
    const racing = this.racers.filter((r) => !r.diverged && next.has(r.data));
    const losses = withBackend(backend, () =>
      tidy(() => {
        const uploaded = new Map([...next].map(([data, batch]) => [data, uploadBatch(backend, data.train, batch)]));
        const each = racing.map((r) => {
          const { x, y } = uploaded.get(r.data) as { x: Tensor; y: Tensor };
          const input = this.augment ? this.augment(x) : x;
          r.optimizer.zeroGrad();
          const l = r.loss(r.model.forward(input), y);
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
    const validations: Evaluation[] = [];
    const batchSize = Math.max(this.config.training.batchSize, 256);
    for (const [entry, r] of this.racers.entries()) {
      if (r.diverged || this.disposed) continue;
      const train = await evaluate(r.model, r.data.trainScore, r.loss, { backend, batchSize });
      const val = await evaluate(r.model, r.data.val, r.loss, { backend, batchSize });
      if (this.epoch > 0) stepSchedule(r.scheduler, val.loss);
      this.options.post({ type: "race-epoch", entry, epoch: this.epoch, step: this.step, train: scoreOf(train), val: scoreOf(val) });
      validations.push(val);
    }
    if (this.ensemble && validations.length === this.racers.length && !this.disposed) await this.reportEnsemble(validations);
  }

  /** An ensemble race: its members combined on the validation split, and on 2-D data every member's decision boundary beside the ensemble's. */
  private async reportEnsemble(validations: Evaluation[]): Promise<void> {
    const val = this.racers[0].data.val;
    if (val.task !== "classification") return;
    const classes = val.classes ?? 2;
    const labels = val.y as Int32Array;
    const probabilities = validations.map((v) => v.probabilities as Float32Array);
    const predictions = probabilities.map((p) => argmaxRows(p, classes));
    const scores = validations.map((v) => v.classification?.accuracy ?? 0);
    const soft = argmaxRows(averageProbabilities(probabilities), classes);
    const split = isImages(val) ? splitVotes(predictions, SPLIT_VOTES_SHOWN) : [];
    this.options.post({
      type: "race-ensemble",
      epoch: this.epoch,
      step: this.step,
      meanMember: scores.reduce((a, b) => a + b, 0) / scores.length,
      soft: accuracyOf(soft, labels),
      hard: accuracyOf(hardVote(predictions, classes), labels),
      weighted: accuracyOf(argmaxRows(averageProbabilities(probabilities, weightsFromScores(scores)), classes), labels),
      disagreement: disagreement(predictions),
      ...(split.length
        ? {
            splitVotes: {
              images: exampleImages(val, split),
              votes: Int32Array.from(split.flatMap((i) => predictions.map((p) => p[i]))),
              ensemble: Int32Array.from(split, (i) => soft[i]),
            },
          }
        : {}),
    });
    if (val.inputShape.length !== 1 || val.inputShape[0] !== 2) return;
    const extent = boundaryExtent([this.racers[0].data.train, val]);
    const members = [];
    for (const r of this.racers) members.push(await boundaryReport(r.model, this.options.backend, val, extent, this.step));
    const ensemble = { ...members[0], values: averageProbabilities(members.map((m) => m.values)) };
    this.options.post({ type: "race-boundaries", step: this.step, members, ensemble });
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

/**
 * The folds of a cross-validation race (entries with `fold`), else null: the training and validation
 * data together, cut into k stratified (classification) or shuffled folds with the config's seed;
 * fold i trains on the others and is scored on its own, scaled with statistics fitted on its own
 * training part. The test split is not used.
 */
async function crossValidationFolds(config: ExperimentConfig, entries: RaceEntry[], options: SessionOptions): Promise<RacerData[] | null> {
  const folds = entries.map((e) => e.fold);
  if (folds.every((f) => f === undefined)) return null;
  const k = folds[0]?.k ?? 0;
  if (!folds.every((f, i) => f !== undefined && f.k === k && f.index === i) || entries.length !== k)
    throw new Error(`race: a cross-validation has one entry per fold, in order (fold 1 to ${k} of ${k}); the entries do not`);
  const scale = (config.data as { scale?: ScalingKind }).scale ?? "none";
  const unscaled = await makeData({ ...config.data, scale: undefined } as ExperimentConfig["data"], options.read);
  const data = concatDatasets(unscaled.train, unscaled.val);
  if (data.n < k) throw new Error(`race: ${k} folds need at least ${k} examples; the training and validation data have ${data.n}`);
  const seed = trainingSeed(config);
  const parts = foldsOf(data, k, seed);
  return parts.map((fold) => {
    const [train, val] = scaleSplits(scale, subset(data, fold.train), subset(data, fold.test));
    return { train, val, batchSize: config.training.batchSize, trainScore: trainScoreSet(train) };
  });
}

/** A member's bootstrap sample of the training data (bagging), scored and validated like the others. */
function baggedData(splits: Splits, seed: number, batchSize: number): RacerData {
  const train = subset(splits.train, bootstrapIndices(splits.train.n, seed));
  return { train, val: splits.val, batchSize, trainScore: trainScoreSet(train) };
}

/** `data` stepped in batches of `batchSize`: one object per data and size, so that racers stepping alike share their batches. */
function withBatchSize(data: RacerData, batchSize: number, batched: Map<RacerData, Map<number, RacerData>>): RacerData {
  if (data.batchSize === batchSize) return data;
  const sizes = batched.get(data) ?? new Map<number, RacerData>();
  batched.set(data, sizes);
  const found = sizes.get(batchSize) ?? { ...data, batchSize };
  sizes.set(batchSize, found);
  return found;
}
