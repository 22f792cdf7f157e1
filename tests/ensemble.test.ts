/**
 * Ensembles: the combiners against the values scikit-learn's VotingClassifier gives for the same
 * member outputs (worked out by hand below, as numpy would), bootstrap samples, the stacking's
 * out-of-fold construction (no example is predicted by a member that trained on it) and its
 * meta-model, and the ensemble config's checks.
 */
import { describe, expect, it } from "vitest";
import type { ClassificationSet } from "../src/data/dataset";
import { type BoostingRound, boost, boostedShares, boostedVote, MAX_ALPHA, reweight, sammeAlpha, weightedError, weightedResample } from "../src/train/boosting";
import { parseConfig } from "../src/train/config";
import {
  accuracyOf,
  argmaxRows,
  averageProbabilities,
  bootstrapIndices,
  disagreement,
  hardVote,
  splitVotes,
  stackingFeatures,
  weightsFromScores,
} from "../src/train/ensemble";
import { makeData } from "../src/train/make";
import { fitMetaModel, metaDataset, outOfFoldProbabilities } from "../src/train/stacking";
import { defaultConfigFor } from "../src/ui/state/experiment";
import { cpu32 } from "./helpers/backends";

// Three members' probabilities for four examples of three classes.
const p1 = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.2, 0.3, 0.5, 0.4, 0.4, 0.2]);
const p2 = Float32Array.from([0.6, 0.3, 0.1, 0.5, 0.4, 0.1, 0.1, 0.2, 0.7, 0.1, 0.5, 0.4]);
const p3 = Float32Array.from([0.1, 0.8, 0.1, 0.2, 0.3, 0.5, 0.6, 0.2, 0.2, 0.3, 0.3, 0.4]);

describe("combiners", () => {
  it("hard voting takes the most predicted class, a tie going to the lowest (argmax of the vote counts)", () => {
    const predictions = [p1, p2, p3].map((p) => argmaxRows(p, 3));
    expect(predictions.map((p) => Array.from(p))).toEqual([
      [0, 1, 2, 0], // the 0.4/0.4 tie of example 4 goes to class 0, as np.argmax
      [0, 0, 2, 1],
      [1, 2, 0, 2],
    ]);
    // votes per example: [2,1,0] -> 0; [1,1,1] -> 0 (tie); [1,0,2] -> 2; [1,1,1] -> 0 (tie)
    expect(Array.from(hardVote(predictions, 3))).toEqual([0, 0, 2, 0]);
    expect(disagreement(predictions)).toBe(1); // no example is unanimous
    expect(disagreement([predictions[0], predictions[0]])).toBe(0);
  });

  it("lists the examples the members split on, the most divided first", () => {
    const votes = [Int32Array.from([0, 1, 2, 3, 4]), Int32Array.from([0, 1, 1, 3, 5]), Int32Array.from([0, 2, 1, 3, 6]), Int32Array.from([0, 1, 1, 3, 4])];
    // example 0 and 3: unanimous; 1: 3-1; 2: 3-1; 4: 2-1-1 (the most divided)
    expect(splitVotes(votes, 10)).toEqual([4, 1, 2]);
    expect(splitVotes(votes, 2)).toEqual([4, 1]);
    expect(splitVotes([votes[0], votes[0]], 10)).toEqual([]);
  });

  it("soft voting averages the probabilities (VotingClassifier(voting='soft').predict_proba)", () => {
    const mean = averageProbabilities([p1, p2, p3]);
    // np.mean([p1, p2, p3], axis=0) for example 2: [0.26667, 0.43333, 0.3]
    expect(Array.from(mean.subarray(3, 6))).toEqual([0.26667, 0.43333, 0.3].map((v) => expect.closeTo(v, 5)));
    expect(Array.from(argmaxRows(mean, 3))).toEqual([0, 1, 2, 1]);
  });

  it("weighted averaging counts a member by its weight; weights follow validation scores", () => {
    const weights = weightsFromScores([0.9, 0.6, 0.3]);
    expect(weights.map((w) => Number(w.toFixed(6)))).toEqual([0.5, 0.333333, 0.166667]);
    const weighted = averageProbabilities([p1, p2, p3], weights);
    // np.average([p1, p2, p3], axis=0, weights=[0.5, 1/3, 1/6]) for example 1: [0.56667, 0.33333, 0.1]
    expect(Array.from(weighted.subarray(0, 3))).toEqual([0.56667, 0.33333, 0.1].map((v) => expect.closeTo(v, 5)));
    expect(() => averageProbabilities([p1, p2], [0, 0])).toThrow(/one weight >= 0 per member \(not all 0\)/);
    expect(() => averageProbabilities([p1, p2.subarray(3)])).toThrow(/member 2 has 9 values, member 1 has 12/);
    expect(accuracyOf(Int32Array.from([0, 1, 2, 1]), Int32Array.from([0, 1, 1, 1]))).toBe(0.75);
  });

  it("bootstrap samples draw with replacement: about 63% of the examples, seeded", () => {
    const a = bootstrapIndices(10_000, 3);
    expect(a).toEqual(bootstrapIndices(10_000, 3));
    expect(a).not.toEqual(bootstrapIndices(10_000, 4));
    expect(a.every((i) => i >= 0 && i < 10_000)).toBe(true);
    expect(Math.abs(new Set(a).size / 10_000 - (1 - Math.exp(-1)))).toBeLessThan(0.01); // 1 - 1/e = 0.632
  });
});

describe("stacking", () => {
  const data: ClassificationSet = {
    name: "marked",
    task: "classification",
    inputShape: [1],
    x: Float32Array.from({ length: 20 }, (_, i) => i), // each example's feature is its index
    y: Int32Array.from({ length: 20 }, (_, i) => i % 2),
    n: 20,
    classes: 2,
    classNames: ["a", "b"],
  };

  it("predicts every training example with a member that did not train on it", async () => {
    const trainedOn: Set<number>[] = [];
    const oof = await outOfFoldProbabilities(data, 4, 7, async (part) => {
      const seen = new Set(Array.from(part.x));
      trainedOn.push(seen);
      return {
        // Probability of class 1: 1 if the member saw the example, else 0.
        probabilities: async (ds) => Float32Array.from(Array.from(ds.x).flatMap((i) => (seen.has(i) ? [0, 1] : [1, 0]))),
        dispose: () => {},
      };
    });
    expect(trainedOn).toHaveLength(4);
    expect(trainedOn.every((s) => s.size === 15)).toBe(true); // 4 folds of 5: each member trains on 15
    for (let i = 0; i < 20; i++) expect([oof[2 * i], oof[2 * i + 1]]).toEqual([1, 0]); // never a member that saw it
  });

  it("lays the members' probabilities side by side and fits a logistic-regression meta-model", async () => {
    expect(Array.from(stackingFeatures([Float32Array.of(0.9, 0.1, 0.2, 0.8), Float32Array.of(0.6, 0.4, 0.3, 0.7)], 2))).toEqual(
      [0.9, 0.1, 0.6, 0.4, 0.2, 0.8, 0.3, 0.7].map(Math.fround),
    );
    // The second member is always right, the first always wrong: the meta-model learns to follow the second.
    const labels = Int32Array.from({ length: 40 }, (_, i) => i % 2);
    const right = Float32Array.from(Array.from(labels).flatMap((l) => (l ? [0.2, 0.8] : [0.8, 0.2])));
    const wrong = Float32Array.from(Array.from(labels).flatMap((l) => (l ? [0.8, 0.2] : [0.2, 0.8])));
    const train = metaDataset(stackingFeatures([wrong, right], 2), labels, 2);
    const meta = await fitMetaModel(train, cpu32, 1);
    expect(accuracyOf(argmaxRows(await meta.probabilities(train), 2), labels)).toBe(1);
    meta.dispose();
  });
});

it("an ensemble config names what is wrong with it", () => {
  const config = defaultConfigFor("moons");
  expect(parseConfig({ ...config, ensemble: { members: 5, combiner: "stacking", bagging: true } }).ensemble).toEqual({
    members: 5,
    combiner: "stacking",
    bagging: true,
  });
  expect(() => parseConfig({ ...config, ensemble: { members: 1 } })).toThrow(/config ensemble\.members: expected a whole number from 2 to 50, got 1/);
  expect(() => parseConfig({ ...config, ensemble: { members: 11 } })).toThrow(/config ensemble\.members: at most 10 members without boosting, got 11/);
  expect(() => parseConfig({ ...config, ensemble: { members: 3, combiner: "boosting" } })).toThrow(
    /config ensemble\.combiner: expected one of "soft", "hard", "weighted", "stacking"/,
  );
  const plane = defaultConfigFor("plane");
  expect(() => parseConfig({ ...plane, ensemble: { members: 3, combiner: "hard" } })).toThrow(/config ensemble\.combiner: a regression ensemble averages/);
});

describe("boosting (SAMME)", () => {
  it("gives a member its say from its weighted error, and moves the weight to what it got wrong", () => {
    // Two classes: α = log((1 - err) / err), AdaBoost.M1's; K classes add log(K - 1).
    expect(sammeAlpha(0.25, 2)).toBeCloseTo(Math.log(3), 12);
    expect(sammeAlpha(0.25, 3)).toBeCloseTo(Math.log(3) + Math.log(2), 12);
    expect(sammeAlpha(0, 2)).toBe(MAX_ALPHA);
    const labels = Int32Array.from([0, 1, 1, 0]);
    const predictions = Int32Array.from([0, 1, 0, 0]); // example 2 wrong
    const uniform = new Float64Array(4).fill(0.25);
    expect(weightedError(uniform, predictions, labels)).toBe(0.25);
    const next = reweight(uniform, predictions, labels, Math.log(3));
    // the wrong example's weight times 3, then normalised: [1, 1, 3, 1] / 6
    expect(Array.from(next)).toEqual([1 / 6, 1 / 6, 3 / 6, 1 / 6].map((v) => expect.closeTo(v, 12)));
    // After reweighting, the member that made the error has weighted error exactly 1/2 (SAMME's K = 2 fixed point).
    expect(weightedError(next, predictions, labels)).toBeCloseTo(0.5, 12);
  });

  it("resamples by the weights and votes by the says", () => {
    const draws = weightedResample(Float64Array.from([0.1, 0.0, 0.9]), 10_000, 3);
    const share = (k: number) => draws.filter((i) => i === k).length / draws.length;
    expect(share(1)).toBe(0); // no weight, never drawn
    expect(share(2)).toBeCloseTo(0.9, 1);
    // Member A (say 1) predicts [0, 1]; member B (say 2) predicts [1, 1]: B outvotes A on example 0.
    const votes = [Int32Array.from([0, 1]), Int32Array.from([1, 1])];
    expect(Array.from(boostedVote(votes, [1, 2], 2))).toEqual([1, 1]);
    expect(Array.from(boostedShares(votes, [1, 2], 2))).toEqual([1 / 3, 2 / 3, 0, 1].map((v) => expect.closeTo(v, 6)));
  });

  it("boosts a weak learner on noisy moons, reporting every round, and refuses a regression", async () => {
    const config = parseConfig({
      data: { name: "moons", points: 300, noise: 0.2, seed: 1 },
      model: {
        layers: [
          { type: "linear", units: 3 },
          { type: "activation", fn: "tanh" },
          { type: "linear", units: 2 },
        ],
      },
      loss: "crossEntropy",
      optimizer: { name: "adam", lr: 0.03 },
      training: { epochs: 10, batchSize: 16, seed: 1 },
    });
    const splits = await makeData(config.data);
    const rounds: BoostingRound[] = [];
    const members = await boost(config, splits, cpu32, 4, (r) => {
      rounds.push(r);
    });
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(rounds.map((r) => r.round)).toEqual(rounds.map((_, i) => i + 1));
    for (const r of rounds) {
      expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      if (!r.stop) expect(r.alpha).toBeCloseTo(sammeAlpha(r.error, 2), 9);
    }
    expect(members.length).toBe(rounds.filter((r) => r.alpha > 0).length);
    for (const m of members) m.model.dispose();
    expect(() => parseConfig({ ...config, loss: "mse", data: { name: "plane" }, ensemble: { members: 3, boosting: true } })).toThrow(
      /ensemble\.boosting: boosting \(SAMME\) is for classification/,
    );
    expect(() => parseConfig({ ...config, ensemble: { members: 3, boosting: true, bagging: true } })).toThrow(/boosting draws its own samples/);
  }, 60_000);
});
