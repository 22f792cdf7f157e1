/**
 * Loss functions by name, as configs and the playground choose them, with what each expects of the
 * model's output and the targets.
 */
import { check } from "../errors";
import { binaryCrossEntropyWithLogits, crossEntropy, huberLoss, l1Loss, mseLoss, multiMarginLoss } from "../nn/functional/losses";
import { tensor } from "../ops/creation";
import { oneHot } from "../ops/indexing";
import { permute, reshape } from "../ops/shape-ops";
import { cast } from "../ops/unary-api";
import { withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { LOSSES, type LossName, WEIGHTED_LOSSES } from "./loss-names";

/** A loss of (model output, targets) -> a one-element tensor (the mean over the batch). */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/**
 * The loss called `name`. classWeights (one per class, crossEntropy and multiMargin only) weigh each
 * example by its true class's weight, as PyTorch's `weight` argument does.
 */
export function lossByName(name: LossName, options: { labelSmoothing?: number; delta?: number; classWeights?: readonly number[] } = {}): LossFn {
  const { classWeights } = options;
  check(
    !classWeights || WEIGHTED_LOSSES.includes(name),
    "loss",
    () => `class weights apply to ${WEIGHTED_LOSSES.join(" and ")}, not ${name}; remove them or change the loss`,
  );
  // Made beside the model's output, on its backend, at each call (a [C] upload, no extra submit).
  const weight = (like: Tensor) => (classWeights ? withBackend(like.backend, () => tensor(Float32Array.from(classWeights))) : undefined);
  switch (name) {
    case "crossEntropy":
      // A label per step: the model's [B, T, classes] scores, as PyTorch's [B, classes, T] layout.
      return (out, y) =>
        crossEntropy(y.rank === 2 && out.rank === 3 ? permute(out, [0, 2, 1]) : out, y, { labelSmoothing: options.labelSmoothing ?? 0, weight: weight(out) });
    case "bceWithLogits":
      // One logit per example for two classes: the targets are the class indices as 0/1.
      return (out, y) => binaryCrossEntropyWithLogits(reshape(out, [-1]), y.dtype === "int32" ? cast(y, "float32") : reshape(y, [-1]));
    case "multiMargin":
      return (out, y) => multiMarginLoss(out, y, { weight: weight(out) });
    case "mseOneHot":
      // PyTorch: F.mse_loss(out, F.one_hot(y, C).float()), the mean over every score.
      return (out, y) => mseLoss(out, oneHot(y, out.shape[out.rank - 1]));
    case "mse":
      return (out, y) => mseLoss(out, reshape(y, out.shape));
    case "l1":
      return (out, y) => l1Loss(out, reshape(y, out.shape));
    case "huber":
      return (out, y) => huberLoss(out, reshape(y, out.shape), { delta: options.delta ?? 1 });
    default:
      check(false, "loss", () => `unknown loss "${name satisfies never}"; expected one of ${LOSSES.join(", ")}`);
      throw new Error("unreachable");
  }
}
