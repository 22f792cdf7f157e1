/**
 * judgeImages, the measure of the DCGAN test: a classifier trained here on 2,000 MNIST digits labels
 * real test digits mostly with confidence and spreads them over the ten classes; the same digits
 * given in [-1, 1] with range "symmetric" are judged identically; a batch of identical grey images
 * (a collapsed generator) lands in a single class.
 */
import { beforeAll, expect, it } from "vitest";
import { batches } from "../src/data/batches";
import type { Dataset } from "../src/data/dataset";
import { loadImageDataset } from "../src/data/image-datasets";
import { judgeImages } from "../src/generative/judge";
import * as dl from "../src/index";
import { buildModel } from "../src/nn/build";
import type { Module } from "../src/nn/module";
import { withBackend } from "../src/tensor/engine";
import { manualSeed } from "../src/tensor/random";
import { lossByName } from "../src/train/objectives";
import { Trainer } from "../src/train/trainer";
import { cpu32 } from "./helpers/backends";

let classifier: Module;
let test: Dataset;
beforeAll(async () => {
  const train = await loadImageDataset("mnist", "train", { limit: 2000, seed: 1 });
  test = await loadImageDataset("mnist", "test", { limit: 500, seed: 1 });
  await withBackend(cpu32, async () => {
    manualSeed(1);
    classifier = buildModel(
      { layers: [{ type: "flatten" }, { type: "linear", units: 64 }, { type: "activation", fn: "relu" }, { type: "linear", units: 10 }] },
      [1, 28, 28],
    ).model;
    const optimizer = new dl.optim.Adam(classifier.parameters(), { lr: 0.003 });
    await new Trainer({ model: classifier, optimizer, loss: lossByName("crossEntropy"), train, batchSize: 64, epochs: 6, seed: 1 }).run();
    optimizer.dispose();
  });
}, 120_000);

/** Test digits `count` at a time, from batch `b`, as [count, 1, 28, 28] in [0, 1] (or [-1, 1]). */
const digits = (symmetric: boolean) => (count: number, b: number) => {
  const batch = [...batches(test, { batchSize: count, shuffle: false })][b];
  const x = dl.tensor(batch.x, { shape: [batch.size, 1, 28, 28] });
  if (!symmetric) return x;
  const y = dl.sub(dl.mul(x, 2), 1);
  x.dispose();
  return y;
};

it("labels real digits with confidence and over all ten classes", async () => {
  const judged = await judgeImages(classifier, digits(false), { n: 500, batchSize: 100, backend: cpu32 });
  expect(judged.samples).toBe(500);
  expect(judged.confidentShare).toBeGreaterThan(0.6);
  expect(judged.classShares).toHaveLength(10);
  expect(judged.classShares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  for (const share of judged.classShares) expect(share).toBeGreaterThan(0.04);
  const symmetric = await judgeImages(classifier, digits(true), { n: 500, batchSize: 100, range: "symmetric", backend: cpu32 });
  expect(symmetric.classShares.map((s) => s.toFixed(6))).toEqual(judged.classShares.map((s) => s.toFixed(6)));
  expect(Math.abs(symmetric.confidentShare - judged.confidentShare)).toBeLessThanOrEqual(0.004); // float rounding of 2x - 1 and back
});

it("puts a collapsed generator's identical images in one class", async () => {
  const grey = (count: number) => dl.full([count, 1, 28, 28], 0.3);
  const judged = await judgeImages(classifier, grey, { n: 300, batchSize: 128, backend: cpu32 });
  expect(Math.max(...judged.classShares)).toBe(1);
  expect(judged.confidentShare === 0 || judged.confidentShare === 1).toBe(true);
});
