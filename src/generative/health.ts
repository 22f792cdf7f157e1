/**
 * Is a GAN still learning? The three classic failures, read from numbers the playground already has:
 *
 * - the discriminator wins: it calls (nearly) every real example real and every fake fake, so its
 *   loss heads to 0 and the generator's gradient through it vanishes;
 * - the generator's loss explodes: D is so sure the fakes are fake that G's loss keeps growing;
 * - mode collapse: the generated samples are all alike, far less spread than the real data
 *   (measured as the ratio of their spreads, the root of the mean squared distance to the mean).
 *   An untrained generator's samples start bunched too, so it counts as a collapse only once they
 *   have been spread out (to COLLAPSE_FROM of the real spread) and shrank again, or when they never
 *   spread within LATE_ITERATIONS.
 *
 * Each verdict comes with what it means and what to try. DOM-free and pure, so it is tested alone.
 */
import type { GanStepEvent } from "./gan-trainer";

export type HealthStatus = "ok" | "discriminator-wins" | "generator-explodes" | "collapse" | "diverged";

export interface HealthReport {
  status: HealthStatus;
  /** A short headline ("Mode collapse"), empty when ok. */
  title: string;
  /** What is happening and what to try, empty when ok. */
  message: string;
}

/** Iterations the loss rules average over; fewer than this and only the spread is judged. */
export const HEALTH_WINDOW = 40;
/** D accuracy on both real and fake examples above which it has won. */
const WIN_ACCURACY = 0.99;
/** Mean G loss above which it explodes (non-saturating: D(G(z)) ≈ e^-8). */
const EXPLODED_G_LOSS = 8;
/** Generated spread below this share of the real spread is a collapse... */
const COLLAPSED_SPREAD = 0.15;
/** ...after it had reached this share, or after this many iterations. */
const COLLAPSE_FROM = 0.3;
const LATE_ITERATIONS = 1000;

export const HEALTHY: HealthReport = { status: "ok", title: "", message: "" };

/** The root mean squared distance of `n` examples (rows of `values`) to their mean. */
export function spread(values: ArrayLike<number>, n: number): number {
  if (n === 0) return 0;
  const width = values.length / n;
  const mean = new Float64Array(width);
  for (let i = 0; i < values.length; i++) mean[i % width] += values[i] / n;
  let total = 0;
  for (let i = 0; i < values.length; i++) total += (values[i] - mean[i % width]) ** 2;
  return Math.sqrt(total / n);
}

/**
 * Judges a GAN from its last iterations (newest last) and the spread of its samples relative to the
 * real data's: now (`ratio`, null when unknown) and the largest seen so far (`peak`). The first
 * failure found wins, in the order above.
 */
export function ganHealth(recent: readonly GanStepEvent[], spreadRatio: { ratio: number; peak: number } | null): HealthReport {
  const window = recent.slice(-HEALTH_WINDOW);
  if (window.length === HEALTH_WINDOW) {
    const mean = (key: keyof GanStepEvent) => window.reduce((s, e) => s + e[key], 0) / window.length;
    if (mean("dRealAccuracy") >= WIN_ACCURACY && mean("dFakeAccuracy") >= WIN_ACCURACY)
      return {
        status: "discriminator-wins",
        title: "The discriminator has won",
        message: `Over the last ${HEALTH_WINDOW} iterations D told real from fake ${pct(Math.min(mean("dRealAccuracy"), mean("dFakeAccuracy")))} of the time, so the generator's gradient through it has all but vanished. Lower D's learning rate, add one-sided label smoothing (0.1), or give D fewer steps per iteration; then roll back and continue.`,
      };
    if (mean("gLoss") > EXPLODED_G_LOSS)
      return {
        status: "generator-explodes",
        title: "The generator's loss is exploding",
        message: `G's loss averaged ${mean("gLoss").toFixed(1)} over the last ${HEALTH_WINDOW} iterations: D rejects every fake with certainty. Use the non-saturating or least-squares loss, lower both learning rates, then roll back to the last good checkpoint.`,
      };
  }
  const iterations = recent.at(-1)?.step ?? 0;
  if (spreadRatio && spreadRatio.ratio < COLLAPSED_SPREAD && (spreadRatio.peak >= COLLAPSE_FROM || iterations >= LATE_ITERATIONS))
    return {
      status: "collapse",
      title: "Mode collapse",
      message: `The generated samples are nearly all alike: their spread is ${pct(spreadRatio.ratio)} of the real data's${spreadRatio.peak >= COLLAPSE_FROM ? `, down from ${pct(spreadRatio.peak)}` : ""}. The generator found one output that fools D and stopped exploring. Try a lower learning rate, more discriminator steps per iteration, or the least-squares loss; roll back to the last good checkpoint first.`,
    };
  return HEALTHY;
}

/** The report for a run stopped by a NaN or infinite loss (the loop has put the last good weights back). */
export function divergedHealth(reason: string): HealthReport {
  return { status: "diverged", title: "Training diverged", message: reason };
}

const pct = (share: number) => `${Math.round(share * 100)}%`;
