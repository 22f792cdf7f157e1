/**
 * The one shape every dataset has (synthetic points, Iris, a user's CSV, MNIST), so that splits,
 * batches and the trainer work on any of them: host-side typed arrays, row-major, one row per example.
 */
import { check, fmtShape } from "../errors";
import type { Scaling } from "./scaling";

/** A dataset held on the host: features and targets as flat typed arrays, one row per example. */
export interface Dataset {
  name: string;
  task: "classification" | "regression";
  /** Shape of one example's features: [2] for points, [4] for Iris, [1, 28, 28] for images. */
  inputShape: number[];
  /** Features, [n, ...inputShape] row-major: Uint8Array (pixels 0..255) for image sets, Float32Array otherwise. */
  x: Float32Array | Uint8Array;
  /** Classification: Int32Array of class indices [n]. Regression: Float32Array [n, targetDim]. */
  y: Int32Array | Float32Array;
  n: number;
  /** Classification only. */
  classes?: number;
  /** Classification: the labels of one example, [T] for one label per step of a sequence (default: one label). */
  labelShape?: number[];
  classNames?: string[];
  /** Regression only (1 for the 2-D regression sets). */
  targetDim?: number;
  /** Token sets: the character (or word) each input token stands for. */
  vocabulary?: string[];
  /** A character model's data (labels: the next characters): how text is drawn from it, names one by one or a passage going on. */
  sampleAs?: "names" | "text";
  /** Tables and points: how the features were scaled (fitted on the training split), if they were. */
  scaling?: Scaling;
  /** Names of the feature columns of tabular sets (Iris, CSV), in order. */
  featureNames?: string[];
}

/** A classification dataset: labels are class indices in [0, classes). */
export interface ClassificationSet extends Dataset {
  task: "classification";
  y: Int32Array;
  classes: number;
  classNames: string[];
}

/** A regression dataset: targets are `targetDim` floats per example. */
export interface RegressionSet extends Dataset {
  task: "regression";
  y: Float32Array;
  targetDim: number;
}

/** 2-D points to classify (spiral, circle, xor...): x is [n, 2] float coordinates. */
export interface PointSet extends ClassificationSet {
  x: Float32Array;
}

/** 2-D points with a real-valued target (plane, multi-gaussian): x is [n, 2], y is [n, 1]. */
export interface PointRegressionSet extends RegressionSet {
  x: Float32Array;
}

/** Number of values in one example's features: the product of `inputShape` (784 for MNIST). */
export function featureSize(ds: Pick<Dataset, "inputShape">): number {
  return ds.inputShape.reduce((a, b) => a * b, 1);
}

/** Number of values in one example's target: its labels (1, or one per step) for classification, `targetDim` for regression. */
export function targetSize(ds: Pick<Dataset, "task" | "targetDim" | "labelShape">): number {
  return ds.task === "classification" ? (ds.labelShape ?? []).reduce((a, b) => a * b, 1) : (ds.targetDim ?? 1);
}

/** Whether each example has a label per step (a sequence labelled step by step) rather than one. */
export const labelsPerStep = (ds: Pick<Dataset, "task" | "labelShape">) => ds.task === "classification" && (ds.labelShape?.length ?? 0) > 0;

/**
 * Throws unless the arrays agree with `n`, `inputShape`, `task`, `classes` and `targetDim`: the
 * guard for datasets built by hand or read from outside.
 */
export function validateDataset(ds: Dataset): void {
  const op = `dataset "${ds.name}"`;
  check(Number.isInteger(ds.n) && ds.n >= 0, op, () => `n must be a whole number >= 0, got ${ds.n}`);
  check(
    ds.inputShape.length > 0 && ds.inputShape.every((d) => Number.isInteger(d) && d > 0),
    op,
    () => `inputShape must be positive whole sizes, got ${fmtShape(ds.inputShape)}`,
  );
  const f = featureSize(ds);
  check(ds.x.length === ds.n * f, op, () => `x has ${ds.x.length} values, expected n * featureSize = ${ds.n} * ${f} = ${ds.n * f}`);
  if (ds.task === "classification") {
    check(ds.y instanceof Int32Array, op, () => `classification labels must be an Int32Array, got ${ds.y.constructor.name}`);
    const classes = ds.classes;
    check(classes !== undefined && Number.isInteger(classes) && classes >= 1, op, () => `classification needs a whole number of classes, got ${classes}`);
    const t = targetSize(ds);
    check(ds.y.length === ds.n * t, op, () => `y has ${ds.y.length} labels, expected ${t === 1 ? `n = ${ds.n}` : `n * labels per example = ${ds.n} * ${t}`}`);
    for (let i = 0; i < ds.y.length; i++) {
      const label = ds.y[i];
      check(label >= 0 && label < classes, op, () => `label ${label} of example ${Math.floor(i / t)} is outside [0, ${classes - 1}]`);
    }
    check(ds.classNames === undefined || ds.classNames.length === classes, op, () => `${ds.classNames?.length} classNames for ${classes} classes`);
  } else {
    check(ds.y instanceof Float32Array, op, () => `regression targets must be a Float32Array, got ${ds.y.constructor.name}`);
    const t = targetSize(ds);
    check(ds.y.length === ds.n * t, op, () => `y has ${ds.y.length} values, expected n * targetDim = ${ds.n} * ${t} = ${ds.n * t}`);
  }
}

/** Counts the examples of each class: `[count of class 0, count of class 1, ...]`. */
export function classCounts(ds: Pick<Dataset, "task" | "y" | "classes" | "name">): number[] {
  check(ds.task === "classification" && ds.classes !== undefined, "classCounts", () => `needs a classification dataset, got ${ds.task} "${ds.name}"`);
  const counts = new Array<number>(ds.classes).fill(0);
  for (const label of ds.y) counts[label]++;
  return counts;
}

/**
 * A new dataset holding copies of the rows at `indices`, in that order (PyTorch's `Subset`, but
 * copied, so the result is self-contained and can be sent to a worker). Repeated indices are allowed.
 */
export function subset<D extends Dataset>(ds: D, indices: ArrayLike<number>): D {
  const f = featureSize(ds);
  const t = targetSize(ds);
  const m = indices.length;
  const x = ds.x instanceof Uint8Array ? new Uint8Array(m * f) : new Float32Array(m * f);
  const y = ds.y instanceof Int32Array ? new Int32Array(m * t) : new Float32Array(m * t);
  for (let r = 0; r < m; r++) {
    const i = indices[r];
    check(Number.isInteger(i) && i >= 0 && i < ds.n, "subset", () => `index ${i} at position ${r} is out of range for "${ds.name}" with ${ds.n} examples`);
    x.set(ds.x.subarray(i * f, (i + 1) * f), r * f);
    y.set(ds.y.subarray(i * t, (i + 1) * t), r * t);
  }
  return { ...ds, x, y, n: m, inputShape: [...ds.inputShape] } as D; // x and y keep the types of ds.x and ds.y
}

/** The examples of `a` then those of `b` (two splits of one dataset, e.g. train and validation for cross-validation). */
export function concatDatasets<D extends Dataset>(a: D, b: D): D {
  check(
    featureSize(a) === featureSize(b) && targetSize(a) === targetSize(b) && a.task === b.task,
    "concatDatasets",
    () => `"${a.name}" and "${b.name}" differ in their examples' shape or task`,
  );
  const x = a.x instanceof Uint8Array ? new Uint8Array(a.x.length + b.x.length) : new Float32Array(a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const y = a.y instanceof Int32Array ? new Int32Array(a.y.length + b.y.length) : new Float32Array(a.y.length + b.y.length);
  y.set(a.y);
  y.set(b.y, a.y.length);
  return { ...a, x, y, n: a.n + b.n, inputShape: [...a.inputShape] } as D;
}

/**
 * Throws naming the first example and feature (or target) that is NaN or infinite: such data make
 * every loss NaN, and training would then blame the learning rate. `role` names the set ("training").
 */
export function assertFiniteData(ds: Dataset, role: string): void {
  const where = (values: ArrayLike<number>, width: number, what: (column: number) => string): string | null => {
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return `example ${Math.floor(i / width) + 1}, ${what(i % width)}, is ${values[i]}`;
    return null;
  };
  const features =
    ds.x instanceof Float32Array ? where(ds.x, featureSize(ds), (c) => `feature ${c + 1}${ds.featureNames?.[c] ? ` (${ds.featureNames[c]})` : ""}`) : null;
  const targets = ds.y instanceof Float32Array ? where(ds.y, targetSize(ds), (c) => `target ${c + 1}`) : null;
  const problem = features ?? targets;
  if (problem) throw new Error(`the ${role} data hold values that are not numbers: ${problem}; remove or fill in such values before training`);
}
