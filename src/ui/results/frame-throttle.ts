/**
 * Redraws at most once per animation frame however many reports arrive in between (DESIGN §7):
 * `request()` marks the work due and the next frame runs it once.
 */

/** Runs a callback at most once per frame; the frame functions are injectable for tests. */
export class FrameThrottle {
  private handle = 0;

  constructor(
    private readonly run: () => void,
    private readonly requestFrame: (cb: () => void) => number = (cb) => requestAnimationFrame(cb),
    private readonly cancelFrame: (handle: number) => void = (h) => cancelAnimationFrame(h),
  ) {}

  /** Schedules the callback for the next frame unless it already is. */
  request(): void {
    if (this.handle) return;
    this.handle = this.requestFrame(() => {
      this.handle = 0;
      this.run();
    });
  }

  /** True while a run is scheduled. */
  get pending(): boolean {
    return this.handle !== 0;
  }

  /** Drops a scheduled run. */
  cancel(): void {
    if (this.handle) this.cancelFrame(this.handle);
    this.handle = 0;
  }
}
