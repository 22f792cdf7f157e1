/**
 * Autoencoders learning MNIST on the CPU reference (768 training images, a few epochs): an MLP
 * autoencoder with a 32-value bottleneck, plain and denoising, reconstructs held-out digits with
 * well under the squared error of predicting the mean image; a VAE's ELBO rises, its reported ELBO
 * is -(reconstruction + KL), and samples from the prior decode to images in [0, 1].
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../src/data/dataset";
import { loadImageDataset } from "../src/data/image-datasets";
import type { AutoencoderTrainer } from "../src/generative/autoencoder-trainer";
import { disposeGenerative, type GenerativeModels } from "../src/generative/build";
import { type GenerativeConfig, parseGenerativeConfig } from "../src/generative/config";
import { buildGenerativeModels, makeGenerativeTrainer } from "../src/generative/experiment";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { cpu32 } from "./helpers/backends";

const toImage = { type: "unflatten", channels: 1, height: 28, width: 28 };
const relu = { type: "activation", fn: "relu" };
const sigmoid = { type: "activation", fn: "sigmoid" };

/** 784-64-code encoder and code-64-784 decoder, trained `epochs` epochs in batches of 64 with Adam. */
function config(kind: "autoencoder" | "vae", latent: number, extra: Record<string, unknown>, lr: number, epochs: number): GenerativeConfig {
  const code = kind === "vae" ? 2 * latent : latent;
  return parseGenerativeConfig({
    data: { name: "mnist" },
    generative: {
      kind,
      latent,
      encoder: { layers: [{ type: "flatten" }, { type: "linear", units: 64 }, relu, { type: "linear", units: code }] },
      decoder: { layers: [{ type: "linear", units: 64 }, relu, { type: "linear", units: 784 }, sigmoid, toImage] },
      ...extra,
    },
    optimizer: { name: "adam", lr },
    training: { epochs, batchSize: 64, seed: 2 },
  });
}

let data: { train: Dataset; test: Dataset };
beforeAll(async () => {
  data = { train: await loadImageDataset("mnist", "train", { limit: 768, seed: 1 }), test: await loadImageDataset("mnist", "test", { limit: 256, seed: 1 }) };
});

const built: GenerativeModels[] = [];
afterEach(() => {
  for (const m of built.splice(0)) disposeGenerative(m);
});

async function train(c: GenerativeConfig): Promise<AutoencoderTrainer> {
  const models = buildGenerativeModels(c, cpu32);
  built.push(models);
  const trainer = makeGenerativeTrainer(c, data, models) as AutoencoderTrainer;
  expect((await trainer.run()).reason).toBe("done");
  return trainer;
}

describe("autoencoders on MNIST", () => {
  // Measured: 0.57 (plain) and 0.58 (denoising) of the mean image's MSE after 8 epochs, falling every epoch.
  it.each([0, 0.3])("an MLP autoencoder with input noise %s reconstructs test digits at under 0.6 times the mean image's MSE", async (noise) => {
    const trainer = await train(config("autoencoder", 32, { reconstruction: "mse", noise }, 0.01, 8));
    const events = trainer.epochEvents;
    expect(events.at(-1)?.loss).toBeLessThan(events[0].loss);
    const test = events.at(-1)?.test as NonNullable<(typeof events)[number]["test"]>;
    expect(test.n).toBe(256);
    expect(test.mse / test.baselineMse).toBeLessThan(0.6);
    expect(test.elbo).toBeUndefined();
  });

  it("a VAE's ELBO rises and samples from the prior decode to images in [0, 1]", async () => {
    const trainer = await train(config("vae", 8, { reconstruction: "bce", beta: 1 }, 0.003, 6));
    const events = trainer.epochEvents;
    const elbos = events.map((e) => e.test?.elbo as number);
    // Measured: -317.7, -242.1, -222.5, -217.8, -214.2, -210.0 nats per digit.
    for (let e = 1; e < elbos.length; e++) expect(elbos[e]).toBeGreaterThan(elbos[e - 1]);
    expect(elbos.at(-1)).toBeGreaterThan(elbos[0] + 50);
    const last = events.at(-1) as (typeof events)[number];
    expect(last.kl).toBeGreaterThan(0);
    expect(last.elbo).toBeCloseTo(-(last.reconstruction + last.kl), 6);
    const samples = await withBackend(cpu32, () => trainer.decode(dl.randn([4, 8]))).data();
    expect(samples.length).toBe(4 * 784);
    expect(samples.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
