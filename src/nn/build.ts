/**
 * buildModel(): turns a ModelSpec into modules for a given input shape. Each layer's output shape
 * and parameter count is inferred first, so an invalid spec fails with the layer that causes it and
 * what to change ("layer 3 conv2d: kernel 5 is larger than its 4x4 input; ..."), before any weight
 * is allocated. The summary is what the playground shows beside each layer.
 */
import { convOutSize, resolvePadding } from "../ops/conv";
import { poolOutSize } from "../ops/pool";
import { AdaptiveAvgPool2d, AvgPool2d, Conv2d, ConvTranspose2d, MaxPool2d, Upsample } from "./conv";
import type { InitScheme } from "./init";
import { Dropout, ELU, Flatten, GELU, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, SiLU, Softplus, Tanh, Unflatten } from "./layers";
import type { Module } from "./module";
import { BatchNorm1d, BatchNorm2d, LayerNorm } from "./normalization";
import { Residual } from "./residual";
import { type GeluApproximation, type LayerSpec, type ModelSpec, ModelSpecError } from "./spec";

export interface LayerSummary {
  /** "3" or, inside a residual block, "3.2". */
  index: string;
  type: LayerSpec["type"];
  /** Per-example output shape (no batch dim). */
  outputShape: number[];
  params: number;
}

export interface BuiltModel {
  model: Sequential;
  layers: LayerSummary[];
  outputShape: number[];
  totalParams: number;
}

const fmt = (shape: number[]) => shape.join("x");

interface Step {
  module: Module | null;
  out: number[];
  params: number;
}

/** The shape a layer maps `input` to, its module (built when `build`), and its parameter count. */
function layerStep(layer: LayerSpec, input: number[], index: string, init: InitScheme | undefined, build: boolean, summary: LayerSummary[]): Step {
  const where = `layer ${index}`;
  const fail = (detail: string): never => {
    throw new ModelSpecError(`${where} ${layer.type}: ${detail}`);
  };
  const image = () => {
    if (input.length !== 3)
      fail(
        `expects an image (channels x height x width) but its input is ${describe(input)}; ${input.length === 1 ? "use it before the flatten layer" : "check the data"}`,
      );
    return input as [number, number, number];
  };
  switch (layer.type) {
    case "linear": {
      if (input.length !== 1) fail(`expects a vector but its input is ${describe(input)}; add a flatten layer before it`);
      const params = layer.units * input[0] + (layer.bias === false ? 0 : layer.units);
      return { module: build ? new Linear(input[0], layer.units, { bias: layer.bias, init }) : null, out: [layer.units], params };
    }
    case "conv2d": {
      const [c, h, w] = image();
      const stride = layer.stride ?? 1;
      const dilation = layer.dilation ?? 1;
      if (layer.padding === "same" && stride !== 1) fail(`padding "same" needs stride 1 (got ${stride})`);
      const pad = resolvePadding("conv2d", layer.padding ?? 0, [layer.kernel, layer.kernel], [stride, stride], [dilation, dilation]);
      const span = dilation * (layer.kernel - 1) + 1;
      if (span > h + pad[0] + pad[1] || span > w + pad[2] + pad[3])
        fail(
          `kernel ${layer.kernel}${dilation > 1 ? ` (dilated to ${span})` : ""} is larger than its ${h}x${w} input; lower the kernel or remove a pooling layer above it`,
        );
      const out = [
        layer.filters,
        convOutSize(h, layer.kernel, stride, pad[0], pad[1], dilation),
        convOutSize(w, layer.kernel, stride, pad[2], pad[3], dilation),
      ];
      const params = layer.filters * c * layer.kernel * layer.kernel + (layer.bias === false ? 0 : layer.filters);
      const padding = layer.padding === "same" || layer.padding === "valid" ? layer.padding : (layer.padding ?? 0);
      return { module: build ? new Conv2d(c, layer.filters, layer.kernel, { stride, padding, dilation, bias: layer.bias, init }) : null, out, params };
    }
    case "convTranspose2d": {
      const [c, h, w] = image();
      const stride = layer.stride ?? 1;
      const padding = layer.padding ?? 0;
      const outputPadding = layer.outputPadding ?? 0;
      if (outputPadding >= stride) fail(`outputPadding ${outputPadding} must be smaller than the stride ${stride}`);
      const size = (n: number) => (n - 1) * stride - 2 * padding + layer.kernel + outputPadding;
      if (size(h) < 1 || size(w) < 1) fail(`its output would be ${size(h)}x${size(w)}; lower the padding`);
      const params = c * layer.filters * layer.kernel * layer.kernel + (layer.bias === false ? 0 : layer.filters);
      const module = build ? new ConvTranspose2d(c, layer.filters, layer.kernel, { stride, padding, outputPadding, bias: layer.bias, init }) : null;
      return { module, out: [layer.filters, size(h), size(w)], params };
    }
    case "maxPool2d":
    case "avgPool2d": {
      const [c, h, w] = image();
      const stride = layer.stride ?? layer.kernel;
      const padding = layer.padding ?? 0;
      if (padding > layer.kernel / 2) fail(`padding ${padding} must be at most half the kernel ${layer.kernel}`);
      if (layer.kernel > h + 2 * padding || layer.kernel > w + 2 * padding)
        fail(`a ${layer.kernel}x${layer.kernel} window does not fit its ${h}x${w} input; lower the kernel or remove a pooling layer above it`);
      const out = [c, poolOutSize(h, layer.kernel, stride, padding, 1, false), poolOutSize(w, layer.kernel, stride, padding, 1, false)];
      const module = build
        ? layer.type === "maxPool2d"
          ? new MaxPool2d(layer.kernel, { stride, padding })
          : new AvgPool2d(layer.kernel, { stride, padding })
        : null;
      return { module, out, params: 0 };
    }
    case "adaptiveAvgPool2d": {
      const [c] = image();
      return { module: build ? new AdaptiveAvgPool2d(layer.size) : null, out: [c, layer.size, layer.size], params: 0 };
    }
    case "upsample": {
      const [c, h, w] = image();
      return { module: build ? new Upsample({ scaleFactor: layer.scale }) : null, out: [c, h * layer.scale, w * layer.scale], params: 0 };
    }
    case "flatten":
      return { module: build ? new Flatten() : null, out: [input.reduce((a, b) => a * b, 1)], params: 0 };
    case "unflatten": {
      const out = [layer.channels, layer.height, layer.width];
      const size = out[0] * out[1] * out[2];
      if (input.length !== 1 || input[0] !== size)
        fail(
          `expects a vector of ${size} values (${fmt(out)}) but its input is ${describe(input)}; ${input.length === 1 ? `set the layer before it to ${size} units` : "add a flatten layer before it"}`,
        );
      return { module: build ? new Unflatten(out) : null, out, params: 0 };
    }
    case "batchNorm": {
      if (input.length !== 1 && input.length !== 3) fail(`expects a vector or an image, got ${describe(input)}`);
      const options = { momentum: layer.momentum, eps: layer.eps };
      const module = build ? (input.length === 1 ? new BatchNorm1d(input[0], options) : new BatchNorm2d(input[0], options)) : null;
      return { module, out: input, params: 2 * input[0] };
    }
    case "layerNorm":
      return { module: build ? new LayerNorm(input, { eps: layer.eps }) : null, out: input, params: 2 * input.reduce((a, b) => a * b, 1) };
    case "dropout":
      return { module: build ? new Dropout(layer.p) : null, out: input, params: 0 };
    case "activation":
      return { module: build ? activation(layer.fn, layer.slope, layer.approximate) : null, out: input, params: 0 };
    case "residual": {
      const inner = layerSteps(layer.layers, input, `${index}.`, init, build, summary);
      const out = inner.out;
      let projection: Module | null = null;
      let params = inner.params;
      if (fmt(out) !== fmt(input)) {
        if (input.length === 1 && out.length === 1) {
          params += out[0] * input[0] + out[0];
          if (build) projection = new Linear(input[0], out[0], { init });
        } else if (input.length === 3 && out.length === 3 && input[1] % out[1] === 0 && input[1] / out[1] === input[2] / out[2] && input[2] % out[2] === 0) {
          const stride = input[1] / out[1];
          params += out[0] * input[0] + out[0];
          if (build) projection = new Conv2d(input[0], out[0], 1, { stride, init });
        } else
          fail(
            `its layers map ${describe(input)} to ${describe(out)}, which a 1x1 projection of the skip connection cannot match; keep the spatial size a whole fraction of the input`,
          );
      }
      return { module: build ? new Residual(inner.model as Sequential, projection) : null, out, params };
    }
  }
}

function activation(fn: string, slope?: number, approximate?: GeluApproximation): Module {
  switch (fn) {
    case "relu":
      return new ReLU();
    case "leakyRelu":
      return new LeakyReLU(slope ?? 0.01);
    case "elu":
      return new ELU(slope ?? 1);
    case "sigmoid":
      return new Sigmoid();
    case "tanh":
      return new Tanh();
    case "gelu":
      return new GELU(approximate);
    case "silu":
      return new SiLU();
    default:
      return new Softplus();
  }
}

function describe(shape: number[]): string {
  if (shape.length === 1) return `a vector of ${shape[0]}`;
  if (shape.length === 3) return `a ${shape[0]}-channel ${shape[1]}x${shape[2]} image`;
  return `of shape ${fmt(shape)}`;
}

function layerSteps(layers: LayerSpec[], input: number[], prefix: string, init: InitScheme | undefined, build: boolean, summary: LayerSummary[]) {
  const modules: Module[] = [];
  let shape = input;
  let params = 0;
  layers.forEach((layer, i) => {
    const index = `${prefix}${i + 1}`;
    const entry: LayerSummary = { index, type: layer.type, outputShape: [], params: 0 };
    summary.push(entry);
    const step = layerStep(layer, shape, index, init, build, summary);
    entry.outputShape = step.out;
    entry.params = step.params;
    if (step.module) modules.push(step.module);
    shape = step.out;
    params += step.params;
  });
  return { model: build ? new Sequential(...modules) : null, out: shape, params };
}

/** Output shapes and parameter counts of every layer, without allocating anything. */
export function summarizeModel(spec: ModelSpec, inputShape: number[]): Omit<BuiltModel, "model"> {
  const layers: LayerSummary[] = [];
  const { out, params } = layerSteps(spec.layers, inputShape, "", spec.init, false, layers);
  return { layers, outputShape: out, totalParams: params };
}

/** Builds the model for per-example inputs of `inputShape` ([features] or [channels, height, width]). */
export function buildModel(spec: ModelSpec, inputShape: number[]): BuiltModel {
  const summary = summarizeModel(spec, inputShape); // validates everything before allocating
  const { model } = layerSteps(spec.layers, inputShape, "", spec.init, true, []);
  return { model: model as Sequential, ...summary };
}
