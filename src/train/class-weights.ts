/**
 * Class weights for imbalanced data. "balanced" gives class c the weight n / (C · n_c), as
 * scikit-learn's class_weight="balanced" does: every class then carries the same total weight in the
 * loss, however few examples it has (a class with no training examples gets 0: it adds nothing).
 */
import type { Dataset } from "../data/dataset";
import type { ClassWeights } from "./config";
import { ConfigError } from "./config";

/** n / (C · n_c) for each class c of `labels` (class indices in [0, classes)). */
export function balancedClassWeights(labels: ArrayLike<number>, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts.map((count) => (count === 0 ? 0 : labels.length / (classes * count)));
}

/** The weight of each class of `train` that a config asks for (undefined: no weights). */
export function resolveClassWeights(weights: ClassWeights | undefined, train: Dataset): number[] | undefined {
  if (!weights) return undefined;
  const classes = train.classes;
  if (train.task !== "classification" || classes === undefined)
    throw new ConfigError("config training.classWeights: class weights need a classification dataset");
  if (weights === "balanced") return balancedClassWeights(train.y as Int32Array, classes);
  if (weights.length !== classes)
    throw new ConfigError(`config training.classWeights: the data has ${classes} classes, so give ${classes} weights (one per class), not ${weights.length}`);
  return weights;
}
