/**
 * Input scaling for tabular and 2-D data, fitted on the training split only (fitting it on all the
 * data would let the test split leak into training):
 *
 * - standard (z-score): x' = (x - mean) / std per feature, std with n in the denominator as
 *   scikit-learn's StandardScaler; a constant feature keeps a scale of 1.
 * - minmax: x' = (x - min) / (max - min) per feature, so the training data span [0, 1]; a constant
 *   feature keeps a scale of 1.
 *
 * The same shift and scale are then applied to the validation and test splits, and recorded on the
 * datasets (and in exports) so that a model can be given new inputs the way it was trained.
 */
import { check } from "../errors";
import { type Dataset, featureSize } from "./dataset";

export const SCALINGS = ["none", "standard", "minmax"] as const;
export type ScalingKind = (typeof SCALINGS)[number];

/** What was subtracted from each feature and what it was divided by. */
export interface Scaling {
  kind: Exclude<ScalingKind, "none">;
  shift: number[];
  scale: number[];
}

/** The scaling of `kind` fitted on `train`'s features (float features only: tables and points). */
export function fitScaling(train: Dataset, kind: Scaling["kind"]): Scaling {
  check(train.x instanceof Float32Array, "fitScaling", () => `"${train.name}" has pixel data; scale tables and points only`);
  check(train.n > 0, "fitScaling", () => `"${train.name}" has no training examples to fit the scaling on`);
  const f = featureSize(train);
  const shift: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < f; j++) {
    let [sum, low, high] = [0, Infinity, -Infinity];
    for (let i = 0; i < train.n; i++) {
      const v = train.x[i * f + j];
      sum += v;
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    const mean = sum / train.n;
    let squares = 0;
    for (let i = 0; i < train.n; i++) squares += (train.x[i * f + j] - mean) ** 2;
    const spread = kind === "standard" ? Math.sqrt(squares / train.n) : high - low;
    shift.push(kind === "standard" ? mean : low);
    scale.push(spread > 0 ? spread : 1);
  }
  return { kind, shift, scale };
}

/** `ds` with every feature shifted and scaled by `scaling`, which it records. */
export function applyScaling<D extends Dataset>(ds: D, scaling: Scaling): D {
  const f = featureSize(ds);
  check(scaling.shift.length === f, "applyScaling", () => `the scaling has ${scaling.shift.length} features, "${ds.name}" has ${f}`);
  const x = new Float32Array(ds.x.length);
  for (let i = 0; i < x.length; i++) x[i] = (ds.x[i] - scaling.shift[i % f]) / scaling.scale[i % f];
  return { ...ds, x, scaling };
}

/** The splits scaled as `kind` says, with the statistics of the first (the training split); as they are for "none". */
export function scaleSplits<D extends Dataset>(kind: ScalingKind, train: D, ...others: D[]): D[] {
  if (kind === "none") return [train, ...others];
  const scaling = fitScaling(train, kind);
  return [train, ...others].map((ds) => applyScaling(ds, scaling));
}
