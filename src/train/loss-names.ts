/**
 * The losses a config can name, and which of them classify: facts the page needs (the task of an
 * experiment, the loss picker) without loading the engine; src/train/objectives.ts maps each name to
 * its function.
 */

export const LOSSES = ["crossEntropy", "bceWithLogits", "multiMargin", "mse", "l1", "huber"] as const;
export type LossName = (typeof LOSSES)[number];

/** Whether a loss compares class indices (classification) or values (regression). */
export const isClassification = (name: LossName) => name === "crossEntropy" || name === "bceWithLogits" || name === "multiMargin";
