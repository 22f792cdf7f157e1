/**
 * The GAN training loop. One iteration is k discriminator steps (each on a fresh real batch and fresh
 * latents) and one generator step, recorded and submitted as one unit of GPU work with no readback:
 * the generator's output of the last discriminator step is reused for the generator step (as
 * PyTorch's DCGAN example does), and the discriminator's weights are frozen while the generator's
 * gradient passes through it. Latents are drawn on the device from the run's seed; a fixed latent
 * batch shows progress. Losses and D's accuracy on real and fake examples come back through the
 * async ring; for a mixture target, each epoch ends by measuring the modes covered.
 */
import type { HostArray } from "../backend/backend";
import { type Batch, batches } from "../data/batches";
import type { Dataset } from "../data/dataset";
import { deriveSeed } from "../data/random";
import { check } from "../errors";
import type { Module } from "../nn/module";
import { add, gt, lt, mul } from "../ops/binary";
import { mean } from "../ops/reduce";
import { cat, reshape } from "../ops/shape-ops";
import type { Optimizer } from "../optim/optimizer";
import type { LRScheduler } from "../optim/schedulers";
import { keep, noGrad, tidy, withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { uploadBatch } from "../train/evaluate";
import { inEval, TrainingLoop } from "./loop";
import { decisionThreshold, discriminatorLoss, generatorLoss } from "./losses";
import { type ModeCoverage, modeCoverage } from "./modes";
import { DeviceNoise } from "./noise";
import type { GanLossName } from "./spec";
import type { MixtureModes } from "./targets";
import type { WeightAverage } from "./weight-average";

export interface GanTrainerOptions {
  generator: Module;
  discriminator: Module;
  generatorOptimizer: Optimizer;
  discriminatorOptimizer: Optimizer;
  /** Size of the latent vectors z ~ N(0, I). */
  latent: number;
  /** The real examples (labels unused). */
  train: Dataset;
  batchSize: number;
  epochs: number;
  /** Default "nonSaturating". */
  loss?: GanLossName;
  /** Discriminator steps per generator step (default 1). */
  dSteps?: number;
  /** One-sided label smoothing of the real examples' label (default 0). */
  labelSmoothing?: number;
  /** Seeds the batch order and the latents (default 1). */
  seed?: number;
  /** Maps an uploaded batch of real examples to the generator's range (images: [0, 1] -> [-1, 1]). */
  transform?: (x: Tensor) => Tensor;
  /** Latent vectors in the fixed progress batch (default 64). */
  fixedSamples?: number;
  /** A mixture target's modes: each epoch then measures the modes covered by `coverageSamples` samples. */
  modes?: MixtureModes;
  /** Samples for "modes covered" (default 2,000). */
  coverageSamples?: number;
  /** Learning-rate schedules stepped after every epoch (one per optimizer that has one). */
  schedulers?: LRScheduler[];
  /** Pending metric reads before an iteration waits for the oldest (default 4). */
  readbackDepth?: number;
  /** A running average of the generator's weights, updated after every generator step; it draws the samples. */
  average?: WeightAverage;
}

/** One iteration's metrics, reported as its readback lands. */
export interface GanStepEvent {
  epoch: number;
  /** Iterations (k D steps + 1 G step) since the start. */
  step: number;
  dLoss: number;
  gLoss: number;
  /** Share of the last D step's real batch the discriminator called real. */
  dRealAccuracy: number;
  /** Share of its generated batch it called fake. */
  dFakeAccuracy: number;
}

/** An epoch's means of the iteration metrics, and the modes covered for a mixture target. */
export interface GanEpochEvent extends GanStepEvent {
  seconds: number;
  stepsPerSecond: number;
  modes?: ModeCoverage;
}

/** The order of the metrics a GAN iteration reads back. */
const METRICS = ["dLoss", "gLoss", "dRealAccuracy", "dFakeAccuracy"] as const;

/** Runs `fn` with `module`'s parameters out of autograd, so backward() computes no gradient for them. */
export function frozen<T>(module: Module, fn: () => T): T {
  const params = module.parameters();
  for (const p of params) p.requiresGrad = false;
  try {
    return fn();
  } finally {
    for (const p of params) p.requiresGrad = true;
  }
}

export class GanTrainer extends TrainingLoop<Batch[], GanStepEvent, GanEpochEvent> {
  /** Per-iteration metrics as they landed (for curves). */
  readonly history: GanStepEvent[] = [];
  readonly epochEvents: GanEpochEvent[] = [];
  /** The fixed latent batch [fixedSamples, latent] of the progress views. */
  readonly fixedLatent: Tensor;
  private readonly noise: DeviceNoise;
  private readonly loss: GanLossName;
  private readonly dSteps: number;

  constructor(readonly options: GanTrainerOptions) {
    super({
      optimizers: [options.generatorOptimizer, options.discriminatorOptimizer],
      models: [options.generator, options.discriminator],
      train: options.train,
      epochs: options.epochs,
      lossIndices: [0, 1],
      roles: ["generator", "discriminator"],
      followers: options.average ? [["generatorAverage", options.average.average]] : [],
      readbackDepth: options.readbackDepth,
      schedulers: options.schedulers,
    });
    const o = options;
    this.loss = o.loss ?? "nonSaturating";
    this.dSteps = o.dSteps ?? 1;
    check(
      o.train.n >= o.batchSize * this.dSteps,
      "GanTrainer",
      () => `an iteration takes ${this.dSteps} batch(es) of ${o.batchSize} but the data has ${o.train.n} examples; lower batchSize or dSteps`,
    );
    const seed = o.seed ?? 1;
    this.noise = new DeviceNoise(deriveSeed(seed, 1));
    this.fixedLatent = keep(withBackend(this.backend, () => new DeviceNoise(deriveSeed(seed, 2)).normal([o.fixedSamples ?? 64, o.latent])));
  }

  /** Groups of dSteps full batches: one group per iteration; a shorter remainder is left out. */
  protected *epochUnits(epoch: number): Iterable<Batch[]> {
    const o = this.options;
    let group: Batch[] = [];
    for (const batch of batches(o.train, { batchSize: o.batchSize, seed: o.seed ?? 1, epoch, dropLast: true })) {
      group.push(batch);
      if (group.length === this.dSteps) {
        yield group;
        group = [];
      }
    }
  }

  /** Records one iteration: k discriminator steps, then one generator step; returns [dLoss, gLoss, D(real) accuracy, D(fake) accuracy]. */
  protected recordStep(group: Batch[]): Tensor {
    const o = this.options;
    const D = o.discriminator;
    return withBackend(this.backend, () =>
      tidy(() => {
        // The last D step's fakes keep their graph for the G step; earlier ones need none.
        let last = this.discriminatorStep(group[0], group.length === 1);
        for (let i = 1; i < group.length; i++) last = this.discriminatorStep(group[i], i === group.length - 1);
        o.generatorOptimizer.zeroGrad();
        const gLoss = frozen(D, () => {
          const l = generatorLoss(this.loss, D.forward(last.fake));
          l.backward();
          return l;
        });
        o.generatorOptimizer.step();
        o.average?.update();
        const threshold = decisionThreshold(this.loss);
        return noGrad(() =>
          cat([
            reshape(last.dLoss, [1]),
            reshape(gLoss, [1]),
            reshape(mean(gt(last.realOut, threshold)), [1]),
            reshape(mean(lt(last.fakeOut, threshold)), [1]),
          ]),
        );
      }),
    );
  }

  /** One discriminator step on a real batch and fresh fakes (made with a graph when `keepGraph`). */
  private discriminatorStep(batch: Batch, keepGraph: boolean): { fake: Tensor; realOut: Tensor; fakeOut: Tensor; dLoss: Tensor } {
    const o = this.options;
    o.discriminatorOptimizer.zeroGrad();
    const x = uploadBatch(this.backend, o.train, batch).x;
    const real = o.transform ? o.transform(x) : x;
    const z = this.noise.normal([batch.size, o.latent]);
    const fake = keepGraph ? o.generator.forward(z) : noGrad(() => o.generator.forward(z));
    const realOut = o.discriminator.forward(real);
    const fakeOut = o.discriminator.forward(fake.detach());
    const dLoss = discriminatorLoss(this.loss, realOut, fakeOut, { labelSmoothing: o.labelSmoothing });
    dLoss.backward();
    o.discriminatorOptimizer.step();
    return { fake, realOut, fakeOut, dLoss };
  }

  protected reportStep(values: HostArray, step: number, epoch: number): void {
    const event = { epoch, step, ...metricsOf(values) };
    this.history.push(event);
    this.emit("step", event);
  }

  protected async endEpoch(means: number[], seconds: number, steps: number): Promise<GanEpochEvent> {
    const o = this.options;
    const modes = o.modes ? modeCoverage(await this.readSamples(o.coverageSamples ?? 2000, deriveSeed(o.seed ?? 1, 3)), o.modes) : undefined;
    const event: GanEpochEvent = { epoch: this.epoch, step: this.step, ...metricsOf(means), seconds, stepsPerSecond: steps / seconds, modes };
    this.epochEvents.push(event);
    return event;
  }

  /** The network that draws samples: the weight average when the run keeps one, else the generator. */
  get sampler(): Module {
    return this.options.average?.average ?? this.options.generator;
  }

  /** The output of `network` (default the sampler) for latents `z` [N, latent], in eval mode and without gradients (dispose it when done). */
  generate(z: Tensor, network: Module = this.sampler): Tensor {
    return inEval([network], () => network.forward(z));
  }

  /** The generator's output for the fixed latent batch (dispose it when done). */
  sampleFixed(): Tensor {
    return this.generate(this.fixedLatent);
  }

  /** `n` samples of `network` (default the sampler) from latents drawn with `seed` (the same seed gives the same latents). */
  sample(n: number, seed: number, network: Module = this.sampler): Tensor {
    return withBackend(this.backend, () => tidy(() => this.generate(new DeviceNoise(seed).normal([n, this.options.latent]), network)));
  }

  /** The discriminator's logits [N, 1] for examples `x`, in eval mode and without gradients. */
  discriminate(x: Tensor): Tensor {
    return inEval([this.options.discriminator], () => this.options.discriminator.forward(x));
  }

  /**
   * Where the generator's loss pushes examples `x` [N, ...]: -N d(G loss)/dx through the
   * discriminator in eval mode (its weights untouched), i.e. the direction each generated sample
   * moves when the generator takes a gradient step; the arrows of the 2-D view.
   */
  descentDirections(x: Tensor): Tensor {
    const D = this.options.discriminator;
    const training = D.training;
    D.eval();
    try {
      return withBackend(this.backend, () =>
        tidy(() => {
          const leaf = x.detach().requiresGrad_();
          frozen(D, () => generatorLoss(this.loss, D.forward(leaf)).backward());
          return mul(leaf.grad as Tensor, -x.shape[0]);
        }),
      );
    } finally {
      D.train(training);
    }
  }

  /** Reads back `n` samples drawn with `seed`. */
  async readSamples(n: number, seed: number): Promise<HostArray> {
    const samples = this.sample(n, seed);
    try {
      return await samples.data();
    } finally {
      samples.dispose();
    }
  }

  /** Frees the fixed latent batch (the networks and optimizers belong to the caller). */
  dispose(): void {
    this.fixedLatent.dispose();
  }
}

function metricsOf(values: ArrayLike<number>): Omit<GanStepEvent, "epoch" | "step"> {
  return Object.fromEntries(METRICS.map((name, i) => [name, values[i]])) as Omit<GanStepEvent, "epoch" | "step">;
}

/** Pixels in [0, 1] to [-1, 1], the range of a tanh generator: 2x - 1. */
export const toSymmetric = (x: Tensor) => add(mul(x, 2), -1);
