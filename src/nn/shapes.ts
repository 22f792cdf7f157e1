/**
 * Shape inference for model specs: each layer's output shape and parameter count for a given input
 * shape, and every reason a spec cannot be built, named at the layer that causes it and with what to
 * change ("layer 3 conv2d: kernel 5 is larger than its 4x4 input; ..."). Pure arithmetic, no tensors:
 * the page checks and summarises models with it without loading the engine, and buildModel()
 * (src/nn/build.ts) runs it before allocating any weight.
 */
import { convOutSize, poolOutSize, resolvePadding } from "../ops/sizes";
import { type LayerSpec, type ModelSpec, ModelSpecError } from "./spec";

export interface LayerSummary {
  /** "3" or, inside a residual block, "3.2". */
  index: string;
  type: LayerSpec["type"];
  /** Per-example output shape (no batch dim). */
  outputShape: number[];
  params: number;
  /** Its weights are frozen (not trained). */
  frozen?: boolean;
}

/** A model's shapes without its modules: each layer's summary, the output shape, the parameter count. */
export interface ModelSummary {
  layers: LayerSummary[];
  outputShape: number[];
  totalParams: number;
  /** Of those, in frozen layers: what training leaves as it is. */
  frozenParams: number;
}

const fmt = (shape: number[]) => shape.join("x");

/** "a vector of 3", "a sequence of 20 steps x 8 features", "a 1-channel 28x28 image": a shape as the error messages say it. */
export function describe(shape: number[]): string {
  if (shape.length === 1) return `a vector of ${shape[0]}`;
  if (shape.length === 2) return `a sequence of ${shape[0]} steps x ${shape[1]} features`;
  if (shape.length === 3) return `a ${shape[0]}-channel ${shape[1]}x${shape[2]} image`;
  return `of shape ${fmt(shape)}`;
}

/**
 * How a residual block's skip connection matches its body when the shapes differ: a linear layer
 * for vectors (and for each step of a sequence of the same length), a 1x1 convolution with stride (input size / output size) for images; null when no
 * projection can.
 */
export function skipProjection(input: number[], out: number[]): { kind: "linear" } | { kind: "conv"; stride: number } | null {
  if (input.length === 1 && out.length === 1) return { kind: "linear" };
  if (input.length === 2 && out.length === 2 && input[0] === out[0]) return { kind: "linear" }; // each step of a sequence
  if (input.length === 3 && out.length === 3 && input[1] % out[1] === 0 && input[2] % out[2] === 0 && input[1] / out[1] === input[2] / out[2])
    return { kind: "conv", stride: input[1] / out[1] };
  return null;
}

interface Shaped {
  out: number[];
  params: number;
}

/** The shape a layer maps `input` to and its parameter count; throws naming the layer when it cannot. */
function layerShape(layer: LayerSpec, input: number[], index: string, summary: LayerSummary[]): Shaped {
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
  /** [time, features]: what the sequence layers read. */
  const sequence = () => {
    if (input.length !== 2)
      fail(
        `expects a sequence (time x features) but its input is ${describe(input)}; ${input.length === 1 ? "for tokens add an embedding before it, or choose a sequence dataset" : "add an embedding or choose a sequence dataset"}`,
      );
    return input as [number, number];
  };
  switch (layer.type) {
    case "linear": {
      // A vector, or each step of a sequence (a per-step output head).
      if (input.length !== 1 && input.length !== 2) fail(`expects a vector but its input is ${describe(input)}; add a flatten layer before it`);
      const features = input[input.length - 1];
      const params = layer.units * features + (layer.bias === false ? 0 : layer.units);
      return { out: [...input.slice(0, -1), layer.units], params };
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
      return { out, params };
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
      return { out: [layer.filters, size(h), size(w)], params };
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
      return { out, params: 0 };
    }
    case "adaptiveAvgPool2d": {
      const [c] = image();
      return { out: [c, layer.size, layer.size], params: 0 };
    }
    case "upsample": {
      const [c, h, w] = image();
      return { out: [c, h * layer.scale, w * layer.scale], params: 0 };
    }
    case "flatten":
      return { out: [input.reduce((a, b) => a * b, 1)], params: 0 };
    case "unflatten": {
      const out = [layer.channels, layer.height, layer.width];
      const size = out[0] * out[1] * out[2];
      if (input.length !== 1 || input[0] !== size)
        fail(
          `expects a vector of ${size} values (${fmt(out)}) but its input is ${describe(input)}; ${input.length === 1 ? `set the layer before it to ${size} units` : "add a flatten layer before it"}`,
        );
      return { out, params: 0 };
    }
    case "batchNorm": // per feature (a vector's, or a sequence's over its steps) or per channel (an image's)
      return { out: input, params: 2 * (input.length === 2 ? input[1] : input[0]) };
    case "layerNorm": // over each step's features for a sequence, over the whole example otherwise
      return { out: input, params: 2 * (input.length === 2 ? input[1] : input.reduce((a, b) => a * b, 1)) };
    case "dropout":
      return { out: input, params: 0 };
    case "activation":
      return { out: input, params: 0 };
    case "embedding": {
      if (input.length !== 1)
        fail(`expects token indices (a sequence of tokens) but its input is ${describe(input)}; use it first, on a text or token dataset`);
      return { out: [input[0], layer.dim], params: layer.vocab * layer.dim };
    }
    case "rnn":
    case "lstm":
    case "gru": {
      const [time, features] = sequence();
      const gates = { rnn: 1, lstm: 4, gru: 3 }[layer.type];
      const directions = layer.bidirectional ? 2 : 1;
      const units = layer.units;
      const layers = layer.layers ?? 1;
      if ((layer.dropout ?? 0) > 0 && layers === 1) fail(`dropout applies between stacked layers; set layers to 2 or more, or remove it`);
      let params = 0;
      for (let l = 0; l < layers; l++) params += directions * gates * units * ((l === 0 ? features : units * directions) + units + 2);
      return { out: [time, units * directions], params };
    }
    case "conv1d": {
      const [time, features] = sequence();
      const stride = layer.stride ?? 1;
      const dilation = layer.dilation ?? 1;
      if (layer.padding === "same" && stride !== 1) fail(`padding "same" needs stride 1 (got ${stride})`);
      const pad = resolvePadding("conv1d", layer.padding ?? 0, [1, layer.kernel], [1, stride], [1, dilation]);
      const span = dilation * (layer.kernel - 1) + 1;
      if (span > time + pad[2] + pad[3])
        fail(`kernel ${layer.kernel}${dilation > 1 ? ` (dilated to ${span})` : ""} is longer than its ${time} steps; lower the kernel`);
      const params = layer.filters * features * layer.kernel + (layer.bias === false ? 0 : layer.filters);
      return { out: [convOutSize(time, layer.kernel, stride, pad[2], pad[3], dilation), layer.filters], params };
    }
    case "maxPool1d":
    case "avgPool1d": {
      const [time, features] = sequence();
      const stride = layer.stride ?? layer.kernel;
      const padding = layer.padding ?? 0;
      if (padding > layer.kernel / 2) fail(`padding ${padding} must be at most half the kernel ${layer.kernel}`);
      if (layer.kernel > time + 2 * padding) fail(`a window of ${layer.kernel} steps does not fit its ${time} steps; lower the kernel`);
      return { out: [poolOutSize(time, layer.kernel, stride, padding, 1, false), features], params: 0 };
    }
    case "positional": {
      const [time, features] = sequence();
      return { out: input, params: layer.kind === "learned" ? time * features : 0 };
    }
    case "attention":
    case "transformer": {
      const [, features] = sequence();
      if (features % layer.heads !== 0)
        fail(
          `its ${features} features do not split into ${layer.heads} heads; choose a number of heads that divides ${features}, or change the layer before it`,
        );
      const attention = 4 * features * features + 4 * features; // in_proj (3 F x F + 3 F) and out_proj (F x F + F)
      if (layer.type === "attention") return { out: input, params: attention };
      const ff = layer.feedforward;
      return { out: input, params: attention + 2 * features * ff + ff + features + 4 * features };
    }
    case "lastStep":
    case "meanOverTime": {
      const [, features] = sequence();
      return { out: [features], params: 0 };
    }
    case "residual": {
      const inner = layerShapes(layer.layers, input, `${index}.`, summary);
      const out = inner.out;
      let params = inner.params;
      if (fmt(out) !== fmt(input)) {
        if (!skipProjection(input, out))
          fail(
            `its layers map ${describe(input)} to ${describe(out)}, which a 1x1 projection of the skip connection cannot match; keep the spatial size a whole fraction of the input`,
          );
        const [from, to] = [input[input.length === 2 ? 1 : 0], out[out.length === 2 ? 1 : 0]]; // features, or channels
        params += to * from + to;
      }
      return { out, params };
    }
  }
  return layer satisfies never;
}

function layerShapes(layers: LayerSpec[], input: number[], prefix: string, summary: LayerSummary[]): Shaped {
  let shape = input;
  let params = 0;
  layers.forEach((layer, i) => {
    const index = `${prefix}${i + 1}`;
    const entry: LayerSummary = { index, type: layer.type, outputShape: [], params: 0, ...((layer as { frozen?: boolean }).frozen ? { frozen: true } : {}) };
    summary.push(entry);
    const step = layerShape(layer, shape, index, summary);
    entry.outputShape = step.out;
    entry.params = step.params;
    shape = step.out;
    params += step.params;
  });
  return { out: shape, params };
}

/** Output shapes and parameter counts of every layer, without allocating anything; throws a ModelSpecError naming the layer. */
export function summarizeModel(spec: ModelSpec, inputShape: number[]): ModelSummary {
  const layers: LayerSummary[] = [];
  const { out, params } = layerShapes(spec.layers, inputShape, "", layers);
  const frozenParams = layers.reduce((n, l) => n + (l.frozen ? l.params : 0), 0);
  return { layers, outputShape: out, totalParams: params, frozenParams };
}
