/**
 * A short signature of a view's numbers: the Generative tab's plots set it as `data-signature`, and
 * the tests compare it to see a plot change without reading pixels.
 */

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
