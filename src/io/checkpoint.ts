/**
 * Saving and loading models as .safetensors files. A saved model is its state_dict (every parameter
 * and buffer, named as in PyTorch) plus metadata that says how to rebuild it: the model spec and the
 * input shape, so loadModel() needs nothing but the file, and the exported PyTorch script (and
 * PyTorch's load_state_dict) reads the same file.
 *
 * Loading checks the file, its metadata and every weight's name and shape before it allocates
 * anything, so a file that does not fit fails with a message saying what to do and leaves no
 * half-built model or partly overwritten weights behind.
 */
import type { Backend } from "../backend/backend";
import { fmtShape } from "../errors";
import { buildModel } from "../nn/build";
import type { Module } from "../nn/module";
import { type ModelSpec, ModelSpecError, parseModelSpec } from "../nn/spec";
import { excerpt } from "../schema/schema";
import { withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { specStateShapes } from "./pytorch-export";
import { type DecodedTensor, decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from "./safetensors";

/** The "format" metadata of files saved by saveModel(). */
export const CHECKPOINT_FORMAT = "webgpu-dl-playground";
/** The "version" metadata this code writes and reads. */
export const CHECKPOINT_VERSION = "1";

const RESERVED = ["format", "version", "spec", "inputShape"];

/** A checkpoint that cannot be saved or loaded; the message starts with "checkpoint:". */
export class CheckpointError extends Error {
  constructor(detail: string) {
    super(`checkpoint: ${detail}`);
    this.name = "CheckpointError";
  }
}

/** A checkpoint's contents, read and checked but not built. */
export interface CheckpointInfo {
  spec: ModelSpec;
  inputShape: number[];
  /** All the file's metadata (ours and any extra). */
  metadata: Record<string, string>;
  tensors: Map<string, DecodedTensor>;
}

/** What loadModel() returns. */
export interface LoadedModel {
  model: Module;
  spec: ModelSpec;
  inputShape: number[];
  metadata: Record<string, string>;
}

/** A shape of one example: 1 to 8 whole numbers, each at most 2^24. */
export const isShape = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length > 0 && v.length <= 8 && v.every((d) => Number.isInteger(d) && d >= 1 && d <= 2 ** 24);

function listProblems(problems: string[]): string {
  return `${problems.slice(0, 6).join("; ")}${problems.length > 6 ? `; and ${problems.length - 6} more` : ""}`;
}

/** Names and shapes of `given` against `expected`: missing, unexpected and mismatched entries. */
function compareShapes(given: ReadonlyMap<string, readonly number[]>, expected: ReadonlyMap<string, readonly number[]>, whose: string): string[] {
  const problems: string[] = [];
  for (const [name, shape] of expected) {
    const got = given.get(name);
    if (!got) problems.push(`${name} is missing`);
    else if (fmtShape(got) !== fmtShape(shape)) problems.push(`${name} has shape ${fmtShape(got)}, ${whose} ${fmtShape(shape)}`);
  }
  for (const name of given.keys()) if (!expected.has(name)) problems.push(`${name} is not in the model`);
  return problems;
}

/** The spec's state_dict shapes, with its errors reported as checkpoint errors. */
function expectedShapes(spec: ModelSpec, inputShape: number[], what: string): Map<string, number[]> {
  try {
    return specStateShapes(spec, inputShape);
  } catch (e) {
    if (e instanceof ModelSpecError) throw new CheckpointError(`${what} does not fit the input shape ${fmtShape(inputShape)}: ${e.message}`);
    throw e;
  }
}

/**
 * The tensors as they are now, for a safetensors file. Every read is issued before any is awaited
 * (each backend takes its copy when the read is issued), so training that goes on while the
 * reads complete cannot mix later values into some of them: the CLI saves after each epoch while
 * the next one runs.
 */
export async function readTensors(entries: Iterable<[string, Tensor]>): Promise<Map<string, SafetensorsTensor>> {
  const reads = [...entries].map(([name, t]) => ({ name, t, data: t.data() }));
  const tensors = new Map<string, SafetensorsTensor>();
  for (const { name, t, data } of reads) {
    const values = await data;
    tensors.set(
      name,
      t.dtype === "int32"
        ? { dtype: "I32", shape: [...t.shape], data: values instanceof Int32Array ? values : Int32Array.from(values) }
        : { dtype: "F32", shape: [...t.shape], data: values instanceof Float32Array ? values : Float32Array.from(values) },
    );
  }
  return tensors;
}

/**
 * Reads every parameter and buffer of `model` (built from `spec` for `inputShape`) and writes them
 * as safetensors, with the spec, the input shape and `extra` as metadata. Throws a CheckpointError
 * when the model does not match the spec or `extra` uses a reserved key.
 */
export async function saveModel(model: Module, spec: ModelSpec, inputShape: number[], extra: Record<string, string> = {}): Promise<Uint8Array> {
  for (const key of Object.keys(extra)) if (RESERVED.includes(key)) throw new CheckpointError(`extra metadata cannot use the reserved key "${key}"; rename it`);
  if (!isShape(inputShape)) throw new CheckpointError(`inputShape must be a list of whole numbers >= 1 like [1, 28, 28], got ${JSON.stringify(inputShape)}`);
  let checked: ModelSpec;
  try {
    checked = parseModelSpec(spec);
  } catch (e) {
    throw new CheckpointError(`the spec is invalid: ${(e as Error).message}`);
  }
  const state = model.stateDict();
  const shapes = new Map([...state].map(([name, t]) => [name, t.shape]));
  const problems = compareShapes(shapes, expectedShapes(checked, inputShape, "the spec"), "the spec gives");
  if (problems.length) throw new CheckpointError(`the model was not built from this spec and input shape: ${listProblems(problems)}`);
  const tensors = await readTensors(state);
  const metadata = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, spec: JSON.stringify(checked), inputShape: JSON.stringify(inputShape), ...extra };
  return encodeSafetensors(tensors, metadata);
}

/** Parses our metadata: the format and version, the spec and the input shape. */
function readMetadata(metadata: Record<string, string>): { spec: ModelSpec; inputShape: number[] } {
  if (metadata.format === undefined)
    throw new CheckpointError(
      `this file has no "format": "${CHECKPOINT_FORMAT}" metadata, so it does not say which model its weights belong to; build the model yourself and use loadWeightsInto(model, bytes)`,
    );
  if (metadata.format !== CHECKPOINT_FORMAT)
    throw new CheckpointError(
      `this file's format is ${excerpt(metadata.format)}, not "${CHECKPOINT_FORMAT}"; build the model yourself and use loadWeightsInto(model, bytes)`,
    );
  if (metadata.version !== CHECKPOINT_VERSION)
    throw new CheckpointError(
      `this file has format version ${excerpt(metadata.version)}; this playground reads version ${CHECKPOINT_VERSION}, so update it or save the model again`,
    );
  const spec = metadataJson(metadata, "spec");
  let parsed: ModelSpec;
  try {
    parsed = parseModelSpec(spec);
  } catch (e) {
    throw new CheckpointError(`the saved spec is invalid: ${(e as Error).message}`);
  }
  const inputShape = metadataJson(metadata, "inputShape");
  if (!isShape(inputShape))
    throw new CheckpointError(`the "inputShape" metadata must be a list of whole numbers >= 1 like [1, 28, 28], got ${excerpt(inputShape)}`);
  return { spec: parsed, inputShape };
}

/** The JSON in metadata entry `key` (our spec, the input shape...), or a CheckpointError naming the entry. */
export function metadataJson(metadata: Record<string, string>, key: string): unknown {
  const text = metadata[key];
  if (text === undefined) throw new CheckpointError(`the file has no "${key}" metadata; it is incomplete, so save the model again`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`the "${key}" metadata is not valid JSON (${excerpt((e as Error).message)}); the file is corrupt`);
  }
}

/** How loading treats weights that are NaN or infinite. */
export interface LoadOptions {
  /** Load them anyway (to look at a diverged model); by default such a file is refused. */
  allowNonFinite?: boolean;
}

/**
 * Refuses weights holding NaN or ±Infinity unless `options.allowNonFinite`: a model saved after its
 * training diverged computes nothing but NaN, and loading it silently would hide that.
 */
export function refuseNonFinite(tensors: ReadonlyMap<string, DecodedTensor>, options: LoadOptions = {}): void {
  if (options.allowNonFinite) return;
  const problems: string[] = [];
  for (const [name, t] of tensors) {
    let nan = 0;
    let infinite = 0;
    for (const v of t.data) {
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) infinite++;
    }
    if (nan || infinite)
      problems.push(`${name}: ${[nan ? `${nan} NaN` : "", infinite ? `${infinite} infinite` : ""].filter(Boolean).join(" and ")} of ${t.data.length}`);
  }
  if (problems.length)
    throw new CheckpointError(
      `the weights hold values that are not finite (${listProblems(problems)}): the model was saved after its training diverged, and would output NaN. Load an earlier checkpoint, or ask for it anyway (CLI: --allow-nonfinite; code: { allowNonFinite: true })`,
    );
}

/**
 * PyTorch's BatchNorm keeps a step counter, num_batches_tracked, that this engine does not (it only
 * matters with momentum None). Files saved by PyTorch have it: drop it where the model has that
 * batch norm's running_mean and no num_batches_tracked of its own.
 */
function withoutBatchCounters<T>(tensors: ReadonlyMap<string, T>, own: { has(name: string): boolean }): Map<string, T> {
  const out = new Map<string, T>();
  for (const [name, t] of tensors) {
    const prefix = name.endsWith("num_batches_tracked") ? name.slice(0, -"num_batches_tracked".length) : null;
    if (prefix !== null && !own.has(name) && own.has(`${prefix}running_mean`)) continue;
    out.set(name, t);
  }
  return out;
}

/** Integer tensors cannot fill float32 weights (or the reverse): name each that would. */
function dtypeProblems(tensors: ReadonlyMap<string, DecodedTensor>, dtypeOf: (name: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const [name, t] of tensors) {
    const want = dtypeOf(name);
    if (want && (want === "int32") !== (t.dtype === "I32")) problems.push(`${name} is ${t.storedDtype} in the file, the model's is ${want}`);
  }
  return problems;
}

/**
 * Reads and checks a saved model without building it: the safetensors structure, our metadata, that
 * every weight's name and shape is what the saved spec gives, and that every weight is finite
 * (unless `options.allowNonFinite`).
 */
export function readCheckpoint(bytes: Uint8Array, options: LoadOptions = {}): CheckpointInfo {
  const file = decodeSafetensors(bytes);
  const { spec, inputShape } = readMetadata(file.metadata);
  const expected = expectedShapes(spec, inputShape, "the saved spec");
  const tensors = withoutBatchCounters(file.tensors, expected);
  const shapes = new Map([...tensors].map(([name, t]) => [name, t.shape]));
  const problems = [
    ...compareShapes(shapes, expected, "the saved spec gives"),
    ...dtypeProblems(tensors, (name) => (expected.has(name) ? "float32" : undefined)),
  ];
  if (problems.length) throw new CheckpointError(`the weights do not fit the spec saved with them: ${listProblems(problems)}; the file is corrupt`);
  refuseNonFinite(tensors, options);
  return { spec, inputShape, metadata: file.metadata, tensors };
}

/**
 * Builds the model a file saved by saveModel() describes and fills in its weights. Everything is
 * checked first; a file that does not fit throws (CheckpointError or SafetensorsError) having
 * allocated nothing. The model is built on `options.backend` (default: the current backend).
 */
export function loadModel(bytes: Uint8Array, options: { backend?: Backend } & LoadOptions = {}): LoadedModel {
  const { spec, inputShape, metadata, tensors } = readCheckpoint(bytes, options);
  const build = () => {
    const { model } = buildModel(spec, inputShape);
    try {
      model.loadStateDict(tensors);
    } catch (e) {
      model.dispose();
      throw e;
    }
    return model;
  };
  const model = options.backend ? withBackend(options.backend, build) : build();
  return { model, spec, inputShape, metadata };
}

/**
 * Loads the weights of any safetensors file (ours, or one saved from PyTorch's state_dict) into an
 * existing model, by name. Throws, changing nothing, unless every name, shape and dtype fits and
 * every value is finite (or `options.allowNonFinite`);
 * BatchNorm's num_batches_tracked entries from PyTorch are skipped. Returns the file's metadata.
 */
export function loadWeightsInto(model: Module, bytes: Uint8Array, options: LoadOptions = {}): Record<string, string> {
  const file = decodeSafetensors(bytes);
  const own = model.stateDict();
  const tensors = withoutBatchCounters(file.tensors, own);
  const problems = dtypeProblems(tensors, (name) => own.get(name)?.dtype);
  if (problems.length) throw new CheckpointError(`the weights do not fit this model: ${listProblems(problems)}`);
  refuseNonFinite(tensors, options);
  model.loadStateDict(tensors); // checks every name and shape before writing anything
  return file.metadata;
}

/**
 * A file name for a saved model: `name` made safe (lowercase letters, digits and dashes) and the
 * UTC time, e.g. "spiral-mlp-20250102-030405.safetensors".
 */
export function checkpointFilename(name = "model", date: Date = new Date()): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 60)
    .replace(/^-+|-+$/g, "");
  const stamp = date
    .toISOString()
    .replace(/\.\d+Z$/, "")
    .replace(/[-:]/g, "")
    .replace("T", "-");
  return `${slug || "model"}-${stamp}.safetensors`;
}

/** What a partial load did: weights loaded, the model's weights the file lacks, the file's that do not fit. */
export interface PartialLoad {
  loaded: string[];
  /** The model's weights the file has no tensor for: they keep their initialisation. */
  missing: string[];
  /** Weights whose shape differs (a new head for another number of classes): left as initialised. */
  mismatched: { name: string; file: number[]; model: number[] }[];
  /** The file's tensors the model has no weight for. */
  unused: string[];
}

/**
 * Transfer learning: loads, by name, the weights of a safetensors file (ours or PyTorch's state_dict)
 * whose shapes fit the model, and says which loaded, which the model has that the file does not,
 * and which did not fit and why; everything else keeps its initialisation. Values must be finite
 * (unless `options.allowNonFinite`). Throws, changing nothing, when not one weight fits.
 */
export function loadMatchingWeights(model: Module, bytes: Uint8Array, options: LoadOptions = {}): PartialLoad {
  const file = decodeSafetensors(bytes);
  const own = model.stateDict();
  const tensors = withoutBatchCounters(file.tensors, own);
  refuseNonFinite(tensors, options);
  const report: PartialLoad = { loaded: [], missing: [], mismatched: [], unused: [...tensors.keys()].filter((name) => !own.has(name)) };
  const fitting = new Map<string, DecodedTensor>();
  for (const [name, t] of own) {
    const given = tensors.get(name);
    if (!given) report.missing.push(name);
    else if (given.shape.length !== t.shape.length || given.shape.some((d, i) => d !== t.shape[i]) || (given.dtype === "I32") !== (t.dtype === "int32"))
      report.mismatched.push({ name, file: [...given.shape], model: [...t.shape] });
    else {
      fitting.set(name, given);
      report.loaded.push(name);
    }
  }
  if (fitting.size === 0)
    throw new CheckpointError(
      `not one weight of the file fits this model (by name and shape): the file has ${[...tensors.keys()].slice(0, 4).join(", ") || "no tensors"}`,
    );
  model.loadStateDict(fitting, { strict: false });
  return report;
}

/** "loaded 6 weights; new: 2.weight, 2.bias (shape [10, 84] in the file, [3, 84] here)": a partial load in words. */
export function describePartialLoad(r: PartialLoad): string {
  const parts = [`loaded ${r.loaded.length} weight${r.loaded.length === 1 ? "" : "s"} (${r.loaded.join(", ")})`];
  if (r.mismatched.length)
    parts.push(
      `kept as initialised, their shape differs: ${r.mismatched.map((m) => `${m.name} (${fmtShape(m.file)} in the file, ${fmtShape(m.model)} here)`).join(", ")}`,
    );
  if (r.missing.length) parts.push(`new, not in the file: ${r.missing.join(", ")}`);
  if (r.unused.length) parts.push(`in the file, not in this model: ${r.unused.join(", ")}`);
  return parts.join("; ");
}
