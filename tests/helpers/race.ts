/**
 * Runs a race session to its end (every entry through every epoch) and returns every event it
 * posted, in order, for tests that look at its steps and epochs.
 */
import type { Backend } from "../../src/backend/backend";
import type { RaceEntry, RaceEpoch, WorkerEvent } from "../../src/worker/protocol";
import { RaceSession } from "../../src/worker/race-session";

export async function raceToTheEnd(config: unknown, entries: RaceEntry[], backend: Backend): Promise<WorkerEvent[]> {
  const events: WorkerEvent[] = [];
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const race = await RaceSession.load(config, entries, {
    backend,
    post: (e) => {
      events.push(e);
      if (e.type === "state" && e.done) done();
    },
  });
  race.play();
  await finished;
  await race.dispose();
  return events;
}

/** The race's epoch reports among `events`. */
export const raceEpochs = (events: WorkerEvent[]) => events.filter((e): e is WorkerEvent & RaceEpoch & { type: "race-epoch" } => e.type === "race-epoch");
