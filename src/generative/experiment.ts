/**
 * From a generative config to a training run, the one way the CLI (and later the playground's
 * worker) starts one: both networks built with the config's seed, their optimizers (a GAN's two, with
 * DCGAN's Adam β1 = 0.5 unless the config sets betas) and their schedule, and the GAN or autoencoder
 * loop with every setting the config has.
 */
import type { Backend } from "../backend/backend";
import { deriveSeed } from "../data/random";
import { budgetOf, checkTrainingMemory, optimizerStateValues } from "../nn/resources";
import { ModelSpecError } from "../nn/spec";
import type { Optimizer } from "../optim/optimizer";
import type { LRScheduler } from "../optim/schedulers";
import type { OptimizerConfig } from "../train/config";
import { makeOptimizer, makeScheduler } from "../train/make";
import { AutoencoderTrainer } from "./autoencoder-trainer";
import { buildGenerative, type GenerativeModels, network } from "./build";
import { type GenerativeConfig, type GenerativeData, generativeDataShape, summarizeGenerative } from "./config";
import { GanTrainer, toSymmetric } from "./gan-trainer";
import { WeightAverage } from "./weight-average";

/** The seed of a run's weights, batch order and noise (the config's, default 1). */
export const generativeSeed = (config: GenerativeConfig) => config.training.seed ?? 1;

/** Builds both networks of a config on `backend`, seeded by the config's seed. */
export function buildGenerativeModels(config: GenerativeConfig, backend: Backend): GenerativeModels {
  const dataShape = generativeDataShape(config.data);
  // Each network sees up to two batches a step (a GAN's discriminator: real and generated): checked before allocating.
  for (const n of summarizeGenerative(config)) {
    try {
      checkTrainingMemory(n, n.inputShape, 2 * config.training.batchSize, optimizerStateValues(config.optimizer), budgetOf(backend));
    } catch (e) {
      if (e instanceof ModelSpecError) throw new ModelSpecError(`${n.role}: ${e.message}`);
      throw e;
    }
  }
  return buildGenerative(config.generative, dataShape, backend, generativeSeed(config));
}

/** DCGAN's Adam (Radford et al. 2016): β1 = 0.5 unless the config gives betas. */
export function withGanDefaults(config: OptimizerConfig): OptimizerConfig {
  return (config.name === "adam" || config.name === "adamw") && config.betas === undefined ? { ...config, betas: [0.5, 0.999] } : config;
}

/** The config's schedule for each optimizer (parseGenerativeConfig() has ruled out ReduceLROnPlateau). */
function schedulersFor(config: GenerativeConfig, optimizers: Optimizer[]): LRScheduler[] {
  const schedule = config.scheduler;
  return schedule ? optimizers.map((o) => makeScheduler(schedule, o, config.training.epochs) as LRScheduler) : [];
}

/** Whether a config's examples are images (a GAN then trains in [-1, 1], for a tanh generator). */
const isImage = (config: GenerativeConfig) => generativeDataShape(config.data).length === 3;

/** The training loop a config describes, over `models` and `data`. */
export function makeGenerativeTrainer(config: GenerativeConfig, data: GenerativeData, models: GenerativeModels): GanTrainer | AutoencoderTrainer {
  const spec = config.generative;
  const { epochs, batchSize } = config.training;
  const seed = deriveSeed(generativeSeed(config), 11);
  if (spec.kind === "gan") {
    const generator = network(models, "generator").model;
    const discriminator = network(models, "discriminator").model;
    const generatorOptimizer = makeOptimizer(withGanDefaults(config.optimizer), generator.parameters());
    const discriminatorOptimizer = makeOptimizer(withGanDefaults(spec.discriminatorOptimizer ?? config.optimizer), discriminator.parameters());
    return new GanTrainer({
      generator,
      discriminator,
      generatorOptimizer,
      discriminatorOptimizer,
      latent: spec.latent,
      train: data.train,
      batchSize,
      epochs,
      loss: spec.loss,
      dSteps: spec.dSteps,
      labelSmoothing: spec.labelSmoothing,
      seed,
      transform: isImage(config) ? toSymmetric : undefined,
      modes: data.modes,
      schedulers: schedulersFor(config, [generatorOptimizer, discriminatorOptimizer]),
      average: models.average && spec.average !== undefined ? new WeightAverage(models.average, generator, spec.average) : undefined,
    });
  }
  const encoder = network(models, "encoder").model;
  const decoder = network(models, "decoder").model;
  const optimizer = makeOptimizer(config.optimizer, [...encoder.parameters(), ...decoder.parameters()]);
  return new AutoencoderTrainer({
    kind: spec.kind,
    encoder,
    decoder,
    optimizer,
    latent: spec.latent,
    schedulers: schedulersFor(config, [optimizer]),
    train: data.train,
    test: data.test,
    batchSize,
    epochs,
    reconstruction: spec.reconstruction,
    noise: spec.noise,
    beta: spec.kind === "vae" ? spec.beta : undefined,
    seed,
  });
}
