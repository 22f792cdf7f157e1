/**
 * Evaluation metrics (src/train/metrics.ts): every output of the scikit-learn `metrics` case of
 * tests/fixtures/pytorch_parity.json to 1e-12, then hand-derived cases (perfect and inverted
 * classifiers, ties in ROC scores, zero division, constant regression targets) and the error messages.
 */
import { describe, expect, it } from "vitest";
import { OpError } from "../src/errors";
import * as m from "../src/train/metrics";
import { loadGoldens } from "./helpers/goldens";

const TOL = 1e-12;

/** Asserts |actual - expected| <= TOL, element-wise for arrays (nested arrays too), with the same shape. */
function expectClose(actual: unknown, expected: unknown, path = "value"): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    const a = actual as unknown[];
    expect(a.length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => {
      expectClose(a[i], e, `${path}[${i}]`);
    });
    return;
  }
  expect(typeof actual, `${path} is a number`).toBe("number");
  const [a, e] = [actual as number, expected as number];
  if (Number.isFinite(e)) expect(Math.abs(a - e), `${path}: ${a} vs ${e}`).toBeLessThanOrEqual(TOL);
  else expect(a, path).toBe(e);
}

/** Asserts that `fn` throws an OpError for `op` whose message is exactly `message`. */
function expectError(fn: () => unknown, op: string, message: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OpError);
  expect((error as OpError).op).toBe(op);
  expect((error as OpError).message).toBe(`${op}: ${message}`);
}

describe("scikit-learn goldens (the metrics case)", () => {
  const cases = loadGoldens().filter((c) => c.op === "metrics");
  const golden = cases[0];
  const input = (name: string) => golden.inputs[name] as number[];

  /** How each output of the case is computed here. */
  const COMPUTE: Record<string, () => unknown> = {
    accuracy: () => m.accuracy(input("y_true"), input("y_pred")),
    precision: () => m.precision(input("y_true"), input("y_pred")),
    recall: () => m.recall(input("y_true"), input("y_pred")),
    f1: () => m.f1(input("y_true"), input("y_pred")),
    roc_auc: () => m.rocAuc(input("y_true"), input("y_score")),
    confusion_matrix_multi: () => m.confusionMatrix(input("y_true_multi"), input("y_pred_multi")),
    f1_macro_multi: () => m.f1(input("y_true_multi"), input("y_pred_multi"), { average: "macro" }),
    precision_macro_multi: () => m.precision(input("y_true_multi"), input("y_pred_multi"), { average: "macro" }),
    recall_macro_multi: () => m.recall(input("y_true_multi"), input("y_pred_multi"), { average: "macro" }),
  };

  it("holds exactly one metrics case, with the inputs and outputs covered here", () => {
    expect(cases).toHaveLength(1);
    expect(Object.keys(golden.inputs).sort()).toEqual(["y_pred", "y_pred_multi", "y_score", "y_true", "y_true_multi"]);
    expect(Object.keys(golden.outputs).sort()).toEqual(Object.keys(COMPUTE).sort());
  });

  for (const key of Object.keys(COMPUTE)) {
    it(`${key} matches scikit-learn to 1e-12`, () => {
      expect(golden.outputs).toHaveProperty(key);
      expectClose(COMPUTE[key](), golden.outputs[key], key);
    });
  }

  it("gives the same numbers for typed arrays (Int32Array labels, Float32Array-exact scores)", () => {
    const yTrue = Int32Array.from(input("y_true"));
    const yPred = Float32Array.from(input("y_pred"));
    expectClose(m.f1(yTrue, yPred), golden.outputs.f1, "f1");
    expectClose(m.rocAuc(yTrue, Float64Array.from(input("y_score"))), golden.outputs.roc_auc, "roc_auc");
  });

  it("the classification report agrees with the multi-class goldens", () => {
    const report = m.classificationReport(input("y_true_multi"), input("y_pred_multi"));
    expect(report.classes.map((c) => c.label)).toEqual([0, 1, 2]);
    expect(report.classes.map((c) => c.support)).toEqual((golden.outputs.confusion_matrix_multi as number[][]).map((row) => row.reduce((s, v) => s + v)));
    expectClose(report.macro.precision, golden.outputs.precision_macro_multi, "macro precision");
    expectClose(report.macro.recall, golden.outputs.recall_macro_multi, "macro recall");
    expectClose(report.macro.f1, golden.outputs.f1_macro_multi, "macro f1");
    const matrix = golden.outputs.confusion_matrix_multi as number[][];
    const total = matrix.flat().reduce((s, v) => s + v);
    expectClose(report.accuracy, matrix.reduce((s, row, i) => s + row[i], 0) / total, "accuracy"); // the golden matrix's diagonal
  });
});

describe("accuracy", () => {
  it("is 1 for a perfect classifier and 0 for an inverted one", () => {
    expect(m.accuracy([0, 1, 1, 0], [0, 1, 1, 0])).toBe(1);
    expect(m.accuracy([0, 1, 1, 0], [1, 0, 0, 1])).toBe(0);
  });
  it("is the fraction of matching labels, for any array type", () => {
    expect(m.accuracy(Int32Array.of(0, 1, 2, 2), Float32Array.of(0, 2, 2, 1))).toBe(0.5);
    expect(m.accuracy([3, 3, 3], [3, 1, 3])).toBeCloseTo(2 / 3, 15);
  });
});

describe("binary precision, recall, F1, sensitivity, specificity", () => {
  // TP = 2 (0, 2), FN = 2 (1, 6), FP = 1 (3), TN = 3 (4, 5, 7)
  const yTrue = [1, 1, 1, 0, 0, 0, 1, 0];
  const yPred = [1, 0, 1, 1, 0, 0, 0, 0];

  it("counts the four cells", () => {
    expect(m.binaryCounts(yTrue, yPred)).toEqual({ tp: 2, fp: 1, tn: 3, fn: 2 });
    expect(m.binaryCounts(yTrue, yPred, 0)).toEqual({ tp: 3, fp: 2, tn: 2, fn: 1 });
  });
  it("match the hand-derived values with positiveLabel 1", () => {
    expectClose(m.precision(yTrue, yPred), 2 / 3);
    expectClose(m.recall(yTrue, yPred), 1 / 2);
    expectClose(m.f1(yTrue, yPred), 4 / 7); // 2·2 / (2·2 + 1 + 2), = 2PR/(P+R) = (2/3)/(7/6)
    expectClose(m.sensitivity(yTrue, yPred), 1 / 2);
    expectClose(m.specificity(yTrue, yPred), 3 / 4);
  });
  it("swap roles with positiveLabel 0", () => {
    expectClose(m.precision(yTrue, yPred, { positiveLabel: 0 }), 3 / 5);
    expectClose(m.recall(yTrue, yPred, { positiveLabel: 0 }), 3 / 4);
    expectClose(m.f1(yTrue, yPred, { positiveLabel: 0 }), 2 / 3); // 6 / (6 + 2 + 1)
    expectClose(m.sensitivity(yTrue, yPred, 0), 3 / 4);
    expectClose(m.specificity(yTrue, yPred, 0), 1 / 2);
  });
  it("accept any two labels", () => {
    expectClose(m.precision([-1, 1, 1, -1], [1, 1, -1, -1]), 1 / 2);
    expectClose(m.recall([5, 7, 7, 7], [7, 7, 5, 7], { positiveLabel: 7 }), 2 / 3);
  });
  it("are 1 for a perfect classifier and 0 for an inverted one", () => {
    const t = [0, 1, 1, 0, 1];
    const inverted = t.map((v) => 1 - v);
    for (const score of [m.precision, m.recall, m.f1]) {
      expect(score(t, t)).toBe(1);
      expect(score(t, inverted)).toBe(0);
    }
    expect(m.sensitivity(t, t)).toBe(1);
    expect(m.specificity(t, t)).toBe(1);
    expect(m.sensitivity(t, inverted)).toBe(0);
    expect(m.specificity(t, inverted)).toBe(0);
  });
  it("are 0 when a denominator is 0 (scikit-learn's default zero division)", () => {
    expect(m.precision([1, 0, 1], [0, 0, 0])).toBe(0); // nothing predicted positive
    expect(m.recall([0, 0, 0], [1, 0, 1])).toBe(0); // no positive sample
    expect(m.f1([0, 0, 0], [0, 0, 0])).toBe(0); // TP + FP + FN = 0; the positive class appears nowhere
    expect(m.precision([0, 0], [0, 0])).toBe(0);
    expect(m.recall([0, 0], [0, 0])).toBe(0);
    expect(m.sensitivity([0, 0], [0, 1])).toBe(0); // TP + FN = 0
    expect(m.specificity([1, 1], [1, 0])).toBe(0); // TN + FP = 0
    expect(m.f1([1, 0, 1], [0, 0, 0])).toBe(0);
  });
});

describe("multi-class averages", () => {
  // confusion matrix [[2, 1, 0], [0, 1, 1], [0, 0, 1]]; per class (P, R, F1, support):
  // 0: (1, 2/3, 4/5, 3)   1: (1/2, 1/2, 1/2, 2)   2: (1/2, 1, 2/3, 1)
  const yTrue = [0, 0, 0, 1, 1, 2];
  const yPred = [0, 0, 1, 1, 2, 2];

  it("macro is the plain mean of the per-class scores", () => {
    expectClose(m.precision(yTrue, yPred, { average: "macro" }), 2 / 3);
    expectClose(m.recall(yTrue, yPred, { average: "macro" }), 13 / 18);
    expectClose(m.f1(yTrue, yPred, { average: "macro" }), 59 / 90); // not the F1 of macro P and R (0.6933...)
  });
  it("weighted weighs each class by its support", () => {
    expectClose(m.precision(yTrue, yPred, { average: "weighted" }), 3 / 4);
    expectClose(m.recall(yTrue, yPred, { average: "weighted" }), 2 / 3);
    expectClose(m.f1(yTrue, yPred, { average: "weighted" }), 61 / 90);
  });
  it("micro pools the counts: every score equals the accuracy when all classes count", () => {
    for (const score of [m.precision, m.recall, m.f1]) expectClose(score(yTrue, yPred, { average: "micro" }), 4 / 6);
  });
  it("classes adds absent classes (scoring 0) or restricts the average to a subset", () => {
    expectClose(m.precision(yTrue, yPred, { average: "macro", classes: [0, 1, 2, 3] }), (1 + 1 / 2 + 1 / 2 + 0) / 4);
    expectClose(m.precision(yTrue, yPred, { average: "micro", classes: [0, 1] }), 3 / 4); // TP 2 + 1 over predicted 2 + 2
    expectClose(m.recall(yTrue, yPred, { average: "micro", classes: [0, 1] }), 3 / 5); // TP 3 over true 3 + 2
  });
  it("binary labels averaged over both classes", () => {
    const t = [1, 1, 1, 0, 0, 0, 1, 0];
    const p = [1, 0, 1, 1, 0, 0, 0, 0];
    expectClose(m.f1(t, p, { average: "macro" }), (4 / 7 + 2 / 3) / 2);
  });
});

describe("confusionMatrix", () => {
  it("has true classes as rows and predicted classes as columns", () => {
    expect(m.confusionMatrix([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2])).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });
  it("sorts the labels it finds, including labels only predicted", () => {
    expect(m.confusionMatrix([5, 2, 2], [2, 2, 9])).toEqual([
      [1, 0, 1],
      [1, 0, 0],
      [0, 0, 0],
    ]);
  });
  it("follows the order of classes, adds absent ones and leaves out samples of unlisted labels", () => {
    expect(m.confusionMatrix([0, 1, 1, 2], [0, 1, 0, 2], [1, 0, 3])).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });
  it("is diagonal for a perfect classifier and anti-diagonal for an inverted binary one", () => {
    const t = Int32Array.of(0, 1, 1, 0, 1);
    expect(m.confusionMatrix(t, t)).toEqual([
      [2, 0],
      [0, 3],
    ]);
    expect(
      m.confusionMatrix(
        t,
        t.map((v) => 1 - v),
      ),
    ).toEqual([
      [0, 2],
      [3, 0],
    ]);
  });
});

/** AUC by its ranking definition: P(positive scores above negative) + ½ P(tie), over all pairs. */
function pairwiseAuc(yTrue: number[], yScore: number[]): number {
  let wins = 0;
  let pairs = 0;
  yTrue.forEach((ti, i) => {
    yTrue.forEach((tj, j) => {
      if (ti !== 1 || tj !== 0) return;
      pairs++;
      wins += yScore[i] > yScore[j] ? 1 : yScore[i] === yScore[j] ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe("ROC curve and AUC", () => {
  it("reproduces scikit-learn's roc_curve docstring example", () => {
    // sklearn: roc_curve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], pos_label=2)
    const curve = m.rocCurve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], { positiveLabel: 2 });
    expect(curve).toEqual({ fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1] });
    expect(m.rocAuc([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], { positiveLabel: 2 })).toBe(0.75);
  });
  it("makes one step per tied score", () => {
    // sorted: 0.9 {1, 0} → (fps, tps) (1, 1); 0.5 {1, 0, 1} → (2, 3); 0.1 {0} → (3, 3); none is collinear
    const yTrue = [1, 0, 1, 0, 1, 0];
    const yScore = [0.9, 0.9, 0.5, 0.5, 0.5, 0.1];
    const curve = m.rocCurve(yTrue, yScore);
    expectClose(curve.fpr, [0, 1 / 3, 2 / 3, 1], "fpr");
    expectClose(curve.tpr, [0, 1 / 3, 1, 1], "tpr");
    expect(curve.thresholds).toEqual([Infinity, 0.9, 0.5, 0.1]);
    // trapezoids: (1/3)(0 + 1/3)/2 + (1/3)(1/3 + 1)/2 + (1/3)(1 + 1)/2 = 11/18; pairwise: 5.5 wins of 9
    expectClose(m.rocAuc(yTrue, yScore), 11 / 18);
    expectClose(pairwiseAuc(yTrue, yScore), 11 / 18);
  });
  it("all scores tied: the diagonal, AUC 1/2", () => {
    const curve = m.rocCurve([0, 1, 1, 0, 1], [0.3, 0.3, 0.3, 0.3, 0.3]);
    expect(curve).toEqual({ fpr: [0, 1], tpr: [0, 1], thresholds: [Infinity, 0.3] });
    expect(m.rocAuc([0, 1, 1, 0, 1], [0.3, 0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });
  it("drops collinear points: a perfect ranking keeps only its corner", () => {
    // fps [0, 0, 0, 1, 2, 3], tps [1, 2, 3, 3, 3, 3]: only index 2 (score 0.7) bends
    const yTrue = [1, 1, 1, 0, 0, 0];
    const yScore = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
    const curve = m.rocCurve(yTrue, yScore);
    expectClose(curve.fpr, [0, 0, 0, 1], "fpr");
    expectClose(curve.tpr, [0, 1 / 3, 1, 1], "tpr");
    expect(curve.thresholds).toEqual([Infinity, 0.9, 0.7, 0.4]);
    expect(m.rocAuc(yTrue, yScore)).toBe(1);
  });
  it("an inverted ranking has AUC 0", () => {
    // fps [1, 2, 3, 3, 3, 3], tps [0, 0, 0, 1, 2, 3]: only index 2 bends
    const yTrue = [0, 0, 0, 1, 1, 1];
    const yScore = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
    const curve = m.rocCurve(yTrue, yScore);
    expectClose(curve.fpr, [0, 1 / 3, 1, 1], "fpr");
    expectClose(curve.tpr, [0, 0, 0, 1], "tpr");
    expect(curve.thresholds).toEqual([Infinity, 0.9, 0.7, 0.4]);
    expect(m.rocAuc(yTrue, yScore)).toBe(0);
  });
  it("keeps every point of a two-step curve (nothing to drop below 3 points)", () => {
    expect(m.rocCurve([0, 1], [0.2, 0.8])).toEqual({ fpr: [0, 0, 1], tpr: [0, 1, 1], thresholds: [Infinity, 0.8, 0.2] });
  });
  it("accepts -1/1 labels, logits and typed arrays", () => {
    expectClose(m.rocAuc(Int32Array.of(-1, 1, -1, 1), Float32Array.of(-2.5, 0.5, 1, 3)), 3 / 4);
  });
  it("equals the pairwise AUC on random scores with many ties", () => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 20; trial++) {
      const yTrue = Array.from({ length: 50 }, () => (next() < 0.4 ? 1 : 0));
      yTrue[0] = 0;
      yTrue[1] = 1;
      const yScore = yTrue.map((t) => Math.round((next() + 0.3 * t) * 8) / 8);
      expectClose(m.rocAuc(yTrue, yScore), pairwiseAuc(yTrue, yScore), `trial ${trial}`);
    }
  });
});

describe("regression", () => {
  // scikit-learn's docstring example: MSE 0.375, MAE 0.5, R² 1 - 1.5/29.1875
  const yTrue = [3, -0.5, 2, 7];
  const yPred = [2.5, 0, 2, 8];

  it("mean squared and absolute errors", () => {
    expectClose(m.meanSquaredError(yTrue, yPred), 0.375);
    expectClose(m.meanAbsoluteError(yTrue, yPred), 0.5);
    expectClose(m.meanSquaredError(Float32Array.of(1, 2), Float32Array.of(1, 2)), 0);
  });
  it("R² = 1 - SS_res / SS_tot", () => {
    expectClose(m.r2Score(yTrue, yPred), 1 - 1.5 / 29.1875);
    expect(m.r2Score(yTrue, yTrue)).toBe(1);
    expect(m.r2Score([1, 2, 3], [2, 2, 2])).toBe(0); // predicting the mean
    expectClose(m.r2Score([1, 2, 3], [3, 2, 1]), -3); // 1 - 8/2
  });
  it("constant targets: 1 for perfect predictions, else 0", () => {
    expect(m.r2Score([4, 4, 4], [4, 4, 4])).toBe(1);
    expect(m.r2Score([4, 4, 4], [4, 4, 5])).toBe(0);
    expect(m.r2Score([4, 4, 4], [-100, 0, 100])).toBe(0);
    // the mean of [0.1, 0.1, 0.1] rounds to 0.10000000000000002: SS_tot must still be 0, not 6e-34
    expect(m.r2Score([0.1, 0.1, 0.1], [0.1, 0.1, 0.2])).toBe(0);
    expect(m.r2Score([0.1, 0.1, 0.1], [0.1, 0.1, 0.1])).toBe(1);
  });
});

describe("classificationReport", () => {
  it("reports each class, the macro and weighted averages and the accuracy", () => {
    const report = m.classificationReport([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], { names: ["cat", "dog", "bird"] });
    expect(report.classes.map(({ label, name, support }) => [label, name, support])).toEqual([
      [0, "cat", 3],
      [1, "dog", 2],
      [2, "bird", 1],
    ]);
    expectClose(
      report.classes.map((c) => [c.precision, c.recall, c.f1]),
      [
        [1, 2 / 3, 4 / 5],
        [1 / 2, 1 / 2, 1 / 2],
        [1 / 2, 1, 2 / 3],
      ],
    );
    expectClose([report.macro.precision, report.macro.recall, report.macro.f1, report.macro.support], [2 / 3, 13 / 18, 59 / 90, 6]);
    expectClose([report.weighted.precision, report.weighted.recall, report.weighted.f1, report.weighted.support], [3 / 4, 2 / 3, 61 / 90, 6]);
    expectClose(report.accuracy, 2 / 3);
  });
  it("lists the given classes in order, absent ones with zeros, and names default to the labels", () => {
    const report = m.classificationReport([1, 1, 0], [1, 0, 0], { classes: [2, 1, 0] });
    expect(report.classes.map((c) => c.name)).toEqual(["2", "1", "0"]);
    expect(report.classes[0]).toEqual({ label: 2, name: "2", precision: 0, recall: 0, f1: 0, support: 0 });
    expectClose(report.macro.precision, (0 + 1 + 1 / 2) / 3);
    expectClose(report.weighted.precision, (2 * 1 + 1 * (1 / 2)) / 3);
  });
});

describe("bad input explains itself", () => {
  it("arrays of different lengths", () => {
    const yTrue = Array.from({ length: 40 }, (_, i) => i % 2);
    expectError(() => m.rocAuc(yTrue, new Float32Array(39)), "rocAuc", "yTrue and yScore have 40 and 39 elements; expected the same length");
    expectError(() => m.accuracy([1, 0], [1]), "accuracy", "yTrue and yPred have 2 and 1 elements; expected the same length");
    expectError(() => m.meanSquaredError([1, 2, 3], [1]), "meanSquaredError", "yTrue and yPred have 3 and 1 elements; expected the same length");
  });
  it("empty arrays", () => {
    expectError(() => m.f1([], []), "f1", "yTrue and yPred are empty; expected at least one element");
    expectError(() => m.meanAbsoluteError(new Float32Array(0), []), "meanAbsoluteError", "yTrue and yPred are empty; expected at least one element");
  });
  it("something that is not an array", () => {
    expectError(
      () => m.accuracy(undefined as unknown as number[], [1]),
      "accuracy",
      "yTrue is undefined; expected an array of numbers (number[], Int32Array or Float32Array)",
    );
    expectError(
      () => m.rocCurve([0, 1], "0.2 0.8" as unknown as number[]),
      "rocCurve",
      "yScore is a string; expected an array of numbers (number[], Int32Array or Float32Array)",
    );
  });
  it("a ROC curve without both classes, or with more than two", () => {
    expectError(() => m.rocAuc([1, 1, 1], [0.2, 0.4, 0.9]), "rocAuc", "yTrue has only one class (1); the ROC curve needs both classes");
    expectError(() => m.rocCurve([0, 1, 2], [0.2, 0.4, 0.9]), "rocCurve", "yTrue holds 3 classes (0, 1, 2); the ROC curve needs binary labels");
    expectError(() => m.rocAuc([0, 2, 2], [0.2, 0.4, 0.9]), "rocAuc", "positiveLabel 1 is not one of yTrue's classes (0, 2); pass positiveLabel: 0 or 2");
  });
  it("scores or regression values that are not finite", () => {
    expectError(() => m.rocAuc([0, 1, 0], [0.2, 0.4, Number.NaN]), "rocAuc", "yScore[2] is NaN; expected a finite score");
    expectError(() => m.r2Score([1, 2], [1, Infinity]), "r2Score", "yPred[1] is Infinity; expected a finite prediction");
    expectError(() => m.meanSquaredError([Number.NaN, 2], [1, 2]), "meanSquaredError", "yTrue[0] is NaN; expected a finite target");
  });
  it("labels that are not integers (scores passed as predictions)", () => {
    expectError(() => m.accuracy([0, 1, 1], [0.2, 0.7, 0.9]), "accuracy", "yPred[0] is 0.2; expected an integer class label");
    expectError(() => m.rocAuc([0, 0.5], [0.1, 0.2]), "rocAuc", "yTrue[1] is 0.5; expected an integer class label");
  });
  it("binary metrics on multi-class labels, or a positive label that is not a class", () => {
    expectError(
      () => m.precision([0, 1, 2], [0, 1, 1]),
      "precision",
      'yTrue and yPred hold 3 classes (0, 1, 2); a binary metric needs at most 2; for multi-class use average "macro", "micro" or "weighted"',
    );
    expectError(() => m.specificity([2, 3, 3], [3, 3, 2]), "specificity", "positiveLabel 1 is not one of the classes (2, 3); pass positiveLabel: 2 or 3");
    expectError(() => m.recall([0, 1], [0, 1], { positiveLabel: 0.5 }), "recall", "positiveLabel is 0.5; expected an integer class label");
  });
  it("options that do not fit together", () => {
    expectError(
      () => m.f1([0, 1], [0, 1], { average: "mean" as m.Average }),
      "f1",
      'average is "mean"; expected one of "binary", "macro", "micro", "weighted"',
    );
    expectError(() => m.f1([0, 1], [0, 1], { average: "macro", positiveLabel: 0 }), "f1", 'positiveLabel applies to average "binary" only, not "macro"');
    expectError(
      () => m.f1([0, 1], [0, 1], { classes: [0, 1] }),
      "f1",
      'classes applies to average "macro", "micro" or "weighted", not "binary"; use positiveLabel instead',
    );
  });
  it("bad classes or names", () => {
    expectError(() => m.confusionMatrix([0, 1], [0, 1], [0, 1, 0]), "confusionMatrix", "classes lists 0 twice; expected distinct class labels");
    expectError(() => m.confusionMatrix([0, 1], [0, 1], []), "confusionMatrix", "classes is empty; expected at least one class label");
    expectError(
      () => m.classificationReport([0, 1], [0, 1], { names: ["a"] }),
      "classificationReport",
      "names has 1 name for 2 classes; expected one name per class",
    );
  });
  it("R² of a single sample", () => {
    expectError(() => m.r2Score([1], [1]), "r2Score", "yTrue and yPred have 1 element; R² needs at least 2 samples");
  });
  it("long label lists are cut short in messages", () => {
    const labels = Array.from({ length: 12 }, (_, i) => i);
    expectError(
      () => m.rocCurve(labels, labels),
      "rocCurve",
      "yTrue holds 12 classes (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ... 2 more); the ROC curve needs binary labels",
    );
  });
});
