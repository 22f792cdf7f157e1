/**
 * Layout for the layer statistics: the bars of a weight histogram in a width×height box, and the
 * position of a gradient norm on a log axis spanning whole decades.
 */

/** One histogram bar: its box (y grows down from the top) and the value range and count it stands for. */
export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  from: number;
  to: number;
  count: number;
}

/** Bars of `counts` (equal bins over [min, max]) filling width×height, the tallest bar full height. */
export function histogramBars(counts: ArrayLike<number>, min: number, max: number, width: number, height: number): Bar[] {
  const n = counts.length;
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, counts[i]);
  const binWidth = width / Math.max(1, n);
  const binValue = (max - min) / Math.max(1, n);
  return Array.from({ length: n }, (_, i) => {
    const h = top > 0 ? (counts[i] / top) * height : 0;
    return { x: i * binWidth, y: height - h, width: binWidth, height: h, from: min + i * binValue, to: min + (i + 1) * binValue, count: counts[i] };
  });
}

/** Where `value` falls on [min, max] mapped to [0, width], or null when outside (or the range is empty). */
export function valueToX(value: number, min: number, max: number, width: number): number | null {
  if (!(max > min) || value < min || value > max) return null;
  return ((value - min) / (max - min)) * width;
}

/** `value`'s position in [0, 1] on a log axis from the first to the last of `decades` (0 for values ≤ 0). */
export function logFraction(value: number, decades: number[]): number {
  if (!(value > 0) || decades.length < 2) return 0;
  const lo = Math.log10(decades[0]);
  const hi = Math.log10(decades[decades.length - 1]);
  return Math.max(0, Math.min(1, (Math.log10(value) - lo) / (hi - lo)));
}
