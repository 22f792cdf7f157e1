/**
 * Seeded ways to divide a dataset: shuffles, train/test and train/validation/test splits (stratified
 * by class for classification, like scikit-learn's `stratify=y`), k-fold cross-validation and
 * class-balanced samples. The same seed always gives the same split, on any machine.
 */
import { check } from "../errors";
import { classCounts, type Dataset, labelsPerStep, subset } from "./dataset";
import { Rng } from "./random";

/** Any array of numbers that can be written by index (a plain array or a typed array). */
export interface MutableNumbers {
  length: number;
  [index: number]: number;
}

/** Shuffles `array` in place with Fisher-Yates, using `seed` (or an `Rng` to continue a stream); returns it. */
export function shuffle<T extends MutableNumbers | unknown[]>(array: T, seed: number | Rng): T {
  const rng = typeof seed === "number" ? new Rng(seed) : seed;
  const a = array as unknown[];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return array;
}

/** A seeded random permutation of 0..n-1 (PyTorch's `randperm`). */
export function permutation(n: number, seed: number | Rng): Int32Array {
  check(Number.isInteger(n) && n >= 0, "permutation", () => `n must be a whole number >= 0, got ${n}`);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffle(p, seed);
}

/** The examples of each class, [class][k] = example index, in dataset order. */
function indicesByClass(y: Int32Array, classes: number): number[][] {
  const groups = Array.from({ length: classes }, () => [] as number[]);
  for (let i = 0; i < y.length; i++) groups[y[i]].push(i);
  return groups;
}

/**
 * Whole part sizes summing to `n`, proportional to `ratios` (largest remainder), each at least 1
 * where a ratio is positive and n allows it.
 */
function partSizes(n: number, ratios: number[]): number[] {
  const sum = ratios.reduce((a, b) => a + b, 0);
  const exact = ratios.map((r) => (n * r) / sum);
  const sizes = exact.map(Math.floor);
  const order = exact.map((e, p) => [e - Math.floor(e), p]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0, left = n - sizes.reduce((a, b) => a + b, 0); k < left; k++) sizes[order[k][1]]++;
  for (let p = 0; p < sizes.length; p++) {
    if (sizes[p] > 0 || ratios[p] <= 0) continue;
    const donor = sizes.indexOf(Math.max(...sizes));
    if (sizes[donor] > 1) {
      sizes[donor]--;
      sizes[p]++;
    }
  }
  return sizes;
}

/**
 * Splits the examples into parts of the given ratios. Each group (a class when stratified, else
 * everything) is shuffled, the groups are laid end to end, and positions are dealt to the parts by
 * smooth weighted round-robin, which gives every part its exact size and every class its share
 * within one example. Each part comes back shuffled.
 */
function splitIndices(ds: Dataset, ratios: number[], stratify: boolean, seed: number): Int32Array[] {
  const rng = new Rng(seed);
  const all = Array.from({ length: ds.n }, (_, i) => i);
  const groups = stratify ? indicesByClass(ds.y as Int32Array, ds.classes ?? 0) : [all];
  const order = groups.flatMap((g) => shuffle(g, rng));
  const sizes = partSizes(ds.n, ratios);
  const parts = sizes.map((s) => new Int32Array(s));
  const filled = sizes.map(() => 0);
  const current = sizes.map(() => 0);
  for (const i of order) {
    let best = 0;
    for (let p = 0; p < sizes.length; p++) {
      current[p] += sizes[p];
      if (current[p] > current[best]) best = p;
    }
    current[best] -= ds.n;
    parts[best][filled[best]++] = i;
  }
  return parts.map((part) => shuffle(part, rng));
}

function checkStratify(op: string, ds: Dataset, stratify: boolean): void {
  check(!stratify || ds.task === "classification", op, () => `stratify needs a classification dataset, got the ${ds.task} dataset "${ds.name}"`);
  check(!stratify || !labelsPerStep(ds), op, () => `stratify needs one label per example; "${ds.name}" labels every step`);
}

/** Options of `trainTestSplit`. */
export interface TrainTestSplitOptions {
  /** Share of the examples that go to the training set, in (0, 1) (default 0.8). */
  trainRatio?: number;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Keep each class's share in both parts (default: true for classification). */
  stratify?: boolean;
}

/** A dataset split in two, with the indices each part took from the original. */
export interface TrainTestSplit<D extends Dataset> {
  train: D;
  test: D;
  trainIndices: Int32Array;
  testIndices: Int32Array;
}

/**
 * Splits `ds` into a training and a test set (scikit-learn's `train_test_split`): seeded, disjoint,
 * covering every example, each part non-empty, stratified by class by default for classification.
 */
export function trainTestSplit<D extends Dataset>(ds: D, options: TrainTestSplitOptions = {}): TrainTestSplit<D> {
  const { trainRatio = 0.8, seed = 0, stratify = ds.task === "classification" && !labelsPerStep(ds) } = options;
  check(trainRatio > 0 && trainRatio < 1, "trainTestSplit", () => `trainRatio must be in (0, 1), got ${trainRatio}`);
  check(ds.n >= 2, "trainTestSplit", () => `needs at least 2 examples to make two parts, got ${ds.n} in "${ds.name}"`);
  checkStratify("trainTestSplit", ds, stratify);
  const [trainIndices, testIndices] = splitIndices(ds, [trainRatio, 1 - trainRatio], stratify, seed);
  return { train: subset(ds, trainIndices), test: subset(ds, testIndices), trainIndices, testIndices };
}

/** Options of `trainValTestSplit`: the test set gets what `train` and `val` leave. */
export interface TrainValTestSplitOptions {
  /** Share of the examples for training, > 0 (default 0.7). */
  train?: number;
  /** Share for validation, > 0 (default 0.15); `train + val` must be < 1. */
  val?: number;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Keep each class's share in every part (default: true for classification). */
  stratify?: boolean;
}

/** A dataset split in three, with the indices each part took from the original. */
export interface TrainValTestSplit<D extends Dataset> extends TrainTestSplit<D> {
  val: D;
  valIndices: Int32Array;
}

/**
 * Splits `ds` into training, validation and test sets by the ratios `train`, `val` and the rest:
 * seeded, disjoint, covering, each part non-empty, stratified by default for classification.
 */
export function trainValTestSplit<D extends Dataset>(ds: D, options: TrainValTestSplitOptions = {}): TrainValTestSplit<D> {
  const { train = 0.7, val = 0.15, seed = 0, stratify = ds.task === "classification" && !labelsPerStep(ds) } = options;
  check(
    train > 0 && val > 0 && train + val < 1,
    "trainValTestSplit",
    () => `ratios must be train > 0, val > 0 and train + val < 1 (the test set gets the rest), got train ${train}, val ${val}`,
  );
  check(ds.n >= 3, "trainValTestSplit", () => `needs at least 3 examples to make three parts, got ${ds.n} in "${ds.name}"`);
  checkStratify("trainValTestSplit", ds, stratify);
  const [trainIndices, valIndices, testIndices] = splitIndices(ds, [train, val, 1 - train - val], stratify, seed);
  return {
    train: subset(ds, trainIndices),
    val: subset(ds, valIndices),
    test: subset(ds, testIndices),
    trainIndices,
    valIndices,
    testIndices,
  };
}

/** One fold of cross-validation: the examples to train on and the held-out ones, ascending. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

function checkFolds(op: string, n: number, k: number): void {
  check(Number.isInteger(k) && k >= 2, op, () => `k must be a whole number >= 2, got ${k}`);
  check(Number.isInteger(n) && n >= k, op, () => `needs at least k = ${k} examples, got ${n}`);
}

/** Turns a fold number per example into `Fold`s with ascending indices. */
function foldsFrom(foldOf: Int32Array, k: number): Fold[] {
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < foldOf.length; i++) (foldOf[i] === f ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}

/**
 * K-fold cross-validation over n examples (scikit-learn's `KFold(k, shuffle=True)`): a seeded
 * permutation cut into k folds whose sizes differ by at most one; fold f tests on its part and
 * trains on the others, so every example is tested exactly once.
 */
export function kFold(n: number, k: number, seed = 0): Fold[] {
  checkFolds("kFold", n, k);
  const perm = permutation(n, seed);
  const foldOf = new Int32Array(n);
  for (let f = 0, start = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let j = start; j < start + size; j++) foldOf[perm[j]] = f;
    start += size;
  }
  return foldsFrom(foldOf, k);
}

/**
 * Stratified k-fold (scikit-learn's `StratifiedKFold(k, shuffle=True)`) over class labels: each class
 * is shuffled and dealt round the folds, so every fold holds each class's share within one example.
 */
export function stratifiedKFold(y: Int32Array, k: number, seed = 0): Fold[] {
  checkFolds("stratifiedKFold", y.length, k);
  const classes = y.reduce((m, c) => Math.max(m, c + 1), 0);
  const rng = new Rng(seed);
  const foldOf = new Int32Array(y.length);
  let position = 0;
  for (const group of indicesByClass(y, classes)) for (const i of shuffle(group, rng)) foldOf[i] = position++ % k;
  return foldsFrom(foldOf, k);
}

/**
 * `count` example indices with the classes as balanced as the data allows: classes take turns, each
 * drawing from its own seeded shuffle, and a class that runs out leaves its turns to the others.
 * Returns the indices ascending. For CI-sized subsets of large sets (`loadImageDataset`'s `limit`).
 */
export function balancedSample(ds: Pick<Dataset, "task" | "y" | "classes" | "name" | "n">, count: number, seed = 0): Int32Array {
  check(Number.isInteger(count) && count >= 0 && count <= ds.n, "balancedSample", () => `count must be a whole number in [0, ${ds.n}], got ${count}`);
  const counts = classCounts(ds);
  const groups = indicesByClass(ds.y as Int32Array, counts.length);
  const rng = new Rng(seed);
  for (const g of groups) shuffle(g, rng);
  const picked: number[] = [];
  for (let round = 0; picked.length < count; round++) {
    for (const g of groups) if (round < g.length && picked.length < count) picked.push(g[round]);
  }
  return Int32Array.from(picked).sort();
}

/** The folds of a dataset's cross-validation: stratified by class for classification (unless `stratified` is false, as leave-one-out must), shuffled otherwise. */
export function foldsOf(ds: Pick<Dataset, "task" | "y" | "n">, k: number, seed: number, stratified = true): Fold[] {
  return ds.task === "classification" && stratified ? stratifiedKFold(ds.y as Int32Array, k, seed) : kFold(ds.n, k, seed);
}
