/**
 * Live changes to a running optimizer (the `tune` command): the learning rate and the other numeric
 * settings its parameter groups hold (momentum, betas, eps, weight decay...), and the L1/L2
 * penalties. The optimizer reads them at its next step, so nothing is rebuilt. A setting that would
 * change the optimizer's state buffers (momentum switched on or off, Nesterov, AMSGrad, centered)
 * or its kind needs a reload, and says so. Everything is checked before anything changes.
 */
import type { Optimizer, Regularization } from "../optim/optimizer";
import { LRScheduler, type ReduceLROnPlateau } from "../optim/schedulers";
import type { OptimizerConfig } from "../train/config";

/** What a tune command may carry. */
export interface Tune {
  optimizer?: Partial<OptimizerConfig>;
  regularization?: { l1?: number; l2?: number };
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function fail(detail: string): never {
  throw new Error(`tune: ${detail}`);
}

/**
 * Applies `tune` to `optimizer` (and the base rate of its schedule: the schedule's factor still
 * applies to a new lr). `current` is the optimizer's config; returns the updated copies of it and of
 * the regularization, for saving with the weights.
 */
export function applyTune(
  tune: Tune,
  optimizer: Optimizer,
  scheduler: LRScheduler | ReduceLROnPlateau | undefined,
  current: OptimizerConfig,
): { optimizer: OptimizerConfig; regularization: Regularization } {
  const settings = optimizer.groups[0].options as unknown as Record<string, unknown>;
  const changes = Object.entries(tune.optimizer ?? {});
  for (const [key, value] of changes) {
    if (key === "name") {
      if (value !== current.name) fail(`switching from ${current.name} to ${JSON.stringify(value)} needs a reload`);
      continue;
    }
    if (!(key in settings)) fail(`${optimizer.name} has no setting "${key}"; it has ${Object.keys(settings).join(", ")}`);
    const now = settings[key];
    if (Array.isArray(now)) {
      if (!Array.isArray(value) || value.length !== now.length || !value.every((v) => isNumber(v) && v >= 0 && v < 1))
        fail(`${key} must be ${now.length} numbers in [0, 1), got ${JSON.stringify(value)}`);
      continue;
    }
    if (typeof now !== "number") {
      if (value !== now) fail(`changing ${key} changes the optimizer's state; it needs a reload`);
      continue;
    }
    if (!isNumber(value) || value < 0 || (key === "lr" && value === 0))
      fail(`${key} must be a number ${key === "lr" ? "> 0" : ">= 0"}, got ${JSON.stringify(value)}`);
    if (key === "momentum" && value > 0 !== now > 0) fail(`switching momentum ${now > 0 ? "off" : "on"} changes the optimizer's state; it needs a reload`);
  }
  const reg = tune.regularization ?? {};
  for (const [key, value] of Object.entries(reg)) {
    if (key !== "l1" && key !== "l2") fail(`regularization has l1 and l2, not "${key}"`);
    if (!isNumber(value) || value < 0) fail(`${key} must be a number >= 0, got ${JSON.stringify(value)}`);
  }
  for (const [key, value] of changes) {
    if (key === "name" || typeof settings[key] === "boolean") continue;
    if (key === "lr") setBaseLr(optimizer, scheduler, value as number);
    else for (const g of optimizer.groups) (g.options as unknown as Record<string, unknown>)[key] = Array.isArray(value) ? [...value] : value;
  }
  Object.assign(optimizer.regularization, reg);
  return { optimizer: { ...current, ...(tune.optimizer ?? {}) } as OptimizerConfig, regularization: { ...optimizer.regularization } };
}

/** Sets the learning rate; under a per-epoch schedule, its base rate, the current rate following the schedule. */
function setBaseLr(optimizer: Optimizer, scheduler: LRScheduler | ReduceLROnPlateau | undefined, lr: number): void {
  if (!(scheduler instanceof LRScheduler)) {
    optimizer.lr = lr;
    return;
  }
  optimizer.groups.forEach((g, k) => {
    scheduler.baseLrs[k] = lr * g.lrScale;
    g.options.lr = scheduler.lrAt(scheduler.t, scheduler.baseLrs[k]); // may be 0 at the end of a cosine schedule
  });
}
