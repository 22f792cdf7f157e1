/**
 * The run control both playground sessions share (the Train tab's ExperimentSession and the
 * Generative tab's GenerativeSession): play, pause, one step and dispose over a training loop that
 * runs on its own beside the session's reports, and after a divergence (the loop has put back the
 * last good weights) a fresh loop over the same model and optimizers when the user plays again.
 * The same holds after a run finished, where the subclass allows it (more epochs). A subclass says how its loop is made again, what it reports when paused or stepped, how it posts
 * its state and batched steps, and what happens when its loop stops.
 */
import type { Backend } from "../backend/backend";
import type { StopEvent } from "../train/run-control";
import { errorMessage } from "./post";
import { RateMeter, Throttle } from "./step-stream";

/** What a session needs of its loop (the Trainer and the generative loops). */
export interface SessionLoop {
  step: number;
  epoch: number;
  run(options?: { paused?: boolean }): Promise<StopEvent>;
  pause(): void;
  resume(): void;
  stepOnce(): void;
  stop(): void;
}

export abstract class LoopSession<L extends SessionLoop> {
  /** The current loop (a subclass sets it in its constructor). */
  protected loop!: L;
  /** The loop's run, once started; null before the first play or step (and after a divergence). */
  private run: Promise<void> | null = null;
  protected wantRunning = false;
  protected finished: StopEvent | null = null;
  protected disposed = false;
  protected readonly throttle = new Throttle(() => this.flushSteps());
  protected readonly rate = new RateMeter();

  constructor(protected readonly backend: Backend) {}

  /** Posts the steps batched since the last flush. */
  protected abstract flushSteps(): void;
  /** Posts whether the loop runs and whether it is done. */
  protected abstract postState(): void;
  /** Posts the reports for the weights as they are now; resolves when they are posted. */
  protected abstract reportNow(): Promise<void>;
  /** A fresh loop over the same model and optimizers, to go on after a divergence. */
  protected abstract freshLoop(old: L): L;
  /** Whether a loop that ended so can go on with a fresh loop (default: after a divergence). */
  protected canContinue(end: StopEvent): boolean {
    return end.reason === "diverged";
  }
  /** Takes in the end of `loop`'s run (`error`: it threw). */
  protected abstract onStop(loop: L, end: StopEvent, error?: unknown): void;

  /** Whether training is stepping (played and not finished). */
  get running(): boolean {
    return this.wantRunning && !this.finished;
  }

  /** Starts or resumes training. */
  play(): void {
    if (!this.prepare()) return;
    this.wantRunning = true;
    this.rate.restart(this.loop.step);
    if (this.run) this.loop.resume();
    else this.start(false);
    this.postState();
  }

  /** Pauses after the current step; resolves once the reports are posted. */
  async pause(): Promise<void> {
    if (this.finished) return;
    this.wantRunning = false;
    this.loop.pause();
    this.throttle.flush();
    this.postState();
    await this.reportNow();
  }

  /** While paused: one training step, then the reports. */
  async step(): Promise<void> {
    if (this.wantRunning || !this.prepare()) return;
    if (!this.run) this.start(true);
    const before = this.loop.step;
    this.loop.stepOnce();
    while (this.loop.step === before && !this.finished && !this.disposed) await new Promise((r) => setTimeout(r, 1));
    this.throttle.flush();
    await this.reportNow();
  }

  /** Stops the loop and waits for it to end (a loop that never ran is run once, stopped, so it frees its snapshots). */
  protected async stopLoop(): Promise<void> {
    this.disposed = true;
    this.throttle.cancel();
    this.loop.stop();
    this.run ??= this.loop.run().then(
      () => undefined,
      () => undefined,
    );
    await this.run;
  }

  /** False (posting the final state) when training has finished; after a divergence, a fresh loop continues from the kept weights. */
  private prepare(): boolean {
    if (this.disposed) return false;
    if (!this.finished) return true;
    if (!this.canContinue(this.finished)) {
      this.postState();
      return false;
    }
    const old = this.loop;
    this.loop = this.freshLoop(old);
    this.loop.epoch = old.epoch;
    this.loop.step = old.step;
    this.finished = null;
    this.run = null;
    return true;
  }

  private start(paused: boolean): void {
    const loop = this.loop;
    this.run = loop.run({ paused }).then(
      (end) => this.onStop(loop, end),
      (e: unknown) => this.onStop(loop, { reason: "stopped", message: errorMessage(e, this.backend), epoch: loop.epoch, step: loop.step }, e),
    );
  }
}
