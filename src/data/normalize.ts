/**
 * Feature standardization for tabular data (scikit-learn's `StandardScaler`): Iris and CSV columns
 * come in their own units, and a network trains far better on zero-mean, unit-variance inputs. The
 * statistics come from the training set and are then applied to every split.
 */
import { check, fmtShape } from "../errors";
import { type Dataset, featureSize } from "./dataset";

/** Per-feature mean and standard deviation, [featureSize] each. */
export interface NormalizeStats {
  mean: Float32Array;
  /** Population standard deviation (ddof 0); a constant feature gets 1, so it maps to 0. */
  std: Float32Array;
}

/** The mean and standard deviation of each feature over the examples of `ds` (in float64). */
export function normalizeStats(ds: Dataset): NormalizeStats {
  check(ds.n >= 1, "normalizeStats", () => `needs at least one example, got none in "${ds.name}"`);
  const f = featureSize(ds);
  const sum = new Float64Array(f);
  for (let i = 0; i < ds.n; i++) for (let k = 0; k < f; k++) sum[k] += ds.x[i * f + k];
  const mean = sum.map((s) => s / ds.n);
  const squares = new Float64Array(f); // a second pass: no cancellation for large offsets
  for (let i = 0; i < ds.n; i++) for (let k = 0; k < f; k++) squares[k] += (ds.x[i * f + k] - mean[k]) ** 2;
  const std = squares.map((s) => (s > 0 ? Math.sqrt(s / ds.n) : 1));
  return { mean: Float32Array.from(mean), std: Float32Array.from(std) };
}

/**
 * A copy of `ds` whose features are standardized, `(x - mean) / std`, with float32 features; pass
 * the training set's stats to normalize the validation and test sets the same way.
 */
export function normalize<D extends Dataset>(ds: D, stats: NormalizeStats = normalizeStats(ds)): D & { x: Float32Array } {
  const f = featureSize(ds);
  check(
    stats.mean.length === f && stats.std.length === f,
    "normalize",
    () => `stats are for ${stats.mean.length} features, but "${ds.name}" has inputShape ${fmtShape(ds.inputShape)} (${f} features)`,
  );
  const x = new Float32Array(ds.n * f);
  for (let i = 0; i < ds.n; i++) for (let k = 0; k < f; k++) x[i * f + k] = (ds.x[i * f + k] - stats.mean[k]) / stats.std[k];
  return { ...ds, x };
}
