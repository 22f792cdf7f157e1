/**
 * Learning-rate schedules with PyTorch's formulas (torch.optim.lr_scheduler). Call step() once per
 * epoch (or per step, if the schedule is counted in steps); ReduceLROnPlateau.step(metric) takes the
 * monitored value. Each schedule sets the lr of every parameter group from that group's base lr.
 */
import { check } from "../errors";
import type { Optimizer } from "./optimizer";

export abstract class LRScheduler {
  /** Completed step() calls. */
  t = 0;
  /** Each group's learning rate before any schedule touched it. */
  readonly baseLrs: number[];

  constructor(
    readonly optimizer: Optimizer,
    baseLrs?: number[],
  ) {
    this.baseLrs = baseLrs ?? optimizer.groups.map((g) => g.options.lr);
  }

  /** Advances the schedule and sets the learning rates. */
  step(): void {
    this.t++;
    this.apply();
  }

  /** The current learning rate of each group. */
  get lastLr(): number[] {
    return this.optimizer.groups.map((g) => g.options.lr);
  }

  protected apply(): void {
    this.optimizer.groups.forEach((g, k) => {
      g.options.lr = this.lrAt(this.t, this.baseLrs[k]);
    });
  }

  /** The learning rate after t steps, for a group whose base rate is `base`. */
  abstract lrAt(t: number, base: number): number;
}

/** lr = base γ^floor(t / stepSize) */
export class StepLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    readonly stepSize: number,
    readonly gamma = 0.1,
  ) {
    super(optimizer);
    check(Number.isInteger(stepSize) && stepSize >= 1, "StepLR", () => `stepSize must be a whole number >= 1, got ${stepSize}`);
  }
  lrAt(t: number, base: number): number {
    return base * this.gamma ** Math.floor(t / this.stepSize);
  }
}

/** lr = base γ^t */
export class ExponentialLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    readonly gamma: number,
  ) {
    super(optimizer);
    check(gamma > 0, "ExponentialLR", () => `gamma must be > 0, got ${gamma}`);
  }
  lrAt(t: number, base: number): number {
    return base * this.gamma ** t;
  }
}

/** lr = etaMin + (base - etaMin) (1 + cos(π t / tMax)) / 2, flat at etaMin after tMax. */
export class CosineAnnealingLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    readonly tMax: number,
    readonly etaMin = 0,
  ) {
    super(optimizer);
    check(tMax >= 1, "CosineAnnealingLR", () => `tMax must be >= 1, got ${tMax}`);
  }
  lrAt(t: number, base: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * Math.min(t, this.tMax)) / this.tMax))) / 2;
  }
}

/** Linear warm-up: the factor goes from startFactor to endFactor over totalIters steps, then stays. */
export class LinearLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    readonly startFactor = 1 / 3,
    readonly endFactor = 1,
    readonly totalIters = 5,
  ) {
    super(optimizer);
    check(
      startFactor > 0 && startFactor <= 1 && endFactor > 0 && endFactor <= 1,
      "LinearLR",
      () => `factors must be in (0, 1], got ${startFactor} and ${endFactor}`,
    );
    this.apply();
  }
  lrAt(t: number, base: number): number {
    return base * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(t, this.totalIters)) / this.totalIters);
  }
}

/** Runs `schedulers` one after another, switching at the step counts in `milestones`. */
export class SequentialLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    readonly schedulers: LRScheduler[],
    readonly milestones: number[],
  ) {
    super(optimizer, schedulers[0]?.baseLrs); // the first child may already have changed the rates
    check(
      milestones.length === schedulers.length - 1,
      "SequentialLR",
      () => `expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`,
    );
    this.apply();
  }
  lrAt(t: number, base: number): number {
    let k = 0;
    while (k < this.milestones.length && t >= this.milestones[k]) k++;
    const start = k === 0 ? 0 : this.milestones[k - 1];
    return this.schedulers[k].lrAt(t - start, base);
  }
}

export interface PlateauOptions {
  /** "min": lower is better (a loss); "max": higher is better (an accuracy). */
  mode?: "min" | "max";
  factor?: number;
  patience?: number;
  /** Relative improvement needed to count as better. */
  threshold?: number;
  cooldown?: number;
  minLr?: number;
}

/** Multiplies the learning rate by `factor` when the monitored value stops improving for `patience` steps. */
export class ReduceLROnPlateau {
  private best: number;
  private bad = 0;
  private cooldownLeft = 0;
  readonly options: Required<PlateauOptions>;

  constructor(
    readonly optimizer: Optimizer,
    options: PlateauOptions = {},
  ) {
    this.options = { mode: "min", factor: 0.1, patience: 10, threshold: 1e-4, cooldown: 0, minLr: 0, ...options };
    check(this.options.factor > 0 && this.options.factor < 1, "ReduceLROnPlateau", () => `factor must be in (0, 1), got ${this.options.factor}`);
    this.best = this.options.mode === "min" ? Infinity : -Infinity;
  }

  /** Records the monitored value after an epoch; lowers the learning rate on a plateau. */
  step(value: number): void {
    const { mode, threshold, patience, factor, cooldown, minLr } = this.options;
    const better = mode === "min" ? value < this.best * (1 - threshold) : value > this.best * (1 + threshold);
    if (better) {
      this.best = value;
      this.bad = 0;
    } else this.bad++;
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.bad = 0;
    }
    if (this.bad > patience) {
      for (const g of this.optimizer.groups) g.options.lr = Math.max(g.options.lr * factor, minLr);
      this.cooldownLeft = cooldown;
      this.bad = 0;
    }
  }

  get lastLr(): number[] {
    return this.optimizer.groups.map((g) => g.options.lr);
  }
}
