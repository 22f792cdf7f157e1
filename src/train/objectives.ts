/**
 * Loss functions by name, as configs and the playground choose them, with what each expects of the
 * model's output and the targets.
 */
import { check } from "../errors";
import { binaryCrossEntropyWithLogits, crossEntropy, huberLoss, l1Loss, mseLoss, multiMarginLoss } from "../nn/functional/losses";
import { permute, reshape } from "../ops/shape-ops";
import { cast } from "../ops/unary-api";
import type { Tensor } from "../tensor/tensor";
import { LOSSES, type LossName } from "./loss-names";

/** A loss of (model output, targets) -> a one-element tensor (the mean over the batch). */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

export function lossByName(name: LossName, options: { labelSmoothing?: number; delta?: number } = {}): LossFn {
  switch (name) {
    case "crossEntropy":
      // A label per step: the model's [B, T, classes] scores, as PyTorch's [B, classes, T] layout.
      return (out, y) => crossEntropy(y.rank === 2 && out.rank === 3 ? permute(out, [0, 2, 1]) : out, y, { labelSmoothing: options.labelSmoothing ?? 0 });
    case "bceWithLogits":
      // One logit per example for two classes: the targets are the class indices as 0/1.
      return (out, y) => binaryCrossEntropyWithLogits(reshape(out, [-1]), y.dtype === "int32" ? cast(y, "float32") : reshape(y, [-1]));
    case "multiMargin":
      return (out, y) => multiMarginLoss(out, y);
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
