/**
 * Boosting as the page sees it (src/train/boosting.ts): the rounds to run, each round's weighted
 * error, say and scores as they land, for 2-D data the example weights after the latest round and
 * the member's and boosted decision boundaries of every round, and the intents that start and stop
 * it. It boosts the Train tab's experiment: its data, its model as the weak learner, its optimizer
 * and its epochs for every round.
 */
import type { BoostingRound } from "../../train/boosting";
import type { BoundaryReport, WorkerEvent } from "../../worker/protocol";
import type { SessionHost } from "./session-host";

export interface BoostingState {
  rounds: number;
  running: boolean;
  done: boolean;
  results: Omit<BoostingRound, "weights">[];
  /** 2-D data: the example weights after the latest round, in training order. */
  weights: Float32Array | null;
  /** 2-D data: each round's member boundary and the boosted vote's after it. */
  boundaries: { member: BoundaryReport; boosted: BoundaryReport }[];
  seconds: number | null;
  error: string;
}

export class BoostingSlice {
  state: BoostingState = { rounds: 6, running: false, done: false, results: [], weights: null, boundaries: [], seconds: null, error: "" };

  constructor(private readonly host: SessionHost) {}

  private patch(next: Partial<BoostingState>): void {
    this.state = { ...this.state, ...next };
    this.host.changed();
  }

  receive(event: WorkerEvent): void {
    if (event.type === "boost-round")
      this.patch({
        results: [...this.state.results, event.round],
        ...(event.weights ? { weights: event.weights } : {}),
        ...(event.boundaries ? { boundaries: [...this.state.boundaries, event.boundaries] } : {}),
      });
    else if (event.type === "study-state") this.patch({ running: event.running, done: event.done, seconds: event.seconds ?? null, error: event.error ?? "" });
  }

  setRounds(rounds: number): void {
    this.patch({ rounds });
  }

  start(): void {
    const e = this.host.experiment;
    if (!e) return;
    this.host.pauseOthers("race");
    this.patch({ running: true, done: false, results: [], weights: null, boundaries: [], seconds: null, error: "" });
    this.host.send({ type: "boost-start", config: e.config, rounds: this.state.rounds });
  }

  stop(): void {
    this.host.send({ type: "study-stop" });
  }
}
