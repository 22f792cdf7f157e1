/**
 * The losses a config can name, and which of them classify: facts the page needs (the task of an
 * experiment, the loss picker) without loading the engine; src/train/objectives.ts maps each name to
 * its function.
 */

export const LOSSES = ["crossEntropy", "bceWithLogits", "multiMargin", "mseOneHot", "mse", "l1", "huber"] as const;
export type LossName = (typeof LOSSES)[number];

/** The losses of each task, as the Train tab's picker offers them. */
export const CLASSIFICATION_LOSSES: readonly LossName[] = ["crossEntropy", "multiMargin", "mseOneHot", "bceWithLogits"];
export const REGRESSION_LOSSES: readonly LossName[] = ["mse", "l1", "huber"];

/** Whether a loss compares class indices (classification) or values (regression). */
export const isClassification = (name: LossName) => CLASSIFICATION_LOSSES.includes(name);

export const LOSS_LABELS: Record<LossName, string> = {
  crossEntropy: "Cross-entropy",
  multiMargin: "Multi-margin (hinge)",
  bceWithLogits: "Binary cross-entropy (one logit)",
  mseOneHot: "Mean squared error on one-hot",
  mse: "Mean squared error",
  l1: "Mean absolute error (L1)",
  huber: "Huber",
};

/** What each loss does, in a sentence for learners. */
export const LOSS_HINTS: Record<LossName, string> = {
  crossEntropy: "Softmax over the class scores, then minus the log-probability of the true class: confident mistakes cost the most.",
  multiMargin: "Hinge: each wrong class's score must stay a margin of 1 below the true class's; beyond that, no loss and no gradient.",
  mseOneHot:
    "The class scores regressed onto the one-hot target: a confident mistake costs at most 2, so wrong answers are pushed less than by cross-entropy and training is often slower.",
  bceWithLogits: "Two classes as one score: sigmoid gives the probability of class 1, and the loss is its log-likelihood.",
  mse: "The squared difference: large errors dominate, and outliers pull hard.",
  l1: "The absolute difference: every unit of error costs the same, so outliers pull less.",
  huber: "Squared for small errors, absolute beyond 1: smooth near the answer, robust to outliers.",
};

/** The classification losses that take class weights (PyTorch's `weight` argument). */
export const WEIGHTED_LOSSES: readonly LossName[] = ["crossEntropy", "multiMargin"];
