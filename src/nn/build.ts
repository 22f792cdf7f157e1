/**
 * buildModel(): turns a ModelSpec into modules for a given input shape. The spec's shapes are
 * inferred first (src/nn/shapes.ts), so an invalid spec fails with the layer that causes it before
 * any weight is allocated; then each layer becomes its torch.nn-like module, nested as the spec
 * nests (a residual block's body and skip projection).
 */
import { getBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { AdaptiveAvgPool2d, AvgPool2d, Conv2d, ConvTranspose2d, MaxPool2d, Upsample } from "./conv";
import type { InitScheme } from "./init";
import { Dropout, ELU, Flatten, GELU, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, SiLU, Softplus, Tanh, Unflatten } from "./layers";
import type { Module } from "./module";
import { BatchNorm1d, BatchNorm2d, LayerNorm } from "./normalization";
import { PositionalEncoding } from "./positional";
import { GRU, LSTM, RNN } from "./recurrent";
import { Residual } from "./residual";
import { budgetOf, checkParameters } from "./resources";
import { EncoderLayer, LastStep, MeanOverTime, SelfAttention, TimeBatchNorm1d, TimeConv1d, TimePool1d, TokenEmbedding } from "./sequence-layers";
import { type ModelSummary, skipProjection, summarizeModel } from "./shapes";
import type { ActivationName, GeluApproximation, LayerSpec, ModelSpec } from "./spec";

export interface BuiltModel extends ModelSummary {
  model: Sequential;
}

/** Output shapes by layer index ("3", "3.2"), from the summary. */
type Shapes = Map<string, number[]>;

function makeModule(layer: LayerSpec, input: number[], out: number[], index: string, init: InitScheme | undefined, shapes: Shapes): Module {
  switch (layer.type) {
    case "linear": // a vector, or each step of a sequence
      return new Linear(input[input.length - 1], layer.units, { bias: layer.bias, init });
    case "conv2d": {
      const padding = layer.padding === "same" || layer.padding === "valid" ? layer.padding : (layer.padding ?? 0);
      return new Conv2d(input[0], layer.filters, layer.kernel, { stride: layer.stride ?? 1, padding, dilation: layer.dilation ?? 1, bias: layer.bias, init });
    }
    case "convTranspose2d":
      return new ConvTranspose2d(input[0], layer.filters, layer.kernel, {
        stride: layer.stride ?? 1,
        padding: layer.padding ?? 0,
        outputPadding: layer.outputPadding ?? 0,
        bias: layer.bias,
        init,
      });
    case "maxPool2d":
      return new MaxPool2d(layer.kernel, { stride: layer.stride ?? layer.kernel, padding: layer.padding ?? 0 });
    case "avgPool2d":
      return new AvgPool2d(layer.kernel, { stride: layer.stride ?? layer.kernel, padding: layer.padding ?? 0 });
    case "adaptiveAvgPool2d":
      return new AdaptiveAvgPool2d(layer.size);
    case "upsample":
      return new Upsample({ scaleFactor: layer.scale });
    case "flatten":
      return new Flatten();
    case "unflatten":
      return new Unflatten(out);
    case "batchNorm": {
      const options = { momentum: layer.momentum, eps: layer.eps };
      if (input.length === 2) return new TimeBatchNorm1d(input[1], options);
      return input.length === 1 ? new BatchNorm1d(input[0], options) : new BatchNorm2d(input[0], options);
    }
    case "layerNorm":
      return new LayerNorm(input.length === 2 ? [input[1]] : input, { eps: layer.eps }); // a sequence: each step's features
    case "dropout":
      return new Dropout(layer.p);
    case "activation":
      return activation(layer.fn, layer.slope, layer.approximate);
    case "embedding":
      return new TokenEmbedding(layer.vocab, layer.dim, { paddingIdx: layer.paddingIdx });
    case "rnn":
    case "lstm":
    case "gru": {
      const options = { numLayers: layer.layers ?? 1, bidirectional: layer.bidirectional ?? false, dropout: layer.dropout ?? 0, batchFirst: true };
      if (layer.type === "lstm") return new LSTM(input[1], layer.units, options);
      if (layer.type === "gru") return new GRU(input[1], layer.units, options);
      return new RNN(input[1], layer.units, { ...options, nonlinearity: layer.nonlinearity });
    }
    case "conv1d": {
      const padding = layer.padding === "same" || layer.padding === "valid" ? layer.padding : (layer.padding ?? 0);
      return new TimeConv1d(input[1], layer.filters, layer.kernel, {
        stride: layer.stride ?? 1,
        padding,
        dilation: layer.dilation ?? 1,
        bias: layer.bias,
        init,
      });
    }
    case "maxPool1d":
    case "avgPool1d":
      return new TimePool1d(layer.type === "maxPool1d" ? "max" : "avg", layer.kernel, { stride: layer.stride ?? layer.kernel, padding: layer.padding ?? 0 });
    case "positional":
      return new PositionalEncoding(input[0], input[1], layer.kind ?? "sinusoidal");
    case "attention":
      return new SelfAttention(input[1], layer.heads, layer.causal ?? false, layer.dropout ?? 0);
    case "transformer":
      return new EncoderLayer(input[1], layer.heads, layer.causal ?? false, {
        dimFeedforward: layer.feedforward,
        dropout: layer.dropout,
        activation: layer.activation,
        normFirst: layer.normFirst,
      });
    case "lastStep":
      return new LastStep();
    case "meanOverTime":
      return new MeanOverTime();
    case "residual": {
      const body = makeLayers(layer.layers, input, `${index}.`, init, shapes);
      const skip = input.join("x") === out.join("x") ? null : skipProjection(input, out);
      const projection = !skip
        ? null
        : skip.kind === "linear"
          ? new Linear(input[input.length - 1], out[out.length - 1], { init })
          : new Conv2d(input[0], out[0], 1, { stride: skip.stride, init });
      return new Residual(body, projection);
    }
  }
  return layer satisfies never;
}

function activation(fn: ActivationName, slope?: number, approximate?: GeluApproximation): Module {
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
    case "softplus":
      return new Softplus();
  }
  return fn satisfies never;
}

/** The learning-rate scale of each parameter whose layer sets one (lrScale in its spec). */
const LR_SCALES = new WeakMap<Tensor, number>();

/** A parameter's learning rate as a multiple of the optimizer's: its layer's lrScale, or 1. */
export const lrScaleOf = (parameter: Tensor): number => LR_SCALES.get(parameter) ?? 1;

function makeLayers(layers: LayerSpec[], input: number[], prefix: string, init: InitScheme | undefined, shapes: Shapes): Sequential {
  const modules = layers.map((layer, i) => {
    const index = `${prefix}${i + 1}`;
    const out = shapes.get(index) as number[];
    const module = makeModule(layer, input, out, index, init, shapes);
    // A frozen layer's weights become buffers: saved and loaded by the same names, never trained.
    const { frozen, lrScale } = layer as { frozen?: boolean; lrScale?: number };
    if (frozen) for (const p of module.parameters()) p.requiresGrad_(false);
    // Discriminative fine-tuning: the optimizer gives this layer's parameters their own learning rate.
    if (lrScale !== undefined && lrScale !== 1) for (const p of module.parameters()) if (!LR_SCALES.has(p)) LR_SCALES.set(p, lrScale);
    input = out;
    return module;
  });
  return new Sequential(...modules);
}

/**
 * Builds the model for per-example inputs of `inputShape` ([features], [channels, height, width],
 * [time, features], or [time] tokens for a model that starts with an embedding),
 * on the current backend. Its shapes and its parameter count are checked first (within the
 * backend's budget, src/nn/resources.ts), so a model too large to hold fails before allocating.
 */
export function buildModel(spec: ModelSpec, inputShape: number[]): BuiltModel {
  const summary = summarizeModel(spec, inputShape); // validates everything before allocating
  checkParameters(summary, budgetOf(getBackend()));
  const shapes: Shapes = new Map(summary.layers.map((l) => [l.index, l.outputShape]));
  return { model: makeLayers(spec.layers, inputShape, "", spec.init, shapes), ...summary };
}
