/**
 * Axis ticks and number labels for the hand-drawn plots (boundary axes, gradient-norm bars,
 * histograms): "nice" steps of 1, 2 or 5 times a power of ten, decades for log scales, and short
 * labels that stay readable at 11 px.
 */

/** About `count` evenly spaced round values covering [min, max] (inside it, ends included when round). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max)) || count < 1) return [];
  if (min === max) return [min];
  if (min > max) [min, max] = [max, min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  // d3's rule: the 1-2-5 multiple nearest to the raw step on a log scale.
  const step = power * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1);
  const ticks: number[] = [];
  const epsilon = step * 1e-9;
  for (let v = Math.ceil((min - epsilon) / step) * step; v <= max + epsilon; v += step) ticks.push(Math.abs(v) < epsilon ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

/** The decades (10^k) spanning the positive finite values; [1] when there are none. */
export function logDecades(values: ArrayLike<number>): number[] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > 0 && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo > hi) return [1];
  const first = Math.floor(Math.log10(lo));
  const last = Math.max(first + 1, Math.ceil(Math.log10(hi)));
  const decades: number[] = [];
  for (let k = first; k <= last; k++) decades.push(10 ** k);
  return decades;
}

/** A short label: "0", "0.25", "12.5", "1.2k", "3e-4"; "—" for non-finite values. */
export function formatShort(v: number): string {
  if (!Number.isFinite(v)) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4) return a >= 1e6 ? v.toExponential(0).replace("+", "") : `${Number((v / 1000).toPrecision(3))}k`;
  if (a < 1e-2) return v.toExponential(0).replace("+", "");
  return String(Number(v.toPrecision(3)));
}

/** A metric value with 4 significant digits ("0.04213", "1.203"), very large or small ones as "4.76e+20", or "—". */
export function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return "—";
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** A fraction as a percentage with one decimal ("97.3%"), or "—". */
export function formatPercent(v: number): string {
  return Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : "—";
}

/** A duration in words: "0.4 s", "12 s", "3 min", "1 h 20 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 10) return `${Number(seconds.toPrecision(2))} s`;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds - 3600 * hours) / 60);
  return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
}
