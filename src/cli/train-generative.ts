/**
 * The training CLI's generative half (`npm run train -- <config>` with a config that has a
 * "generative" field; src/cli/train.ts hands it over): builds the pair, trains it with a progress
 * line, prints each epoch's D/G losses and accuracies (and the modes covered on a mixture target) or
 * the autoencoder's reconstruction scores, then the final numbers, a checkpoint of both networks and
 * an export of each (safetensors + PyTorch script). Node only.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Backend } from "../backend/backend";
import { init } from "../backend/init";
import type { Dataset } from "../data/dataset";
import { deriveSeed } from "../data/random";
import type { AutoencoderEpochEvent, AutoencoderTrainer } from "../generative/autoencoder-trainer";
import { exportGenerative, loadGenerativeWeights, saveGenerative } from "../generative/checkpoint";
import { type GenerativeConfig, makeGenerativeData, parseGenerativeConfig } from "../generative/config";
import { buildGenerativeModels, makeGenerativeTrainer } from "../generative/experiment";
import type { GanEpochEvent, GanTrainer } from "../generative/gan-trainer";
import { type Judgement, judgeImages } from "../generative/judge";
import { loadModel } from "../io/checkpoint";
import type { Module } from "../nn/module";
import type { Tensor } from "../tensor/tensor";
import type { StopEvent } from "../train/trainer";
import { deviceLossForTests, lostDeviceReason, reportLostDevice } from "./device-loss";
import { EpochSaver } from "./epoch-saver";
import { applyTrainingFlags, type Flags } from "./flags";
import { startDevice } from "./start-device";

/** The CLI flags a generative run uses (src/cli/flags.ts parses them). */
/** The config with the flags' overrides (--lr sets both of a GAN's optimizers). */
function applyFlags(json: unknown, flags: Flags): GenerativeConfig {
  const config = parseGenerativeConfig(json);
  applyTrainingFlags({ ...flags, epochs: undefined }, config.training, config.data);
  if (flags.lr !== undefined) {
    config.optimizer.lr = flags.lr;
    if (config.generative.kind === "gan" && config.generative.discriminatorOptimizer) config.generative.discriminatorOptimizer.lr = flags.lr;
  }
  const checked = parseGenerativeConfig(config); // the overrides checked against the data like the file's
  if (flags.epochs !== undefined) checked.training.epochs = flags.epochs; // 0 trains nothing, which no config may ask
  return checked;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** Steps per second, or seconds per step when under one. */
const rate = (perSecond: number, unit: string) => (perSecond >= 1 ? `${perSecond.toFixed(1)} ${unit}/s` : `${(1 / perSecond).toFixed(1)} s/${unit}`);

function describeGanEpoch(e: GanEpochEvent, epochs: number): string {
  const modes = e.modes ? `  modes ${e.modes.covered}/${e.modes.modes}, near a mode ${pct(e.modes.nearShare)}` : "";
  return `epoch ${e.epoch}/${epochs}  D loss ${e.dLoss.toFixed(4)}  G loss ${e.gLoss.toFixed(4)}  D(real) acc ${pct(e.dRealAccuracy)}  D(fake) acc ${pct(e.dFakeAccuracy)}${modes}  ${e.seconds.toFixed(1)} s (${rate(e.stepsPerSecond, "it")})`;
}

function describeAutoencoderEpoch(e: AutoencoderEpochEvent, epochs: number, vae: boolean): string {
  const train = vae
    ? `loss ${e.loss.toFixed(2)}  reconstruction ${e.reconstruction.toFixed(2)}  KL ${e.kl.toFixed(2)}  ELBO ${e.elbo?.toFixed(2)}`
    : `loss ${e.loss.toFixed(5)}`;
  const t = e.test;
  const test = t
    ? `  test MSE ${t.mse.toFixed(5)} (${pct(t.mse / t.baselineMse)} of the mean image's ${t.baselineMse.toFixed(5)})${t.elbo !== undefined ? `  test ELBO ${t.elbo.toFixed(2)}` : ""}`
    : "";
  return `epoch ${e.epoch}/${epochs}  ${train}${test}  ${e.seconds.toFixed(1)} s (${rate(e.stepsPerSecond, "step")})`;
}

/** How a trained model draws `count` images for the judge (batch `b` of its 1,000), and their range. */
interface ImageSource {
  /** What draws them, as the report names it. */
  name: string;
  backend: Backend;
  draw: (count: number, b: number) => Tensor;
  range: "unit" | "symmetric";
}

/**
 * What a trained model draws images with: an image GAN from its latents (its weight average, when it
 * keeps one, then the trained generator, to compare); a VAE by decoding draws from its prior N(0, I).
 */
function imageSources(trainer: GanTrainer | AutoencoderTrainer, seed: number): ImageSource[] {
  if ("generatorOptimizer" in trainer.options) {
    const gan = trainer as GanTrainer;
    const backend = gan.options.generatorOptimizer.backend;
    const range = gan.options.transform ? "symmetric" : "unit";
    const average = gan.options.average?.average;
    const generator = gan.options.generator;
    const source = (name: string, network: Module): ImageSource => ({
      name,
      backend,
      range,
      draw: (count, b) => gan.sample(count, deriveSeed(seed, b), network),
    });
    return average ? [source("the generator's weight average", average), source("the trained generator", generator)] : [source("the generator", generator)];
  }
  const vae = trainer as AutoencoderTrainer;
  const draw = (count: number, b: number) => vae.samplePrior(count, deriveSeed(seed, b));
  return [{ name: "the decoder", backend: vae.options.optimizer.backend, draw, range: "unit" }];
}

/**
 * Labels 1,000 images drawn by the trained model with the classifier checkpoint at `file` (trained by
 * this project on the same data) and prints the share labelled with confidence ≥ 0.9 and the share of
 * each class; a GAN with a weight average is judged twice, the average (returned) and the trained generator.
 */
async function judgeGenerated(trainer: GanTrainer | AutoencoderTrainer, file: string, data: Dataset, allowNonFinite?: boolean): Promise<Judgement> {
  const dataShape = data.inputShape;
  const sources = imageSources(trainer, deriveSeed(trainer.options.seed ?? 1, 5));
  const classifier = loadModel(readFileSync(file), { backend: sources[0].backend, allowNonFinite });
  try {
    const same = classifier.inputShape.join("x") === dataShape.join("x");
    if (!same) throw new Error(`--judge: ${file} classifies ${classifier.inputShape.join("x")} inputs, the model draws ${dataShape.join("x")}`);
    const names = data.classNames ?? [];
    const judgements: Judgement[] = [];
    for (const source of sources) {
      const judged = await judgeImages(classifier.model, source.draw, { n: 1000, range: source.range, backend: source.backend });
      console.log(
        `judged by ${file}: ${pct(judged.confidentShare)} of ${judged.samples} samples labelled with confidence >= ${judged.threshold} (drawn by ${source.name})`,
      );
      console.log(`labels: ${judged.classShares.map((share, k) => `${names[k] ?? k} ${pct(share)}`).join(", ")}`);
      const fewest = judged.classShares.indexOf(Math.min(...judged.classShares));
      console.log(`rarest label: ${names[fewest] ?? fewest} at ${pct(judged.classShares[fewest])}`);
      judgements.push(judged);
    }
    return judgements[0];
  } finally {
    classifier.model.dispose();
  }
}

/** Trains the generative config `json` as the flags say; returns the process's exit code. */
export async function trainGenerative(json: unknown, flags: Flags): Promise<number> {
  const config = applyFlags(json, flags);
  const started = await init(await startDevice(flags.device));
  console.log(`backend: ${started.description}`);
  const data = await makeGenerativeData(config.data);
  const models = buildGenerativeModels(config, started.backend);
  const spec = config.generative;
  console.log(`data: ${config.data.name}, ${data.train.n} training examples of ${models.dataShape.join("x")}${data.test ? `, ${data.test.n} test` : ""}`);
  for (const n of models.networks)
    console.log(
      `${n.role}: ${n.layers.length} layers, ${n.totalParams.toLocaleString("en")} parameters, ${n.inputShape.join("x")} -> ${n.outputShape.join("x")}`,
    );
  if (flags.resume) {
    loadGenerativeWeights(models, readFileSync(flags.resume), { allowNonFinite: flags.allowNonFinite });
    console.log(`resumed from ${flags.resume}`);
  }
  const trainer = makeGenerativeTrainer(config, data, models);
  const epochs = config.training.epochs;
  const save = () => saveGenerative(models, { config: JSON.stringify(config), epoch: String(trainer.epoch) });
  const saver = new EpochSaver(flags.checkpoint, save, () => trainer.stop());
  await saver.epoch(0); // kept in memory: what a lost device in the first epoch leaves
  const loseDeviceForTests = deviceLossForTests(started.backend);
  let epochNow = 1; // the epoch of the last step reported (what a lost device interrupts)
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  const progress = (line: string, step: number) => {
    if (flags.quiet) return;
    if (!tty) {
      if (step % 100 === 0) process.stderr.write(`${line}\n`);
      return;
    }
    const now = performance.now();
    if (now - lastDraw < 200) return;
    lastDraw = now;
    process.stderr.write(`\r${line}  `);
  };
  const onEpoch = (epoch: number, line: string) => {
    void saver.epoch(epoch);
    if (!flags.quiet && tty) process.stderr.write("\r\x1b[K");
    console.log(line);
  };
  /** A run that failed because the device was lost ends the process (exit code 3) with the last good weights saved. */
  const lostDevice = async (e: unknown): Promise<never> => {
    const reason = await lostDeviceReason(started.backend);
    if (reason === null) throw e;
    process.exit(await reportLostDevice(reason, saver, { configFile: flags.config, epoch: epochNow, epochs }));
  };
  const runStarted = performance.now();
  let end: StopEvent;
  let final: Record<string, unknown>;
  if (flags.judge && (spec.kind === "autoencoder" || models.dataShape.length !== 3))
    throw new Error("--judge labels the samples of an image GAN or VAE (MNIST or Fashion-MNIST)");
  if (spec.kind === "gan") {
    const gan = trainer as GanTrainer;
    gan.on("step", (e) => {
      loseDeviceForTests(e.step);
      epochNow = e.epoch;
      progress(`epoch ${e.epoch}/${epochs} iteration ${e.step}  D loss ${e.dLoss.toFixed(4)}  G loss ${e.gLoss.toFixed(4)}`, e.step);
    });
    gan.on("epoch", (e) => onEpoch(e.epoch, describeGanEpoch(e, epochs)));
    end = await gan.run().catch(lostDevice);
    console.log(`${end.reason}: ${end.message} (${((performance.now() - runStarted) / 1000).toFixed(1)} s)`);
    const last = gan.epochEvents.at(-1);
    final = { dLoss: last?.dLoss, gLoss: last?.gLoss, modes: last?.modes };
    if (last?.modes) {
      console.log(`modes covered: ${last.modes.covered}/${last.modes.modes}`);
      console.log(`samples near a mode: ${pct(last.modes.nearShare)}`);
    }
    if (flags.judge) final.judged = await judgeGenerated(gan, flags.judge, data.train, flags.allowNonFinite);
    gan.dispose();
  } else {
    const ae = trainer as AutoencoderTrainer;
    ae.on("step", (e) => {
      loseDeviceForTests(e.step);
      epochNow = e.epoch;
      progress(`epoch ${e.epoch}/${epochs} step ${e.step}  loss ${e.loss.toFixed(4)}`, e.step);
    });
    ae.on("epoch", (e) => onEpoch(e.epoch, describeAutoencoderEpoch(e, epochs, spec.kind === "vae")));
    end = await ae.run().catch(lostDevice);
    console.log(`${end.reason}: ${end.message} (${((performance.now() - runStarted) / 1000).toFixed(1)} s)`);
    const test = ae.epochEvents.at(-1)?.test;
    final = { test };
    if (flags.judge) final.judged = await judgeGenerated(ae, flags.judge, data.train, flags.allowNonFinite);
    if (test)
      console.log(
        `test reconstruction MSE: ${test.mse.toFixed(5)}, ${pct(test.mse / test.baselineMse)} of predicting the mean image (${test.baselineMse.toFixed(5)})`,
      );
  }
  const seconds = (performance.now() - runStarted) / 1000;
  await saver.finish();
  if (flags.checkpoint) {
    const bytes = await save();
    writeFileSync(flags.checkpoint, bytes);
    console.log(`checkpoint: ${flags.checkpoint} (${(bytes.length / 1024).toFixed(0)} KiB, both networks)`);
  }
  if (flags.exportDir) {
    mkdirSync(flags.exportDir, { recursive: true });
    const files = await exportGenerative(models);
    for (const [name, contents] of files) writeFileSync(join(flags.exportDir, name), contents);
    console.log(`export: ${[...files.keys()].map((name) => join(flags.exportDir as string, name)).join(", ")}`);
  }
  if (flags.json) {
    mkdirSync(dirname(flags.json), { recursive: true });
    const summary = { config, backend: started.description, stop: end, seconds, epochs: trainer.epochEvents, final };
    writeFileSync(flags.json, JSON.stringify(summary, null, 2));
  }
  return end.reason === "diverged" ? 2 : 0;
}
