/**
 * The seeded generator behind rand, randn, dropout and initialisers. Each draw takes a fresh key from
 * (seed, counter); element i of a draw is pcg(pcg(i) ^ key), computed the same way here and in
 * shaders/rng.wgsl, so both backends produce the same numbers from the same seed.
 */

let seed = 0x2545f491;
let counter = 0;

/** PCG hash (Jarzynski & Olano 2020), in u32 arithmetic. */
export function pcg(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** Makes every later random draw reproducible (like torch.manual_seed). */
export function manualSeed(value: number): void {
  seed = pcg(Math.floor(Math.abs(value)) >>> 0) ^ 0x9e3779b9;
  counter = 0;
}

/** A key for the next random draw. */
export function nextKey(): number {
  counter++;
  return pcg((seed ^ pcg(counter)) >>> 0);
}

/** Uniform in [0, 1) for element i of the draw with `key` (24 bits, exact in float32). */
export function uniform01(key: number, i: number): number {
  return (pcg((pcg(i) ^ key) >>> 0) >>> 8) / 16777216;
}

/** Standard normal for element i (Box-Muller from uniforms 2i and 2i + 1). */
export function normal01(key: number, i: number): number {
  const u1 = 1 - uniform01(key, 2 * i);
  const u2 = uniform01(key, 2 * i + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Runs `fn` with its random draws taken from a stream of its own (`stream` picks which), then puts
 * the main stream back where it was: a view that draws (dropout in a train-mode preview) leaves the
 * training run's masks and samples exactly as they would have been without it.
 */
export function withRandomStream<T>(stream: number, fn: () => T): T {
  const saved = { seed, counter };
  seed = pcg((seed ^ pcg((stream ^ 0x51ed2701) >>> 0)) >>> 0);
  counter = 0;
  try {
    return fn();
  } finally {
    ({ seed, counter } = saved);
  }
}
