/**
 * Normalisation layers as functions, written with registry ops (their gradients come from autograd):
 *   batchNorm: y = (x - mean) / sqrt(var + eps) * weight + bias, statistics over every dim but the
 *              channel dim 1 in training (and folded into the running averages), else the running ones
 *   layerNorm: the same over the trailing normalizedShape dims of each sample
 */
import { check, fmtShape } from "../../errors";
import { add, mul, sub } from "../../ops/binary";
import { mean, variance } from "../../ops/reduce";
import { reshape } from "../../ops/shape-ops";
import { rsqrt } from "../../ops/unary-api";
import { noGrad } from "../../tensor/engine";
import { sizeOf } from "../../tensor/shape";
import type { Tensor } from "../../tensor/tensor";

export interface BatchNormOptions {
  /** Use batch statistics and update the running ones (default true). */
  training?: boolean;
  /** Weight of the newest batch in the running averages (PyTorch default 0.1). */
  momentum?: number;
  eps?: number;
}

/** Shape that broadcasts a per-channel vector over x: [1, C, 1, ...]. */
const channelShape = (x: Tensor) => x.shape.map((d, i) => (i === 1 ? d : 1));

/**
 * Batch normalisation over dim 1 (x is [N, C] or [N, C, ...]). In training, runningMean and
 * runningVar (when given) are updated in place with the batch mean and the unbiased batch variance.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  options: BatchNormOptions = {},
): Tensor {
  const { training = true, momentum = 0.1, eps = 1e-5 } = options;
  check(x.rank >= 2, "batchNorm", () => `input must be [N, C, ...], got ${fmtShape(x.shape)}`);
  const c = x.shape[1];
  for (const [t, name] of [
    [runningMean, "runningMean"],
    [runningVar, "runningVar"],
    [weight, "weight"],
    [bias, "bias"],
  ] as const)
    check(!t || (t.rank === 1 && t.shape[0] === c), "batchNorm", () => `${name} must be [${c}] for ${c} channels, got ${fmtShape((t as Tensor).shape)}`);
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const shape = channelShape(x);
  let mu: Tensor;
  let v: Tensor;
  if (training) {
    const n = sizeOf(dims.map((d) => x.shape[d]));
    check(n > 1, "batchNorm", () => `training needs more than one value per channel, got input ${fmtShape(x.shape)}; use a batch larger than 1`);
    mu = mean(x, dims, true);
    v = variance(x, dims, { correction: 0, keepdim: true });
    if (runningMean && runningVar)
      noGrad(() => {
        runningMean.assign_(add(mul(runningMean, 1 - momentum), mul(reshape(mu, [c]), momentum)));
        runningVar.assign_(add(mul(runningVar, 1 - momentum), mul(reshape(v, [c]), (momentum * n) / (n - 1))));
      });
  } else {
    check(runningMean !== null && runningVar !== null, "batchNorm", () => "evaluation mode needs runningMean and runningVar");
    mu = reshape(runningMean as Tensor, shape);
    v = reshape(runningVar as Tensor, shape);
  }
  let y = mul(sub(x, mu), rsqrt(add(v, eps)));
  if (weight) y = mul(y, reshape(weight, shape));
  if (bias) y = add(y, reshape(bias, shape));
  return y;
}

/** Layer normalisation over the trailing dims given by normalizedShape. */
export function layerNorm(x: Tensor, normalizedShape: number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const k = normalizedShape.length;
  check(
    k >= 1 && k <= x.rank && normalizedShape.every((d, i) => d === x.shape[x.rank - k + i]),
    "layerNorm",
    () => `normalizedShape ${fmtShape(normalizedShape)} must match the last dims of the input ${fmtShape(x.shape)}`,
  );
  const dims = normalizedShape.map((_, i) => x.rank - k + i);
  const mu = mean(x, dims, true);
  const v = variance(x, dims, { correction: 0, keepdim: true });
  let y = mul(sub(x, mu), rsqrt(add(v, eps)));
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
}
