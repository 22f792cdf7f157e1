/**
 * The evaluation reports of a session: a split's loss and accuracy, the decision boundary of a 2-D
 * model over a grid, and the test report (metrics, confusion matrix with the examples of each cell,
 * the first test images with their predictions, ROC for two classes). Each builds fresh typed
 * arrays, so the worker can transfer them.
 */
import type { Backend } from "../backend/backend";
import type { Dataset } from "../data/dataset";
import { subset } from "../data/dataset";
import type { Module } from "../nn/module";
import { tensor } from "../ops/creation";
import { reshape, slice } from "../ops/shape-ops";
import { softmax } from "../ops/softmax";
import { sigmoid } from "../ops/unary-api";
import { noGrad, tidy, withBackend } from "../tensor/engine";
import type { Evaluation } from "../train/evaluate";
import { rocCurve, trapezoid } from "../train/metrics";
import type { BoundaryReport, SplitScore, TestReport } from "./protocol";

/** Examples of the fixed training subset whose loss and accuracy the epoch reports show. */
export const TRAIN_SCORE_EXAMPLES = 1000;
/** Side of the decision-boundary grid. */
export const BOUNDARY_GRID = 100;
/** Test images in the report's grid. */
export const TEST_GRID = 48;
/** Test indices kept per confusion-matrix cell. */
export const CELL_EXAMPLES = 32;

/** The training examples scored after each epoch: all of them, or the first TRAIN_SCORE_EXAMPLES (the splits are shuffled). */
export function trainScoreSet(train: Dataset): Dataset {
  return train.n <= TRAIN_SCORE_EXAMPLES
    ? train
    : subset(
        train,
        Int32Array.from({ length: TRAIN_SCORE_EXAMPLES }, (_, i) => i),
      );
}

/** Loss, accuracy and balanced accuracy (NaN for regression) of an evaluation. */
export function scoreOf(e: Evaluation): SplitScore {
  const confusion = e.classification?.confusion;
  return { loss: e.loss, accuracy: e.classification?.accuracy ?? Number.NaN, balancedAccuracy: confusion ? balancedAccuracy(confusion) : Number.NaN };
}

/** The mean over the classes present (rows with examples) of recall = diagonal / row sum. */
export function balancedAccuracy(confusion: number[][]): number {
  const recalls = confusion.flatMap((row, c) => {
    const n = row.reduce((a, b) => a + b, 0);
    return n > 0 ? [row[c] / n] : [];
  });
  return recalls.length ? recalls.reduce((a, b) => a + b, 0) / recalls.length : Number.NaN;
}

/** Half the side of the square the boundary covers: the largest coordinate of the points plus a margin (at least 1). */
export function boundaryExtent(sets: Dataset[]): number {
  let largest = 1;
  for (const ds of sets) for (const v of ds.x) largest = Math.max(largest, Math.abs(v));
  return Math.ceil(largest * 1.1 * 10) / 10;
}

/**
 * The model's output over a BOUNDARY_GRID² grid of [-extent, extent]², rows from the top:
 * class probabilities for classification, the first output for regression.
 */
export async function boundaryReport(model: Module, backend: Backend, ds: Dataset, extent: number, step: number): Promise<BoundaryReport> {
  const size = BOUNDARY_GRID;
  const coords = new Float32Array(size * size * 2);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      const k = (r * size + c) * 2;
      coords[k] = -extent + (2 * extent * (c + 0.5)) / size;
      coords[k + 1] = extent - (2 * extent * (r + 0.5)) / size;
    }
  const classification = ds.task === "classification";
  const out = withBackend(backend, () =>
    noGrad(() =>
      tidy(() => {
        const y = model.forward(tensor(coords, { shape: [size * size, 2] })); // [size², outputs]
        if (!classification) return slice(y, 1, 0, 1);
        return y.shape[1] > 1 ? softmax(y, 1) : reshape(sigmoid(y), [-1]); // one logit: p(class 1)
      }),
    ),
  );
  const read = (await out.data()) as Float32Array;
  const singleLogit = classification && out.rank === 1;
  out.dispose();
  const classes = classification ? Math.max(ds.classes ?? 2, 2) : 1;
  let values = read;
  if (singleLogit) {
    values = new Float32Array(size * size * 2);
    for (let i = 0; i < size * size; i++) {
      values[2 * i] = 1 - read[i];
      values[2 * i + 1] = read[i];
    }
  }
  return { step, size, extent, classes, values };
}

/** The test report of an evaluation of `test`. */
export function testReport(e: Evaluation, test: Dataset, step: number): TestReport {
  const c = e.classification;
  if (!c || !e.predictions || !e.probabilities)
    return { step, loss: e.loss, accuracy: Number.NaN, precision: Number.NaN, recall: Number.NaN, f1: Number.NaN, confusion: [], cellExamples: [] };
  const classes = c.confusion.length;
  const labels = test.y as Int32Array;
  const cells: number[][] = Array.from({ length: classes * classes }, () => []);
  for (let i = 0; i < test.n; i++) {
    const cell = cells[labels[i] * classes + e.predictions[i]];
    if (cell.length < CELL_EXAMPLES) cell.push(i);
  }
  const report: TestReport = {
    step,
    loss: e.loss,
    accuracy: c.accuracy,
    precision: c.precision,
    recall: c.recall,
    f1: c.f1,
    confusion: c.confusion.map((row) => [...row]),
    cellExamples: cells.map((cell) => Int32Array.from(cell)),
  };
  if (test.inputShape.length === 3) report.grid = imageGrid(e, test, classes);
  if (c.roc && c.auc !== undefined) report.roc = { fpr: Float32Array.from(c.roc.fpr), tpr: Float32Array.from(c.roc.tpr), auc: c.auc };
  else if (classes > 2 && classes <= 20) report.rocByClass = oneVsRest(e.probabilities, labels, classes);
  return report;
}

/** Each class's ROC against the rest (its probability as the score); null for a class the labels lack. */
function oneVsRest(probabilities: Float32Array, labels: Int32Array, classes: number): NonNullable<TestReport["rocByClass"]> {
  return Array.from({ length: classes }, (_, c) => {
    const isClass = Int32Array.from(labels, (l) => (l === c ? 1 : 0));
    if (!isClass.includes(1) || !isClass.includes(0)) return null;
    const score = Float32Array.from({ length: labels.length }, (_, i) => probabilities[i * classes + c]);
    const curve = rocCurve(isClass, score);
    return { fpr: Float32Array.from(curve.fpr), tpr: Float32Array.from(curve.tpr), auc: trapezoid(curve.fpr, curve.tpr) };
  });
}

/** The first TEST_GRID test images with their labels, predictions and the probability of the prediction. */
function imageGrid(e: Evaluation, test: Dataset, classes: number): NonNullable<TestReport["grid"]> {
  const count = Math.min(TEST_GRID, test.n);
  const pixels = test.inputShape.reduce((a, b) => a * b, 1);
  const predictions = (e.predictions as Int32Array).slice(0, count);
  const probabilities = e.probabilities as Float32Array;
  const width = Math.max(classes, 2);
  return {
    indices: Int32Array.from({ length: count }, (_, i) => i),
    pixels: Uint8Array.from(test.x.subarray(0, count * pixels)),
    labels: (test.y as Int32Array).slice(0, count),
    predictions,
    confidence: Float32Array.from({ length: count }, (_, i) => probabilities[i * width + predictions[i]]),
  };
}
