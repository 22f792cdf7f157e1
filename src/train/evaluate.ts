/**
 * Evaluating a model on a dataset: the mean loss, the predictions and the metrics that fit the
 * task (accuracy, precision/recall/F1, confusion matrix, ROC and AUC for two classes; MSE, MAE, R²
 * for regression). Runs in eval mode and without gradients, in batches, reading each back.
 */

import type { Backend } from "../backend/backend";
import { type Batch, batches } from "../data/batches";
import { type Dataset, targetSize } from "../data/dataset";
import type { Module } from "../nn/module";
import { tensor } from "../ops/creation";
import { reshape } from "../ops/shape-ops";
import { softmax } from "../ops/softmax";
import { sigmoid } from "../ops/unary-api";
import { noGrad, tidy, withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import * as m from "./metrics";
import type { LossFn } from "./objectives";

export interface ClassificationScores {
  accuracy: number;
  /** Macro averages over the classes (binary scores of class 1 for two classes). */
  precision: number;
  recall: number;
  f1: number;
  /** Rows: true class; columns: predicted class. */
  confusion: number[][];
  /** Two classes only. */
  auc?: number;
  roc?: m.RocCurve;
  sensitivity?: number;
  specificity?: number;
}

export interface RegressionScores {
  mse: number;
  mae: number;
  r2: number;
}

export interface Evaluation {
  loss: number;
  n: number;
  classification?: ClassificationScores;
  regression?: RegressionScores;
  /** Predicted class per example, or per step of each example for labels per step (classification). */
  predictions?: Int32Array;
  /** Class probabilities [n (x steps), classes] (classification; [n, 2] for a single-logit binary model). */
  probabilities?: Float32Array;
  /** Model outputs [n, targetDim] (regression). */
  outputs?: Float32Array;
}

/** Uploads a host batch to `backend` as (inputs [b, ...inputShape], targets). */
export function uploadBatch(backend: Backend, ds: Dataset, batch: Batch): { x: Tensor; y: Tensor } {
  return withBackend(backend, () => ({
    x: tensor(batch.x, { shape: [batch.size, ...ds.inputShape] }),
    y:
      batch.y instanceof Int32Array
        ? tensor(batch.y, { shape: [batch.size, ...(ds.labelShape ?? [])], dtype: "int32" })
        : tensor(batch.y, { shape: [batch.size, ds.targetDim ?? 1] }),
  }));
}

/** Loss and metrics of `model` on `ds` (the model is left in the mode it was in). */
export async function evaluate(model: Module, ds: Dataset, loss: LossFn, options: { backend: Backend; batchSize?: number }): Promise<Evaluation> {
  const wasTraining = model.training;
  model.eval();
  const classification = ds.task === "classification";
  const classes = ds.classes ?? 0;
  const labels = targetSize(ds); // per example: 1, or one per step
  const probabilities = classification ? new Float32Array(ds.n * labels * Math.max(classes, 2)) : null;
  const outputs = classification ? null : new Float32Array(ds.n * (ds.targetDim ?? 1));
  let lossSum = 0;
  try {
    for (const batch of batches(ds, { batchSize: options.batchSize ?? 256, shuffle: false })) {
      const [lossT, outT] = noGrad(() =>
        tidy(() => {
          const { x, y } = uploadBatch(options.backend, ds, batch);
          const out = model.forward(x);
          const l = loss(out, y);
          if (!classification) return [l, out];
          const p = out.shape[out.rank - 1] === 1 ? sigmoid(reshape(out, [-1])) : softmax(out, -1);
          return [l, p];
        }),
      );
      const [l, o] = await Promise.all([lossT.data(), outT.data()]);
      lossT.dispose();
      outT.dispose();
      lossSum += l[0] * batch.size;
      placeRows(classification ? (probabilities as Float32Array) : (outputs as Float32Array), o, batch, classification && outT.rank === 1 ? 1 : 0);
    }
  } finally {
    model.train(wasTraining);
  }
  const result: Evaluation = { loss: lossSum / ds.n, n: ds.n };
  if (classification) {
    const probs = probabilities as Float32Array;
    const width = Math.max(classes, 2);
    const predictions = new Int32Array(ds.n * labels);
    for (let i = 0; i < predictions.length; i++) {
      let best = 0;
      for (let c = 1; c < width; c++) if (probs[i * width + c] > probs[i * width + best]) best = c;
      predictions[i] = best;
    }
    result.predictions = predictions;
    result.probabilities = probs;
    result.classification = classificationScores(ds.y as Int32Array, predictions, probs, width);
  } else {
    result.outputs = outputs as Float32Array;
    result.regression = { mse: m.meanSquaredError(ds.y, result.outputs), mae: m.meanAbsoluteError(ds.y, result.outputs), r2: m.r2Score(ds.y, result.outputs) };
  }
  return result;
}

/**
 * Writes a batch's rows into the full-dataset array, in dataset order. A single-logit binary model
 * gives p(class 1) per row, stored as the pair (1 - p, p).
 */
function placeRows(target: Float32Array, rows: ArrayLike<number>, batch: Batch, singleLogit: number): void {
  const width = singleLogit ? 2 : rows.length / batch.size;
  for (let r = 0; r < batch.size; r++) {
    const at = batch.indices[r] * width;
    if (singleLogit) {
      target[at] = 1 - rows[r];
      target[at + 1] = rows[r];
    } else for (let c = 0; c < width; c++) target[at + c] = rows[r * width + c];
  }
}

function classificationScores(yTrue: Int32Array, yPred: Int32Array, probs: Float32Array, width: number): ClassificationScores {
  const labels = Array.from({ length: width }, (_, c) => c);
  const binary = width === 2;
  const average = binary ? "binary" : "macro";
  const scores: ClassificationScores = {
    accuracy: m.accuracy(yTrue, yPred),
    precision: m.precision(yTrue, yPred, { average }),
    recall: m.recall(yTrue, yPred, { average }),
    f1: m.f1(yTrue, yPred, { average }),
    confusion: m.confusionMatrix(yTrue, yPred, labels),
  };
  const hasBoth = yTrue.some((v) => v === 0) && yTrue.some((v) => v === 1);
  if (binary && hasBoth) {
    const score = Float32Array.from({ length: yTrue.length }, (_, i) => probs[i * 2 + 1]);
    scores.auc = m.rocAuc(yTrue, score);
    scores.roc = m.rocCurve(yTrue, score);
    scores.sensitivity = m.sensitivity(yTrue, yPred);
    scores.specificity = m.specificity(yTrue, yPred);
  }
  return scores;
}
