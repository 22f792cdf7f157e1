/**
 * Mini-batches on the host, ready to upload: the data-loader half of PyTorch's `DataLoader`. Features
 * come out as float32 (image pixels scaled to [0, 1]), the order is a seeded shuffle that changes
 * with the epoch yet is the same on every run, and each batch says which examples it holds.
 */
import { check } from "../errors";
import { type Dataset, featureSize, targetSize } from "./dataset";
import { deriveSeed } from "./random";
import { permutation } from "./splits";

/** Options of `batches`. */
export interface BatchOptions {
  /** Examples per batch (the last one may be smaller unless `dropLast`). */
  batchSize: number;
  /** Visit the examples in a seeded random order (default true); else in dataset order. */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** The epoch number: with the same seed, each epoch has its own order (default 0). */
  epoch?: number;
  /** Skip the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /**
   * Skip the last batch when it holds fewer examples than this (default 1: never). Batch norm cannot
   * train on one example, so a model with batch norm asks for 2; the example left out differs every
   * epoch (the order is shuffled), so none is left out for good.
   */
  minLast?: number;
}

/** One mini-batch. */
export interface Batch {
  /** Features, [size, ...inputShape]; uint8 image pixels are scaled to [0, 1]. */
  x: Float32Array;
  /** Class indices [size] (Int32Array) or regression targets [size, targetDim] (Float32Array). */
  y: Int32Array | Float32Array;
  /** Number of examples in this batch. */
  size: number;
  /** The dataset index of each example of the batch. */
  indices: Int32Array;
}

/** Number of batches `batches` yields for `n` examples (PyTorch's `len(loader)`). */
export function batchCount(n: number, batchSize: number, options: Pick<BatchOptions, "dropLast" | "minLast"> = {}): number {
  const { dropLast = false, minLast = 1 } = options;
  const last = n % batchSize;
  return dropLast || (last > 0 && last < minLast) ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/** The order in which an epoch visits the examples: a permutation seeded by (seed, epoch), or 0..n-1. */
export function epochOrder(n: number, options: Pick<BatchOptions, "shuffle" | "seed" | "epoch"> = {}): Int32Array {
  const { shuffle = true, seed = 0, epoch = 0 } = options;
  check(Number.isInteger(epoch) && epoch >= 0, "batches", () => `epoch must be a whole number >= 0, got ${epoch}`);
  if (shuffle) return permutation(n, deriveSeed(seed, epoch));
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/**
 * Gathers the examples at `indices` into one batch: features as float32 ([0, 1] for uint8 pixels),
 * targets as they are.
 */
export function gatherBatch(ds: Dataset, indices: Int32Array): Batch {
  const f = featureSize(ds);
  const t = targetSize(ds);
  const size = indices.length;
  const x = new Float32Array(size * f);
  const y = ds.y instanceof Int32Array ? new Int32Array(size * t) : new Float32Array(size * t);
  const scale = ds.x instanceof Uint8Array ? 1 / 255 : 1;
  for (let r = 0; r < size; r++) {
    const i = indices[r];
    const src = i * f;
    const dst = r * f;
    if (scale === 1) x.set(ds.x.subarray(src, src + f), dst);
    else for (let k = 0; k < f; k++) x[dst + k] = ds.x[src + k] * scale;
    y.set(ds.y.subarray(i * t, (i + 1) * t), r * t);
  }
  return { x, y, size, indices };
}

/**
 * Iterates over one epoch of `ds` in mini-batches. With `shuffle` (the default) the order is a
 * permutation seeded by (`seed`, `epoch`): every epoch differs, and the same (seed, epoch) always
 * gives the same batches. Every example appears exactly once per epoch (minus the short last batch
 * with `dropLast`).
 *
 *   for (let epoch = 0; epoch < 10; epoch++)
 *     for (const { x, y, size } of batches(train, { batchSize: 64, seed: 1, epoch })) { ... }
 */
export function* batches(ds: Dataset, options: BatchOptions): Generator<Batch, void, undefined> {
  const { batchSize } = options;
  check(Number.isInteger(batchSize) && batchSize >= 1, "batches", () => `batchSize must be a whole number >= 1, got ${batchSize}`);
  const order = epochOrder(ds.n, options);
  const count = batchCount(ds.n, batchSize, options);
  for (let b = 0; b < count; b++) yield gatherBatch(ds, order.slice(b * batchSize, Math.min(ds.n, (b + 1) * batchSize)));
}
