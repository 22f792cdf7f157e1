/**
 * The model spec: one plain-JSON description of a network, the same object the playground edits,
 * the URL carries and saved files hold. Layers name what they do (units, filters, kernel...) and
 * take their input sizes from the layer before, like Keras; buildModel() turns a spec into modules.
 * parseModelSpec() validates untrusted JSON (a URL, a file) with messages that name the layer.
 */
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

export type LayerSpec =
  | { type: "linear"; units: number; bias?: boolean }
  | { type: "conv2d"; filters: number; kernel: number; stride?: number; padding?: number | "same" | "valid"; dilation?: number; bias?: boolean }
  | { type: "convTranspose2d"; filters: number; kernel: number; stride?: number; padding?: number; outputPadding?: number; bias?: boolean }
  | { type: "maxPool2d"; kernel: number; stride?: number; padding?: number }
  | { type: "avgPool2d"; kernel: number; stride?: number; padding?: number }
  | { type: "adaptiveAvgPool2d"; size: number }
  | { type: "upsample"; scale: number }
  | { type: "flatten" }
  | { type: "unflatten"; channels: number; height: number; width: number }
  | { type: "batchNorm"; momentum?: number; eps?: number }
  | { type: "layerNorm"; eps?: number }
  | { type: "dropout"; p: number }
  | { type: "activation"; fn: ActivationName; slope?: number; approximate?: GeluApproximation }
  | { type: "residual"; layers: LayerSpec[] };

export type LayerType = LayerSpec["type"];

export interface ModelSpec {
  layers: LayerSpec[];
  /** Weight initialisation (PyTorch's defaults unless given). */
  init?: InitScheme;
}

/** Allowed fields per layer type: [name, kind, required]. */
const FIELDS: Record<LayerType, [string, "count" | "whole" | "number" | "boolean" | "padding" | "activation" | "approximate" | "layers", boolean][]> = {
  linear: [
    ["units", "count", true],
    ["bias", "boolean", false],
  ],
  conv2d: [
    ["filters", "count", true],
    ["kernel", "count", true],
    ["stride", "count", false],
    ["padding", "padding", false],
    ["dilation", "count", false],
    ["bias", "boolean", false],
  ],
  convTranspose2d: [
    ["filters", "count", true],
    ["kernel", "count", true],
    ["stride", "count", false],
    ["padding", "whole", false],
    ["outputPadding", "whole", false],
    ["bias", "boolean", false],
  ],
  maxPool2d: [
    ["kernel", "count", true],
    ["stride", "count", false],
    ["padding", "whole", false],
  ],
  avgPool2d: [
    ["kernel", "count", true],
    ["stride", "count", false],
    ["padding", "whole", false],
  ],
  adaptiveAvgPool2d: [["size", "count", true]],
  upsample: [["scale", "count", true]],
  flatten: [],
  unflatten: [
    ["channels", "count", true],
    ["height", "count", true],
    ["width", "count", true],
  ],
  batchNorm: [
    ["momentum", "number", false],
    ["eps", "number", false],
  ],
  layerNorm: [["eps", "number", false]],
  dropout: [["p", "number", true]],
  activation: [
    ["fn", "activation", true],
    ["slope", "number", false],
    ["approximate", "approximate", false],
  ],
  residual: [["layers", "layers", true]],
};

const INITS: InitScheme[] = ["default", "xavierUniform", "xavierNormal", "kaimingUniform", "kaimingNormal"];

function fail(where: string, detail: string): never {
  throw new ModelSpecError(`${where}: ${detail}`);
}

function parseLayer(value: unknown, where: string): LayerSpec {
  if (!value || typeof value !== "object" || Array.isArray(value))
    fail(where, `expected an object like { "type": "linear", "units": 16 }, got ${JSON.stringify(value)}`);
  const layer = value as Record<string, unknown>;
  const type = layer.type as LayerType;
  if (typeof type !== "string" || !(type in FIELDS))
    fail(where, `unknown layer type ${JSON.stringify(layer.type)}; expected one of ${Object.keys(FIELDS).join(", ")}`);
  const fields = FIELDS[type];
  for (const key of Object.keys(layer))
    if (key !== "type" && !fields.some(([name]) => name === key))
      fail(`${where} ${type}`, `unknown setting "${key}"; a ${type} layer takes ${fields.map(([n]) => n).join(", ") || "no settings"}`);
  const out: Record<string, unknown> = { type };
  for (const [name, kind, required] of fields) {
    const v = layer[name];
    const at = `${where} ${type}`;
    if (v === undefined) {
      if (required) fail(at, `"${name}" is required`);
      continue;
    }
    if (kind === "count" && !(Number.isInteger(v) && (v as number) >= 1)) fail(at, `${name} must be a whole number >= 1, got ${JSON.stringify(v)}`);
    if (kind === "whole" && !(Number.isInteger(v) && (v as number) >= 0)) fail(at, `${name} must be a whole number >= 0, got ${JSON.stringify(v)}`);
    if (kind === "number" && !(typeof v === "number" && Number.isFinite(v))) fail(at, `${name} must be a number, got ${JSON.stringify(v)}`);
    if (kind === "boolean" && typeof v !== "boolean") fail(at, `${name} must be true or false, got ${JSON.stringify(v)}`);
    if (kind === "padding" && !(v === "same" || v === "valid" || (Number.isInteger(v) && (v as number) >= 0)))
      fail(at, `padding must be a whole number >= 0, "same" or "valid", got ${JSON.stringify(v)}`);
    if (kind === "activation" && !ACTIVATIONS.includes(v as ActivationName)) fail(at, `fn must be one of ${ACTIVATIONS.join(", ")}, got ${JSON.stringify(v)}`);
    if (kind === "approximate") {
      if (!GELU_APPROXIMATIONS.includes(v as GeluApproximation)) fail(at, `approximate must be "none" or "tanh", got ${JSON.stringify(v)}`);
      if (layer.fn !== "gelu") fail(at, `approximate applies to gelu only; remove it from this ${String(layer.fn)} activation`);
    }
    if (kind === "layers") {
      if (!Array.isArray(v) || v.length === 0) fail(at, "layers must be a non-empty list of layers");
      out[name] = v.map((inner, i) => parseLayer(inner, `${where}.${i + 1}`));
      continue;
    }
    out[name] = v;
  }
  if (type === "dropout" && !((out.p as number) >= 0 && (out.p as number) < 1)) fail(`${where} dropout`, `p must be in [0, 1), got ${out.p}`);
  return out as LayerSpec;
}

/** Validates untrusted JSON as a ModelSpec; throws an error naming the layer and the problem. */
export function parseModelSpec(value: unknown): ModelSpec {
  if (!value || typeof value !== "object" || Array.isArray(value)) fail("model", `expected an object with a "layers" list, got ${JSON.stringify(value)}`);
  const spec = value as Record<string, unknown>;
  for (const key of Object.keys(spec))
    if (key !== "layers" && key !== "init") fail("model", `unknown field "${key}"; a model has "layers" and optionally "init"`);
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) fail("model", `"layers" must be a non-empty list`);
  if (spec.init !== undefined && !INITS.includes(spec.init as InitScheme))
    fail("model", `init must be one of ${INITS.join(", ")}, got ${JSON.stringify(spec.init)}`);
  return { layers: spec.layers.map((l, i) => parseLayer(l, `layer ${i + 1}`)), ...(spec.init ? { init: spec.init as InitScheme } : {}) };
}
