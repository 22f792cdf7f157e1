/**
 * Divergence detection, shared by the Trainer and the generative loops. A run has diverged when:
 *
 *  - a loss is NaN or infinite;
 *  - the weights or batch norm's running statistics become NaN or infinite (checked on the device
 *    every SNAPSHOT_EVERY steps), even while the loss is still finite;
 *  - the validation loss after an epoch is NaN or infinite;
 *  - or the loss explodes: for STREAK steps in a row it stays above both its first value and
 *    FACTOR times its lowest WINDOW-step average. (A loss that merely wobbles near its minimum never
 *    climbs back above where training started; one that does, for 20 steps, is not learning.)
 *
 * The guard keeps snapshots of the parameters and buffers (state-snapshot.ts); a snapshot counts as
 * good once it is finite and a later step's loss landed finite and not exploding. On a divergence it
 * puts back the last good snapshot and stops with a message that says what happened and names the
 * likely cause among the settings: the learning rate, an optimizer's eps or betas, a batch norm's eps
 * or momentum. (NaN in the data is refused when the data are loaded, so it is never the cause here.)
 */
import type { Module } from "../nn/module";
import { BatchNorm1d, BatchNorm2d } from "../nn/normalization";
import type { Optimizer } from "../optim/optimizer";
import type { StopEvent } from "./run-control";
import { disposeSnapshot, type StateSnapshot, splitSentinel, type TrainableState } from "./state-snapshot";

/** The exploding-loss rule: above FACTOR x the lowest WINDOW-step mean (and the first loss) for STREAK steps. */
export const DIVERGENCE_RULE = { factor: 10, window: 20, streak: 20 } as const;
/** Steps between snapshots. */
export const SNAPSHOT_EVERY = 25;

/** The settings a divergence explanation weighs. */
export interface Suspects {
  optimizers: { name: string; lr: number; eps?: number; betas?: [number, number] }[];
  /** Batch norms by layer ("layer 3"), with their settings. */
  batchNorms: { layer: string; eps: number; momentum: number }[];
  /** Whether the run's config can clip gradients (a classifier's can). */
  canClip: boolean;
}

/** "layer 4.2" for state-dict names like "3.layers.1.running_var" (spec layers count from 1). */
export function layerOf(name: string): string {
  const numbers = name
    .replace(/^\d+:/, "")
    .split(".")
    .filter((part) => /^\d+$/.test(part))
    .map((part) => Number(part) + 1);
  return `layer ${numbers.join(".")}`;
}

/** The settings of `optimizers` (named by `roles` when given: "generator") and the batch norms of `models` that can make a run diverge. */
export function suspectsOf(optimizers: Optimizer[], models: Module[], options: { roles?: string[]; canClip?: boolean } = {}): Suspects {
  const { roles, canClip = false } = options;
  const batchNorms: Suspects["batchNorms"] = [];
  const walk = (m: Module, path: string) => {
    if (m instanceof BatchNorm1d || m instanceof BatchNorm2d)
      batchNorms.push({ layer: layerOf(`${path}x`), eps: m.options.eps ?? 1e-5, momentum: m.options.momentum ?? 0.1 });
    for (const [name, child] of m.children()) walk(child, `${path}${name}.`);
  };
  for (const m of models) walk(m, "");
  const optimizerSuspects = optimizers.map((o, k) => {
    const options = o.groups[0].options as { lr: number; eps?: number; betas?: [number, number] };
    return { name: roles ? `the ${roles[k]}'s ${o.name}` : o.name, lr: o.lr, eps: options.eps, betas: options.betas };
  });
  return { optimizers: optimizerSuspects, batchNorms, canClip };
}

type Cause =
  | { kind: "loss"; value: number }
  | { kind: "exploding"; value: number; best: number; first: number }
  /* best: the lowest WINDOW-step average (Infinity before one is complete) */
  | { kind: "weights" }
  | { kind: "statistics"; buffers: string[] }
  | { kind: "evaluation"; value: number };

/** A number as the message shows it: 3 significant digits, exponents for the very large or small ("1.7e+6", "2e-4"). */
const short = (v: number) =>
  !Number.isFinite(v)
    ? String(v)
    : Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3)
      ? v.toExponential(2).replace(/\.?0+e/, "e")
      : String(+v.toPrecision(3));

/** What happened, in words. */
function whatHappened(cause: Cause, step: number): string {
  switch (cause.kind) {
    case "loss":
      return `the loss became ${short(cause.value)} at step ${step}`;
    case "exploding": {
      const { factor, streak, window } = DIVERGENCE_RULE;
      const reference = Math.min(cause.best, cause.first);
      const line =
        factor * reference >= cause.first
          ? `${short(factor * reference)} (${factor}× its lowest level so far, ${short(reference)})`
          : `${short(cause.first)} (where it started; its ${window}-step average had come down to ${short(cause.best)})`;
      return `the loss rose to ${short(cause.value)} by step ${step} and stayed above ${line} for ${streak} steps in a row`;
    }
    case "weights":
      return `the weights became NaN or infinite by step ${step} while the loss was still finite: the gradients or the updates overflowed`;
    case "statistics":
      return `batch norm's running statistics became NaN or infinite by step ${step} (${[...new Set(cause.buffers.map(layerOf))].join(", ")})`;
    case "evaluation":
      return `the validation loss became ${short(cause.value)} after step ${step}`;
    default:
      return cause satisfies never;
  }
}

/** The likeliest causes among the settings, most specific first; the learning rate always last. */
function likelyCauses(cause: Cause, suspects: Suspects): string[] {
  const out: string[] = [];
  const statistics = cause.kind === "statistics" || cause.kind === "evaluation";
  for (const bn of suspects.batchNorms) {
    if (bn.eps < 1e-8) out.push(`${bn.layer} batchNorm's eps (${short(bn.eps)}) is tiny, so a channel of equal values divides by almost zero: use 1e-5`);
    if (statistics && bn.momentum > 0.5) out.push(`${bn.layer} batchNorm's momentum (${bn.momentum}) lets one batch set its running statistics: use 0.1`);
  }
  for (const o of suspects.optimizers) {
    if (o.eps !== undefined && o.eps < 1e-10) out.push(`${o.name}'s eps (${short(o.eps)}) is tiny, so steps blow up where gradients vanish: use 1e-8`);
    if (o.betas && o.betas[1] < o.betas[0]) out.push(`${o.name}'s β₂ (${o.betas[1]}) is below β₁ (${o.betas[0]}), which makes its steps erratic: use β₂ 0.999`);
  }
  const lrs = suspects.optimizers.map((o) => `${o.name} ${short(o.lr)}`).join(" and ");
  const lower = suspects.optimizers.map((o) => short(o.lr / 10)).join(" and ");
  out.push(`the learning rate (${lrs}) is too high: lower it (try ${lower})${suspects.canClip ? " or clip gradients (training.clipGradNorm)" : ""}`);
  return out;
}

/** The explanation of a divergence: what happened, what was put back, and what to change. */
export function explainDivergence(cause: Cause, step: number, restoredStep: number, withBuffers: boolean, suspects: Suspects): string {
  const [first, ...others] = likelyCauses(cause, suspects);
  const restored = `The weights${withBuffers ? " and batch-norm statistics" : ""} are back to those after step ${restoredStep}`;
  return `${whatHappened(cause, step)}: training diverged. ${restored}. Likely cause: ${first}${others.length ? `; also check: ${others.join("; ")}` : ""}. Then continue.`;
}

/**
 * The exploding-loss rule over one loss curve: a step is high when its loss is above both the first
 * loss and FACTOR x the lowest WINDOW-step average so far; STREAK high steps in a row is a divergence.
 */
export class ExplodingLossRule {
  first: number | null = null;
  best = Number.POSITIVE_INFINITY;
  streak = 0;
  /** The highest loss of the current streak. */
  highest = 0;
  private readonly window: number[] = [];

  /** Takes in one loss; returns whether it is high. */
  update(loss: number): boolean {
    const { factor, window } = DIVERGENCE_RULE;
    this.first ??= loss;
    this.window.push(loss);
    if (this.window.length > window) this.window.shift();
    const line = Math.max(this.first, factor * Math.min(this.best, this.first));
    const high = loss > line;
    this.streak = high ? this.streak + 1 : 0;
    this.highest = high ? Math.max(this.highest, loss) : 0;
    // Only healthy steps lower the reference, so an explosion cannot raise its own bar.
    if (!high && this.window.length === window) this.best = Math.min(this.best, this.window.reduce((a, b) => a + b, 0) / window);
    return high;
  }

  /** Whether the streak has reached STREAK steps. */
  get exploded(): boolean {
    return this.streak >= DIVERGENCE_RULE.streak;
  }

  /** The rule's verdict in words: "the loss rose to ... for 20 steps in a row ...". */
  describe(step: number): string {
    return whatHappened({ kind: "exploding", value: this.highest, best: this.best, first: this.first ?? Number.NaN }, step);
  }
}

/** Watches a run's losses and state; on a divergence, restores the last good state and says why. */
export class DivergenceGuard {
  private lastGood: StateSnapshot;
  /** Snapshots not yet confirmed by a later step. */
  private readonly unconfirmed: StateSnapshot[] = [];
  private tripped: StopEvent | null = null;
  private readonly rule = new ExplodingLossRule();

  /**
   * @param state what a snapshot copies and a divergence restores
   * @param suspects the settings to name when explaining (read when it happens: they may be tuned)
   * @param watching which of a step's metrics are losses that must stay finite, and which one the
   *   exploding-loss rule watches (none for a GAN, whose losses rise and fall by design)
   * @param step the step the run starts at (its state now is trusted)
   */
  constructor(
    private readonly state: TrainableState,
    private readonly suspects: () => Suspects,
    private readonly watching: { lossIndices: number[]; watchIndex?: number },
    step: number,
  ) {
    this.lastGood = state.take(step);
    this.lastGood.sentinel?.dispose(); // trusted: never read
    this.lastGood.sentinel = null;
  }

  /** Whether the guard has stopped the run. */
  get diverged(): StopEvent | null {
    return this.tripped;
  }

  /** A snapshot after step `step` when one is due (every SNAPSHOT_EVERY steps), else null. */
  capture(step: number): StateSnapshot | null {
    return step % SNAPSHOT_EVERY === 0 ? this.state.take(step) : null;
  }

  /**
   * Takes in step `step`'s landed read (its metrics, then the sentinel of `snapshot` when it took one:
   * see withSentinel). Returns the stop event when the run has diverged (the last good state is back
   * by then), else null.
   */
  async land(step: number, epoch: number, values: ArrayLike<number>, snapshot: StateSnapshot | null): Promise<StopEvent | null> {
    if (this.tripped) {
      disposeSnapshot(snapshot);
      return null;
    }
    const { metrics, finite } = splitSentinel(values, snapshot !== null);
    const bad = this.watching.lossIndices.map((k) => metrics[k]).find((v) => !Number.isFinite(v));
    if (bad !== undefined) {
      disposeSnapshot(snapshot);
      return this.trip({ kind: "loss", value: bad }, step, epoch);
    }
    const { watchIndex } = this.watching;
    const rule = this.rule;
    if (watchIndex !== undefined && rule.update(metrics[watchIndex])) {
      disposeSnapshot(snapshot);
      return rule.exploded ? this.trip({ kind: "exploding", value: rule.highest, best: rule.best, first: rule.first as number }, step, epoch) : null;
    }
    // A healthy step confirms the snapshots taken before it (their weights produced this loss).
    while (this.unconfirmed.length && this.unconfirmed[0].step < step) {
      disposeSnapshot(this.lastGood);
      this.lastGood = this.unconfirmed.shift() as StateSnapshot;
    }
    if (snapshot && finite) {
      if (!finite.parameters || !finite.buffers) {
        disposeSnapshot(snapshot);
        const cause: Cause = !finite.parameters ? { kind: "weights" } : { kind: "statistics", buffers: await this.state.nonFiniteBuffers() };
        return this.trip(cause, step, epoch);
      }
      this.unconfirmed.push(snapshot);
    }
    return null;
  }

  /** Takes in an epoch's validation loss; a non-finite one (batch norm's statistics, usually) is a divergence. */
  async evaluated(loss: number, step: number, epoch: number): Promise<StopEvent | null> {
    if (this.tripped || Number.isFinite(loss)) return null;
    return this.trip({ kind: "evaluation", value: loss }, step, epoch);
  }

  private async trip(cause: Cause, step: number, epoch: number): Promise<StopEvent> {
    for (const s of this.unconfirmed.splice(0)) disposeSnapshot(s);
    this.state.restore(this.lastGood, { resetOptimizers: true });
    const message = explainDivergence(cause, step, this.lastGood.step, this.state.hasBuffers, this.suspects());
    this.tripped = { reason: "diverged", message, epoch, step };
    return this.tripped;
  }

  /** Frees every snapshot. */
  release(): void {
    for (const s of this.unconfirmed.splice(0)) disposeSnapshot(s);
    disposeSnapshot(this.lastGood);
  }
}
