/**
 * A config with `ensemble` (npm run train -- examples/moons-ensemble.json): trains its members one
 * after another, each from its own seed (the config's plus its number, which moves both the initial
 * weights and the batch order) and, with `bagging`, on its own bootstrap sample of the training
 * data; prints each member's validation and test scores, then the ensemble's test scores under every
 * combiner (hard and soft voting, weighted averaging; stacking when the config asks for it, which
 * trains 5 more copies of each member for the out-of-fold probabilities), the mean member, and how
 * often the members disagree. A regression ensemble averages its members' outputs. With `boosting`,
 * the members are AdaBoost's rounds (src/train/boosting.ts): each round's weighted error and say, and
 * the boosted vote's test accuracy as the rounds add up.
 */
import { writeFileSync } from "node:fs";
import type { Backend } from "../backend/backend";
import { type ClassificationSet, type Dataset, subset } from "../data/dataset";
import { boost, boostedVote } from "../train/boosting";
import type { ExperimentConfig } from "../train/config";
import { accuracyOf, argmaxRows, averageProbabilities, bootstrapIndices, disagreement, hardVote, stackingFeatures, weightsFromScores } from "../train/ensemble";
import { type Evaluation, evaluate } from "../train/evaluate";
import { buildExperimentModel, experimentLoss, makeExperimentTrainer, trainingSeed } from "../train/experiment";
import type { Splits } from "../train/make";
import { r2Score } from "../train/metrics";
import { type FittedMember, fitMetaModel, metaDataset, outOfFoldProbabilities } from "../train/stacking";

/** Member `m`'s config: the ensemble's with its own seed. */
const memberConfig = (config: ExperimentConfig, m: number): ExperimentConfig => ({
  ...config,
  training: { ...config.training, seed: trainingSeed(config) + m },
});

/** Trains one member on `train` (validating on `val`); it answers for any dataset until disposed. */
async function fitMember(config: ExperimentConfig, splits: Splits, backend: Backend): Promise<FittedMember & { evaluate(ds: Dataset): Promise<Evaluation> }> {
  const { model } = buildExperimentModel(config, splits.train.inputShape, backend);
  const trainer = makeExperimentTrainer(config, splits, model);
  await trainer.run();
  trainer.options.optimizer.dispose();
  const loss = experimentLoss(config, splits.train);
  const score = (ds: Dataset) => evaluate(model, ds, loss, { backend });
  return {
    evaluate: score,
    probabilities: async (ds) => (await score(ds)).probabilities as Float32Array,
    dispose: () => model.dispose(),
  };
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

export async function runEnsemble(config: ExperimentConfig, splits: Splits, backend: Backend, json?: string): Promise<void> {
  const e = config.ensemble;
  if (!e) throw new Error("train: the config has no ensemble");
  if (e.boosting) return runBoosting(config, splits, backend, json);
  const combiner = e.combiner ?? "soft";
  const classification = splits.train.task === "classification";
  const classes = splits.train.classes ?? 1;
  console.log(`ensemble: ${e.members} members${e.bagging ? " on bootstrap samples (bagging)" : ""}, each from its own seed; combined by ${combiner}`);
  const started = performance.now();
  const members: { val: Evaluation; test: Evaluation }[] = [];
  for (let m = 0; m < e.members; m++) {
    const own = memberConfig(config, m);
    const seed = trainingSeed(own);
    const train = e.bagging ? subset(splits.train, bootstrapIndices(splits.train.n, seed)) : splits.train;
    const member = await fitMember(own, { ...splits, train }, backend);
    const [val, test] = [await member.evaluate(splits.val), await member.evaluate(splits.test)];
    member.dispose();
    members.push({ val, test });
    const distinct = e.bagging ? ` (${pct(new Set(bootstrapIndices(splits.train.n, seed)).size / splits.train.n)} of the examples drawn)` : "";
    const show = (ev: Evaluation) => (classification ? `accuracy ${pct(ev.classification?.accuracy ?? 0)}` : `R² ${(ev.regression?.r2 ?? 0).toFixed(4)}`);
    console.log(`member ${m + 1}/${e.members}, seed ${seed}${distinct}: val ${show(val)}, test ${show(test)}`);
  }
  const summary: Record<string, number> = {};
  if (classification) {
    const labels = splits.test.y as Int32Array;
    const probabilities = members.map((mb) => mb.test.probabilities as Float32Array);
    const predictions = probabilities.map((p) => argmaxRows(p, classes));
    const memberAccuracies = members.map((mb) => mb.test.classification?.accuracy ?? 0);
    const weights = weightsFromScores(members.map((mb) => mb.val.classification?.accuracy ?? 0));
    summary.meanMember = memberAccuracies.reduce((a, b) => a + b, 0) / e.members;
    summary.hard = accuracyOf(hardVote(predictions, classes), labels);
    summary.soft = accuracyOf(argmaxRows(averageProbabilities(probabilities), classes), labels);
    summary.weighted = accuracyOf(argmaxRows(averageProbabilities(probabilities, weights), classes), labels);
    if (combiner === "stacking") summary.stacking = await stackingAccuracy(config, splits, backend, probabilities);
    summary.disagreement = disagreement(predictions);
    console.log(
      `members' test accuracy: mean ${pct(summary.meanMember)}, from ${pct(Math.min(...memberAccuracies))} to ${pct(Math.max(...memberAccuracies))}; they disagree on ${pct(summary.disagreement)} of the test examples`,
    );
    const shown = (["hard", "soft", "weighted", "stacking"] as const)
      .filter((c) => summary[c] !== undefined)
      .map((c) => `${c === combiner ? "*" : ""}${c} ${pct(summary[c])}`);
    console.log(`ensemble test accuracy: ${shown.join(", ")} (weights from validation accuracy: ${weights.map((w) => w.toFixed(3)).join(", ")})`);
  } else {
    const outputs = members.map((mb) => mb.test.outputs as Float32Array);
    const mean = averageProbabilities(outputs); // the mean of the members' outputs
    summary.meanMember = members.reduce((a, mb) => a + (mb.test.regression?.r2 ?? 0), 0) / e.members;
    summary.soft = r2Score(splits.test.y as Float32Array, mean);
    console.log(`members' test R²: mean ${summary.meanMember.toFixed(4)}; the ensemble's averaged output: R² ${summary.soft.toFixed(4)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`ensemble trained in ${seconds.toFixed(1)} s`);
  if (json)
    writeFileSync(
      json,
      JSON.stringify(
        { config, ensemble: { ...summary, combiner, members: members.map((mb) => ({ val: mb.val.loss, test: mb.test.loss })), seconds } },
        null,
        2,
      ),
    );
}

/** Stacking: out-of-fold member probabilities on the training data train the meta-model, which then reads the full members' test probabilities. */
async function stackingAccuracy(config: ExperimentConfig, splits: Splits, backend: Backend, testProbabilities: Float32Array[]): Promise<number> {
  const train = splits.train as ClassificationSet;
  const outOfFold: Float32Array[] = [];
  for (let m = 0; m < testProbabilities.length; m++) {
    const own = memberConfig(config, m);
    outOfFold.push(await outOfFoldProbabilities(train, 5, trainingSeed(own), (part) => fitMember(own, { ...splits, train: part }, backend)));
  }
  const meta = await fitMetaModel(metaDataset(stackingFeatures(outOfFold, train.classes), train.y, train.classes), backend, trainingSeed(config));
  const test = metaDataset(stackingFeatures(testProbabilities, train.classes), splits.test.y as Int32Array, train.classes);
  const probabilities = await meta.probabilities(test);
  meta.dispose();
  return accuracyOf(argmaxRows(probabilities, train.classes), test.y);
}

/** Boosting: each round's weighted error, say and scores, then the boosted vote's test accuracy against the first member's. */
async function runBoosting(config: ExperimentConfig, splits: Splits, backend: Backend, json?: string): Promise<void> {
  const rounds = config.ensemble?.members ?? 0;
  const classes = splits.train.classes ?? 2;
  const testLabels = splits.test.y as Int32Array;
  console.log(`boosting: up to ${rounds} rounds of AdaBoost (SAMME), each member trained on ${splits.train.n} examples drawn by the example weights`);
  const started = performance.now();
  const testPredictions: Int32Array[] = [];
  const alphas: number[] = [];
  const perRound: { round: number; error: number; alpha: number; memberTest: number; boostedTest: number }[] = [];
  const members = await boost(config, splits, backend, rounds, async (r, member) => {
    if (member) {
      const test = await evaluate(member.model, splits.test, experimentLoss(config, splits.train), { backend });
      testPredictions.push(argmaxRows(test.probabilities as Float32Array, classes));
      alphas.push(member.alpha);
      const memberTest = accuracyOf(testPredictions[testPredictions.length - 1], testLabels);
      const boostedTest = accuracyOf(boostedVote(testPredictions, alphas, classes), testLabels);
      perRound.push({ round: r.round, error: r.error, alpha: r.alpha, memberTest, boostedTest });
      console.log(
        `round ${r.round}: weighted error ${r.error.toFixed(4)}, say α ${r.alpha.toFixed(3)}; member test ${pct(memberTest)}, boosted test ${pct(boostedTest)} (validation ${pct(r.boostedAccuracy)})`,
      );
    }
    if (r.stop) console.log(r.stop);
  });
  for (const m of members) m.model.dispose();
  const seconds = (performance.now() - started) / 1000;
  const last = perRound[perRound.length - 1];
  if (last)
    console.log(
      `boosted test accuracy after ${perRound.length} rounds: ${pct(last.boostedTest)}; the first member alone: ${pct(perRound[0].memberTest)}; ${seconds.toFixed(1)} s`,
    );
  if (json) writeFileSync(json, JSON.stringify({ config, boosting: { rounds: perRound, seconds } }, null, 2));
}
