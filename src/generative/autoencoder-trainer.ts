/**
 * The autoencoder and VAE training loop: encoder and decoder trained together by one optimizer, one
 * submit per step with the metrics read back through the async ring. A denoising autoencoder sees its
 * inputs with gaussian noise added on the device and is scored against the clean ones. A VAE's
 * encoder gives means and log-variances; z is reparameterised with ε drawn on the device from the
 * run's seed, and the loss is the β-weighted negative ELBO. Each epoch can end with a test evaluation:
 * the reconstruction MSE beside that of predicting the mean training image, and the VAE's ELBO.
 */
import type { HostArray } from "../backend/backend";
import { type Batch, batches } from "../data/batches";
import type { Dataset } from "../data/dataset";
import { featureSize } from "../data/dataset";
import { deriveSeed } from "../data/random";
import type { Module } from "../nn/module";
import { hasBatchNorm } from "../nn/normalization";
import { add, mul, sub } from "../ops/binary";
import { tensor, zeros } from "../ops/creation";
import { sum } from "../ops/reduce";
import { cat, reshape } from "../ops/shape-ops";
import type { Optimizer } from "../optim/optimizer";
import type { LRScheduler } from "../optim/schedulers";
import { noGrad, tidy, withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { uploadBatch } from "../train/evaluate";
import { inEval, TrainingLoop } from "./loop";
import { reconstructionLoss, reparameterize, splitMoments, vaeLoss } from "./losses";
import { DeviceNoise } from "./noise";
import type { ReconstructionName } from "./spec";

export interface AutoencoderTrainerOptions {
  kind: "autoencoder" | "vae";
  encoder: Module;
  decoder: Module;
  /** One optimizer over both networks' parameters. */
  optimizer: Optimizer;
  /** Size of the codes z (the decoder's input; a VAE's encoder gives twice as many values). */
  latent: number;
  train: Dataset;
  /** Evaluated after every epoch when given. */
  test?: Dataset;
  batchSize: number;
  epochs: number;
  /** Default "mse" for an autoencoder, "bce" for a VAE. */
  reconstruction?: ReconstructionName;
  /** Standard deviation of the gaussian noise added to the inputs (default 0). */
  noise?: number;
  /** The VAE's weight of the KL term (default 1). */
  beta?: number;
  /** Seeds the batch order and the noise (default 1). */
  seed?: number;
  /** Learning-rate schedules stepped after every epoch (one per optimizer that has one). */
  schedulers?: LRScheduler[];
  /** Pending metric reads before a step waits for the oldest (default 4). */
  readbackDepth?: number;
}

/** One step's metrics: the loss trained on, its reconstruction term and (VAE) its KL term. */
export interface AutoencoderStepEvent {
  epoch: number;
  step: number;
  loss: number;
  reconstruction: number;
  /** 0 for a plain autoencoder. */
  kl: number;
}

/** Scores on held-out examples. */
export interface AutoencoderEvaluation {
  n: number;
  /** Mean squared error per value of the reconstructions of the clean inputs (the VAE decodes its means). */
  mse: number;
  /** Mean squared error per value of predicting the mean training example for every input. */
  baselineMse: number;
  /** The VAE's evidence lower bound per example, with one ε sample (β = 1): -(reconstruction + KL). */
  elbo?: number;
}

export interface AutoencoderEpochEvent extends Omit<AutoencoderStepEvent, "step"> {
  step: number;
  /** The VAE's ELBO on the training batches, -(reconstruction + KL) (β = 1). */
  elbo?: number;
  test?: AutoencoderEvaluation;
  seconds: number;
  stepsPerSecond: number;
}

/** What one forward pass gives: the reconstruction, the loss and its terms. */
interface Pass {
  output: Tensor;
  loss: Tensor;
  reconstruction: Tensor;
  kl: Tensor;
}

export class AutoencoderTrainer extends TrainingLoop<Batch, AutoencoderStepEvent, AutoencoderEpochEvent> {
  readonly history: AutoencoderStepEvent[] = [];
  readonly epochEvents: AutoencoderEpochEvent[] = [];
  private readonly noise: DeviceNoise;
  private readonly reconstruction: ReconstructionName;
  private meanExample: Float32Array | null = null;

  constructor(readonly options: AutoencoderTrainerOptions) {
    super({
      optimizers: [options.optimizer],
      models: [options.encoder, options.decoder],
      train: options.train,
      epochs: options.epochs,
      lossIndices: [0],
      watchIndex: 0,
      readbackDepth: options.readbackDepth,
      schedulers: options.schedulers,
    });
    this.reconstruction = options.reconstruction ?? (options.kind === "vae" ? "bce" : "mse");
    this.noise = new DeviceNoise(deriveSeed(options.seed ?? 1, 4));
  }

  protected epochUnits(epoch: number): Iterable<Batch> {
    const o = this.options;
    // Batch norm cannot train on one example: a last batch of one is left for another epoch.
    const minLast = hasBatchNorm(o.encoder) || hasBatchNorm(o.decoder) ? 2 : 1;
    return batches(o.train, { batchSize: o.batchSize, seed: o.seed ?? 1, epoch, minLast });
  }

  /** The decoder's output for codes `z` [N, latent], in eval mode without gradients (dispose it when done). */
  decode(z: Tensor): Tensor {
    return inEval([this.options.decoder], () => this.options.decoder.forward(z));
  }

  /** The codes of examples `x` (a VAE's means), in eval mode without gradients. */
  encode(x: Tensor): Tensor {
    return inEval([this.options.encoder], () => {
      const h = this.options.encoder.forward(x);
      return this.options.kind === "vae" ? splitMoments(h).mu : h;
    });
  }

  /** `n` decodings of codes drawn from N(0, I) with `seed` (a VAE's prior), in eval mode without gradients. */
  samplePrior(n: number, seed: number): Tensor {
    return withBackend(this.backend, () => tidy(() => this.decode(new DeviceNoise(seed).normal([n, this.options.latent]))));
  }

  /** Reconstructions of examples `x` (through the VAE's means), in eval mode without gradients. */
  reconstruct(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }

  /** Records one step; returns [loss, reconstruction, KL]. */
  protected recordStep(batch: Batch): Tensor {
    const o = this.options;
    return withBackend(this.backend, () =>
      tidy(() => {
        o.optimizer.zeroGrad();
        const x = uploadBatch(this.backend, o.train, batch).x;
        const input = o.noise ? add(x, mul(this.noise.normal(x.shape), o.noise)) : x;
        const pass = this.forward(input, x, o.beta ?? 1, true);
        pass.loss.backward();
        o.optimizer.step();
        return noGrad(() => cat([reshape(pass.loss, [1]), reshape(pass.reconstruction, [1]), reshape(pass.kl, [1])]));
      }),
    );
  }

  /** Encodes `input`, decodes (a VAE through z = μ + σ ε), and scores against `target`. */
  private forward(input: Tensor, target: Tensor, beta: number, sampleZ: boolean): Pass {
    const o = this.options;
    const h = o.encoder.forward(input);
    if (o.kind === "autoencoder") {
      const output = o.decoder.forward(h);
      const reconstruction = reconstructionLoss(this.reconstruction, output, target);
      return { output, loss: reconstruction, reconstruction, kl: zeros([]) };
    }
    const { mu, logVar } = splitMoments(h);
    const z = sampleZ ? reparameterize(mu, logVar, this.noise.normal(mu.shape)) : mu;
    const output = o.decoder.forward(z);
    return { output, ...vaeLoss(output, target, mu, logVar, { reconstruction: this.reconstruction, beta }) };
  }

  protected reportStep(values: HostArray, step: number, epoch: number): void {
    const event = { epoch, step, loss: values[0], reconstruction: values[1], kl: values[2] };
    this.history.push(event);
    this.emit("step", event);
  }

  protected async endEpoch(means: number[], seconds: number, steps: number): Promise<AutoencoderEpochEvent> {
    const o = this.options;
    const [loss, reconstruction, kl] = means;
    const event: AutoencoderEpochEvent = {
      epoch: this.epoch,
      step: this.step,
      loss,
      reconstruction,
      kl,
      elbo: o.kind === "vae" ? -(reconstruction + kl) : undefined,
      test: o.test ? await this.evaluate(o.test) : undefined,
      seconds,
      stepsPerSecond: steps / seconds,
    };
    this.epochEvents.push(event);
    return event;
  }

  /** Scores the networks on `ds` (clean inputs, eval mode), reading back one batch at a time. */
  async evaluate(ds: Dataset, batchSize = 256): Promise<AutoencoderEvaluation> {
    const o = this.options;
    const meanExample = this.trainingMean();
    let squared = 0;
    let baseline = 0;
    let elbo = 0;
    for (const batch of batches(ds, { batchSize, shuffle: false })) {
      const sums = withBackend(this.backend, () =>
        inEval([o.encoder, o.decoder], () => {
          const x = uploadBatch(this.backend, ds, batch).x;
          const reconstructed = this.forward(x, x, 1, false).output;
          const terms = o.kind === "vae" ? this.forward(x, x, 1, true) : null; // the ELBO with one sample of z
          const d = sub(reconstructed, x);
          const b = sub(x, reshape(tensor(meanExample), [1, ...ds.inputShape]));
          const elboSum = terms ? mul(terms.loss, -batch.size) : zeros([]); // β = 1: loss = reconstruction + KL
          return cat([reshape(sum(mul(d, d)), [1]), reshape(sum(mul(b, b)), [1]), reshape(elboSum, [1])]);
        }),
      );
      const [s, bl, e] = await sums.data();
      sums.dispose();
      squared += s;
      baseline += bl;
      elbo += e;
    }
    const values = ds.n * featureSize(ds);
    return { n: ds.n, mse: squared / values, baselineMse: baseline / values, elbo: o.kind === "vae" ? elbo / ds.n : undefined };
  }

  /** The mean training example (computed once, on the host). */
  private trainingMean(): Float32Array {
    if (this.meanExample) return this.meanExample;
    const ds = this.options.train;
    const f = featureSize(ds);
    const total = new Float64Array(f);
    for (const { x, size } of batches(ds, { batchSize: 1024, shuffle: false }))
      for (let r = 0; r < size; r++) for (let k = 0; k < f; k++) total[k] += x[r * f + k];
    this.meanExample = Float32Array.from(total, (v) => v / ds.n);
    return this.meanExample;
  }
}
