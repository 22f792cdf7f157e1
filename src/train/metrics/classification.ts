/**
 * Classification metrics over host arrays of integer class labels, with scikit-learn's definitions:
 * accuracy, the confusion matrix, precision / recall / F1 (binary, or averaged over classes like
 * `precision_recall_fscore_support`), sensitivity and specificity. A ratio whose denominator is 0 is
 * 0, as scikit-learn's default `zero_division="warn"` returns (without the warning).
 */
import { check } from "../../errors";
import { checkClasses, checkLabelOption, checkLabelPair, fmtLabels, uniqueSorted, type Values } from "./validate";

/** How `precision`, `recall` and `f1` combine classes (scikit-learn's `average`). */
export type Average = "binary" | "macro" | "micro" | "weighted";

const AVERAGES: readonly Average[] = ["binary", "macro", "micro", "weighted"];

export interface ScoreOptions {
  /**
   * - `"binary"` (default): the score of `positiveLabel` alone; the labels must hold at most 2 classes.
   * - `"macro"`: the unweighted mean of the per-class scores.
   * - `"micro"`: the score of the summed counts (TP, FP, FN over all classes).
   * - `"weighted"`: the mean of the per-class scores weighted by support (true instances per class).
   */
  average?: Average;
  /** The positive class for `average: "binary"` (default 1). */
  positiveLabel?: number;
  /** The classes to average over (not `"binary"`); default: every label in yTrue or yPred, ascending. */
  classes?: Values;
}

/** Per-class counts: true positives, predicted (TP + FP) and true (TP + FN) instances. */
export interface ClassCounts {
  classes: number[];
  tp: number[];
  predicted: number[];
  support: number[];
}

/** `num / den`, or 0 when `den` is 0 (scikit-learn's default zero division). */
export function safeRatio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

/** `Σ values`. */
function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

/** Arithmetic mean of `values`, or 0 when there are none. */
function mean(values: readonly number[]): number {
  return safeRatio(sum(values), values.length);
}

/**
 * Accuracy: the fraction of samples whose predicted label equals the true label,
 * `(1/n) Σᵢ [yTrue[i] = yPred[i]]`.
 */
export function accuracy(yTrue: Values, yPred: Values): number {
  checkLabelPair("accuracy", yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}

/** The classes a metric reports on: `classes` when given, else every label seen, ascending. */
function resolveClasses(fn: string, yTrue: Values, yPred: Values, classes: Values | undefined): number[] {
  return classes === undefined ? uniqueSorted(yTrue, yPred) : checkClasses(fn, classes);
}

/**
 * Confusion matrix `C` with `C[i][j]` = the number of samples of true class `classes[i]` predicted as
 * `classes[j]`: rows are true classes, columns predicted classes, like `sklearn.metrics.confusion_matrix`.
 * `classes` defaults to every label in yTrue or yPred, ascending; as in scikit-learn, samples whose
 * true or predicted label is not in `classes` are left out.
 */
export function confusionMatrix(yTrue: Values, yPred: Values, classes?: Values): number[][] {
  const fn = "confusionMatrix";
  checkLabelPair(fn, yTrue, yPred);
  const labels = resolveClasses(fn, yTrue, yPred, classes);
  const index = new Map(labels.map((c, i) => [c, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (let k = 0; k < yTrue.length; k++) {
    const i = index.get(yTrue[k]);
    const j = index.get(yPred[k]);
    if (i !== undefined && j !== undefined) matrix[i][j]++;
  }
  return matrix;
}

/** Counts TP, predicted and true instances of each of `classes` (labels not listed are ignored). */
export function classCounts(yTrue: Values, yPred: Values, classes: number[]): ClassCounts {
  const index = new Map(classes.map((c, i) => [c, i]));
  const zeros = () => classes.map(() => 0);
  const counts: ClassCounts = { classes, tp: zeros(), predicted: zeros(), support: zeros() };
  for (let k = 0; k < yTrue.length; k++) {
    const t = index.get(yTrue[k]);
    const p = index.get(yPred[k]);
    if (t !== undefined) counts.support[t]++;
    if (p !== undefined) counts.predicted[p]++;
    if (t !== undefined && t === p) counts.tp[t]++;
  }
  return counts;
}

/** Which score: precision `TP / (TP + FP)`, recall `TP / (TP + FN)`, F1 `2TP / (2TP + FP + FN)`. */
export type Metric = "precision" | "recall" | "f1";

/**
 * One score from counts. F1 is computed as current scikit-learn computes it, `2TP / (2TP + FP + FN)`, which
 * equals the harmonic mean `2PR / (P + R)` whenever that is defined.
 */
export function scoreFromCounts(metric: Metric, tp: number, predicted: number, support: number): number {
  if (metric === "precision") return safeRatio(tp, predicted);
  if (metric === "recall") return safeRatio(tp, support);
  return safeRatio(2 * tp, predicted + support);
}

/**
 * The positive class of a binary problem, checked: yTrue and yPred together hold at most 2 classes,
 * and `positiveLabel` is one of them when there are 2 (scikit-learn's rules for `average="binary"`).
 */
function binaryPositive(fn: string, yTrue: Values, yPred: Values, positiveLabel: unknown): number {
  checkLabelOption(fn, "positiveLabel", positiveLabel);
  const labels = uniqueSorted(yTrue, yPred);
  check(
    labels.length <= 2,
    fn,
    () =>
      `yTrue and yPred hold ${labels.length} classes ${fmtLabels(labels)}; a binary metric needs at most 2; for multi-class use average "macro", "micro" or "weighted"`,
  );
  check(
    labels.length < 2 || labels.includes(positiveLabel),
    fn,
    () => `positiveLabel ${positiveLabel} is not one of the classes ${fmtLabels(labels)}; pass positiveLabel: ${labels[0]} or ${labels[1]}`,
  );
  return positiveLabel;
}

/** Averages per-class scores: macro (plain mean), micro (score of summed counts) or weighted (by support). */
function averageScores(metric: Metric, average: Exclude<Average, "binary">, counts: ClassCounts): number {
  if (average === "micro") return scoreFromCounts(metric, sum(counts.tp), sum(counts.predicted), sum(counts.support));
  const scores = counts.classes.map((_, i) => scoreFromCounts(metric, counts.tp[i], counts.predicted[i], counts.support[i]));
  if (average === "macro") return mean(scores);
  return safeRatio(sum(scores.map((s, i) => s * counts.support[i])), sum(counts.support));
}

/** precision / recall / f1 with their options, as `sklearn.metrics.precision_recall_fscore_support`. */
function score(fn: string, metric: Metric, yTrue: Values, yPred: Values, options: ScoreOptions): number {
  checkLabelPair(fn, yTrue, yPred);
  const average = options.average ?? "binary";
  check(AVERAGES.includes(average), fn, () => `average is ${JSON.stringify(average)}; expected one of ${AVERAGES.map((a) => `"${a}"`).join(", ")}`);
  if (average === "binary") {
    check(options.classes === undefined, fn, () => `classes applies to average "macro", "micro" or "weighted", not "binary"; use positiveLabel instead`);
    const positive = binaryPositive(fn, yTrue, yPred, options.positiveLabel ?? 1);
    const c = classCounts(yTrue, yPred, [positive]);
    return scoreFromCounts(metric, c.tp[0], c.predicted[0], c.support[0]);
  }
  check(options.positiveLabel === undefined, fn, () => `positiveLabel applies to average "binary" only, not "${average}"`);
  const counts = classCounts(yTrue, yPred, resolveClasses(fn, yTrue, yPred, options.classes));
  return averageScores(metric, average, counts);
}

/**
 * Precision, `TP / (TP + FP)`: of the samples predicted positive, the fraction that are. Binary by
 * default (`positiveLabel` 1); `average` combines classes for multi-class labels. 0 when nothing is
 * predicted positive.
 */
export function precision(yTrue: Values, yPred: Values, options: ScoreOptions = {}): number {
  return score("precision", "precision", yTrue, yPred, options);
}

/**
 * Recall, `TP / (TP + FN)`: of the positive samples, the fraction predicted positive. Binary by
 * default (`positiveLabel` 1); `average` combines classes for multi-class labels. 0 when no sample
 * is positive.
 */
export function recall(yTrue: Values, yPred: Values, options: ScoreOptions = {}): number {
  return score("recall", "recall", yTrue, yPred, options);
}

/**
 * F1, the harmonic mean of precision and recall, `2PR / (P + R) = 2TP / (2TP + FP + FN)`. Binary by
 * default (`positiveLabel` 1); `average: "macro"` is the mean of the per-class F1 scores (not the
 * F1 of the macro precision and recall), as in scikit-learn. 0 when TP + FP + FN is 0.
 */
export function f1(yTrue: Values, yPred: Values, options: ScoreOptions = {}): number {
  return score("f1", "f1", yTrue, yPred, options);
}

/** The four cells of a binary confusion matrix `[[TN, FP], [FN, TP]]`. */
export interface BinaryCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/**
 * Counts TP, FP, TN and FN with `positiveLabel` (default 1) as the positive class and the other label
 * as the negative one; yTrue and yPred together must hold at most 2 classes.
 */
export function binaryCounts(yTrue: Values, yPred: Values, positiveLabel = 1): BinaryCounts {
  return countBinary("binaryCounts", yTrue, yPred, positiveLabel);
}

/** binaryCounts, with errors naming the metric `fn` that asked. */
function countBinary(fn: string, yTrue: Values, yPred: Values, positiveLabel: number): BinaryCounts {
  checkLabelPair(fn, yTrue, yPred);
  const positive = binaryPositive(fn, yTrue, yPred, positiveLabel);
  const counts: BinaryCounts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] === positive;
    const p = yPred[i] === positive;
    if (t && p) counts.tp++;
    else if (p) counts.fp++;
    else if (t) counts.fn++;
    else counts.tn++;
  }
  return counts;
}

/** Sensitivity (true positive rate, recall of the positive class), `TP / (TP + FN)`; 0 when TP + FN is 0. */
export function sensitivity(yTrue: Values, yPred: Values, positiveLabel = 1): number {
  const c = countBinary("sensitivity", yTrue, yPred, positiveLabel);
  return safeRatio(c.tp, c.tp + c.fn);
}

/** Specificity (true negative rate, recall of the negative class), `TN / (TN + FP)`; 0 when TN + FP is 0. */
export function specificity(yTrue: Values, yPred: Values, positiveLabel = 1): number {
  const c = countBinary("specificity", yTrue, yPred, positiveLabel);
  return safeRatio(c.tn, c.tn + c.fp);
}
