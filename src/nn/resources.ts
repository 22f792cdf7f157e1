/**
 * What training a model costs in memory, decided from its inferred shapes before anything is
 * allocated, and the limits it must stay within: a spec asking for a billion weights, or an upsample
 * chain whose activations would need terabytes, is refused with the number it would have needed and
 * what to shrink, instead of allocating for half a minute and dying. Pure arithmetic like shapes.ts,
 * so the page's builder shows the same estimate the worker and the CLI enforce.
 *
 * The estimate, in float32 bytes (4 per value):
 *   weights:      parameters x (1 value + 1 gradient + the optimizer's state per weight + 2 snapshots)
 *   activations:  batch x (the input + every layer's output, each kept for the backward pass and
 *                 matched by a gradient of the same size) = batch x 2 x (input + Σ outputs)
 * It leaves out small scratch buffers; on a real run the engine's pooled buffers stay within ~1.5x.
 */
import type { LayerSummary, ModelSummary } from "./shapes";
import { ModelSpecError } from "./spec";

/** The most parameters a model may have (400 MB of float32 weights). */
export const MAX_PARAMETERS = 100_000_000;

/** Where a model trains and what it can hold. */
export interface MemoryBudget {
  /** The device in words, for messages ("this GPU", "the CPU"). */
  device: string;
  /** The largest single tensor, in bytes (WebGPU: the device's maxStorageBufferBindingSize). */
  maxTensorBytes: number;
  /** The most a training run may use in all, in bytes. */
  maxTotalBytes: number;
}

/** The CPU backend: typed arrays up to 2 GiB each, 4 GiB in all. */
export const CPU_BUDGET: MemoryBudget = { device: "the CPU", maxTensorBytes: 2 ** 31, maxTotalBytes: 2 ** 32 };

/** The wasm backend: every tensor lives in one 32-bit WebAssembly memory, 4 GiB at most. */
export const WASM_BUDGET: MemoryBudget = { device: "the WebAssembly memory", maxTensorBytes: 2 ** 31, maxTotalBytes: 2 ** 32 };

/** A WebGPU device's budget from its limits: one tensor per storage buffer binding, 4 GiB in all. */
export function webgpuBudget(limits: { maxStorageBufferBindingSize: number; maxBufferSize: number }): MemoryBudget {
  return {
    device: "this GPU",
    maxTensorBytes: Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize),
    maxTotalBytes: 2 ** 32,
  };
}

/**
 * The budget of the backend a model is built on: its device's limits for WebGPU (WebGPU's defaults
 * while they are not known yet), the WebAssembly memory for wasm.
 */
export function budgetOf(backend: { kind: string; limits?: { maxStorageBufferBindingSize: number; maxBufferSize: number } } | null | undefined): MemoryBudget {
  if (backend?.kind === "cpu") return CPU_BUDGET;
  if (backend?.kind === "wasm") return WASM_BUDGET;
  return webgpuBudget(backend?.limits ?? { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 });
}

/** Values of optimizer state per weight: Adam keeps two moments, SGD with momentum one... */
export function optimizerStateValues(optimizer: { name: string; momentum?: unknown; amsgrad?: unknown; centered?: unknown }): number {
  const momentum = typeof optimizer.momentum === "number" && optimizer.momentum > 0 ? 1 : 0;
  switch (optimizer.name) {
    case "adam":
    case "adamw":
      return 2 + (optimizer.amsgrad === true ? 1 : 0);
    case "rmsprop":
      return 1 + momentum + (optimizer.centered === true ? 1 : 0);
    case "adagrad":
      return 1;
    case "adadelta":
      return 2;
    default:
      return momentum;
  }
}

/** A training run's memory, in bytes, and where most of it goes. */
export interface MemoryEstimate {
  weightBytes: number;
  activationBytes: number;
  totalBytes: number;
  /** The layer whose output is largest, and that output's bytes for the whole batch. */
  largest: { layer: LayerSummary; bytes: number } | null;
  /** The layer with the most parameters. */
  heaviest: LayerSummary | null;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The memory of training `summary` (a model of input `inputShape`) at `batchSize` with `stateValues` optimizer values per weight. */
export function estimateMemory(summary: Omit<ModelSummary, "frozenParams">, inputShape: number[], batchSize: number, stateValues: number): MemoryEstimate {
  const top = summary.layers;
  let outputs = size(inputShape);
  let largest: MemoryEstimate["largest"] = null;
  let heaviest: LayerSummary | null = null;
  for (const layer of top) {
    const values = size(layer.outputShape);
    outputs += values;
    if (!largest || values * batchSize * 4 > largest.bytes) largest = { layer, bytes: values * batchSize * 4 };
    if (!heaviest || layer.params > heaviest.params) heaviest = layer;
  }
  const weightBytes = 4 * summary.totalParams * (2 + stateValues + 2);
  const activationBytes = 4 * batchSize * 2 * outputs;
  return { weightBytes, activationBytes, totalBytes: weightBytes + activationBytes, largest, heaviest };
}

/** Bytes as people read them: 512 B, 40.1 KB, 1.2 MB, 6.1 GB, 3.4 TB. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${Math.round(v)} B` : `${v >= 100 ? Math.round(v) : v.toPrecision(3).replace(/\.0+$/, "")} ${units[u]}`;
}

const count = (n: number) => (n >= 1e15 ? n.toExponential(2) : n.toLocaleString("en-US"));
const where = (layer: LayerSummary) => `layer ${layer.index} ${layer.type}`;

/** Fails (ModelSpecError) when the model has more than MAX_PARAMETERS weights or one weight tensor that the budget cannot hold. */
export function checkParameters(summary: Omit<ModelSummary, "frozenParams">, budget: MemoryBudget): void {
  const heaviest = summary.layers.reduce<LayerSummary | null>((a, l) => (!a || l.params > a.params ? l : a), null);
  const fix = heaviest ? `; most are in ${where(heaviest)} (${count(heaviest.params)}): make it smaller` : "";
  if (summary.totalParams > MAX_PARAMETERS)
    throw new ModelSpecError(
      `the model has ${count(summary.totalParams)} parameters (${formatBytes(4 * summary.totalParams)} of float32); the limit is ${count(MAX_PARAMETERS)} (${formatBytes(4 * MAX_PARAMETERS)})${fix}`,
    );
  // The optimizer keeps all of a group's weights in one buffer.
  if (4 * summary.totalParams > budget.maxTensorBytes)
    throw new ModelSpecError(
      `the model's ${count(summary.totalParams)} parameters need ${formatBytes(4 * summary.totalParams)} in one buffer; ${budget.device} holds at most ${formatBytes(budget.maxTensorBytes)} in one${fix}`,
    );
}

/**
 * Fails (ModelSpecError) when training at `batchSize` would need a tensor or a total larger than
 * the budget, saying how much it needs, where most of it goes and the largest batch that fits.
 */
export function checkTrainingMemory(
  summary: Omit<ModelSummary, "frozenParams">,
  inputShape: number[],
  batchSize: number,
  stateValues: number,
  budget: MemoryBudget,
): MemoryEstimate {
  checkParameters(summary, budget);
  const e = estimateMemory(summary, inputShape, batchSize, stateValues);
  const perExample = e.activationBytes / batchSize;
  const fitsTotal = Math.floor((budget.maxTotalBytes - e.weightBytes) / perExample);
  const fitsTensor = e.largest ? Math.floor(budget.maxTensorBytes / (e.largest.bytes / batchSize)) : batchSize;
  const fits = Math.min(fitsTotal, fitsTensor);
  const advice =
    fits >= 1
      ? `use a batch of at most ${count(fits)}, or make ${e.largest ? where(e.largest.layer) : "the layers"} smaller`
      : `make ${e.largest ? where(e.largest.layer) : "the layers"} smaller: not even one example fits`;
  if (e.largest && e.largest.bytes > budget.maxTensorBytes)
    throw new ModelSpecError(
      `at batch ${count(batchSize)}, ${where(e.largest.layer)} outputs ${count(batchSize)} x ${e.largest.layer.outputShape.join("x")} values, ${formatBytes(e.largest.bytes)} in one tensor; ${budget.device} holds at most ${formatBytes(budget.maxTensorBytes)} in one. ${capital(advice)}`,
    );
  if (e.totalBytes > budget.maxTotalBytes)
    throw new ModelSpecError(
      `training at batch ${count(batchSize)} needs about ${formatBytes(e.totalBytes)} (weights, gradients and optimizer state ${formatBytes(e.weightBytes)}; activations ${formatBytes(e.activationBytes)}, the largest from ${e.largest ? where(e.largest.layer) : "the input"}); the limit on ${budget.device} is ${formatBytes(budget.maxTotalBytes)}. ${capital(advice)}`,
    );
  return e;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
