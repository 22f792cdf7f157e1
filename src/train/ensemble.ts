/**
 * Combining the predictions of several classifiers (an ensemble's members), as scikit-learn's
 * VotingClassifier and StackingClassifier do:
 *
 * - hard voting: each example gets the class most members predict (a tie goes to the lowest class,
 *   as numpy's argmax of the vote counts);
 * - soft voting: the mean of the members' class probabilities, then its argmax;
 * - weighted averaging: the same with weights (here proportional to each member's validation
 *   accuracy, so a better member counts for more);
 * - stacking: a meta-model (multinomial logistic regression) reads the members' probabilities,
 *   trained on out-of-fold probabilities so that it never sees a member's guess on the very examples
 *   that member trained on (stackingFeatures builds them).
 *
 * Plus the members' disagreement (how often they are not unanimous) and bootstrap samples for
 * bagging (n draws with replacement: about 63% of the examples, some twice).
 */

import { Rng } from "../data/random";
import { check } from "../errors";

/** The class each example is given by the most members. */
export function hardVote(predictions: readonly Int32Array[], classes: number): Int32Array {
  check(predictions.length > 0, "hardVote", () => "needs at least one member's predictions");
  const n = predictions[0].length;
  const out = new Int32Array(n);
  const votes = new Int32Array(classes);
  for (let i = 0; i < n; i++) {
    votes.fill(0);
    for (const p of predictions) votes[p[i]]++;
    let best = 0;
    for (let c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
    out[i] = best;
  }
  return out;
}

/** The (weighted) mean of the members' probabilities [n, classes]; equal weights by default (soft voting). */
export function averageProbabilities(probabilities: readonly Float32Array[], weights?: readonly number[]): Float32Array {
  check(probabilities.length > 0, "averageProbabilities", () => "needs at least one member's probabilities");
  const w = weights ?? probabilities.map(() => 1);
  check(
    w.length === probabilities.length && w.every((v) => v >= 0) && w.some((v) => v > 0),
    "averageProbabilities",
    () => `needs one weight >= 0 per member (not all 0), got [${w.join(", ")}]`,
  );
  const total = w.reduce((a, b) => a + b, 0);
  const out = new Float32Array(probabilities[0].length);
  probabilities.forEach((p, m) => {
    check(p.length === out.length, "averageProbabilities", () => `member ${m + 1} has ${p.length} values, member 1 has ${out.length}`);
    for (let i = 0; i < out.length; i++) out[i] += (w[m] / total) * p[i];
  });
  return out;
}

/** Weights proportional to the members' validation scores (accuracies), summing to 1. */
export function weightsFromScores(scores: readonly number[]): number[] {
  const total = scores.reduce((a, b) => a + Math.max(b, 0), 0);
  return scores.map((s) => (total > 0 ? Math.max(s, 0) / total : 1 / scores.length));
}

/** The most probable class of each row of [n, classes]. */
export function argmaxRows(probabilities: Float32Array, classes: number): Int32Array {
  const n = probabilities.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[i * classes + c] > probabilities[i * classes + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** The share of predictions equal to the labels. */
export function accuracyOf(predictions: Int32Array, labels: Int32Array): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) right++;
  return right / labels.length;
}

/** The share of examples on which the members do not all predict the same class. */
export function disagreement(predictions: readonly Int32Array[]): number {
  const n = predictions[0]?.length ?? 0;
  let split = 0;
  for (let i = 0; i < n; i++) if (predictions.some((p) => p[i] !== predictions[0][i])) split++;
  return n ? split / n : 0;
}

/**
 * The examples the members disagree on most, at most `limit` of them: fewest members voting with
 * the most voted class first (a 2-2-1 split before a 4-1), ties in example order.
 */
export function splitVotes(predictions: readonly Int32Array[], limit: number): number[] {
  const n = predictions[0]?.length ?? 0;
  const majority = (i: number) => {
    const counts = new Map<number, number>();
    for (const p of predictions) counts.set(p[i], (counts.get(p[i]) ?? 0) + 1);
    return Math.max(...counts.values());
  };
  const split = [];
  for (let i = 0; i < n; i++) {
    const m = majority(i);
    if (m < predictions.length) split.push({ i, m });
  }
  return split
    .sort((a, b) => a.m - b.m || a.i - b.i)
    .slice(0, limit)
    .map((s) => s.i);
}

/** A bootstrap sample for bagging: n indices drawn with replacement (seeded), in draw order. */
export function bootstrapIndices(n: number, seed: number): Int32Array {
  check(Number.isInteger(n) && n > 0, "bootstrapIndices", () => `n must be a whole number > 0, got ${n}`);
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, () => rng.int(n));
}

/**
 * The meta-model's features: the members' probabilities side by side, [n, members * classes]
 * (member 1's classes, then member 2's...). For its training rows, pass out-of-fold probabilities.
 */
export function stackingFeatures(probabilities: readonly Float32Array[], classes: number): Float32Array {
  const n = probabilities[0].length / classes;
  const m = probabilities.length;
  const out = new Float32Array(n * m * classes);
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) out.set(probabilities[k].subarray(i * classes, (i + 1) * classes), (i * m + k) * classes);
  return out;
}
