/**
 * Convolution, pooling and upsampling layers (NCHW images; NCL sequences for the 1-D ones), with
 * PyTorch's constructor arguments, weight layouts ([out, in, kh, kw]; transposed: [in, out, kh, kw];
 * 1-D: [out, in, k]) and default initialisation.
 */
import { check } from "../errors";
import { type Conv2dOptions, type ConvTranspose2dOptions, conv2d, convTranspose2d } from "../ops/conv";
import { zeros } from "../ops/creation";
import { adaptiveAvgPool2d, avgPool2d, type MaxPool2dOptions, maxPool2d, upsample } from "../ops/pool";
import { avgPool1d, type Conv1dOptions, conv1d, maxPool1d, type Pool1dOptions } from "../ops/sequence-1d";
import type { Tensor } from "../tensor/tensor";
import { type InitScheme, initLayer } from "./init";
import { Module } from "./module";

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : v);

function checkCounts(layer: string, counts: Record<string, number>): void {
  for (const [name, v] of Object.entries(counts)) check(Number.isInteger(v) && v > 0, layer, () => `${name} must be a whole number > 0, got ${v}`);
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    readonly options: Conv2dOptions & { bias?: boolean; init?: InitScheme } = {},
  ) {
    super();
    this.kernelSize = pair(kernelSize);
    checkCounts("Conv2d", { inChannels, outChannels, kernelHeight: this.kernelSize[0], kernelWidth: this.kernelSize[1] });
    this.weight = zeros([outChannels, inChannels, ...this.kernelSize], { requiresGrad: true });
    this.bias = options.bias === false ? null : zeros([outChannels], { requiresGrad: true });
    initLayer(this.weight, this.bias, options.init);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options);
  }
}

/** 1-D convolution over [N, C, L] (nn.Conv1d): weight [C_out, C_in, K]; starts as PyTorch's does. */
export class Conv1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    readonly options: Conv1dOptions & { bias?: boolean; init?: InitScheme } = {},
  ) {
    super();
    checkCounts("Conv1d", { inChannels, outChannels, kernelSize });
    this.weight = zeros([outChannels, inChannels, kernelSize], { requiresGrad: true });
    this.bias = options.bias === false ? null : zeros([outChannels], { requiresGrad: true });
    initLayer(this.weight, this.bias, options.init);
  }

  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, this.options);
  }
}

export class ConvTranspose2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    readonly options: ConvTranspose2dOptions & { bias?: boolean; init?: InitScheme } = {},
  ) {
    super();
    this.kernelSize = pair(kernelSize);
    checkCounts("ConvTranspose2d", { inChannels, outChannels, kernelHeight: this.kernelSize[0], kernelWidth: this.kernelSize[1] });
    this.weight = zeros([inChannels, outChannels, ...this.kernelSize], { requiresGrad: true });
    this.bias = options.bias === false ? null : zeros([outChannels], { requiresGrad: true });
    // PyTorch computes the transposed weight's fan-in from its dim 1: out_channels * kh * kw.
    initLayer(this.weight, this.bias, options.init, outChannels * this.kernelSize[0] * this.kernelSize[1]);
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.options);
  }
}

export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: MaxPool2dOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: Omit<MaxPool2dOptions, "dilation"> & { countIncludePad?: boolean } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/** Max over windows of a sequence [N, C, L] (nn.MaxPool1d). */
export class MaxPool1d extends Module {
  constructor(
    readonly kernelSize: number,
    readonly options: Pool1dOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, this.options);
  }
}

/** Mean over windows of a sequence [N, C, L] (nn.AvgPool1d). */
export class AvgPool1d extends Module {
  constructor(
    readonly kernelSize: number,
    readonly options: Pool1dOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, this.options);
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** Nearest-neighbour upsampling by a scale factor or to a size. */
export class Upsample extends Module {
  constructor(readonly options: { size?: Pair; scaleFactor?: Pair; mode?: "nearest" }) {
    super();
  }
  forward(x: Tensor): Tensor {
    return upsample(x, this.options);
  }
}
