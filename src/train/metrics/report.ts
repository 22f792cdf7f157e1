/**
 * A classification report like `sklearn.metrics.classification_report(..., output_dict=True)`: the
 * precision, recall, F1 and support of every class, their macro and support-weighted averages, and the
 * accuracy, as a plain object the UI can render as a table.
 */
import { check } from "../../errors";
import { accuracy, classCounts, type Metric, safeRatio, scoreFromCounts } from "./classification";
import { checkArray, checkClasses, checkLabelPair, uniqueSorted, type Values } from "./validate";

/** Precision, recall and F1 of one class or one average, and its support (number of true samples). */
export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** The scores of one class. */
export interface ClassScores extends Scores {
  label: number;
  /** `names[i]` when given, else the label as a string. */
  name: string;
}

export interface ClassificationReport {
  /** One row per class, in the order of `classes` (default: every label seen, ascending). */
  classes: ClassScores[];
  /** The unweighted mean of the per-class scores; support is the total. */
  macro: Scores;
  /** The mean of the per-class scores weighted by support; support is the total. */
  weighted: Scores;
  /** The fraction of all samples predicted correctly. */
  accuracy: number;
}

export interface ReportOptions {
  /** The classes to report, in order; default every label in yTrue or yPred, ascending. */
  classes?: Values;
  /** A display name per class, in the order of `classes`. */
  names?: readonly string[];
}

const METRICS: readonly Metric[] = ["precision", "recall", "f1"];

/** Combines per-class rows into one row, each class weighted by `weight(row)`. */
function averageRow(rows: ClassScores[], weight: (row: ClassScores) => number): Scores {
  const total = rows.reduce((s, r) => s + weight(r), 0);
  const avg = (m: Metric) =>
    safeRatio(
      rows.reduce((s, r) => s + r[m] * weight(r), 0),
      total,
    );
  return { precision: avg("precision"), recall: avg("recall"), f1: avg("f1"), support: rows.reduce((s, r) => s + r.support, 0) };
}

/**
 * Per-class precision `TP/(TP+FP)`, recall `TP/(TP+FN)`, F1 `2TP/(2TP+FP+FN)` and support
 * `TP+FN`, the macro average `(1/K) Σ_c score_c`, the weighted average `Σ_c support_c·score_c / Σ_c
 * support_c`, and the accuracy over all samples. Ratios with a zero denominator are 0.
 */
export function classificationReport(yTrue: Values, yPred: Values, options: ReportOptions = {}): ClassificationReport {
  const fn = "classificationReport";
  checkLabelPair(fn, yTrue, yPred);
  const classes = options.classes === undefined ? uniqueSorted(yTrue, yPred) : checkClasses(fn, options.classes);
  const names = options.names;
  if (names !== undefined) {
    checkArray(fn, "names", names);
    check(
      names.length === classes.length,
      fn,
      () => `names has ${names.length} name${names.length === 1 ? "" : "s"} for ${classes.length} classes; expected one name per class`,
    );
  }
  const counts = classCounts(yTrue, yPred, classes);
  const rows = classes.map((label, i): ClassScores => {
    const [precision, recall, f1] = METRICS.map((m) => scoreFromCounts(m, counts.tp[i], counts.predicted[i], counts.support[i]));
    return { label, name: names?.[i] ?? String(label), precision, recall, f1, support: counts.support[i] };
  });
  return {
    classes: rows,
    macro: averageRow(rows, () => 1),
    weighted: averageRow(rows, (r) => r.support),
    accuracy: accuracy(yTrue, yPred),
  };
}
