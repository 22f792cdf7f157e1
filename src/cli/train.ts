/**
 * `npm run train -- <config.json> [flags]`: trains a model from an experiment config in Node, on a
 * real GPU through Dawn's WebGPU when there is one, else on the wasm backend, with a
 * progress bar, per-epoch metrics, a final test evaluation, a checkpoint and a PyTorch export.
 * A config with a "generative" field (a GAN, autoencoder or VAE) is trained by src/cli/train-generative.ts
 * with the same flags: per-epoch D/G losses (and modes covered) or reconstruction scores, a
 * checkpoint of both networks, an export of each. A config with "ensemble" trains and combines its
 * members instead (src/cli/ensemble.ts); one with "search" trains its trials side by side and ranks
 * them by validation score (src/cli/search.ts).
 *
 *   --device auto|webgpu|wasm|cpu   backend (default auto: a real GPU, else wasm; webgpu: Dawn's, a real GPU
 *                         or SwiftShader; wasm: WebAssembly SIMD on every core; cpu: the plain reference)
 *   --epochs N  --batch-size N  --lr X  --seed N        override the config
 *   --limit N  --test-limit N                            train/test on a seeded subset (image data)
 *   --checkpoint FILE     save the weights after every epoch (safetensors with the spec in its metadata)
 *   --resume FILE         start from the weights of a checkpoint made with the same model spec
 *   --export DIR          write DIR/model.safetensors and DIR/model.py (a PyTorch script)
 *   --json FILE           write a summary (metrics per epoch, test scores, timings) as JSON
 *   --init-from FILE      transfer learning: start from FILE's weights (safetensors, ours or PyTorch's) where
 *                         names and shapes fit; says which loaded and which are new (a new head)
 *   --freeze N            freeze the first N layers: their weights are not trained (no gradient, no optimizer state)
 *   --folds K|loo         cross-validate instead: K folds (or leave-one-out) of the training and
 *                         validation data, each fold's scores and their mean ± std (src/cli/cross-validation.ts)
 *   --judge FILE          an image GAN or VAE: label 1,000 samples with this classifier checkpoint and print
 *                         the share labelled with confidence >= 0.9 and the share of each class
 *   --allow-nonfinite     load a --resume or --judge checkpoint even when its weights hold NaN or Infinity
 *   --quiet               no progress bar
 *
 * Exit codes: 0 done (or stopped early by the config's rule), 1 bad input or a failure, 2 diverged
 * (the last good weights are put back and saved), 3 the GPU device was lost (the weights after the
 * last finished epoch are saved; src/cli/device-loss.ts).
 */
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Backend } from "../backend/backend";
import { init } from "../backend/init";
import { type ClassificationSet, featureSize } from "../data/dataset";
import "../functional"; // installs the Tensor methods and backward()
import { unigramBits } from "../data/text-corpora";
import { isGenerativeConfig } from "../generative/config";
import { describePartialLoad, loadMatchingWeights, loadWeightsInto, saveModel } from "../io/checkpoint";
import { exportPyTorchScript } from "../io/pytorch-export";
import type { Sequential } from "../nn/layers";
import { LAYERS_WITH_WEIGHTS } from "../nn/spec";
import { type ExperimentConfig, parseConfig } from "../train/config";
import type { Evaluation } from "../train/evaluate";
import { buildExperimentModel, experimentLoss, exportPurpose, makeExperimentTrainer } from "../train/experiment";
import { makeData, type Splits } from "../train/make";
import { isCharacterModel } from "../train/sample-text";
import { gradientByStep } from "../train/step-gradients";
import { evaluateWith } from "../train/trainer";
import { runCrossValidation } from "./cross-validation";
import { describeSamples } from "./describe-samples";
import { deviceLossForTests, lostDeviceReason, reportLostDevice } from "./device-loss";
import { runEnsemble } from "./ensemble";
import { EpochSaver } from "./epoch-saver";
import { applyTrainingFlags, type Flags, parseFlags, prepareOutputs } from "./flags";
import { runSearch } from "./search";
import { startDevice } from "./start-device";
import { trainGenerative } from "./train-generative";

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`train: cannot read ${file} as JSON: ${(e as Error).message}`);
  }
}

/** The config file with the flags' overrides, all checked by the config schema (0 epochs, which no config may ask, set after). */
function loadConfig(flags: Flags, json: unknown): ExperimentConfig {
  const config = parseConfig(json);
  if (flags.freeze !== undefined) {
    if (flags.freeze > config.model.layers.length) throw new Error(`train: --freeze ${flags.freeze}: the model has ${config.model.layers.length} layers`);
    // Only layers with weights take `frozen`; the rest (activations, pools) have nothing to freeze.
    config.model.layers = config.model.layers.map((l, i) =>
      i < flags.freeze! && LAYERS_WITH_WEIGHTS.has(l.type) ? { ...l, frozen: true } : l,
    ) as typeof config.model.layers;
  }
  applyTrainingFlags({ ...flags, epochs: undefined }, config.training, config.data as { name: string });
  if (flags.lr !== undefined) config.optimizer.lr = flags.lr;
  const checked = parseConfig(config);
  if (flags.epochs !== undefined) checked.training.epochs = flags.epochs;
  return checked;
}

/** A file as a stream of text chunks; a file that cannot be opened fails naming it. */
async function* readTextStream(path: string): AsyncIterable<string> {
  try {
    yield* createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 }) as AsyncIterable<string>;
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    throw new Error(`train: cannot read the CSV ${JSON.stringify(path)} (${reason}); data.path is read from the folder you run the command in`);
  }
}

const pct = (v: number | undefined) => (v === undefined ? "–" : `${(100 * v).toFixed(2)}%`);

function describeScores(e: Evaluation): string {
  if (e.classification) {
    const c = e.classification;
    return `loss ${e.loss.toFixed(4)}  accuracy ${pct(c.accuracy)}  precision ${pct(c.precision)}  recall ${pct(c.recall)}  F1 ${pct(c.f1)}${c.auc !== undefined ? `  AUC ${c.auc.toFixed(4)}` : ""}`;
  }
  const r = e.regression;
  return `loss ${e.loss.toFixed(4)}  MSE ${r?.mse.toFixed(4)}  MAE ${r?.mae.toFixed(4)}  R² ${r?.r2.toFixed(4)}`;
}

function bar(done: number, total: number, width = 24): string {
  const filled = Math.round((done / Math.max(total, 1)) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  prepareOutputs(flags);
  const json = readJson(flags.config);
  if (isGenerativeConfig(json)) process.exit(await trainGenerative(json, flags)); // a GAN or an autoencoder: src/cli/train-generative.ts
  if (flags.initFrom && flags.resume)
    throw new Error("train: give --init-from (new training from other weights) or --resume (this run's checkpoint), not both");
  const config = loadConfig(flags, json);
  const started = await init(await startDevice(flags.device));
  console.log(`backend: ${started.description}`);
  const backend: Backend = started.backend;
  if (config.search) {
    await runSearch(config, backend, { json: flags.json, read: readTextStream });
    process.exit(0);
  }
  if (flags.folds !== undefined) {
    await runCrossValidation(config, backend, flags.folds, { json: flags.json, read: readTextStream, describe: describeScores });
    process.exit(0);
  }
  const splits = await makeData(config.data, readTextStream);
  if (config.ensemble) {
    await runEnsemble(config, splits, backend, flags.json);
    process.exit(0);
  }
  const t = config.training;
  const inputShape = splits.train.inputShape;
  const built = buildExperimentModel(config, inputShape, backend);
  const scaled = splits.train.scaling
    ? `, ${splits.train.scaling.kind === "standard" ? "standardised (z-score)" : "min-max scaled"} on the training split`
    : "";
  console.log(`data: ${config.data.name}, ${splits.train.n} train / ${splits.val.n} val / ${splits.test.n} test, input ${inputShape.join("x")}${scaled}`);
  const frozen = built.frozenParams
    ? ` (${built.frozenParams.toLocaleString("en")} frozen, ${(built.totalParams - built.frozenParams).toLocaleString("en")} trained)`
    : "";
  console.log(`model: ${built.layers.length} layers, ${built.totalParams.toLocaleString("en")} parameters${frozen}, output ${built.outputShape.join("x")}`);
  if (flags.initFrom)
    console.log(
      `init from ${flags.initFrom}: ${describePartialLoad(loadMatchingWeights(built.model, readFileSync(flags.initFrom), { allowNonFinite: flags.allowNonFinite }))}`,
    );
  if (flags.resume) {
    loadWeightsInto(built.model, readFileSync(flags.resume), { allowNonFinite: flags.allowNonFinite });
    console.log(`resumed from ${flags.resume}`);
  }
  const trainer = makeExperimentTrainer(config, splits, built.model);
  const characters = isCharacterModel(splits.train);
  if (characters) {
    const bits = unigramBits(splits.train as ClassificationSet);
    console.log(`unigram entropy of the training characters: ${bits.toFixed(3)} bits per character (the best a model that ignores the context can do)`);
    console.log(`sampled before training:\n  ${await describeSamples(built.model, backend, splits.train)}`);
  }
  const bitsPerCharacter = (e: Evaluation) => (characters ? `  ${(e.loss / Math.LN2).toFixed(3)} bits/char` : "");
  const perEpoch = Math.ceil(splits.train.n / t.batchSize);
  // On a terminal the bar redraws in place (at most 5 times a second); into a file or pipe it
  // prints a line every tenth of an epoch instead.
  const tty = process.stderr.isTTY === true;
  const lineEvery = Math.max(1, Math.ceil(perEpoch / 10));
  let lastDraw = 0;
  const loseDeviceForTests = deviceLossForTests(backend);
  let epochNow = 1; // the epoch of the last step reported (what a lost device interrupts)
  trainer.on("step", (e) => {
    loseDeviceForTests(e.step);
    epochNow = e.epoch;
    if (flags.quiet) return;
    const within = e.step - (e.epoch - 1) * perEpoch;
    const progress = `epoch ${e.epoch}/${t.epochs} ${bar(within, perEpoch)} ${within}/${perEpoch}  loss ${e.loss.toFixed(4)}`;
    if (!tty) {
      if (within % lineEvery === 0) process.stderr.write(`${progress}\n`);
      return;
    }
    const now = performance.now();
    if (now - lastDraw < 200 && within !== perEpoch) return;
    lastDraw = now;
    process.stderr.write(`\r${progress}  `);
  });
  const save = () => saveModel(built.model, config.model, inputShape, { config: JSON.stringify(config), epoch: String(trainer.epoch) });
  const saver = new EpochSaver(flags.checkpoint, save, () => trainer.stop());
  await saver.epoch(0); // kept in memory: what a lost device in the first epoch leaves
  trainer.on("epoch", (e) => {
    void saver.epoch(e.epoch);
    if (!flags.quiet && tty) process.stderr.write("\r\x1b[K");
    const val = e.val ? `  val ${describeScores(e.val)}${bitsPerCharacter(e.val)}` : "";
    console.log(
      `epoch ${e.epoch}/${t.epochs}  train loss ${e.trainLoss.toFixed(4)}${val}  lr ${e.lr.toPrecision(3)}  ${e.seconds.toFixed(1)} s (${e.stepsPerSecond.toFixed(1)} steps/s)`,
    );
  });
  const runStarted = performance.now();
  let end: Awaited<ReturnType<typeof trainer.run>>;
  try {
    end = await trainer.run();
  } catch (e) {
    const lost = await lostDeviceReason(backend);
    if (lost === null) throw e;
    process.exit(await reportLostDevice(lost, saver, { configFile: flags.config, epoch: epochNow, epochs: t.epochs }));
  }
  const seconds = (performance.now() - runStarted) / 1000;
  console.log(`${end.reason}: ${end.message} (${seconds.toFixed(1)} s)`);
  const test = await evaluateWith(trainer, splits.test);
  console.log(`test: ${describeScores(test)}${bitsPerCharacter(test)}`);
  if (characters) console.log(`sampled after training:\n  ${await describeSamples(built.model, backend, splits.train)}`);
  if (splits.test.inputShape.length === 2 && !splits.test.vocabulary) console.log(await describeStepGradients(built.model, backend, config, splits));
  if (test.classification && (splits.test.classes ?? 0) <= 10) {
    console.log("confusion matrix (rows: true class, columns: predicted):");
    for (const row of test.classification.confusion) console.log(`  ${row.map((v) => String(v).padStart(5)).join("")}`);
  }
  await saver.finish();
  if (flags.checkpoint || flags.exportDir) {
    const bytes = await save();
    if (flags.checkpoint) {
      writeFileSync(flags.checkpoint, bytes);
      console.log(`checkpoint: ${flags.checkpoint} (${(bytes.length / 1024).toFixed(0)} KiB)`);
    }
    if (flags.exportDir) {
      mkdirSync(flags.exportDir, { recursive: true });
      writeFileSync(join(flags.exportDir, "model.safetensors"), bytes);
      writeFileSync(
        join(flags.exportDir, "model.py"),
        exportPyTorchScript(config.model, inputShape, { weightsFile: "model.safetensors", purpose: exportPurpose(config, splits.train.scaling) }),
      );
      console.log(`export: ${join(flags.exportDir, "model.py")} and model.safetensors (run: python model.py)`);
    }
  }
  if (flags.json) {
    mkdirSync(dirname(flags.json), { recursive: true });
    const strip = (e?: Evaluation) =>
      e && { loss: e.loss, n: e.n, classification: e.classification && { ...e.classification, roc: undefined }, regression: e.regression };
    const summary = {
      config,
      backend: started.description,
      features: featureSize(splits.train),
      stop: end,
      seconds,
      epochs: trainer.epochs.map((e) => ({ ...e, val: strip(e.val) })),
      test: strip(test),
    };
    writeFileSync(flags.json, JSON.stringify(summary, null, 2));
  }
  process.exit(end.reason === "diverged" ? 2 : 0);
}

/** ‖∂loss/∂x_t‖ at five steps over 64 test sequences: how far back the trained model's loss still reaches. */
async function describeStepGradients(model: Sequential, backend: Backend, config: ExperimentConfig, { train, test }: Splits): Promise<string> {
  const batch = Math.min(64, test.n);
  const T = test.inputShape[0];
  const g = await gradientByStep(model, backend, test, experimentLoss(config, train), batch);
  const steps = [...new Set([0, Math.round((T - 1) / 4), Math.round((T - 1) / 2), Math.round((3 * (T - 1)) / 4), T - 1])];
  return `gradient of the loss by input step, |dloss/dx_t| over ${batch} test sequences: ${steps.map((t) => `t=${t} ${g[t].toExponential(2)}`).join(", ")}`;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (process.env.DEBUG ? e.stack : e.message) : e);
  process.exit(1);
});
