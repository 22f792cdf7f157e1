/**
 * A small seeded random generator for data (shuffling, synthetic sets): mulberry32, with a normal
 * sampler on top. Separate from the tensor generator so that data stays the same whoever draws
 * tensors in between.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** murmur3's 32-bit finalizer: every input bit flips about half the output bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A seed for one stream derived from a base seed, e.g. `deriveSeed(seed, epoch)`: nearby inputs
 * give unrelated seeds, and the order of the inputs matters (`deriveSeed(1, 2) !== deriveSeed(2, 1)`),
 * so epoch 1 and epoch 2 shuffle independently.
 */
export function deriveSeed(seed: number, ...streams: number[]): number {
  let h = fmix32((seed ^ 0x9e3779b9) >>> 0);
  for (const s of [...streams, streams.length]) h = fmix32((h ^ fmix32((s + 0x6a09e667) >>> 0)) + 0x3c6ef372);
  return h;
}
