/**
 * Loss functions with PyTorch's definitions and reductions ('mean', 'sum', 'none'), written with
 * registry ops so that autograd differentiates them. Binary cross-entropy on logits is one fused
 * elementwise op (stable, with the exact gradient σ(x) - t).
 */
import { check, fmtShape } from "../../errors";
import { add, bceWithLogitsOp, compare, div, mul, sub, where } from "../../ops/binary";
import { oneHot } from "../../ops/indexing";
import { mean, sum } from "../../ops/reduce";
import { permute, reshape } from "../../ops/shape-ops";
import { logSoftmax } from "../../ops/softmax";
import { abs, clamp, log, relu } from "../../ops/unary-api";
import { apply1 } from "../../tensor/engine";
import type { Tensor } from "../../tensor/tensor";

export type Reduction = "mean" | "sum" | "none";

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "mean") return mean(loss);
  if (reduction === "sum") return sum(loss);
  check(reduction === "none", "loss", () => `reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
  return loss;
}

function sameShapes(op: string, input: Tensor, target: Tensor): void {
  check(
    input.rank === target.rank && input.shape.every((d, i) => d === target.shape[i]),
    op,
    () => `input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape`,
  );
}

/** Mean squared error: (input - target)^2. */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  sameShapes("mseLoss", input, target);
  const d = sub(input, target);
  return reduce(mul(d, d), options.reduction ?? "mean");
}

/** Mean absolute error: |input - target|. */
export function l1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  sameShapes("l1Loss", input, target);
  return reduce(abs(sub(input, target)), options.reduction ?? "mean");
}

/** Huber loss: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta). */
export function huberLoss(input: Tensor, target: Tensor, options: { delta?: number; reduction?: Reduction } = {}): Tensor {
  sameShapes("huberLoss", input, target);
  const delta = options.delta ?? 1;
  check(delta > 0, "huberLoss", () => `delta must be > 0, got ${delta}`);
  const d = sub(input, target);
  const a = abs(d);
  const loss = where(compare(a, delta, "lt"), mul(mul(d, d), 0.5), mul(sub(a, 0.5 * delta), delta));
  return reduce(loss, options.reduction ?? "mean");
}

/** Smooth L1 loss: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: { beta?: number; reduction?: Reduction } = {}): Tensor {
  const beta = options.beta ?? 1;
  return mul(huberLoss(input, target, { delta: beta, reduction: options.reduction }), 1 / beta);
}

/** Logits [N, C, ...] as rows [M, C] (class dim last), and integer targets [N, ...] as [M]. */
function classRows(op: string, input: Tensor, target: Tensor): { rows: Tensor; labels: Tensor; classes: number } {
  check(input.rank >= 2, op, () => `input must be [N, C] or [N, C, ...], got ${fmtShape(input.shape)}`);
  const classes = input.shape[1];
  const spatial = input.shape.slice(2);
  const expected = [input.shape[0], ...spatial];
  if (target.dtype === "int32")
    check(
      target.rank === expected.length && target.shape.every((d, i) => d === expected[i]),
      op,
      () => `class-index target must have shape ${fmtShape(expected)} for input ${fmtShape(input.shape)}, got ${fmtShape(target.shape)}`,
    );
  const rows = input.rank === 2 ? input : reshape(permute(input, [0, ...spatial.map((_, i) => i + 2), 1]), [-1, classes]);
  return { rows, labels: target.dtype === "int32" ? reshape(target, [-1]) : target, classes };
}

/**
 * Cross-entropy of logits [N, C] (or [N, C, d...], e.g. a sequence's [N, C, T]) against int32 class
 * indices [N] (or [N, d...]), or against class probabilities with the input's shape. Label smoothing
 * ε mixes the one-hot target with the uniform distribution: target = (1 - ε) onehot + ε / C.
 * ignoreIndex (int32 targets): positions with that target add no loss and no gradient, and the mean
 * is over the other positions (PyTorch's ignore_index, e.g. padding in a batch of sequences).
 * weight (a [C] tensor, PyTorch's `weight`): class c's terms count w_c times, so a rare class can
 * weigh as much as a common one; with class-index targets the mean divides by Σ_i w[y_i] (a
 * weighted mean), with probability targets by N. Per row:
 *   loss_i = -(1 - ε) w[y_i] log p_i[y_i] - (ε / C) Σ_c w_c log p_i[c]
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  options: { reduction?: Reduction; labelSmoothing?: number; ignoreIndex?: number; weight?: Tensor } = {},
): Tensor {
  const { reduction = "mean", labelSmoothing = 0, ignoreIndex, weight } = options;
  check(labelSmoothing >= 0 && labelSmoothing <= 1, "crossEntropy", () => `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  check(
    ignoreIndex === undefined || (Number.isInteger(ignoreIndex) && target.dtype === "int32"),
    "crossEntropy",
    () => `ignoreIndex must be a whole number, with int32 class targets (got ${ignoreIndex} with ${target.dtype} targets)`,
  );
  const { rows, labels, classes } = classRows("crossEntropy", input, target);
  checkClassWeight("crossEntropy", weight, classes);
  const logp = logSoftmax(rows, 1);
  let weights: Tensor;
  // 1 for each position that counts, 0 for an ignored one (null: every position counts).
  let counted: Tensor | null = null;
  // Σ_i w[y_i], the weighted mean's denominator (null: the plain mean).
  let weightSum: Tensor | null = null;
  if (target.dtype === "int32") {
    const hot = oneHot(labels, classes, { ignore: ignoreIndex });
    if (ignoreIndex !== undefined) counted = sum(hot, 1, true); // an ignored label's row is all zeros
    weights = weight ? mul(hot, weight) : hot;
    if (weight) weightSum = sum(weights);
  } else {
    sameShapes("crossEntropy", input, target);
    const probabilities = input.rank === 2 ? target : classRows("crossEntropy", target, target).rows;
    weights = weight ? mul(probabilities, weight) : probabilities;
  }
  if (labelSmoothing > 0) {
    const uniform = weight ? mul(weight, labelSmoothing / classes) : labelSmoothing / classes; // ε w_c / C
    weights = add(mul(weights, 1 - labelSmoothing), counted ? mul(counted, uniform) : uniform);
  }
  const perRow = mul(sum(mul(weights, logp), 1), -1);
  if (reduction === "mean" && (weightSum || counted)) return div(sum(perRow), weightSum ?? sum(counted as Tensor));
  const loss = reduction === "none" && input.rank > 2 ? reshape(perRow, [input.shape[0], ...input.shape.slice(2)]) : perRow;
  return reduce(loss, reduction);
}

/** A class weight must be a float [C] tensor for C classes. */
function checkClassWeight(op: string, weight: Tensor | undefined, classes: number): void {
  if (weight)
    check(
      weight.rank === 1 && weight.shape[0] === classes && weight.dtype === "float32",
      op,
      () => `weight must be a float32 tensor of one value per class, [${classes}], got ${weight.dtype} ${fmtShape(weight.shape)}`,
    );
}

/** Negative log-likelihood of log-probabilities [N, C] at int32 targets [N]. */
export function nllLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  const { rows, labels, classes } = classRows("nllLoss", input, target);
  check(target.dtype === "int32", "nllLoss", () => `target must be int32 class indices, got ${target.dtype}`);
  return reduce(mul(sum(mul(oneHot(labels, classes), rows), 1), -1), options.reduction ?? "mean");
}

/** Binary cross-entropy on logits, computed stably: max(x, 0) - x t + log(1 + e^-|x|). */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  sameShapes("binaryCrossEntropyWithLogits", input, target);
  return reduce(apply1(bceWithLogitsOp, [input, target], {}), options.reduction ?? "mean");
}

/** Binary cross-entropy on probabilities: -(t log p + (1 - t) log(1 - p)), logs clamped at -100 like PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  sameShapes("binaryCrossEntropy", input, target);
  const logP = clamp(log(input), -100);
  const log1mP = clamp(log(sub(1, input)), -100);
  return reduce(mul(add(mul(target, logP), mul(sub(1, target), log1mP)), -1), options.reduction ?? "mean");
}

/**
 * Multi-class hinge loss (torch.nn.MultiMarginLoss): for each sample,
 * sum over j != y of max(0, margin - x[y] + x[j])^p, divided by C; with a class weight [C] each
 * sample's loss is scaled by w[y] (the mean still divides by N, as PyTorch's does).
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options: { p?: 1 | 2; margin?: number; reduction?: Reduction; weight?: Tensor } = {}): Tensor {
  const { p = 1, margin = 1, reduction = "mean", weight } = options;
  check(input.rank === 2, "multiMarginLoss", () => `input must be [N, C], got ${fmtShape(input.shape)}`);
  check(
    target.dtype === "int32" && target.rank === 1 && target.shape[0] === input.shape[0],
    "multiMarginLoss",
    () => `target must be int32 [${input.shape[0]}], got ${target.dtype} ${fmtShape(target.shape)}`,
  );
  check(p === 1 || p === 2, "multiMarginLoss", () => `p must be 1 or 2, got ${p}`);
  const classes = input.shape[1];
  const hot = oneHot(target, classes);
  const correct = sum(mul(input, hot), 1, true); // x[y], [N, 1]
  let hinge = mul(relu(add(sub(input, correct), margin)), sub(1, hot)); // j == y excluded
  if (p === 2) hinge = mul(hinge, hinge);
  checkClassWeight("multiMarginLoss", weight, classes);
  const perRow = mul(sum(hinge, 1), 1 / classes);
  return reduce(weight ? mul(perRow, sum(mul(hot, weight), 1)) : perRow, reduction);
}
