/**
 * Boosting in the worker (src/train/boosting.ts) as a StudySession: the Train tab's experiment
 * (its data, model as the weak learner, optimizer and epochs per round) boosted round by round. Each
 * round posts its weighted error, say and scores and, for 2-D data, the example weights the next
 * round samples by (the points the page draws larger), the member's decision boundary and the
 * boosted vote's.
 */
import type { Backend } from "../backend/backend";
import { boost, boostedShares } from "../train/boosting";
import { type ExperimentConfig, parseConfig } from "../train/config";
import { argmaxRows } from "../train/ensemble";
import { makeData } from "../train/make";
import { errorMessage, type Post } from "./post";
import { isPoints } from "./previews";
import type { BoundaryReport } from "./protocol";
import { boundaryExtent, boundaryReport } from "./reports";
import { StudySession } from "./study-session";

/** The most rounds the page runs. */
export const MAX_ROUNDS = 20;

/** Starts boosting `config` (untrusted) for `rounds` rounds; null when refused (the reason posted as the study's error). */
export function startBoosting(config: unknown, rounds: unknown, backend: Backend, post: Post): StudySession | null {
  const refuse = (message: string) => {
    post({ type: "study-state", study: "boosting", running: false, done: false, error: message });
    return null;
  };
  if (typeof rounds !== "number" || !Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS)
    return refuse(`boosting: rounds must be a whole number from 1 to ${MAX_ROUNDS}, got ${JSON.stringify(rounds)}`);
  let parsed: ExperimentConfig;
  try {
    parsed = parseConfig(structuredClone(config));
  } catch (e) {
    return refuse(errorMessage(e, backend));
  }
  return new StudySession(
    "boosting",
    async (stopped) => {
      const splits = await makeData(parsed.data);
      if (splits.train.task !== "classification" || splits.train.labelShape?.length)
        throw new Error("boosting: AdaBoost needs a classification task with one label per example; pick such a dataset in the Train tab");
      const classes = splits.train.classes ?? 2;
      const extent = isPoints(splits.train) ? boundaryExtent([splits.train, splits.test]) : null;
      const grids: Int32Array[] = [];
      const alphas: number[] = [];
      const members = await boost(
        parsed,
        splits,
        backend,
        rounds,
        async (round, member) => {
          let boundaries: { member: BoundaryReport; boosted: BoundaryReport } | undefined;
          if (member && extent !== null) {
            const own = await boundaryReport(member.model, backend, splits.train, extent, round.round);
            grids.push(argmaxRows(own.values, classes));
            alphas.push(member.alpha);
            boundaries = { member: own, boosted: { ...own, values: boostedShares(grids, alphas, classes) } };
          }
          const { weights, ...scores } = round;
          post({
            type: "boost-round",
            round: scores,
            ...(extent !== null ? { weights: Float32Array.from(weights) } : {}),
            ...(boundaries ? { boundaries } : {}),
          });
        },
        stopped,
      );
      for (const m of members) m.model.dispose();
    },
    backend,
    post,
  );
}
