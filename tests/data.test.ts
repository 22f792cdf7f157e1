/**
 * The datasets layer on the host: the synthetic 2-D generators (seeded, shaped, in range, balanced),
 * the Dataset helpers, seeded splits and k-fold, epoch batches and normalization. No GPU involved.
 */
import { describe, expect, it } from "vitest";
import {
  balancedSample,
  batchCount,
  batches,
  circle,
  classCounts,
  type Dataset,
  deriveSeed,
  featureSize,
  gaussian,
  kFold,
  makePoints,
  moons,
  multiGaussian,
  multiGaussianTarget,
  normalize,
  normalizeStats,
  type PointDatasetName,
  permutation,
  plane,
  pointDatasets,
  Rng,
  ring,
  shuffle,
  spiral,
  stratifiedKFold,
  subset,
  trainTestSplit,
  trainValTestSplit,
  validateDataset,
  xor,
} from "../src/data";

const sorted = (a: ArrayLike<number>) => Array.from(a).sort((p, q) => p - q);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A small hand-made classification set: example i has features [i, 10 i] and label labels[i]. */
function toy(labels: number[], classes = Math.max(...labels) + 1): Dataset {
  const n = labels.length;
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) x.set([i, 10 * i], 2 * i);
  return { name: "toy", task: "classification", inputShape: [2], x, y: Int32Array.from(labels), n, classes };
}

describe("synthetic 2-D datasets", () => {
  const names = Object.keys(pointDatasets) as PointDatasetName[];

  it("has every generator the playground offers", () => {
    expect(names).toEqual(["circle", "xor", "gaussian", "spiral", "moons", "ring", "plane", "multi-gaussian"]);
  });

  for (const name of names) {
    it(`${name}: valid shape, deterministic per seed, different across seeds, within the plot`, () => {
      const a = makePoints(name, { points: 200, seed: 7 });
      const b = makePoints(name, { points: 200, seed: 7 });
      const c = makePoints(name, { points: 200, seed: 8 });
      validateDataset(a);
      expect(a.n).toBe(200);
      expect(a.inputShape).toEqual([2]);
      expect(a.x.length).toBe(400);
      expect(a.featureNames).toEqual(["x1", "x2"]);
      expect(Array.from(a.x)).toEqual(Array.from(b.x));
      expect(Array.from(a.y)).toEqual(Array.from(b.y));
      expect(Array.from(a.x)).not.toEqual(Array.from(c.x));
      const inside = a.x.filter((v) => Math.abs(v) <= 1.2).length;
      expect(inside / a.x.length).toBeGreaterThan(0.97);
      expect(a.x.every(Number.isFinite) && a.y.every(Number.isFinite)).toBe(true);
    });
  }

  it("classification sets are balanced and use every class", () => {
    for (const ds of [gaussian(), moons(), ring({ classes: 4 }), spiral({ points: 300, classes: 3 })]) {
      const counts = classCounts(ds);
      expect(counts.length).toBe(ds.classes);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      expect(ds.classNames.length).toBe(ds.classes);
    }
    for (const ds of [circle({ noise: 0.1 }), xor({ noise: 0.1 })]) {
      const [c0, c1] = classCounts(ds);
      expect(Math.min(c0, c1) / ds.n).toBeGreaterThan(0.35);
    }
  });

  it("circle and xor labels follow their rule when noise is 0", () => {
    const c = circle({ points: 500 });
    const x = xor({ points: 500 });
    for (let i = 0; i < 500; i++) {
      const r = Math.hypot(c.x[2 * i], c.x[2 * i + 1]);
      expect(c.y[i]).toBe(r < 0.5 ? 1 : 0);
      expect(r < 0.5 || r >= 0.7 - 1e-6).toBe(true);
      expect(x.y[i]).toBe(x.x[2 * i] * x.x[2 * i + 1] >= 0 ? 1 : 0);
      expect(Math.min(Math.abs(x.x[2 * i]), Math.abs(x.x[2 * i + 1]))).toBeGreaterThanOrEqual(0.05 - 1e-6);
    }
  });

  it("noise flips labels near the boundary", () => {
    const c = circle({ points: 1000, noise: 0.3 });
    let flipped = 0;
    for (let i = 0; i < c.n; i++) if (c.y[i] !== (Math.hypot(c.x[2 * i], c.x[2 * i + 1]) < 0.5 ? 1 : 0)) flipped++;
    expect(flipped).toBeGreaterThan(10);
  });

  it("gaussian blobs sit around (-0.4, -0.4) and (0.4, 0.4); rings at radius (c + 1) / classes", () => {
    const g = gaussian({ points: 2000, noise: 0.1 });
    const mean = [0, 0, 0, 0];
    for (let i = 0; i < g.n; i++) {
      mean[2 * g.y[i]] += g.x[2 * i] / 1000;
      mean[2 * g.y[i] + 1] += g.x[2 * i + 1] / 1000;
    }
    expect(mean[0]).toBeCloseTo(-0.4, 1);
    expect(mean[3]).toBeCloseTo(0.4, 1);
    const r = ring({ points: 900, classes: 3, noise: 0 });
    for (let i = 0; i < r.n; i++) expect(Math.hypot(r.x[2 * i], r.x[2 * i + 1])).toBeCloseTo((r.y[i] + 1) / 3, 5);
  });

  it("moons are two interleaving half circles of radius 2/3", () => {
    const m = moons({ points: 400, noise: 0 });
    for (let i = 0; i < m.n; i++) {
      const [px, py] = [m.x[2 * i] / (2 / 3) + 0.5, m.x[2 * i + 1] / (2 / 3) + 0.25];
      const centre = m.y[i] === 0 ? [0, 0] : [1, 0.5];
      expect(Math.hypot(px - centre[0], py - centre[1])).toBeCloseTo(1, 4);
      expect(m.y[i] === 0 ? py >= -1e-5 : py <= 0.5 + 1e-5).toBe(true);
    }
  });

  it("regression targets follow the plane and the sum of bumps", () => {
    const p = plane({ points: 300, weights: [0.3, -0.7], bias: 0.1 });
    expect(p.task).toBe("regression");
    expect(p.targetDim).toBe(1);
    for (let i = 0; i < p.n; i++) expect(p.y[i]).toBeCloseTo(0.3 * p.x[2 * i] - 0.7 * p.x[2 * i + 1] + 0.1, 5);
    const m = multiGaussian({ points: 300 });
    for (let i = 0; i < m.n; i++) expect(m.y[i]).toBeCloseTo(multiGaussianTarget(m.x[2 * i], m.x[2 * i + 1]), 5);
    expect(multiGaussianTarget(-0.8, 0.5)).toBeCloseTo(1, 2);
    expect(multiGaussianTarget(0, 0.5)).toBeCloseTo(-1, 2);
    expect(Math.max(...m.y.map(Math.abs))).toBeLessThanOrEqual(1.01);
    const noisy = plane({ points: 300, noise: 0.2 });
    const residual = noisy.y.map((v, i) => v - 0.5 * (noisy.x[2 * i] + noisy.x[2 * i + 1]));
    expect(Math.max(...residual.map(Math.abs))).toBeGreaterThan(0.05);
  });

  it("spiral keeps its old output and fields (the playground and README use them)", () => {
    const s = spiral({ points: 300, classes: 3 });
    expect(s.n).toBe(300);
    expect(s.classes).toBe(3);
    expect(s.x).toBeInstanceOf(Float32Array);
    expect(s.y).toBeInstanceOf(Int32Array);
    expect(Array.from(s.y.subarray(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(s.x[0]).toBeCloseTo(0.05 * Math.cos(0.2 * new Rng(1).normal()), 6);
  });

  it("bad options explain themselves", () => {
    expect(() => circle({ points: 1 })).toThrow(/circle: points must be a whole number >= 2, got 1/);
    expect(() => moons({ noise: -1 })).toThrow(/moons: noise must be a finite number >= 0, got -1/);
    expect(() => ring({ classes: 1 })).toThrow(/ring: classes must be a whole number >= 2, got 1/);
    expect(() => makePoints("nope" as PointDatasetName)).toThrow(/makePoints: unknown dataset "nope"; expected one of circle, xor/);
  });
});

describe("Dataset helpers", () => {
  it("featureSize multiplies the input shape", () => {
    expect(featureSize({ inputShape: [1, 28, 28] })).toBe(784);
    expect(featureSize({ inputShape: [4] })).toBe(4);
  });

  it("subset copies the rows in the given order", () => {
    const ds = toy([0, 1, 2, 0, 1]);
    const s = subset(ds, [4, 0, 4]);
    expect(s.n).toBe(3);
    expect(Array.from(s.x)).toEqual([4, 40, 0, 0, 4, 40]);
    expect(Array.from(s.y)).toEqual([1, 0, 1]);
    s.x[0] = 99;
    expect(ds.x[8]).toBe(4);
    expect(() => subset(ds, [5])).toThrow(/subset: index 5 at position 0 is out of range for "toy" with 5 examples/);
  });

  it("subset keeps uint8 pixels and regression rows of targetDim", () => {
    const img: Dataset = {
      name: "img",
      task: "classification",
      inputShape: [1, 2, 2],
      x: Uint8Array.from(range(12)),
      y: Int32Array.from([0, 1, 1]),
      n: 3,
      classes: 2,
    };
    const s = subset(img, [2]);
    expect(s.x).toBeInstanceOf(Uint8Array);
    expect(Array.from(s.x)).toEqual([8, 9, 10, 11]);
    const reg: Dataset = {
      name: "reg",
      task: "regression",
      inputShape: [1],
      x: Float32Array.from([0, 1, 2]),
      y: Float32Array.from([0, 0.5, 1, 1.5, 2, 2.5]),
      n: 3,
      targetDim: 2,
    };
    expect(Array.from(subset(reg, [1]).y)).toEqual([1, 1.5]);
  });

  it("validateDataset catches arrays that disagree with n and the shapes", () => {
    const bad = { ...toy([0, 1]), n: 3 };
    expect(() => validateDataset(bad)).toThrow(/x has 4 values, expected n \* featureSize = 3 \* 2 = 6/);
    const wrongLabel = toy([0, 5], 2);
    expect(() => validateDataset(wrongLabel)).toThrow(/label 5 of example 1 is outside \[0, 1\]/);
  });
});

describe("seeded shuffles and splits", () => {
  it("permutation is a seeded permutation", () => {
    const p = permutation(100, 3);
    expect(sorted(p)).toEqual(range(100));
    expect(Array.from(p)).toEqual(Array.from(permutation(100, 3)));
    expect(Array.from(p)).not.toEqual(Array.from(permutation(100, 4)));
    expect(Array.from(p)).not.toEqual(range(100));
  });

  it("Fisher-Yates is uniform: each element lands in each position equally often", () => {
    const hits = Array.from({ length: 4 }, () => new Array(4).fill(0));
    const rng = new Rng(11);
    for (let t = 0; t < 8000; t++) {
      const order = shuffle([0, 1, 2, 3], rng);
      for (let pos = 0; pos < 4; pos++) hits[order[pos]][pos]++;
    }
    for (const row of hits) for (const h of row) expect(Math.abs(h - 2000)).toBeLessThan(200);
  });

  it("deriveSeed separates nearby streams", () => {
    const seeds = new Set(range(1000).map((e) => deriveSeed(0, e)));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(1, 2)).toBe(deriveSeed(1, 2));
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 1));
    expect(deriveSeed(1)).not.toBe(deriveSeed(1, 0));
    const pairs = new Set(range(30).flatMap((a) => range(30).map((b) => deriveSeed(a, b))));
    expect(pairs.size).toBe(900);
  });

  it("trainTestSplit is disjoint, covering, sized by the ratio and stratified", () => {
    const ds = spiral({ points: 300, classes: 3, seed: 2 });
    const { train, test, trainIndices, testIndices } = trainTestSplit(ds, { trainRatio: 0.8, seed: 5 });
    expect(train.n).toBe(240);
    expect(test.n).toBe(60);
    expect(sorted([...trainIndices, ...testIndices])).toEqual(range(300));
    expect(classCounts(train)).toEqual([80, 80, 80]);
    expect(classCounts(test)).toEqual([20, 20, 20]);
    expect(Array.from(train.x.subarray(0, 2))).toEqual(Array.from(ds.x.subarray(2 * trainIndices[0], 2 * trainIndices[0] + 2)));
    const again = trainTestSplit(ds, { trainRatio: 0.8, seed: 5 });
    expect(Array.from(again.testIndices)).toEqual(Array.from(testIndices));
    expect(Array.from(trainTestSplit(ds, { trainRatio: 0.8, seed: 6 }).testIndices)).not.toEqual(Array.from(testIndices));
  });

  it("stratification keeps an imbalanced class's share within one example", () => {
    const labels = [...new Array(90).fill(0), ...new Array(10).fill(1)];
    const { train, test } = trainTestSplit(toy(labels), { trainRatio: 0.7, seed: 1 });
    expect(classCounts(train)).toEqual([63, 7]);
    expect(classCounts(test)).toEqual([27, 3]);
    const plain = trainTestSplit(toy(labels), { trainRatio: 0.7, seed: 1, stratify: false });
    expect(plain.train.n).toBe(70);
  });

  it("trainValTestSplit makes three disjoint stratified parts", () => {
    const labels = range(200).map((i) => i % 4);
    const s = trainValTestSplit(toy(labels), { train: 0.6, val: 0.2, seed: 3 });
    expect([s.train.n, s.val.n, s.test.n]).toEqual([120, 40, 40]);
    expect(sorted([...s.trainIndices, ...s.valIndices, ...s.testIndices])).toEqual(range(200));
    expect(classCounts(s.val)).toEqual([10, 10, 10, 10]);
    expect(classCounts(s.test)).toEqual([10, 10, 10, 10]);
    const tiny = trainValTestSplit(toy([0, 1, 0]), { train: 0.9, val: 0.05, seed: 0 });
    expect([tiny.train.n, tiny.val.n, tiny.test.n]).toEqual([1, 1, 1]);
    const reg = trainValTestSplit(plane({ points: 100 }), { seed: 1 });
    expect([reg.train.n, reg.val.n, reg.test.n]).toEqual([70, 15, 15]);
  });

  it("split options are checked with the function, the value and what was expected", () => {
    const ds = toy([0, 1, 0, 1]);
    expect(() => trainTestSplit(ds, { trainRatio: 1 })).toThrow(/trainTestSplit: trainRatio must be in \(0, 1\), got 1/);
    expect(() => trainTestSplit(toy([0]), {})).toThrow(/trainTestSplit: needs at least 2 examples to make two parts, got 1 in "toy"/);
    expect(() => trainValTestSplit(ds, { train: 0.8, val: 0.2 })).toThrow(
      /trainValTestSplit: ratios must be train > 0, val > 0 and train \+ val < 1.*got train 0.8, val 0.2/,
    );
    expect(() => trainTestSplit(plane(), { stratify: true })).toThrow(
      /trainTestSplit: stratify needs a classification dataset, got the regression dataset "plane"/,
    );
  });

  it("kFold tests every example exactly once, folds differ in size by at most one", () => {
    const folds = kFold(23, 5, 9);
    expect(folds.length).toBe(5);
    expect(folds.map((f) => f.test.length)).toEqual([5, 5, 5, 4, 4]);
    expect(sorted(folds.flatMap((f) => Array.from(f.test)))).toEqual(range(23));
    for (const f of folds) {
      expect(sorted([...f.train, ...f.test])).toEqual(range(23));
      expect(Array.from(f.test)).toEqual(sorted(f.test));
    }
    expect(folds.map((f) => Array.from(f.test))).toEqual(kFold(23, 5, 9).map((f) => Array.from(f.test)));
    expect(folds.map((f) => Array.from(f.test))).not.toEqual(kFold(23, 5, 10).map((f) => Array.from(f.test)));
    expect(() => kFold(3, 5)).toThrow(/kFold: needs at least k = 5 examples, got 3/);
    expect(() => kFold(10, 1)).toThrow(/kFold: k must be a whole number >= 2, got 1/);
  });

  it("stratifiedKFold gives each fold each class's share", () => {
    const y = Int32Array.from([...new Array(50).fill(0), ...new Array(20).fill(1), ...new Array(5).fill(2)]);
    const folds = stratifiedKFold(y, 5, 1);
    expect(sorted(folds.flatMap((f) => Array.from(f.test)))).toEqual(range(75));
    for (const f of folds) {
      const counts = [0, 0, 0];
      for (const i of f.test) counts[y[i]]++;
      expect(counts).toEqual([10, 4, 1]);
    }
  });

  it("balancedSample takes classes in turns and gives a rare class's turns to the others", () => {
    const ds = toy([...new Array(50).fill(0), ...new Array(30).fill(1), ...new Array(2).fill(2)]);
    const pick = balancedSample(ds, 20, 4);
    expect(new Set(pick).size).toBe(20);
    expect(Array.from(pick)).toEqual(sorted(pick));
    expect(classCounts(subset(ds, pick))).toEqual([9, 9, 2]);
    expect(Array.from(balancedSample(ds, 20, 4))).toEqual(Array.from(pick));
  });
});

describe("batches", () => {
  const ds = toy(range(103).map((i) => i % 3));

  it("an epoch visits every example exactly once, in batches of batchSize", () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    for (const b of batches(ds, { batchSize: 10, seed: 1 })) {
      sizes.push(b.size);
      seen.push(...b.indices);
      expect(b.x.length).toBe(2 * b.size);
      for (let r = 0; r < b.size; r++) {
        expect(b.x[2 * r]).toBe(b.indices[r]);
        expect(b.x[2 * r + 1]).toBe(10 * b.indices[r]);
        expect(b.y[r]).toBe(b.indices[r] % 3);
      }
    }
    expect(sizes).toEqual([...new Array(10).fill(10), 3]);
    expect(sizes.length).toBe(batchCount(103, 10));
    expect(sorted(seen)).toEqual(range(103));
    expect(seen).not.toEqual(range(103));
  });

  it("the order depends on (seed, epoch): reproducible, different each epoch", () => {
    const order = (seed: number, epoch: number) => [...batches(ds, { batchSize: 16, seed, epoch })].flatMap((b) => Array.from(b.indices));
    expect(order(1, 0)).toEqual(order(1, 0));
    expect(order(1, 1)).toEqual(order(1, 1));
    expect(order(1, 0)).not.toEqual(order(1, 1));
    expect(order(1, 1)).not.toEqual(order(1, 2));
    expect(order(2, 0)).not.toEqual(order(1, 0));
  });

  it("dropLast skips the short batch; shuffle: false keeps dataset order", () => {
    const dropped = [...batches(ds, { batchSize: 10, dropLast: true })];
    expect(dropped.length).toBe(10);
    expect(dropped.every((b) => b.size === 10)).toBe(true);
    expect(batchCount(103, 10, { dropLast: true })).toBe(10);
    const inOrder = [...batches(ds, { batchSize: 50, shuffle: false })].flatMap((b) => Array.from(b.indices));
    expect(inOrder).toEqual(range(103));
  });

  it("minLast skips a last batch smaller than it (batch norm cannot train on one example), a different example each epoch", () => {
    const single = { ...ds, n: 101, x: ds.x.subarray(0, 101 * featureSize(ds)), y: ds.y.subarray(0, 101) } as Dataset;
    const epochs = [0, 1].map((epoch) => [...batches(single, { batchSize: 10, minLast: 2, seed: 3, epoch })]);
    for (const e of epochs) expect(e.map((b) => b.size)).toEqual(Array(10).fill(10));
    expect(batchCount(101, 10, { minLast: 2 })).toBe(10);
    expect(batchCount(102, 10, { minLast: 2 })).toBe(11); // a last batch of 2 trains
    const left = epochs.map((e) => range(101).find((i) => !e.some((b) => b.indices.includes(i))));
    expect(left[0]).not.toBe(left[1]);
  });

  it("uint8 pixels come out as float32 in [0, 1]; regression targets keep targetDim", () => {
    const img: Dataset = {
      name: "img",
      task: "classification",
      inputShape: [1, 1, 2],
      x: Uint8Array.from([0, 255, 51, 102]),
      y: Int32Array.from([0, 1]),
      n: 2,
      classes: 2,
    };
    const [b] = [...batches(img, { batchSize: 2, shuffle: false })];
    expect(b.x).toBeInstanceOf(Float32Array);
    expect(Array.from(b.x)).toEqual([0, 1, 0.2, 0.4].map(Math.fround));
    const reg = plane({ points: 9 });
    const rb = [...batches(reg, { batchSize: 4, seed: 3 })];
    expect(rb[0].y).toBeInstanceOf(Float32Array);
    expect(rb[0].y[0]).toBe(reg.y[rb[0].indices[0]]);
  });

  it("bad options explain themselves", () => {
    expect(() => [...batches(ds, { batchSize: 0 })]).toThrow(/batches: batchSize must be a whole number >= 1, got 0/);
    expect(() => [...batches(ds, { batchSize: 4, epoch: -1 })]).toThrow(/batches: epoch must be a whole number >= 0, got -1/);
  });
});

describe("normalization", () => {
  it("normalizeStats gives per-feature mean and population std; normalize standardizes", () => {
    const ds: Dataset = {
      name: "t",
      task: "regression",
      inputShape: [2],
      x: Float32Array.from([1, 5, 3, 5, 5, 5]),
      y: new Float32Array(3),
      n: 3,
      targetDim: 1,
    };
    const stats = normalizeStats(ds);
    expect(Array.from(stats.mean)).toEqual([3, 5]);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(stats.std[1]).toBe(1); // a constant feature is left unscaled
    const z = normalize(ds, stats);
    expect(z.x[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 6);
    expect(Array.from(z.x.filter((_, i) => i % 2 === 1))).toEqual([0, 0, 0]);
    expect(() => normalize(toy([0, 1, 0]), { mean: new Float32Array(3), std: new Float32Array(3) })).toThrow(
      /normalize: stats are for 3 features, but "toy" has inputShape \[2\] \(2 features\)/,
    );
  });

  it("no cancellation for features far from zero", () => {
    const x = Float32Array.from(range(100).map((i) => 10000 + (i % 2)));
    const stats = normalizeStats({ name: "far", task: "regression", inputShape: [1], x, y: new Float32Array(100), n: 100, targetDim: 1 });
    expect(stats.std[0]).toBeCloseTo(0.5, 6);
  });
});
