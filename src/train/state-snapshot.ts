/**
 * Copies of what training changes, so that a run can go back to a good moment: every parameter (one
 * copy of each optimizer's parameter arena) and every buffer of the models (batch norm's running
 * mean and variance). A rollback that put back only the parameters would leave NaN statistics in
 * place, and the "restored" model would still output NaN.
 *
 * A snapshot also records, on the device, whether everything it copied is finite: the sum of each
 * copy times zero is 0 when every value is finite and NaN otherwise (0 · ∞ = NaN). The two numbers
 * ride along with the step's own metrics read (withSentinel), so checking costs no extra submit.
 */
import type { Module } from "../nn/module";
import { add, mul } from "../ops/binary";
import { tensor } from "../ops/creation";
import { sum } from "../ops/reduce";
import { cat, reshape } from "../ops/shape-ops";
import { clone } from "../ops/unary-api";
import type { Optimizer } from "../optim/optimizer";
import { keep, noGrad, tidy, withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";

/** One copy of the parameters and buffers, taken after step `step`. */
export interface StateSnapshot {
  step: number;
  parameters: Tensor[];
  buffers: Tensor[];
  /** [Σ parameters · 0, Σ buffers · 0], unread until withSentinel() appends it to a read (null once appended). */
  sentinel: Tensor | null;
}

/** The sentinel's two values as read: are the parameters and the buffers all finite? */
export interface Finiteness {
  parameters: boolean;
  buffers: boolean;
}

/** Values per sentinel, at the end of a read that carries one. */
export const SENTINEL_VALUES = 2;

/** The trainable state of one or more models: their optimizers' parameters and the models' buffers. */
export class TrainableState {
  private readonly buffers: [string, Tensor][];

  /**
   * `followers`: networks computed from the trained ones rather than trained (a GAN's weight average),
   * by name; all their tensors are copied and put back with the buffers, so a rollback or a divergence
   * leaves them as they were with the weights they follow.
   */
  constructor(
    private readonly optimizers: Optimizer[],
    models: Module[],
    followers: [name: string, network: Module][] = [],
  ) {
    const own = models.flatMap((m, k) => m.namedBuffers(models.length > 1 ? `${k}:` : ""));
    this.hasBuffers = own.length > 0;
    this.buffers = [...own, ...followers.flatMap(([name, m]) => [...m.stateDict()].map(([key, t]): [string, Tensor] => [`${name}.${key}`, t]))];
  }

  /** Whether the models have buffers (batch norm) besides the parameters. */
  readonly hasBuffers: boolean;

  /** The buffers' names, as the state dict has them ("1.running_var"). */
  bufferNames(): string[] {
    return this.buffers.map(([name]) => name);
  }

  /** Copies everything and records the finiteness sentinel (on the device; nothing waits). */
  take(step: number): StateSnapshot {
    const parameters = this.optimizers.map((o) => o.snapshot());
    const buffers = noGrad(() => this.buffers.map(([, b]) => keep(clone(b))));
    const zeros = (tensors: Tensor[]) => tensors.map((t) => sum(mul(t, 0))).reduce((a, b) => add(a, b), tensor([0]));
    const backend = this.optimizers[0].backend;
    const sentinel = withBackend(backend, () => noGrad(() => tidy(() => keep(cat([reshape(zeros(parameters), [1]), reshape(zeros(buffers), [1])])))));
    return { step, parameters, buffers, sentinel };
  }

  /**
   * Puts a snapshot's parameters and buffers back; `resetOptimizers` also clears the optimizers'
   * state (after a divergence their moments may be NaN).
   */
  restore(snapshot: StateSnapshot, options: { resetOptimizers: boolean }): void {
    this.optimizers.forEach((o, k) => {
      o.restore(snapshot.parameters[k]);
      if (options.resetOptimizers) o.resetState();
    });
    this.buffers.forEach(([, b], k) => {
      b.assign_(snapshot.buffers[k]);
    });
  }

  /** The names of the buffers that hold NaN or ±Infinity now (read back: call when stopped). */
  async nonFiniteBuffers(): Promise<string[]> {
    const out: string[] = [];
    for (const [name, b] of this.buffers) if (!(await b.data()).every(Number.isFinite)) out.push(name);
    return out;
  }
}

export function disposeSnapshot(snapshot: StateSnapshot | null | undefined): void {
  if (!snapshot) return;
  for (const t of [...snapshot.parameters, ...snapshot.buffers]) t.dispose();
  snapshot.sentinel?.dispose();
  snapshot.sentinel = null;
}

/**
 * The tensor to read for a step: its metrics, flattened, with the snapshot's sentinel appended when
 * the step took one (SENTINEL_VALUES more values). Takes ownership of `metrics` and the sentinel.
 */
export function withSentinel(metrics: Tensor, snapshot: StateSnapshot | null): Tensor {
  const sentinel = snapshot?.sentinel;
  if (!snapshot || !sentinel) return metrics;
  snapshot.sentinel = null;
  const out = noGrad(() => tidy(() => keep(cat([reshape(metrics, [-1]), sentinel]))));
  metrics.dispose();
  sentinel.dispose();
  return out;
}

/** Splits a read made by withSentinel() into the metrics and, when it carries one, the sentinel's verdict. */
export function splitSentinel(values: ArrayLike<number>, hasSentinel: boolean): { metrics: number[]; finite: Finiteness | null } {
  const all = Array.from(values);
  if (!hasSentinel) return { metrics: all, finite: null };
  const [p, b] = all.slice(-SENTINEL_VALUES);
  return { metrics: all.slice(0, -SENTINEL_VALUES), finite: { parameters: Number.isFinite(p), buffers: Number.isFinite(b) } };
}
