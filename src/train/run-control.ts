/**
 * What every training loop that awaits between steps shares (the Trainer and the generative loops):
 * its state, the epoch and step counters, and the controls: pause after the current step, resume,
 * exactly one more step while paused, and stop. A loop calls waitWhilePaused() before each step and
 * ends when `stopRequest` is set (by stop(), or by the loop itself on a divergence or early stop).
 */
import { Emitter } from "./events";

export type RunState = "idle" | "running" | "paused" | "stopped";

export type StopReason = "done" | "stopped" | "early-stopping" | "diverged";

/** Why training ended: finished, stopped on request, early stopping, or a non-finite loss. */
export interface StopEvent {
  reason: StopReason;
  message: string;
  epoch: number;
  step: number;
}

export abstract class RunControl<Events extends Record<string, unknown>> extends Emitter<Events> {
  state: RunState = "idle";
  /** Epochs completed. */
  epoch = 0;
  /** Steps recorded since the start. */
  step = 0;
  /** Set once the loop must end; the loop's run() resolves with it. */
  protected stopRequest: StopEvent | null = null;
  private resumeWaiters: (() => void)[] = [];
  private stepsRequested = 0;

  /** Pauses after the current step. */
  pause(): void {
    if (this.state === "running") this.state = "paused";
  }

  /** Continues after pause(). */
  resume(): void {
    if (this.state !== "paused") return;
    this.state = "running";
    this.wake();
  }

  /** While paused: runs exactly one more step. */
  stepOnce(): void {
    if (this.state !== "paused") return;
    this.stepsRequested++;
    this.wake();
  }

  /** Ends training after the current step; run() resolves with reason "stopped". */
  stop(): void {
    this.stopRequest ??= { reason: "stopped", message: "stopped by request", epoch: this.epoch, step: this.step };
    this.wake();
  }

  /** Resolves when the loop may take its next step: at once while running, else on resume, stepOnce or stop. */
  protected async waitWhilePaused(): Promise<void> {
    while (this.state === "paused" && !this.stopRequest) {
      if (this.stepsRequested > 0) {
        this.stepsRequested--;
        return;
      }
      await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
    }
  }

  private wake(): void {
    for (const w of this.resumeWaiters.splice(0)) w();
  }
}
