/**
 * The model builder's pure half, free of the DOM so Node tests cover it: immutable edits of a spec
 * addressed by a path, the output layer the builder keeps fitted to the task, and a layer-by-layer
 * analysis that stops at the first invalid layer and says why, in the engine's own words.
 *
 * A path addresses a layer: [3] is the fourth layer of the model, [3, 1] the second layer inside the
 * residual block at [3]. The builder manages the output layer: the model's last layer is always a
 * Linear with one unit per class (or one for regression); fitOutput() makes any spec end that way.
 */
import { summarizeModel } from "../../nn/shapes";
import { type LayerSpec, type ModelSpec, ModelSpecError, parseModelSpec } from "../../nn/spec";

/** Where a layer sits: its index in the model, then its index inside each enclosing residual block. */
export type LayerPath = number[];

/** Applies `edit` to the list holding the layer at `path`, copying every list on the way down. */
function editList(layers: LayerSpec[], path: LayerPath, edit: (list: LayerSpec[], index: number) => LayerSpec[]): LayerSpec[] {
  const [index, ...rest] = path;
  if (rest.length === 0) return edit(layers, index);
  const block = layers[index];
  if (block?.type !== "residual") throw new RangeError(`no residual block at index ${index} to edit inside`);
  const copy = layers.slice();
  copy[index] = { ...block, layers: editList(block.layers, rest, edit) };
  return copy;
}

const editSpec = (spec: ModelSpec, path: LayerPath, edit: (list: LayerSpec[], index: number) => LayerSpec[]): ModelSpec => ({
  ...spec,
  layers: editList(spec.layers, path, edit),
});

/** The layer at `path`, or undefined. */
export function getLayer(spec: ModelSpec, path: LayerPath): LayerSpec | undefined {
  let list = spec.layers;
  let layer: LayerSpec | undefined;
  for (const [depth, index] of path.entries()) {
    layer = list[index];
    if (depth < path.length - 1) {
      if (layer?.type !== "residual") return undefined;
      list = layer.layers;
    }
  }
  return layer;
}

/** Inserts `layer` so that it sits at `path` (the last index may equal the list's length: append). */
export function addLayer(spec: ModelSpec, path: LayerPath, layer: LayerSpec): ModelSpec {
  return editSpec(spec, path, (list, i) => {
    if (i < 0 || i > list.length) throw new RangeError(`cannot insert at ${i} in a list of ${list.length} layers`);
    return [...list.slice(0, i), layer, ...list.slice(i)];
  });
}

/** Removes the layer at `path`; a residual block keeps at least one layer. */
export function removeLayer(spec: ModelSpec, path: LayerPath): ModelSpec {
  return editSpec(spec, path, (list, i) => {
    if (i < 0 || i >= list.length) throw new RangeError(`no layer at ${i} in a list of ${list.length} layers`);
    if (path.length > 1 && list.length === 1) throw new RangeError("a residual block needs at least one layer; remove the block instead");
    return list.filter((_, j) => j !== i);
  });
}

/** Swaps the layer at `path` with its neighbour above (-1) or below (+1) in the same list. */
export function moveLayer(spec: ModelSpec, path: LayerPath, delta: -1 | 1): ModelSpec {
  return editSpec(spec, path, (list, i) => {
    const j = i + delta;
    if (i < 0 || i >= list.length || j < 0 || j >= list.length) throw new RangeError(`cannot move layer ${i} by ${delta} in a list of ${list.length}`);
    const copy = list.slice();
    [copy[i], copy[j]] = [copy[j], copy[i]];
    return copy;
  });
}

/** Sets settings of the layer at `path`; a key set to undefined is removed (the engine's default). */
export function updateLayer(spec: ModelSpec, path: LayerPath, patch: Record<string, unknown>): ModelSpec {
  return editSpec(spec, path, (list, i) => {
    if (i < 0 || i >= list.length) throw new RangeError(`no layer at ${i} in a list of ${list.length} layers`);
    const next: Record<string, unknown> = { ...list[i], ...patch };
    for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
    return list.map((layer, j) => (j === i ? (next as LayerSpec) : layer));
  });
}

/** The spec ending in the output layer: its last Linear set to `outputSize` units, or one appended. */
export function fitOutput(spec: ModelSpec, outputSize: number): ModelSpec {
  const last = spec.layers.at(-1);
  if (last?.type === "linear") return last.units === outputSize ? spec : updateLayer(spec, [spec.layers.length - 1], { units: outputSize });
  return { ...spec, layers: [...spec.layers, { type: "linear", units: outputSize }] };
}

/** Whether `path` is the managed output layer (the model's last layer). */
export const isOutputLayer = (spec: ModelSpec, path: LayerPath) => path.length === 1 && path[0] === spec.layers.length - 1;

/** A stable key for a path: "3", "3.1". */
export const pathKey = (path: LayerPath) => path.join(".");

/** 1-based numbering as in the engine's messages: "4", "4.2". */
export const layerNumber = (path: LayerPath) => path.map((i) => i + 1).join(".");

/**
 * Reads where a ModelSpecError message points: "layer 3.2 conv2d: kernel ..." is path [2, 1]; a
 * setting's problem ("layer 3 linear units: expected ...") keeps the setting's name in the detail.
 */
export function errorLocation(message: string): { path: LayerPath | null; detail: string } {
  const match = /^layer (\d+(?:\.\d+)*)(?: \w+)?( \w+)?: ([\s\S]*)$/.exec(message);
  if (match) return { path: match[1].split(".").map((n) => Number(n) - 1), detail: `${match[2] ? `${match[2].trim()}: ` : ""}${match[3]}` };
  const model = /^model: ([\s\S]*)$/.exec(message);
  return { path: null, detail: model ? model[1] : message };
}

/** What one layer receives and produces. */
export interface LayerStatus {
  input: number[];
  outputShape: number[];
  /** Includes a residual block's layers and the projection of its skip connection. */
  params: number;
}

/** The first invalid layer and why. */
export interface ModelIssue {
  /** null when the problem is the model as a whole. */
  path: LayerPath | null;
  /** The engine's message, numbered from the model's top ("layer 3.2 conv2d: ..."). */
  message: string;
  /** The message without its "layer N type:" prefix, to show at the layer. */
  detail: string;
  /** What the failing layer received, when known. */
  input: number[] | null;
}

export interface ModelAnalysis {
  /** Layers up to the first error, by pathKey (a residual block containing the error is absent). */
  layers: Map<string, LayerStatus>;
  /** The model's output per example, and its parameters; null when it is invalid. */
  outputShape: number[] | null;
  totalParams: number | null;
  error: ModelIssue | null;
}

class LayerError extends Error {
  constructor(readonly issue: ModelIssue) {
    super(issue.message);
  }
}

/** Checks one layer (no residual inside) or a whole block, on `input`; throws LayerError at `path`. */
function checkOne(layer: LayerSpec, input: number[], path: LayerPath): { outputShape: number[]; params: number } {
  try {
    const { outputShape, totalParams } = summarizeModel(parseModelSpec({ layers: [layer] }), input);
    return { outputShape, params: totalParams };
  } catch (e) {
    if (!(e instanceof ModelSpecError)) throw e;
    const where = errorLocation(e.message);
    const at = [...path, ...(where.path ?? [0]).slice(1)]; // the message counts from this one layer
    const message = e.message.replace(/^layer [\d.]+/, `layer ${layerNumber(at)}`);
    throw new LayerError({ path: at, message, detail: where.detail, input });
  }
}

function analyzeList(layers: LayerSpec[], input: number[], at: LayerPath, out: Map<string, LayerStatus>): { shape: number[]; params: number } {
  let shape = input;
  let params = 0;
  layers.forEach((layer, i) => {
    const path = [...at, i];
    if (layer.type === "residual") {
      if (!Array.isArray(layer.layers) || layer.layers.length === 0) {
        const detail = "a residual block needs at least one layer";
        throw new LayerError({ path, message: `layer ${layerNumber(path)} residual: ${detail}`, detail, input: shape });
      }
      analyzeList(layer.layers, shape, path, out); // an error inside is placed at the inner layer
    }
    const step = checkOne(layer, shape, path);
    out.set(pathKey(path), { input: shape, ...step });
    shape = step.outputShape;
    params += step.params;
  });
  return { shape, params };
}

/**
 * Each layer's output shape and parameter count for per-example inputs of `inputShape`, stopping
 * at the first invalid layer (in reading order, the engine's own check and wording) with the reason.
 */
export function analyzeModel(spec: ModelSpec, inputShape: number[]): ModelAnalysis {
  const layers = new Map<string, LayerStatus>();
  try {
    if (spec.init !== undefined) parseModelSpec({ layers: [{ type: "flatten" }], init: spec.init });
    if (spec.layers.length === 0) throw new ModelSpecError('model: "layers" must be a non-empty list');
    const { shape, params } = analyzeList(spec.layers, inputShape, [], layers);
    return { layers, outputShape: shape, totalParams: params, error: null };
  } catch (e) {
    if (e instanceof LayerError) return { layers, outputShape: null, totalParams: null, error: e.issue };
    if (!(e instanceof ModelSpecError)) throw e;
    return { layers, outputShape: null, totalParams: null, error: { path: null, message: e.message, detail: errorLocation(e.message).detail, input: null } };
  }
}

/** The shape entering a layer inserted at `path`, or null when a layer above it is invalid. */
export function shapeAt(analysis: ModelAnalysis, path: LayerPath, inputShape: number[]): number[] | null {
  const index = path.at(-1) ?? 0;
  const parent = path.slice(0, -1);
  if (index > 0) return analysis.layers.get(pathKey([...parent, index - 1]))?.outputShape ?? null;
  if (parent.length === 0) return inputShape;
  return shapeAt(analysis, parent, inputShape); // a block's first layer receives the block's input
}

/** "16×14×14" for an image, "32" for a vector. */
export const formatShape = (shape: number[]) => shape.join("×");

/** 61706 -> "61,706". */
export const formatCount = (n: number) => n.toLocaleString("en-US");

/** A count in at most five characters: 9999 -> "9,999", 61706 -> "61.7k", 1179776 -> "1.18M". */
export function formatCompact(n: number): string {
  if (n < 10_000) return formatCount(n);
  const [value, unit] = n < 999_500 ? [n / 1e3, "k"] : [n / 1e6, "M"];
  return `${Number(value.toPrecision(3))}${unit}`;
}
