/**
 * Per-class scores from a confusion matrix (rows: true class, columns: predicted), for the page's
 * table beside the matrix (metrics/report.ts computes the same from labels and predictions, without
 * specificity), as scikit-learn's classification_report gives them: precision TP / (TP + FP), recall = sensitivity TP / (TP + FN),
 * specificity TN / (TN + FP), F1 the harmonic mean of precision and recall, support the class's
 * true count; 0 where a ratio's denominator is 0 (sklearn's zero_division=0). Macro averages weigh
 * every class alike.
 */
export interface ClassRow {
  precision: number;
  recall: number;
  specificity: number;
  f1: number;
  support: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

export function perClassScores(confusion: readonly (readonly number[])[]): { classes: ClassRow[]; macro: Omit<ClassRow, "support"> } {
  const k = confusion.length;
  const total = confusion.reduce((n, row) => n + row.reduce((a, b) => a + b, 0), 0);
  const classes = Array.from({ length: k }, (_, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((n, row) => n + row[c], 0);
    const [fn, fp] = [support - tp, predicted - tp];
    const tn = total - tp - fn - fp;
    const precision = ratio(tp, tp + fp);
    const recall = ratio(tp, tp + fn);
    return { precision, recall, specificity: ratio(tn, tn + fp), f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const mean = (key: keyof Omit<ClassRow, "support">) => classes.reduce((a, c) => a + c[key], 0) / Math.max(k, 1);
  return { classes, macro: { precision: mean("precision"), recall: mean("recall"), specificity: mean("specificity"), f1: mean("f1") } };
}
