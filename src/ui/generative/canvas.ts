/**
 * The small canvas helpers the Generative tab's plots share: a canvas sized to its CSS box at the
 * device's pixel ratio, and a short signature of a view's numbers (tests compare it to see a plot
 * change without reading pixels).
 */

/** Sizes `canvas` to `cssWidth`×`cssHeight` CSS pixels at the device pixel ratio; returns its context scaled to CSS pixels. */
export function sizedContext(canvas: HTMLCanvasElement, cssWidth: number, cssHeight: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(cssWidth * dpr));
  canvas.height = Math.max(1, Math.round(cssHeight * dpr));
  const ctx = canvas.getContext("2d");
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** A short hash of arrays of numbers (FNV-1a over their values to 4 decimals). */
export function signature(...arrays: ArrayLike<number>[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      h ^= Math.round(a[i] * 1e4) | 0;
      h = Math.imul(h, 0x01000193);
    }
  return (h >>> 0).toString(16);
}
