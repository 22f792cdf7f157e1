/**
 * Boosting: AdaBoost for K classes (SAMME, Zhu et al. 2009), with the experiment's model as the weak
 * learner. Every training example carries a weight, uniform at first. Round m trains a member on a
 * sample of the training data drawn by those weights (boosting by resampling: a network cannot take
 * per-example weights in its batches as a stump can, so the weights decide what it sees), then
 * measures its weighted error on the whole training set:
 *
 *   err_m = Σ_i w_i [member m misclassifies i]          (weights summing to 1)
 *   α_m   = log((1 - err_m) / err_m) + log(K - 1)       (its say in the vote)
 *   w_i  ← w_i exp(α_m [misclassified])  then normalised
 *
 * so the next member sees more of what this one got wrong. The boosted prediction is the class with
 * the largest Σ_m α_m [member m predicts it]. A member no better than chance (err ≥ 1 - 1/K) has
 * nothing to add: boosting stops there. A perfect member (err = 0) would get an infinite say; its
 * α is capped (MAX_ALPHA) and, since no weight can move, boosting stops after it.
 */
import type { Backend } from "../backend/backend";
import { type ClassificationSet, type Dataset, subset } from "../data/dataset";
import { Rng } from "../data/random";
import type { Module } from "../nn/module";
import type { ExperimentConfig } from "./config";
import { accuracyOf, argmaxRows } from "./ensemble";
import { evaluate } from "./evaluate";
import { buildExperimentModel, experimentLoss, makeExperimentTrainer, trainingSeed } from "./experiment";
import type { Splits } from "./make";

/** The largest say a member gets (a member with no weighted error would otherwise get an infinite one). */
export const MAX_ALPHA = 10;

/** A member's say in the vote: log((1 - err) / err) + log(K - 1), capped at MAX_ALPHA. */
export function sammeAlpha(error: number, classes: number): number {
  if (error <= 0) return MAX_ALPHA;
  return Math.min(MAX_ALPHA, Math.log((1 - error) / error) + Math.log(classes - 1));
}

/** The weighted error: the total weight of the misclassified examples (weights summing to 1). */
export function weightedError(weights: Float64Array, predictions: Int32Array, labels: Int32Array): number {
  let error = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] !== labels[i]) error += weights[i];
  return error;
}

/** w_i ← w_i exp(α [misclassified i]), then normalised to sum to 1 (a new array). */
export function reweight(weights: Float64Array, predictions: Int32Array, labels: Int32Array, alpha: number): Float64Array {
  const next = Float64Array.from(weights, (w, i) => (predictions[i] !== labels[i] ? w * Math.exp(alpha) : w));
  const total = next.reduce((a, b) => a + b, 0);
  return next.map((w) => w / total);
}

/** `n` indices drawn with replacement, index i with probability weights[i] (seeded; inverse-CDF sampling). */
export function weightedResample(weights: Float64Array, n: number, seed: number): Int32Array {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = total += weights[i];
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, () => {
    const u = rng.next() * total;
    let lo = 0;
    let hi = weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  });
}

/**
 * The boosted vote of members' class predictions: per example, Σ_m α_m for each class (as shares of
 * Σ α, so a cell reads like a probability), [n, classes].
 */
export function boostedShares(predictions: readonly Int32Array[], alphas: readonly number[], classes: number): Float32Array {
  const n = predictions[0]?.length ?? 0;
  const total = alphas.reduce((a, b) => a + b, 0);
  const shares = new Float32Array(n * classes);
  predictions.forEach((p, m) => {
    for (let i = 0; i < n; i++) shares[i * classes + p[i]] += alphas[m] / total;
  });
  return shares;
}

/** The boosted prediction: the class with the largest Σ α_m among the members predicting it. */
export const boostedVote = (predictions: readonly Int32Array[], alphas: readonly number[], classes: number) =>
  argmaxRows(boostedShares(predictions, alphas, classes), classes);

export interface BoostingRound {
  round: number;
  /** The member's weighted error on the training data, and its say. */
  error: number;
  alpha: number;
  /** The member's own validation accuracy, and the boosted vote's after this round. */
  memberAccuracy: number;
  boostedAccuracy: number;
  /** The example weights after this round (the next member's sampling weights), in training order. */
  weights: Float64Array;
  /** Why boosting stops after this round, if it does. */
  stop?: string;
}

/** A member kept: its model (until disposed) and its say in the vote. */
export interface BoostedMember {
  model: Module;
  alpha: number;
}

/**
 * Runs up to `rounds` rounds of SAMME on `splits` (classification), reporting each; returns the
 * members kept (their models still allocated: dispose them) with their say. `onRound` also gets the
 * member kept (none when boosting stops at a member no better than chance), for views (its decision
 * boundary) before the next round.
 */
export async function boost(
  config: ExperimentConfig,
  splits: Splits,
  backend: Backend,
  rounds: number,
  onRound: (round: BoostingRound, member?: BoostedMember) => Promise<void> | void,
  stopped: () => boolean = () => false,
): Promise<BoostedMember[]> {
  const train = splits.train as ClassificationSet;
  const classes = train.classes;
  const labels = train.y;
  const valLabels = splits.val.y as Int32Array;
  let weights: Float64Array = new Float64Array(train.n).fill(1 / train.n);
  const members: BoostedMember[] = [];
  const valPredictions: Int32Array[] = [];
  const predict = async (model: Module, ds: Dataset) =>
    argmaxRows((await evaluate(model, ds, experimentLoss(config, train), { backend })).probabilities as Float32Array, classes);
  for (let round = 1; round <= rounds && !stopped(); round++) {
    const seed = trainingSeed(config) + round - 1;
    const own = { ...config, training: { ...config.training, seed } };
    const sample = subset(train, weightedResample(weights, train.n, seed));
    const { model } = buildExperimentModel(own, train.inputShape, backend);
    const trainer = makeExperimentTrainer(own, { ...splits, train: sample }, model);
    await trainer.run();
    trainer.options.optimizer.dispose();
    const onTrain = await predict(model, train);
    const error = weightedError(weights, onTrain, labels);
    const chance = 1 - 1 / classes;
    if (error >= chance) {
      const memberAccuracy = accuracyOf(await predict(model, splits.val), valLabels);
      model.dispose();
      const boostedAccuracy = members.length ? accuracyOf(boostedVote(valPredictions, alphasOf(members), classes), valLabels) : Number.NaN;
      const stop = `round ${round}: the member's weighted error ${error.toFixed(3)} is no better than chance (${chance.toFixed(3)}); it adds nothing, so boosting stops`;
      await onRound({ round, error, alpha: 0, memberAccuracy, boostedAccuracy, weights, stop });
      break;
    }
    const alpha = sammeAlpha(error, classes);
    const onVal = await predict(model, splits.val);
    members.push({ model, alpha });
    valPredictions.push(onVal);
    weights = reweight(weights, onTrain, labels, alpha);
    const stop = error === 0 ? `round ${round}: the member makes no weighted error, so no weight can move; boosting stops` : undefined;
    await onRound(
      {
        round,
        error,
        alpha,
        memberAccuracy: accuracyOf(onVal, valLabels),
        boostedAccuracy: accuracyOf(boostedVote(valPredictions, alphasOf(members), classes), valLabels),
        weights,
        ...(stop ? { stop } : {}),
      },
      members[members.length - 1],
    );
    if (stop) break;
  }
  return members;
}

const alphasOf = (members: readonly BoostedMember[]) => members.map((m) => m.alpha);
