/**
 * The ROC curve and the area under it, for binary labels and real-valued scores (probabilities,
 * logits, margins), computed the way `sklearn.metrics.roc_curve` (drop_intermediate=True) and
 * `roc_auc_score` compute them, so the numbers match scikit-learn's, ties in the scores included.
 */
import { check } from "../../errors";
import { checkFinite, checkLabelOption, checkLabels, checkPair, fmtLabels, uniqueSorted, type Values } from "./validate";

export interface RocOptions {
  /** The positive class among the two labels of yTrue (default 1). */
  positiveLabel?: number;
}

/** The ROC curve: `fpr[i]` and `tpr[i]` are the rates of predicting positive when `score >= thresholds[i]`. */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Decreasing; the first is +Infinity (nothing predicted positive), the others are scores. */
  thresholds: number[];
}

/** Checks yTrue (two classes, one of them positiveLabel) and yScore (finite); returns yTrue = positive. */
function binaryTargets(fn: string, yTrue: unknown, yScore: unknown, positiveLabel: unknown): boolean[] {
  checkPair(fn, "yTrue", yTrue, "yScore", yScore);
  checkLabels(fn, "yTrue", yTrue);
  checkFinite(fn, "yScore", yScore as Values, "score");
  checkLabelOption(fn, "positiveLabel", positiveLabel);
  const classes = uniqueSorted(yTrue);
  check(classes.length !== 1, fn, () => `yTrue has only one class ${fmtLabels(classes)}; the ROC curve needs both classes`);
  check(classes.length === 2, fn, () => `yTrue holds ${classes.length} classes ${fmtLabels(classes)}; the ROC curve needs binary labels`);
  check(
    classes.includes(positiveLabel),
    fn,
    () => `positiveLabel ${positiveLabel} is not one of yTrue's classes ${fmtLabels(classes)}; pass positiveLabel: ${classes[0]} or ${classes[1]}`,
  );
  return Array.from(yTrue, (t) => t === positiveLabel);
}

/**
 * Cumulative counts at each distinct score, highest first (scikit-learn's `_binary_clf_curve`):
 * `tps[k]` / `fps[k]` = positives / negatives with `score >= thresholds[k]`. Tied scores form one step.
 */
function cumulativeCounts(positive: boolean[], yScore: Values): { fps: number[]; tps: number[]; thresholds: number[] } {
  const order = Array.from(positive, (_, i) => i).sort((a, b) => yScore[b] - yScore[a]);
  const out = { fps: [] as number[], tps: [] as number[], thresholds: [] as number[] };
  let tp = 0;
  for (let k = 0; k < order.length; k++) {
    if (positive[order[k]]) tp++;
    const last = k === order.length - 1 || yScore[order[k + 1]] !== yScore[order[k]];
    if (!last) continue;
    out.tps.push(tp);
    out.fps.push(k + 1 - tp);
    out.thresholds.push(yScore[order[k]]);
  }
  return out;
}

/**
 * Indices of the points kept by `drop_intermediate`: the ends, and every point where the curve bends,
 * i.e. where the second difference `x[k-1] - 2x[k] + x[k+1]` of fps or tps is not 0. Points on a
 * straight segment change neither the plot nor the area.
 */
function cornerIndices(fps: number[], tps: number[]): number[] {
  const n = fps.length;
  if (n <= 2) return fps.map((_, k) => k);
  const bends = (x: number[], k: number) => x[k - 1] - 2 * x[k] + x[k + 1] !== 0;
  const kept = [0];
  for (let k = 1; k < n - 1; k++) if (bends(fps, k) || bends(tps, k)) kept.push(k);
  kept.push(n - 1);
  return kept;
}

/**
 * The ROC curve, as `sklearn.metrics.roc_curve(yTrue, yScore, pos_label=positiveLabel)`:
 * for each threshold `t` (the distinct scores, decreasing, after a first +Infinity),
 * `tpr(t) = #{positive, score >= t} / #positive` and `fpr(t) = #{negative, score >= t} / #negative`.
 * Collinear intermediate points are dropped (drop_intermediate=True). Unlike scikit-learn, which
 * returns NaN rates with a warning, yTrue with one class only throws.
 */
export function rocCurve(yTrue: Values, yScore: Values, options: RocOptions = {}): RocCurve {
  return curve("rocCurve", yTrue, yScore, options);
}

function curve(fn: string, yTrue: Values, yScore: Values, options: RocOptions): RocCurve {
  const positive = binaryTargets(fn, yTrue, yScore, options.positiveLabel ?? 1);
  const { fps, tps, thresholds } = cumulativeCounts(positive, yScore);
  const kept = cornerIndices(fps, tps);
  const negatives = fps[fps.length - 1];
  const positives = tps[tps.length - 1];
  return {
    fpr: [0, ...kept.map((k) => fps[k] / negatives)],
    tpr: [0, ...kept.map((k) => tps[k] / positives)],
    thresholds: [Number.POSITIVE_INFINITY, ...kept.map((k) => thresholds[k])],
  };
}

/** Trapezoidal area under `y(x)` for non-decreasing x: `Σₖ (x[k+1] - x[k]) (y[k+1] + y[k]) / 2`. */
export function trapezoid(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let k = 0; k + 1 < x.length; k++) area += ((x[k + 1] - x[k]) * (y[k + 1] + y[k])) / 2;
  return area;
}

/**
 * Area under the ROC curve, `trapezoid(fpr, tpr)` of `rocCurve`, as `sklearn.metrics.roc_auc_score`
 * for binary labels. It equals the probability that a random positive scores above a random negative,
 * counting ties as one half: `(1 / (P·N)) Σ_{pos i, neg j} ([sᵢ > sⱼ] + ½[sᵢ = sⱼ])`. 0.5 is chance,
 * 1 a perfect ranking, 0 a perfectly inverted one.
 */
export function rocAuc(yTrue: Values, yScore: Values, options: RocOptions = {}): number {
  const { fpr, tpr } = curve("rocAuc", yTrue, yScore, options);
  return trapezoid(fpr, tpr);
}
