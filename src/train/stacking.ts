/**
 * Stacking's two halves. Out-of-fold probabilities: the training data cut into k stratified folds,
 * a fresh member trained on k-1 of them predicts the one left out, so every training example gets a
 * member's probabilities from a member that never trained on it (the meta-model would otherwise
 * learn from over-confident guesses on memorised examples). The meta-model: a multinomial logistic
 * regression (one Linear layer under cross-entropy) from the members' probabilities, side by side,
 * to the class.
 */
import type { Backend } from "../backend/backend";
import { type ClassificationSet, type Dataset, subset } from "../data/dataset";
import { stratifiedKFold } from "../data/splits";
import { Linear } from "../nn/layers";
import { Adam } from "../optim/adam";
import { withBackend } from "../tensor/engine";
import { manualSeed } from "../tensor/random";
import { evaluate } from "./evaluate";
import { lossByName } from "./objectives";
import { Trainer } from "./trainer";

/** A member fitted on some data: its class probabilities [n, classes] for a dataset, then freed. */
export interface FittedMember {
  probabilities(ds: Dataset): Promise<Float32Array>;
  dispose(): void;
}

/** Every training example's probabilities from a member that did not train on it, [n, classes]. */
export async function outOfFoldProbabilities(
  train: ClassificationSet,
  k: number,
  seed: number,
  trainMember: (part: ClassificationSet) => Promise<FittedMember>,
): Promise<Float32Array> {
  const out = new Float32Array(train.n * train.classes);
  for (const fold of stratifiedKFold(train.y, k, seed)) {
    const member = await trainMember(subset(train, fold.train));
    try {
      const p = await member.probabilities(subset(train, fold.test));
      for (const [r, row] of fold.test.entries()) out.set(p.subarray(r * train.classes, (r + 1) * train.classes), row * train.classes);
    } finally {
      member.dispose();
    }
  }
  return out;
}

/** The meta-model's dataset: features [n, width] (the members' probabilities side by side) and labels. */
export function metaDataset(features: Float32Array, labels: Int32Array, classes: number): ClassificationSet {
  const n = labels.length;
  return {
    name: "stacking",
    task: "classification",
    inputShape: [features.length / n],
    x: features,
    y: labels,
    n,
    classes,
    classNames: Array.from({ length: classes }, (_, c) => String(c)),
  };
}

/** Trains the logistic-regression meta-model on `train` (out-of-fold features); its probabilities for other features. */
export async function fitMetaModel(train: ClassificationSet, backend: Backend, seed: number): Promise<FittedMember> {
  const loss = lossByName("crossEntropy");
  const model = withBackend(backend, () => {
    manualSeed(seed);
    return new Linear(train.inputShape[0], train.classes);
  });
  const optimizer = withBackend(backend, () => new Adam(model.parameters(), { lr: 0.05 }));
  await withBackend(backend, () => new Trainer({ model, optimizer, loss, train, batchSize: 64, epochs: 100, seed }).run());
  optimizer.dispose();
  return {
    probabilities: async (ds) => (await evaluate(model, ds, loss, { backend })).probabilities as Float32Array,
    dispose: () => model.dispose(),
  };
}
