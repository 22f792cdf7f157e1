/**
 * The numbers behind the confusion matrix: each row as fractions of its true class, counts short
 * enough for a small cell, and the test examples of one cell, split into those whose images the
 * page already holds and those it does not.
 */

/** Each row divided by its sum (rows that sum to 0 stay 0). */
export function rowFractions(confusion: number[][]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

/** A count in at most four characters for a cell: 196 -> "196", 1000 -> "1k", 1234 -> "1.2k", 12345 -> "12k". */
export function cellCount(count: number): string {
  if (count < 1000) return String(count);
  const thousands = count / 1000;
  return thousands < 9.95 ? `${Number(thousands.toFixed(1))}k` : `${Math.round(thousands)}k`;
}

/** The share of all examples on the diagonal (NaN for an empty matrix). */
export function diagonalShare(confusion: number[][]): number {
  let right = 0;
  let total = 0;
  confusion.forEach((row, i) => {
    row.forEach((v, j) => {
      total += v;
      if (i === j) right += v;
    });
  });
  return total > 0 ? right / total : Number.NaN;
}

/** The examples of one cell: `shown` are positions in the image grid, `other` test indices without an image. */
export interface CellExamples {
  shown: { index: number; slot: number }[];
  other: number[];
}

/** Splits the test indices of a cell by whether `gridIndices` (the test indices of the grid's images) holds them. */
export function cellExamples(indices: ArrayLike<number>, gridIndices: ArrayLike<number> | undefined): CellExamples {
  const slots = new Map<number, number>();
  if (gridIndices) for (let s = 0; s < gridIndices.length; s++) slots.set(gridIndices[s], s);
  const result: CellExamples = { shown: [], other: [] };
  for (let i = 0; i < indices.length; i++) {
    const slot = slots.get(indices[i]);
    if (slot === undefined) result.other.push(indices[i]);
    else result.shown.push({ index: indices[i], slot });
  }
  return result;
}
