/**
 * The decision boundary as lines: marching squares over the grid of class probabilities. For each
 * class k the field p_k - max_{j≠k} p_j is positive exactly where k wins, so its zero crossings,
 * linearly interpolated between cell centres, trace the edges of k's region.
 */

/** Flat segments [x1, y1, x2, y2, ...] in grid units (x: column, y: row, cell centres at integers) where `field` crosses 0. */
export function zeroCrossings(field: ArrayLike<number>, size: number): number[] {
  const out: number[] = [];
  const at = (r: number, c: number) => field[r * size + c];
  const cross = (a: number, b: number) => a < 0 !== b < 0;
  for (let r = 0; r + 1 < size; r++)
    for (let c = 0; c + 1 < size; c++) {
      const tl = at(r, c);
      const tr = at(r, c + 1);
      const br = at(r + 1, c + 1);
      const bl = at(r + 1, c);
      const points: number[] = [];
      if (cross(tl, tr)) points.push(c + tl / (tl - tr), r);
      if (cross(tr, br)) points.push(c + 1, r + tr / (tr - br));
      if (cross(bl, br)) points.push(c + bl / (bl - br), r + 1);
      if (cross(tl, bl)) points.push(c, r + tl / (tl - bl));
      if (points.length === 4) out.push(...points);
      else if (points.length === 8) {
        // A saddle: pair the crossings so the centre's sign stays on one side.
        const centreAgreesWithTopLeft = tl + tr + br + bl < 0 === tl < 0;
        if (centreAgreesWithTopLeft) out.push(points[0], points[1], points[2], points[3], points[4], points[5], points[6], points[7]);
        else out.push(points[0], points[1], points[6], points[7], points[2], points[3], points[4], points[5]);
      }
    }
  return out;
}

/** The class-region edges of a [size*size, classes] probability grid, as flat segments in grid units. */
export function boundaryLines(probs: ArrayLike<number>, size: number, classes: number): number[] {
  if (classes < 2) return [];
  const field = new Float32Array(size * size);
  const out: number[] = [];
  // Two classes share one edge: class 0's field is minus class 1's.
  for (let k = 0; k < (classes === 2 ? 1 : classes); k++) {
    for (let i = 0; i < size * size; i++) {
      let other = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < classes; j++) if (j !== k) other = Math.max(other, probs[i * classes + j]);
      field[i] = probs[i * classes + k] - other;
    }
    for (const v of zeroCrossings(field, size)) out.push(v);
  }
  return out;
}
