/**
 * The transfer-learning study as the page sees it (src/train/transfer-study.ts): its settings, what
 * runs now, the pretrained model's accuracy on the old task, each arm's result at each number of
 * labelled examples, and the intents that start and stop it. It runs in the worker beside the other
 * sessions and, like them, starting it pauses the rest (and they end it).
 */
import { DEFAULT_TRANSFER_STUDY, type TransferResult, type TransferStudyConfig } from "../../train/transfer-study";
import type { WorkerEvent } from "../../worker/protocol";
import type { SessionHost } from "./session-host";

export interface TransferState {
  study: TransferStudyConfig;
  running: boolean;
  /** It ran every arm at every size. */
  done: boolean;
  phase: string;
  pretrained: number | null;
  results: TransferResult[];
  seconds: number | null;
  error: string;
}

export class TransferSlice {
  state: TransferState = { study: DEFAULT_TRANSFER_STUDY, running: false, done: false, phase: "", pretrained: null, results: [], seconds: null, error: "" };

  constructor(private readonly host: SessionHost) {}

  private patch(next: Partial<TransferState>): void {
    this.state = { ...this.state, ...next };
    this.host.changed();
  }

  receive(event: WorkerEvent): void {
    switch (event.type) {
      case "transfer-phase":
        this.patch({ phase: event.text });
        return;
      case "transfer-pretrained":
        this.patch({ pretrained: event.accuracy });
        return;
      case "transfer-result":
        this.patch({ results: [...this.state.results, event.result] });
        return;
      case "study-state":
        if (event.study !== "transfer") return;
        this.patch({
          running: event.running,
          done: event.done,
          seconds: event.seconds ?? null,
          error: event.error ?? "",
          ...(event.running ? {} : { phase: "" }),
        });
        return;
    }
  }

  /** Changes a setting of the next study. */
  configure(change: Partial<TransferStudyConfig>): void {
    this.patch({ study: { ...this.state.study, ...change } });
  }

  start(): void {
    this.host.pauseOthers("race");
    this.patch({ running: true, done: false, phase: "starting…", pretrained: null, results: [], seconds: null, error: "" });
    this.host.send({ type: "transfer-start", study: this.state.study });
  }

  stop(): void {
    this.host.send({ type: "study-stop" });
  }
}
