/**
 * Evaluation metrics over host arrays (number[], Int32Array, Float32Array): the trainer reads
 * predictions back from the GPU and calls these. Definitions and edge cases follow scikit-learn's
 * `sklearn.metrics`; bad input throws an `OpError` naming the metric, what it got and what it expected.
 *
 * - classification (metrics/classification.ts): accuracy, confusionMatrix, precision, recall, f1,
 *   sensitivity, specificity, binaryCounts
 * - ranking (metrics/roc.ts): rocCurve, rocAuc
 * - regression (metrics/regression.ts): meanSquaredError, meanAbsoluteError, r2Score
 * - summary (metrics/report.ts): classificationReport
 */
export {
  type Average,
  accuracy,
  type BinaryCounts,
  binaryCounts,
  confusionMatrix,
  f1,
  precision,
  recall,
  type ScoreOptions,
  sensitivity,
  specificity,
} from "./metrics/classification";
export { type ClassRow, perClassScores } from "./metrics/per-class";
export { meanAbsoluteError, meanSquaredError, r2Score } from "./metrics/regression";
export { type ClassificationReport, type ClassScores, classificationReport, type ReportOptions, type Scores } from "./metrics/report";
export { type RocCurve, type RocOptions, rocAuc, rocCurve, trapezoid } from "./metrics/roc";
export type { Values } from "./metrics/validate";
