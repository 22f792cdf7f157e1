/**
 * Weight initialisers, as in torch.nn.init, drawing from the seeded generator (manualSeed), written
 * in place into a parameter. Fans follow PyTorch: for a weight [out, in, k...], fan_in = in * k...,
 * fan_out = out * k...; the default layer initialisation (kaimingUniform with a = sqrt(5)) gives
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 */
import { check, fmtShape } from "../errors";
import { where } from "../ops/binary";
import { full, rand, randn, tensor } from "../ops/creation";
import { noGrad, tidy, withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";

/** PyTorch's _calculate_fan_in_and_fan_out. */
export function fans(shape: number[]): { fanIn: number; fanOut: number } {
  check(shape.length >= 2, "init", () => `fan in/out need a tensor of at least 2 dims, got ${fmtShape(shape)}`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

export type Nonlinearity = "linear" | "relu" | "leakyRelu" | "tanh" | "sigmoid";

/** PyTorch's calculate_gain. */
export function gain(nonlinearity: Nonlinearity, negativeSlope = 0.01): number {
  switch (nonlinearity) {
    case "relu":
      return Math.SQRT2;
    case "leakyRelu":
      return Math.sqrt(2 / (1 + negativeSlope ** 2));
    case "tanh":
      return 5 / 3;
    case "linear":
    case "sigmoid":
      return 1;
    default:
      return nonlinearity satisfies never;
  }
}

function fill(t: Tensor, make: () => Tensor): Tensor {
  noGrad(() => withBackend(t.backend, () => tidy(() => t.assign_(make()))));
  return t;
}

/** Fills with U(low, high). */
export const uniform_ = (t: Tensor, low = 0, high = 1) => fill(t, () => rand(t.shape, { low, high }));
/** Fills with N(mean, std²). */
export const normal_ = (t: Tensor, mean = 0, std = 1) => fill(t, () => randn(t.shape, { mean, std }));
/** Fills with a constant. */
export const constant_ = (t: Tensor, value: number) => fill(t, () => full(t.shape, value));

/** Zeroes row `row` of a [rows, ...] tensor (an embedding's padding row). */
export function zeroRow_(t: Tensor, row: number): Tensor {
  const keep = Array.from({ length: t.shape[0] }, (_, k) => (k === row ? 0 : 1));
  return fill(t, () => where(tensor(keep, { shape: [t.shape[0], ...t.shape.slice(1).map(() => 1)] }), t, 0));
}

/** Glorot/Xavier uniform: U(±gain sqrt(6 / (fan_in + fan_out))). */
export function xavierUniform_(t: Tensor, g = 1): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  const bound = g * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound);
}

/** Glorot/Xavier normal: N(0, gain² 2 / (fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, g = 1): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  return normal_(t, 0, g * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** Negative slope of the leaky ReLU after this layer (PyTorch's `a`). */
  a?: number;
  mode?: "fanIn" | "fanOut";
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t.shape);
  const g = gain(o.nonlinearity ?? "leakyRelu", o.a ?? 0);
  return g / Math.sqrt(o.mode === "fanOut" ? fanOut : fanIn);
}

/** He/Kaiming uniform: U(±gain sqrt(3 / fan)). */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound);
}

/** He/Kaiming normal: N(0, gain² / fan). */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, options));
}

/** How a layer's weights start: PyTorch's default, or one of the classic schemes. */
export type InitScheme = "default" | "xavierUniform" | "xavierNormal" | "kaimingUniform" | "kaimingNormal" | "zeros" | "constant";

/** The weight every unit starts with under the "constant" scheme. */
export const CONSTANT_INIT = 0.1;

/**
 * Initialises a weight (and its bias) the way PyTorch's Linear and Conv layers do by default, or with
 * `scheme` (biases then start at zero, as is usual with those schemes). "zeros" and "constant" (every
 * weight CONSTANT_INIT) are there to be seen failing: every unit of a layer starts equal, gets the
 * same gradient and stays equal (the symmetry problem), and with zeros no gradient reaches the
 * hidden layers at all.
 */
export function initLayer(weight: Tensor, bias: Tensor | null, scheme: InitScheme = "default", fanIn = fans(weight.shape).fanIn): void {
  if (scheme === "zeros" || scheme === "constant") {
    constant_(weight, scheme === "zeros" ? 0 : CONSTANT_INIT);
    if (bias) constant_(bias, 0);
    return;
  }
  if (scheme === "default") {
    const bound = 1 / Math.sqrt(fanIn);
    uniform_(weight, -bound, bound);
    if (bias) uniform_(bias, -bound, bound);
    return;
  }
  if (scheme === "xavierUniform") xavierUniform_(weight);
  else if (scheme === "xavierNormal") xavierNormal_(weight);
  else if (scheme === "kaimingUniform") kaimingUniform_(weight, { nonlinearity: "relu" });
  else kaimingNormal_(weight, { nonlinearity: "relu" });
  if (bias) constant_(bias, 0);
}
