/**
 * The model spec: one plain-JSON description of a network, the same object the playground edits,
 * the URL carries and saved files hold. Layers name what they do (units, filters, kernel...) and
 * take their input sizes from the layer before, like Keras; buildModel() turns a spec into modules.
 * parseModelSpec() validates untrusted JSON (a URL, a file) with messages that name the layer.
 */
import {
  boolean,
  excerpt,
  type FieldSpec,
  isRecord,
  number,
  oneOf,
  optional,
  type Place,
  record,
  refine,
  required,
  type Schema,
  SchemaError,
  validate,
  variant,
} from "../schema/schema";
import type { InitScheme } from "./init";

/** An invalid model spec; the message starts with the layer: "layer 3 conv2d: ...". */
export class ModelSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelSpecError";
  }
}

export const ACTIVATIONS = ["relu", "leakyRelu", "elu", "sigmoid", "tanh", "gelu", "silu", "softplus"] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** GELU exactly (x·Φ(x)) or by PyTorch's tanh approximation. */
export const GELU_APPROXIMATIONS = ["none", "tanh"] as const;
export type GeluApproximation = (typeof GELU_APPROXIMATIONS)[number];

/** A convolution's settings, 2-D or 1-D. */
interface Convolution {
  filters: number;
  kernel: number;
  stride?: number;
  padding?: number | "same" | "valid";
  dilation?: number;
  bias?: boolean;
  frozen?: boolean;
  lrScale?: number;
}

export type LayerSpec =
  | { type: "linear"; units: number; bias?: boolean; frozen?: boolean; lrScale?: number }
  | ({ type: "conv2d" } & Convolution)
  | {
      type: "convTranspose2d";
      filters: number;
      kernel: number;
      stride?: number;
      padding?: number;
      outputPadding?: number;
      bias?: boolean;
      frozen?: boolean;
      lrScale?: number;
    }
  | { type: "maxPool2d"; kernel: number; stride?: number; padding?: number }
  | { type: "avgPool2d"; kernel: number; stride?: number; padding?: number }
  | { type: "adaptiveAvgPool2d"; size: number }
  | { type: "upsample"; scale: number }
  | { type: "flatten" }
  | { type: "unflatten"; channels: number; height: number; width: number }
  | { type: "batchNorm"; momentum?: number; eps?: number; frozen?: boolean; lrScale?: number }
  | { type: "layerNorm"; eps?: number; frozen?: boolean; lrScale?: number }
  | { type: "dropout"; p: number }
  | { type: "activation"; fn: ActivationName; slope?: number; approximate?: GeluApproximation }
  | { type: "residual"; layers: LayerSpec[] }
  // Sequences: per example [time, features] (tokens: [time] of int32 indices, before an embedding).
  | { type: "embedding"; vocab: number; dim: number; paddingIdx?: number; frozen?: boolean; lrScale?: number }
  | {
      type: "rnn";
      units: number;
      layers?: number;
      bidirectional?: boolean;
      dropout?: number;
      nonlinearity?: "tanh" | "relu";
      frozen?: boolean;
      lrScale?: number;
    }
  | { type: "lstm"; units: number; layers?: number; bidirectional?: boolean; dropout?: number; frozen?: boolean; lrScale?: number }
  | { type: "gru"; units: number; layers?: number; bidirectional?: boolean; dropout?: number; frozen?: boolean; lrScale?: number }
  | ({ type: "conv1d" } & Convolution)
  | { type: "maxPool1d"; kernel: number; stride?: number; padding?: number }
  | { type: "avgPool1d"; kernel: number; stride?: number; padding?: number }
  | { type: "positional"; kind?: "sinusoidal" | "learned"; frozen?: boolean; lrScale?: number }
  | { type: "attention"; heads: number; causal?: boolean; dropout?: number; frozen?: boolean; lrScale?: number }
  | {
      type: "transformer";
      heads: number;
      feedforward: number;
      dropout?: number;
      activation?: "relu" | "gelu";
      normFirst?: boolean;
      causal?: boolean;
      frozen?: boolean;
      lrScale?: number;
    }
  | { type: "lastStep" }
  | { type: "meanOverTime" };

export type LayerType = LayerSpec["type"];

/** Every layer type (own keys: a type named "constructor" is not one). */
const LAYER_TYPES: Record<LayerType, true> = {
  linear: true,
  conv2d: true,
  convTranspose2d: true,
  maxPool2d: true,
  avgPool2d: true,
  adaptiveAvgPool2d: true,
  upsample: true,
  flatten: true,
  unflatten: true,
  batchNorm: true,
  layerNorm: true,
  dropout: true,
  activation: true,
  residual: true,
  embedding: true,
  rnn: true,
  lstm: true,
  gru: true,
  conv1d: true,
  maxPool1d: true,
  avgPool1d: true,
  positional: true,
  attention: true,
  transformer: true,
  lastStep: true,
  meanOverTime: true,
};

export interface ModelSpec {
  layers: LayerSpec[];
  /** Weight initialisation (PyTorch's defaults unless given). */
  init?: InitScheme;
}

/** The most layers a model (or a residual block) holds, how deep residual blocks may nest, and the most layers in all. */
export const MAX_LAYERS = 256;
export const MAX_NESTING = 8;
export const MAX_TOTAL_LAYERS = 1024;

/** Every layer of a spec, residual blocks' included (iteratively: no recursion on untrusted input). */
function countLayers(layers: LayerSpec[]): number {
  let total = 0;
  const stack = [layers];
  while (stack.length) {
    const list = stack.pop() as LayerSpec[];
    total += list.length;
    for (const l of list) if (l.type === "residual") stack.push(l.layers);
  }
  return total;
}

const count = (max: number) => number({ min: 1, max, integer: true });
const whole = (max: number) => number({ min: 0, max, integer: true });
const rate = number({ min: 0, max: 1, below: true });
const eps = number({ min: 0, max: 1, above: true });
const bias = optional(boolean());
/** A layer whose weights training leaves as they are (transfer learning): no gradient, no optimizer state. */
const frozen = optional(boolean());
/** A layer's learning rate as a multiple of the optimizer's (discriminative fine-tuning); 1 when left out. */
const lrScale = optional(number({ min: 0.0001, max: 100 }));

/** The layer types with weights: the ones `frozen` and `lrScale` apply to. */
export const LAYERS_WITH_WEIGHTS: ReadonlySet<string> = new Set([
  "linear",
  "conv2d",
  "convTranspose2d",
  "batchNorm",
  "layerNorm",
  "embedding",
  "rnn",
  "lstm",
  "gru",
  "conv1d",
  "positional",
  "attention",
  "transformer",
]);

/** Each layer type's settings and what they may be (ranges far above any playground or CLI model). */
function layerFields(numbering: string, depth: number) {
  const padding: Schema<number | "same" | "valid"> = {
    expects: 'a whole number from 0 to 31, "same" or "valid"',
    check: (v, place) => (v === "same" || v === "valid" ? v : whole(31).check(v, place)),
  };
  const convolution = {
    filters: required(count(4096)),
    kernel: required(count(31)),
    stride: optional(count(16)),
    padding: optional(padding),
    dilation: optional(count(16)),
    bias,
    frozen,
    lrScale,
  };
  const recurrent = { units: required(count(4096)), layers: optional(count(8)), bidirectional: optional(boolean()), dropout: optional(rate), frozen, lrScale };
  return {
    linear: { units: required(count(65_536)), bias, frozen, lrScale },
    conv2d: convolution,
    convTranspose2d: {
      filters: required(count(4096)),
      kernel: required(count(31)),
      stride: optional(count(16)),
      padding: optional(whole(31)),
      outputPadding: optional(whole(15)),
      bias,
      frozen,
      lrScale,
    },
    maxPool2d: { kernel: required(count(31)), stride: optional(count(31)), padding: optional(whole(15)) },
    avgPool2d: { kernel: required(count(31)), stride: optional(count(31)), padding: optional(whole(15)) },
    adaptiveAvgPool2d: { size: required(count(512)) },
    upsample: { scale: required(count(8)) },
    flatten: {},
    unflatten: { channels: required(count(4096)), height: required(count(1024)), width: required(count(1024)) },
    batchNorm: { momentum: optional(number({ min: 0, max: 1 })), eps: optional(eps), frozen, lrScale },
    layerNorm: { eps: optional(eps), frozen, lrScale },
    dropout: { p: required(rate) },
    activation: {
      fn: required(oneOf(ACTIVATIONS)),
      slope: optional(number({ min: 0, max: 10 })),
      approximate: optional(oneOf(GELU_APPROXIMATIONS)),
    },
    embedding: { vocab: required(count(1_000_000)), dim: required(count(65_536)), paddingIdx: optional(whole(999_999)), frozen, lrScale },
    rnn: { ...recurrent, nonlinearity: optional(oneOf(["tanh", "relu"] as const)) },
    lstm: recurrent,
    gru: recurrent,
    conv1d: convolution,
    maxPool1d: { kernel: required(count(31)), stride: optional(count(31)), padding: optional(whole(15)) },
    avgPool1d: { kernel: required(count(31)), stride: optional(count(31)), padding: optional(whole(15)) },
    positional: { kind: optional(oneOf(["sinusoidal", "learned"] as const)), frozen, lrScale },
    attention: { heads: required(count(64)), causal: optional(boolean()), dropout: optional(rate), frozen, lrScale },
    transformer: {
      heads: required(count(64)),
      feedforward: required(count(65_536)),
      dropout: optional(rate),
      activation: optional(oneOf(["relu", "gelu"] as const)),
      normFirst: optional(boolean()),
      causal: optional(boolean()),
      frozen,
      lrScale,
    },
    lastStep: {},
    meanOverTime: {},
    residual: {
      layers: required(
        depth >= MAX_NESTING
          ? { expects: "no deeper block", check: (_: unknown, place: Place) => place.fail(`residual blocks nest at most ${MAX_NESTING} deep`) }
          : layerList(`${numbering}.`, depth + 1),
      ),
    },
  } satisfies Record<LayerType, Record<string, FieldSpec<unknown>>>;
}

/** Other libraries' names for our layer types, suggested when a spec uses one ("dense": did you mean "linear"?). */
const KERAS_AND_TORCH_NAMES: Record<string, LayerType> = {
  dense: "linear",
  conv: "conv2d",
  conv2dtranspose: "convTranspose2d",
  deconv: "convTranspose2d",
  maxpooling2d: "maxPool2d",
  averagepooling2d: "avgPool2d",
  globalaveragepooling2d: "adaptiveAvgPool2d",
  upsampling2d: "upsample",
  reshape: "unflatten",
  batchnormalization: "batchNorm",
  batchnorm2d: "batchNorm",
  batchnorm1d: "batchNorm",
  layernormalization: "layerNorm",
  relu: "activation",
  sigmoid: "activation",
  tanh: "activation",
  gelu: "activation",
  simplernn: "rnn",
  elman: "rnn",
  multiheadattention: "attention",
  selfattention: "attention",
  transformerencoderlayer: "transformer",
  globalaveragepooling1d: "meanOverTime",
  maxpooling1d: "maxPool1d",
  averagepooling1d: "avgPool1d",
};

/** The schema of layer `numbering` ("3", "3.2") at residual depth `depth`. */
function layerSchema(numbering: string, depth: number): Schema<LayerSpec> {
  const fields = layerFields(numbering, depth);
  const shapes: Record<string, Schema<LayerSpec>> = {};
  for (const [type, settings] of Object.entries(fields) as [LayerType, Record<string, FieldSpec<unknown>>][]) {
    const layer = record({ type: required(oneOf([type])), ...settings }, `a ${type} layer`, Object.keys(settings)) as Schema<unknown>;
    shapes[type] = refine(layer as Schema<LayerSpec>, (l, place) => {
      if (l.type === "embedding" && l.paddingIdx !== undefined && l.paddingIdx >= l.vocab)
        place.key("paddingIdx").fail(`must be a token of the vocabulary (0 to ${l.vocab - 1}), got ${l.paddingIdx}`);
      if (l.type !== "activation") return;
      if (l.approximate !== undefined && l.fn !== "gelu") place.key("approximate").fail(`applies to gelu only; remove it from this ${l.fn} activation`);
      if (l.slope !== undefined && l.fn !== "leakyRelu" && l.fn !== "elu") place.key("slope").fail(`applies to leakyRelu (its slope) and elu (its alpha) only`);
    });
  }
  return variant("type", shapes, "a layer type", KERAS_AND_TORCH_NAMES);
}

/** A list of layers numbered from `prefix` ("", "3."), each named in messages "layer 3.2 conv2d". */
function layerList(prefix: string, depth: number): Schema<LayerSpec[]> {
  const expects = `a list of 1 to ${MAX_LAYERS} layers`;
  return {
    expects,
    check(value: unknown, place: Place) {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LAYERS)
        place.fail(`expected ${expects}, got ${Array.isArray(value) ? `${value.length.toLocaleString("en-US")} layers` : excerpt(value)}`);
      return value.map((v, i) => {
        const numbering = `${prefix}${i + 1}`;
        const type = isRecord(v) && typeof v.type === "string" && Object.hasOwn(LAYER_TYPES, v.type) ? ` ${v.type}` : "";
        return layerSchema(numbering, depth).check(v, place.item(i, `layer ${numbering}${type}`));
      });
    },
  };
}

const INITS: InitScheme[] = ["default", "xavierUniform", "xavierNormal", "kaimingUniform", "kaimingNormal", "zeros", "constant"];

/** The schema of a model spec: its layers and its initialisation. */
export const modelSpecSchema: Schema<ModelSpec> = refine(
  record({ layers: required(layerList("", 0)), init: optional(oneOf(INITS)) }, "a model") as Schema<ModelSpec>,
  (spec, place) => {
    const total = countLayers(spec.layers);
    if (total > MAX_TOTAL_LAYERS)
      place
        .key("layers")
        .fail(
          `${total.toLocaleString("en-US")} layers in all (residual blocks' included); a model may have at most ${MAX_TOTAL_LAYERS.toLocaleString("en-US")}`,
        );
  },
);

/** Validates untrusted JSON as a ModelSpec; throws a ModelSpecError naming the layer and the setting ("layer 3 linear units: ..."). */
export function parseModelSpec(value: unknown): ModelSpec {
  try {
    return validate(modelSpecSchema, value, "model");
  } catch (e) {
    if (e instanceof SchemaError) throw new ModelSpecError(e.message.replace(/^model: (layer )/, "$1"));
    throw e;
  }
}
