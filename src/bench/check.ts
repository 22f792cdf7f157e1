/**
 * Correctness before speed: a benchmark's results are compared with a float64 reference at sampled
 * positions before anything is timed, so a fast wrong kernel cannot post a number.
 */

/**
 * Throws unless every sampled |actual - expected| <= tol (1 + |expected|). `actual` is the result
 * array, or a function reading element `index` (in the reference's layout).
 */
export function checkSamples(
  name: string,
  actual: ArrayLike<number> | ((index: number) => number),
  samples: { index: number; expected: number }[],
  tol = 2e-3,
): void {
  const read = typeof actual === "function" ? actual : (i: number) => actual[i];
  for (const { index, expected } of samples) {
    const got = read(index);
    if (!(Math.abs(got - expected) <= tol * (1 + Math.abs(expected))))
      throw new Error(`${name}: element ${index} is ${got}, the float64 reference says ${expected}; not timing a wrong result`);
  }
}

/** Deterministic pseudo-random floats in [-1, 1). */
export function randomArray(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Evenly spread sample positions in [0, n). */
export function samplePositions(n: number, count = 16): number[] {
  return Array.from({ length: Math.min(count, n) }, (_, i) => Math.floor(((i + 0.5) * n) / Math.min(count, n)));
}
