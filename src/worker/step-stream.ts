/**
 * Per-step numbers reach the page in batches: a StepBuffer collects (step, loss, lr) as the
 * trainer's loss reads land, and a Throttle flushes at most every ~50 ms (about 20 messages a
 * second, however fast the steps are), so the page's charts never drown in messages.
 */

/** Steps, losses and learning rates collected since the last take(). */
export class StepBuffer {
  private steps: number[] = [];
  private losses: number[] = [];
  private lrs: number[] = [];

  push(step: number, loss: number, lr: number): void {
    this.steps.push(step);
    this.losses.push(loss);
    this.lrs.push(lr);
  }

  /** The collected numbers as fresh typed arrays (null when there are none), emptying the buffer. */
  take(): { steps: Int32Array; losses: Float32Array; lrs: Float32Array } | null {
    if (!this.steps.length) return null;
    const batch = { steps: Int32Array.from(this.steps), losses: Float32Array.from(this.losses), lrs: Float32Array.from(this.lrs) };
    this.steps = [];
    this.losses = [];
    this.lrs = [];
    return batch;
  }
}

/** Runs `flush` at most once every `intervalMs` after request(), or at once with flush(). */
export class Throttle {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = 0;

  constructor(
    private readonly onFlush: () => void,
    private readonly intervalMs = 50,
  ) {}

  /** Asks for a flush: now if the last one is old enough, else when it is. */
  request(): void {
    if (this.timer) return;
    const wait = this.last + this.intervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Flushes now (pause, epoch end, stop). */
  flush(): void {
    this.cancel();
    this.last = performance.now();
    this.onFlush();
  }

  /** Drops a pending flush. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Steps per second, measured over windows of about half a second (the first estimate after 0.1 s). */
export class RateMeter {
  private mark = { step: 0, time: performance.now() };
  private value = 0;

  /** The rate after `step` steps in total. */
  update(step: number): number {
    const now = performance.now();
    if (step < this.mark.step) this.mark = { step, time: now };
    const elapsed = now - this.mark.time;
    if (elapsed >= 500 || (this.value === 0 && elapsed >= 100 && step > this.mark.step)) {
      this.value = ((step - this.mark.step) * 1000) / elapsed;
      this.mark = { step, time: now };
    }
    return this.value;
  }

  /** Starts a new window (after a pause, so that paused time does not count). */
  restart(step: number): void {
    this.mark = { step, time: performance.now() };
  }
}
