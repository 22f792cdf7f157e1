/**
 * A study in the worker: a run that goes on its own once started (the transfer-learning study,
 * boosting rounds), posting its own progress events; pausing (another tab starting) or stopping ends
 * it after the step in progress, keeping what it reported. Its state and its problems are its own
 * `study-state` events, shown on its card.
 */
import type { Backend } from "../backend/backend";
import { errorMessage, type Post } from "./post";
import type { StudyKind } from "./protocol";

export class StudySession {
  private stopping = false;
  private finished = false;
  private readonly done: Promise<void>;

  /** Starts `run` (which checks `stopped()` between its steps) and reports how it ends. */
  constructor(kind: StudyKind, run: (stopped: () => boolean) => Promise<void>, backend: Backend, post: Post) {
    const started = performance.now();
    post({ type: "study-state", study: kind, running: true, done: false });
    this.done = run(() => this.stopping)
      .then(
        () => post({ type: "study-state", study: kind, running: false, done: !this.stopping, seconds: (performance.now() - started) / 1000 }),
        (e: unknown) => post({ type: "study-state", study: kind, running: false, done: false, error: errorMessage(e, backend) }),
      )
      .finally(() => {
        this.finished = true;
      });
  }

  get running(): boolean {
    return !this.finished && !this.stopping;
  }

  /** Ends the study after the step in progress. */
  pause(): void {
    this.stopping = true;
  }

  async dispose(): Promise<void> {
    this.stopping = true;
    await this.done;
  }
}
