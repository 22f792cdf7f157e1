/**
 * Regression metrics over host arrays of real values, with scikit-learn's definitions: mean squared
 * error, mean absolute error and the coefficient of determination R².
 */
import { check } from "../../errors";
import { checkFinite, checkPair, type Values } from "./validate";

/** Checks a pair of target / prediction arrays: same length, not empty, finite. */
function checkTargets(fn: string, yTrue: unknown, yPred: unknown): asserts yTrue is Values {
  checkPair(fn, "yTrue", yTrue, "yPred", yPred);
  checkFinite(fn, "yTrue", yTrue, "target");
  checkFinite(fn, "yPred", yPred as Values, "prediction");
}

/** Residual sum of squares, `Σᵢ (yTrue[i] - yPred[i])²`. */
function sumSquaredError(yTrue: Values, yPred: Values): number {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += (yTrue[i] - yPred[i]) ** 2;
  return sum;
}

/** Mean squared error, `(1/n) Σᵢ (yTrue[i] - yPred[i])²`. */
export function meanSquaredError(yTrue: Values, yPred: Values): number {
  checkTargets("meanSquaredError", yTrue, yPred);
  return sumSquaredError(yTrue, yPred) / yTrue.length;
}

/** Mean absolute error, `(1/n) Σᵢ |yTrue[i] - yPred[i]|`. */
export function meanAbsoluteError(yTrue: Values, yPred: Values): number {
  checkTargets("meanAbsoluteError", yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += Math.abs(yTrue[i] - yPred[i]);
  return sum / yTrue.length;
}

/** Whether every element of `values` equals the first. */
function isConstant(values: Values): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

/** Total sum of squares around the mean, `Σᵢ (yTrue[i] - ȳ)²`; exactly 0 for constant targets. */
function totalSumOfSquares(yTrue: Values): number {
  if (isConstant(yTrue)) return 0;
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += yTrue[i];
  mean /= yTrue.length;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += (yTrue[i] - mean) ** 2;
  return sum;
}

/**
 * Coefficient of determination, `R² = 1 - SS_res / SS_tot` with `SS_res = Σᵢ (yᵢ - ŷᵢ)²` and
 * `SS_tot = Σᵢ (yᵢ - ȳ)²`, as `sklearn.metrics.r2_score`: 1 is a perfect fit, 0 predicting the mean,
 * and it is negative for worse. Constant targets (`SS_tot = 0`) give 1 when the predictions are
 * perfect and 0 otherwise (scikit-learn's `force_finite=True`). Targets are detected as constant by
 * comparing values, so rounding in the mean (e.g. of [0.1, 0.1, 0.1]) cannot make `SS_tot` a tiny
 * non-zero number. Needs at least 2 samples (scikit-learn returns NaN for one).
 */
export function r2Score(yTrue: Values, yPred: Values): number {
  const fn = "r2Score";
  checkTargets(fn, yTrue, yPred);
  check(yTrue.length >= 2, fn, () => "yTrue and yPred have 1 element; R² needs at least 2 samples");
  const residual = sumSquaredError(yTrue, yPred);
  const total = totalSumOfSquares(yTrue);
  if (residual === 0) return 1;
  if (total === 0) return 0;
  return 1 - residual / total;
}
