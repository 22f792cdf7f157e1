/**
 * Typed arrays to RGBA images (ImageData's layout) for the canvases of the results panel: dataset
 * images stored channel-first, signed weights through the diverging map, activations through the
 * sequential map, and the decision-boundary grid. DOM-free, so it is tested in Node.
 */
import type { BoundaryReport } from "../../worker/protocol";
import { blendClasses, diverging, type Rgb, sequential } from "./colors";

/** Channels, height and width of one image. */
export interface ImageShape {
  channels: number;
  height: number;
  width: number;
}

/** An RGBA image ready for ImageData. */
export interface RgbaImage {
  rgba: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
}

/** Image `index` of a batch of uint8 C×H×W images, as RGBA (grey for one channel, the first three otherwise). */
export function chwToRgba(pixels: Uint8Array, index: number, shape: ImageShape): Uint8ClampedArray<ArrayBuffer> {
  const { channels, height, width } = shape;
  const plane = height * width;
  const base = index * channels * plane;
  const out = new Uint8ClampedArray(plane * 4);
  const color = channels >= 3;
  for (let i = 0; i < plane; i++) {
    const r = pixels[base + i];
    out[4 * i] = r;
    out[4 * i + 1] = color ? pixels[base + plane + i] : r;
    out[4 * i + 2] = color ? pixels[base + 2 * plane + i] : r;
    out[4 * i + 3] = 255;
  }
  return out;
}

/** Smallest and largest finite value of `values[offset .. offset + length)` ([0, 0] when none). */
export function valueRange(values: ArrayLike<number>, offset = 0, length = values.length - offset): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = offset; i < offset + length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo > hi ? [0, 0] : [lo, hi];
}

/** Largest |value| of the range, for a symmetric diverging scale (0 when none). */
export function absMax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  const [lo, hi] = valueRange(values, offset, length);
  return Math.max(-lo, hi);
}

function paint(length: number, color: (i: number) => Rgb): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(length * 4);
  for (let i = 0; i < length; i++) {
    const c = color(i);
    out[4 * i] = c[0];
    out[4 * i + 1] = c[1];
    out[4 * i + 2] = c[2];
    out[4 * i + 3] = 255;
  }
  return out;
}

/** `length` signed values from `offset` through the diverging map, ±`scale` at the ends. */
export function signedToRgba(values: ArrayLike<number>, offset: number, length: number, scale: number): Uint8ClampedArray<ArrayBuffer> {
  const s = scale > 0 ? scale : 1;
  return paint(length, (i) => diverging(values[offset + i] / s));
}

/** `length` values from `offset` through the sequential map, `lo` darkest and `hi` brightest. */
export function rangeToRgba(values: ArrayLike<number>, offset: number, length: number, lo: number, hi: number): Uint8ClampedArray<ArrayBuffer> {
  const span = hi > lo ? hi - lo : 1;
  return paint(length, (i) => sequential((values[offset + i] - lo) / span));
}

/** Three channels of a filter as one RGB image, each channel min-max scaled over the whole filter. */
export function filterRgbToRgba(values: ArrayLike<number>, offset: number, plane: number): Uint8ClampedArray<ArrayBuffer> {
  const [lo, hi] = valueRange(values, offset, 3 * plane);
  const span = hi > lo ? hi - lo : 1;
  const at = (i: number) => (255 * (values[offset + i] - lo)) / span;
  return paint(plane, (i) => [at(i), at(plane + i), at(2 * plane + i)]);
}

/** The boundary grid as a size×size RGBA image: class colours blended by probability. */
export function boundaryToRgba(report: BoundaryReport, colors: Rgb[]): Uint8ClampedArray<ArrayBuffer> {
  const { size, classes, values } = report;
  return paint(size * size, (i) => blendClasses(values, i * classes, classes, colors));
}

/** A regression surface as a size×size RGBA image through the diverging map, ±`scale` at the ends. */
export function surfaceToRgba(report: BoundaryReport, scale: number): Uint8ClampedArray<ArrayBuffer> {
  const s = scale > 0 ? scale : 1;
  return paint(report.size * report.size, (i) => diverging(report.values[i * report.classes] / s));
}
