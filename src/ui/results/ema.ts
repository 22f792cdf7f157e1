/**
 * The smoothed training-loss line: an exponential moving average with TensorBoard's bias
 * correction, so the first steps are not dragged towards zero by the average's empty start.
 */

/** A debiased exponential moving average; non-finite inputs are skipped. */
export class Ema {
  private average = 0;
  private weight = 0;

  /** `smoothing` in [0, 1): the share of the previous average kept at each step. */
  constructor(readonly smoothing = 0.9) {
    if (!(smoothing >= 0 && smoothing < 1)) throw new RangeError(`smoothing must be in [0, 1), got ${smoothing}`);
  }

  /** Adds a value and returns the smoothed value (NaN until the first finite value). */
  push(value: number): number {
    if (Number.isFinite(value)) {
      this.average = this.smoothing * this.average + (1 - this.smoothing) * value;
      this.weight = this.smoothing * this.weight + (1 - this.smoothing);
    }
    return this.value;
  }

  /** The current smoothed value (NaN before any finite value). */
  get value(): number {
    return this.weight === 0 ? Number.NaN : this.average / this.weight;
  }

  reset(): void {
    this.average = 0;
    this.weight = 0;
  }
}
