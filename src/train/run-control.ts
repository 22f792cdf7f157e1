/**
 * What every training loop that awaits between steps shares (the Trainer and the generative loops):
 * its state, the epoch and step counters, and the controls: pause after the current step, resume,
 * exactly one more step while paused, and stop. A loop calls waitWhilePaused() before each step (having
 * reported every step it took) and ends when `stopRequest` is set (by stop(), or by the loop itself on
 * a divergence or early stop), calling stopped().
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
  /** Whether the loop waits in waitWhilePaused, every step it took reported. */
  private parked = false;
  private parkedWaiters: (() => void)[] = [];

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

  /**
   * Resolves once a paused run has parked, every step it took reported (a snapshot then matches the
   * reports); at once when no step is under way (not paused, already parked, or not running at all).
   */
  whenParked(): Promise<void> {
    if (this.state !== "paused" || this.parked) return Promise.resolve();
    return new Promise((resolve) => this.parkedWaiters.push(resolve));
  }

  /** Resolves when the loop may take its next step: at once while running, else on resume, stepOnce or stop. */
  protected async waitWhilePaused(): Promise<void> {
    while (this.state === "paused" && !this.stopRequest) {
      if (this.stepsRequested > 0) {
        this.stepsRequested--;
        return;
      }
      this.park(true);
      await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
      this.park(false);
    }
  }

  /** The run has ended (done, stopped or failed): nothing is under way any more. */
  protected stopped(): void {
    this.state = "stopped";
    this.park(true);
  }

  private park(parked: boolean): void {
    this.parked = parked;
    if (parked) for (const w of this.parkedWaiters.splice(0)) w();
  }

  private wake(): void {
    for (const w of this.resumeWaiters.splice(0)) w();
  }
}
