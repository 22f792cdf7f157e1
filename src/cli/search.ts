/**
 * A config with `search` (npm run train -- examples/spiral-search.json): its trials train side by
 * side in lock-step, as the Race tab runs them (src/worker/race-session.ts: one batch upload per
 * data and batch size, every trial's step in the same submit), each scored on the validation split
 * after every epoch. Prints a table of the trials by their best validation score and the best
 * trial's settings; the test split is not used.
 */
import { writeFileSync } from "node:fs";
import type { Backend } from "../backend/backend";
import type { ExperimentConfig } from "../train/config";
import { applyTrial, describeTrial, searchTrials } from "../train/search";
import type { RaceEntry, RaceEpoch, WorkerEvent } from "../worker/protocol";
import { RaceSession } from "../worker/race-session";

export async function runSearch(
  config: ExperimentConfig,
  backend: Backend,
  options: { json?: string; read?: (path: string) => AsyncIterable<string> },
): Promise<void> {
  const search = config.search;
  if (!search) throw new Error("train: the config has no search");
  const trials = searchTrials(search);
  const entries: RaceEntry[] = trials.map((trial) => ({ label: describeTrial(trial), optimizer: applyTrial(config, trial).optimizer, trial }));
  console.log(`search: ${trials.length} trials (${search.kind}), trained side by side for ${config.training.epochs} epochs, scored on the validation split`);
  const epochs: RaceEpoch[] = [];
  const errors: string[] = [];
  let finish: (reason: string) => void = () => {};
  const finished = new Promise<string>((resolve) => {
    finish = resolve;
  });
  const post = (event: WorkerEvent) => {
    if (event.type === "race-epoch") epochs.push(event);
    else if (event.type === "error") errors.push(event.message);
    else if (event.type === "state" && event.done) finish(event.reason ?? "done");
  };
  const started = performance.now();
  const race = await RaceSession.load(config, entries, { backend, post, read: options.read });
  race.play();
  const reason = await finished;
  await race.dispose();
  const seconds = (performance.now() - started) / 1000;
  for (const message of errors) console.log(message);
  const accuracy = epochs.some((e) => Number.isFinite(e.val.accuracy));
  const rows = trials.map((trial, i) => {
    const own = epochs.filter((e) => e.entry === i && e.epoch > 0);
    const best = own.reduce<RaceEpoch | null>((b, e) => (!b || (accuracy ? e.val.accuracy > b.val.accuracy : e.val.loss < b.val.loss) ? e : b), null);
    return { trial, label: describeTrial(trial), best };
  });
  const score = (e: RaceEpoch | null) => (!e ? Number.NaN : accuracy ? e.val.accuracy : e.val.loss);
  rows.sort((a, b) => (accuracy ? score(b.best) - score(a.best) : score(a.best) - score(b.best)) || 0);
  console.log(`${reason} in ${seconds.toFixed(1)} s; trials by their best validation ${accuracy ? "accuracy" : "loss"}:`);
  for (const row of rows) {
    const shown = row.best ? (accuracy ? `${(100 * row.best.val.accuracy).toFixed(2)}%` : row.best.val.loss.toFixed(4)) : "diverged";
    console.log(`  ${shown.padStart(8)}  epoch ${String(row.best?.epoch ?? "–").padStart(3)}  ${row.label}`);
  }
  console.log(`best: ${rows[0].label}`);
  if (options.json)
    writeFileSync(options.json, JSON.stringify({ config, search: { trials: rows.map((r) => ({ trial: r.trial, best: r.best })), seconds } }, null, 2));
}
