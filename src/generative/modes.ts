/**
 * "Modes covered", the mode-collapse measure of Metz et al. (unrolled GANs) and Srivastava et al.
 * (VEEGAN): generated 2-D samples are assigned to the nearest mode of a gaussian mixture when they lie
 * within 3 standard deviations of it; a mode counts as covered when it gets at least 2% of the
 * samples, and the share of samples near some mode says how sharp the generator is.
 */
import { check } from "../errors";
import type { MixtureModes } from "./targets";

/** What modeCoverage() measured. */
export interface ModeCoverage {
  /** Modes with at least `minShare` of the samples within `radius` standard deviations. */
  covered: number;
  /** Number of modes of the target. */
  modes: number;
  /** Share of the samples within `radius` standard deviations of some mode, in [0, 1]. */
  nearShare: number;
  /** Samples near each mode. */
  counts: number[];
  samples: number;
}

/** Options of modeCoverage(). */
export interface ModeCoverageOptions {
  /** Share of the samples a mode needs to count as covered (default 0.02). */
  minShare?: number;
  /** Distance from a centre, in standard deviations, within which a sample is near it (default 3). */
  radius?: number;
}

/**
 * Counts generated `samples` ([n, 2] row-major) near each mode of `modes`: a sample belongs to its
 * nearest centre when within radius·std of it.
 */
export function modeCoverage(samples: ArrayLike<number>, modes: MixtureModes, options: ModeCoverageOptions = {}): ModeCoverage {
  const { minShare = 0.02, radius = 3 } = options;
  check(samples.length % 2 === 0 && samples.length > 0, "modeCoverage", () => `samples must be [n, 2] points, got ${samples.length} values`);
  const n = samples.length / 2;
  const limit = (radius * modes.std) ** 2;
  const counts = new Array<number>(modes.centres.length).fill(0);
  for (let i = 0; i < n; i++) {
    const x = samples[2 * i];
    const y = samples[2 * i + 1];
    let best = -1;
    let bestD = Infinity;
    modes.centres.forEach(([cx, cy], m) => {
      const d = (x - cx) ** 2 + (y - cy) ** 2;
      if (d < bestD) {
        bestD = d;
        best = m;
      }
    });
    if (bestD <= limit) counts[best]++;
  }
  const near = counts.reduce((a, b) => a + b, 0);
  return { covered: counts.filter((c) => c >= minShare * n).length, modes: counts.length, nearShare: near / n, counts, samples: n };
}
