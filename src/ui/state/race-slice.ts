/**
 * The race as the page sees it: whether it runs, the epochs each entry reported, the curves (a feed
 * the race charts draw), an ensemble's combined scores and boundaries, the steps per second, and the
 * intents that start, pause and edit it. The race trains its entries (optimizers, architectures,
 * folds, ensemble members or search trials) on the Train tab's data in lock-step.
 */
import type { RaceBoundaries, RaceEnsemble, RaceEntry, RaceEpoch, RaceProgress, WorkerEvent } from "../../worker/protocol";
import { Feed } from "./feed";
import { PAUSED_BY, type SessionHost, type SessionName } from "./session-host";

/** What the race charts draw: a new race's series, a batch of one entry's steps, an entry's epoch. */
export type RaceCurveItem = { kind: "series"; labels: string[] } | { kind: "race-steps"; progress: RaceProgress } | { kind: "race-epoch"; report: RaceEpoch };

export interface RaceState {
  running: boolean;
  /** A race has been started since the entries last changed. */
  started: boolean;
  finished: boolean;
  /** Every epoch report of the race on show. */
  epochs: RaceEpoch[];
  /** The labels of the race on show (the entries it started with). */
  labels: string[];
  /** An ensemble race: its members combined after each epoch. */
  ensemble: RaceEnsemble[];
  /** An ensemble race on 2-D data: the latest member and ensemble decision boundaries. */
  boundaries: RaceBoundaries | null;
  stepsPerSecond: number;
  pausedBecause: string;
  error: string;
}

const INITIAL: RaceState = {
  running: false,
  started: false,
  finished: false,
  epochs: [],
  labels: [],
  ensemble: [],
  boundaries: null,
  stepsPerSecond: 0,
  pausedBecause: "",
  error: "",
};

export class RaceSlice {
  state: RaceState = { ...INITIAL };
  readonly curves = new Feed<RaceCurveItem>();
  /** Steps per second of the race (one step = every optimizer stepping once), over half a second or more. */
  private clock = { step: 0, time: 0 };

  constructor(private readonly host: SessionHost) {}

  private patch(next: Partial<RaceState>): void {
    this.state = { ...this.state, ...next };
    this.host.changed();
  }

  receive(event: WorkerEvent): void {
    switch (event.type) {
      case "race-steps":
        this.curves.add({ kind: "race-steps", progress: event });
        if (event.entry === 0 && event.steps.length) this.measure(event.steps[event.steps.length - 1]);
        return;
      case "race-epoch":
        this.curves.add({ kind: "race-epoch", report: event });
        this.patch({ epochs: [...this.state.epochs, event] });
        return;
      case "race-ensemble":
        this.patch({ ensemble: [...this.state.ensemble, event] });
        return;
      case "race-boundaries":
        this.patch({ boundaries: event });
        return;
      case "state":
        this.patch({ running: event.running, finished: event.done, ...(event.running ? { pausedBecause: "" } : {}) });
        return;
    }
  }

  private measure(step: number): void {
    const now = performance.now();
    const { step: s0, time: t0 } = this.clock;
    if (t0 === 0 || step < s0) this.clock = { step, time: now };
    else if (now - t0 > 500) {
      this.clock = { step, time: now };
      this.patch({ stepsPerSecond: ((step - s0) * 1000) / (now - t0) });
    }
  }

  /** Starts a new race of the experiment's entries, or resumes or pauses the one on show. */
  control(action: "start" | "play" | "pause"): void {
    const e = this.host.experiment;
    if (!e) return;
    if (action === "pause") {
      this.host.send({ type: "race-pause" });
      return;
    }
    this.host.pauseOthers("race");
    if (action === "start") {
      const labels = e.race.map((r) => r.label);
      this.curves.clear();
      this.curves.add({ kind: "series", labels });
      this.clock = { step: 0, time: 0 };
      this.patch({ ...INITIAL, started: true, labels });
      this.host.send({ type: "race", config: e.config, entries: e.race });
    }
    this.patch({ pausedBecause: "", error: "" });
    this.host.send({ type: "race-play" });
  }

  pausedBy(other: SessionName): void {
    if (!this.state.running) return;
    this.host.send({ type: "race-pause" });
    this.patch({ pausedBecause: PAUSED_BY[other] });
  }

  setEntries(entries: RaceEntry[]): void {
    const e = this.host.experiment;
    if (!e) return;
    this.host.setExperiment({ ...e, race: entries });
    this.patch({ started: false });
  }

  failed(message: string): void {
    this.patch({ error: message });
  }
}
