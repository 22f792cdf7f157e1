/**
 * Saving, loading and exporting generative models. A checkpoint is one .safetensors file holding both
 * networks (and a GAN's weight average), each tensor named by its network and its state_dict name
 * ("generator.0.weight", "generatorAverage.0.weight"), as a PyTorch module with `generator` and
 * `discriminator` children names them, plus the spec and the data shape as metadata. The export writes each network on its own, as any other model is exported: a
 * .safetensors file that loadModel() reads and a PyTorch script defining the network that loads it.
 */
import type { Backend } from "../backend/backend";
import { fmtShape } from "../errors";
import { CheckpointError, isShape, type LoadOptions, metadataJson, readTensors, refuseNonFinite, saveModel } from "../io/checkpoint";
import { type ExportPurpose, exportPyTorchScript, specStateShapes } from "../io/pytorch-export";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors";
import type { Module } from "../nn/module";
import type { ModelSpec } from "../nn/spec";
import { excerpt } from "../schema/schema";
import type { Tensor } from "../tensor/tensor";
import { buildGenerative, disposeGenerative, type GenerativeModels } from "./build";
import { type GenerativeSpec, GenerativeSpecError, type NetworkRole, parseGenerativeSpec } from "./spec";

/** The "format" metadata of generative checkpoints. */
export const GENERATIVE_FORMAT = "webgpu-dl-playground-generative";
export const GENERATIVE_VERSION = "1";

const RESERVED = ["format", "version", "generative", "dataShape"];

/** The PyTorch class name of each network in an export. */
const CLASS_NAMES: Record<NetworkRole, string> = { generator: "Generator", discriminator: "Discriminator", encoder: "Encoder", decoder: "Decoder" };

/** What each network of a generative model is for, as its PyTorch script documents it. */
export function networkPurpose(spec: GenerativeSpec, role: NetworkRole, images: boolean): ExportPurpose {
  if (spec.kind === "gan") {
    const loss = spec.loss ?? "nonSaturating";
    return role === "generator" ? { kind: "generator", latent: spec.latent, images, loss } : { kind: "discriminator", latent: spec.latent, images, loss };
  }
  const variational = spec.kind === "vae";
  const reconstruction = spec.reconstruction ?? (variational ? "bce" : "mse");
  return { kind: role === "encoder" ? "encoder" : "decoder", latent: spec.latent, variational, reconstruction };
}

/** The name of a GAN's weight average in checkpoints and exports (its tensors are "generatorAverage.0.weight", ...). */
const AVERAGE = "generatorAverage";

/** What a checkpoint holds: each network, and a GAN's weight average (with the generator's architecture) when it keeps one. */
function savedNetworks(models: GenerativeModels): { role: string; model: Module; spec: ModelSpec; inputShape: number[] }[] {
  const generator = models.networks[0];
  return models.average ? [...models.networks, { ...generator, role: AVERAGE, model: models.average }] : models.networks;
}

/**
 * Both networks' parameters and buffers (and a GAN's weight average) as one safetensors file, with the
 * spec, the data shape and `extra` as metadata.
 */
export async function saveGenerative(models: GenerativeModels, extra: Record<string, string> = {}): Promise<Uint8Array> {
  for (const key of Object.keys(extra)) if (RESERVED.includes(key)) throw new CheckpointError(`extra metadata cannot use the reserved key "${key}"; rename it`);
  const tensors = await readTensors(
    savedNetworks(models).flatMap(({ role, model }) => [...model.stateDict()].map(([name, t]): [string, Tensor] => [`${role}.${name}`, t])),
  );
  const metadata = {
    format: GENERATIVE_FORMAT,
    version: GENERATIVE_VERSION,
    generative: JSON.stringify(models.spec),
    dataShape: JSON.stringify(models.dataShape),
    ...extra,
  };
  return encodeSafetensors(tensors, metadata);
}

/** A generative checkpoint's metadata, read and checked. */
export interface GenerativeCheckpointInfo {
  spec: GenerativeSpec;
  dataShape: number[];
  metadata: Record<string, string>;
}

/** Reads the metadata of a generative checkpoint: its format and version, the spec and the data shape. */
export function readGenerativeMetadata(metadata: Record<string, string>): GenerativeCheckpointInfo {
  if (metadata.format !== GENERATIVE_FORMAT)
    throw new CheckpointError(
      `this file's format is ${excerpt(metadata.format)}, not "${GENERATIVE_FORMAT}": it is not a GAN or autoencoder saved by the playground${metadata.format === "webgpu-dl-playground" ? " (it holds one network: use loadModel())" : ""}`,
    );
  if (metadata.version !== GENERATIVE_VERSION)
    throw new CheckpointError(`this file has format version ${excerpt(metadata.version)}; this playground reads version ${GENERATIVE_VERSION}`);
  let spec: GenerativeSpec;
  try {
    spec = parseGenerativeSpec(metadataJson(metadata, "generative"));
  } catch (e) {
    if (e instanceof GenerativeSpecError) throw new CheckpointError(`the saved spec is invalid: ${e.message}`);
    throw e;
  }
  const dataShape = metadataJson(metadata, "dataShape");
  if (!isShape(dataShape))
    throw new CheckpointError(`the "dataShape" metadata must be a list of whole numbers >= 1 like [1, 28, 28], got ${excerpt(dataShape)}`);
  return { spec, dataShape, metadata };
}

/**
 * Loads a checkpoint's weights into `models` (built from the same spec). Every name, shape and the
 * spec are checked for both networks, and every value is finite (unless `options.allowNonFinite`),
 * before anything is written, so a file that does not fit changes nothing. Returns the file's metadata.
 */
export function loadGenerativeWeights(models: GenerativeModels, bytes: Uint8Array, options: LoadOptions = {}): Record<string, string> {
  const file = decodeSafetensors(bytes);
  const info = readGenerativeMetadata(file.metadata);
  if (JSON.stringify(info.spec) !== JSON.stringify(models.spec) || fmtShape(info.dataShape) !== fmtShape(models.dataShape))
    throw new CheckpointError(`the file holds a different ${info.spec.kind} (another spec or data shape); build the model from the file with loadGenerative()`);
  const problems: string[] = [];
  const networks = savedNetworks(models);
  const parts = networks.map(({ role, spec, inputShape }) => {
    const prefix = `${role}.`;
    const own = new Map([...file.tensors].filter(([name]) => name.startsWith(prefix)).map(([name, t]) => [name.slice(prefix.length), t]));
    for (const [name, shape] of specStateShapes(spec, inputShape)) {
      const t = own.get(name);
      if (!t) problems.push(`${prefix}${name} is missing`);
      else if (fmtShape(t.shape) !== fmtShape(shape)) problems.push(`${prefix}${name} has shape ${fmtShape(t.shape)}, the ${role} ${fmtShape(shape)}`);
      else if (t.dtype !== "F32") problems.push(`${prefix}${name} is ${t.storedDtype}, the ${role}'s is float32`);
    }
    return own;
  });
  const known = new Set(networks.map((n) => `${n.role}.`));
  for (const name of file.tensors.keys()) if (![...known].some((p) => name.startsWith(p))) problems.push(`${name} belongs to no network of the model`);
  if (problems.length) throw new CheckpointError(`the weights do not fit the model: ${problems.slice(0, 6).join("; ")}${problems.length > 6 ? "; ..." : ""}`);
  refuseNonFinite(file.tensors, options);
  networks.forEach((n, i) => {
    n.model.loadStateDict(parts[i]);
  });
  return file.metadata;
}

/** Builds the model a generative checkpoint describes on `backend` and fills in its weights. */
export function loadGenerative(bytes: Uint8Array, backend: Backend, options: LoadOptions = {}): GenerativeModels & { metadata: Record<string, string> } {
  const info = readGenerativeMetadata(decodeSafetensors(bytes).metadata);
  const models = buildGenerative(info.spec, info.dataShape, backend, 0);
  try {
    return { ...models, metadata: loadGenerativeWeights(models, bytes, options) };
  } catch (e) {
    disposeGenerative(models);
    throw e;
  }
}

/**
 * Each network on its own (and a GAN's weight average as `generatorAverage`, a Generator), as any
 * model is exported: `<role>.safetensors` (loadModel() reads it; its metadata also holds the whole
 * generative spec) and `<role>.py`, a PyTorch script defining the network as `Generator`,
 * `Discriminator`, `Encoder` or `Decoder` that loads it. Returns file name -> contents.
 */
export async function exportGenerative(models: GenerativeModels): Promise<Map<string, Uint8Array | string>> {
  const files = new Map<string, Uint8Array | string>();
  for (const { role, model, spec, inputShape } of savedNetworks(models)) {
    files.set(`${role}.safetensors`, await saveModel(model, spec, inputShape, { role, generative: JSON.stringify(models.spec) }));
    const as: NetworkRole = role === AVERAGE ? "generator" : (role as NetworkRole);
    const purpose = networkPurpose(models.spec, as, models.dataShape.length === 3);
    files.set(`${role}.py`, exportPyTorchScript(spec, inputShape, { weightsFile: `${role}.safetensors`, className: CLASS_NAMES[as], purpose }));
  }
  return files;
}
