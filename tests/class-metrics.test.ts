/**
 * Per-class scores from a confusion matrix against scikit-learn's classification_report (values
 * worked out below as sklearn computes them, zero_division=0), with specificity, and the macro
 * averages; a one-vs-rest ROC per class in the test report of a multi-class task.
 */
import { expect, it } from "vitest";
import type { Dataset } from "../src/data/dataset";
import type { Evaluation } from "../src/train/evaluate";
import { perClassScores } from "../src/train/metrics/per-class";
import { testReport } from "../src/worker/reports";

it("gives precision, recall, specificity, F1 and support per class, and macro averages", () => {
  // y_true = [0]*5 + [1]*3 + [2]*2; predictions arranged as this confusion matrix:
  const confusion = [
    [4, 1, 0],
    [1, 1, 1],
    [0, 0, 2],
  ];
  const { classes, macro } = perClassScores(confusion);
  // precision_recall_fscore_support: precision [0.8, 0.5, 0.6667], recall [0.8, 0.3333, 1.0], f1 [0.8, 0.4, 0.8], support [5, 3, 2]
  expect(classes.map((c) => c.support)).toEqual([5, 3, 2]);
  expect(classes.map((c) => c.precision)).toEqual([0.8, 0.5, 2 / 3].map((v) => expect.closeTo(v, 12)));
  expect(classes.map((c) => c.recall)).toEqual([0.8, 1 / 3, 1].map((v) => expect.closeTo(v, 12)));
  expect(classes.map((c) => c.f1)).toEqual([0.8, 0.4, 0.8].map((v) => expect.closeTo(v, 12)));
  // specificity = TN / (TN + FP): class 0: 4 / (4 + 1); class 1: 6 / (6 + 1); class 2: 7 / (7 + 1)
  expect(classes.map((c) => c.specificity)).toEqual([0.8, 6 / 7, 7 / 8].map((v) => expect.closeTo(v, 12)));
  // classification_report's macro avg: precision 0.6556, recall 0.7111, f1 0.6667
  expect(macro.precision).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  expect(macro.recall).toBeCloseTo((0.8 + 1 / 3 + 1) / 3, 12);
  expect(macro.f1).toBeCloseTo(2 / 3, 12);
  // A class never predicted: precision 0 (zero_division=0), not NaN.
  expect(
    perClassScores([
      [1, 0],
      [1, 0],
    ]).classes[1],
  ).toEqual({ precision: 0, recall: 0, specificity: 1, f1: 0, support: 1 });
});

it("a multi-class test report carries each class's ROC against the rest", () => {
  const labels = Int32Array.from([0, 1, 2, 0, 1, 2]);
  // Classes 0 and 1 scored highest on their own examples; a class-1 example scores 0.45 for class 2.
  const probabilities = Float32Array.from([0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.3, 0.3, 0.4, 0.9, 0.05, 0.05, 0.05, 0.5, 0.45, 0.5, 0.1, 0.4]);
  const predictions = Int32Array.from([0, 1, 2, 0, 1, 0]);
  const e = {
    loss: 0.5,
    n: 6,
    predictions,
    probabilities,
    classification: {
      accuracy: 5 / 6,
      precision: 0,
      recall: 0,
      f1: 0,
      confusion: [
        [2, 0, 0],
        [0, 2, 0],
        [1, 0, 1],
      ],
    },
  } as unknown as Evaluation;
  const test = { name: "t", task: "classification", inputShape: [2], x: new Float32Array(12), y: labels, n: 6, classes: 3 } as Dataset;
  const report = testReport(e, test, 10);
  expect(report.roc).toBeUndefined();
  expect(report.rocByClass).toHaveLength(3);
  expect(report.rocByClass?.[0]?.auc).toBe(1); // both 0s score above every other example
  expect(report.rocByClass?.[1]?.auc).toBe(1);
  // class 2: its own 0.4 and 0.4 against 0.1, 0.1, 0.05 and 0.45: 6 of the 8 pairs in order (roc_auc_score 0.75)
  expect(report.rocByClass?.[2]?.auc).toBeCloseTo(0.75, 6);
});
