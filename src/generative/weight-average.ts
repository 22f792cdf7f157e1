/**
 * A running average of a network's weights: after every generator step each weight of the average
 * moves toward the trained one, avg ← d·avg + (1 − d)·w, an exponential moving average (EMA). A GAN's
 * generator oscillates from step to step as it chases the discriminator; the average smooths that out
 * and usually draws cleaner samples than the weights of any single step (Yazıcı et al. 2019, "The
 * Unusual Effectiveness of Averaging in GAN Training"; StyleGAN samples from such a copy). The average
 * is never trained itself: it only draws samples.
 *
 * The decay warms up as TensorFlow's ExponentialMovingAverage does, d_t = min(decay, (1 + t) / (10 + t))
 * at update t, so the first random weights are soon forgotten. Batch norm's running statistics are
 * averaged the same way (they describe the weights they were measured with). A resumed run restarts
 * the warm-up from the loaded average.
 */
import type { Module } from "../nn/module";
import { add, mul } from "../ops/binary";
import { noGrad, tidy } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";

/** The decay of update `t` (0-based) for a target `decay`: short memory at first, `decay` in the long run. */
export const warmedDecay = (decay: number, t: number) => Math.min(decay, (1 + t) / (10 + t));

export class WeightAverage {
  /** Updates taken so far. */
  updates = 0;
  private readonly pairs: [average: Tensor, trained: Tensor][];

  /** `average` must have `trained`'s architecture (buildGenerative() starts it as a copy; a resumed run loads it). */
  constructor(
    readonly average: Module,
    readonly trained: Module,
    readonly decay: number,
  ) {
    this.pairs = pairByName(average, trained);
  }

  /** One step of the average toward the trained weights: avg ← d·avg + (1 − d)·w, d = warmedDecay(decay, updates). */
  update(): void {
    const d = warmedDecay(this.decay, this.updates++);
    noGrad(() =>
      tidy(() => {
        for (const [a, t] of this.pairs) a.assign_(add(mul(a, d), mul(t, 1 - d)));
      }),
    );
  }
}

/** Each parameter and buffer of `trained` with the one of the same name in `average` (same architecture, or it throws). */
function pairByName(average: Module, trained: Module): [average: Tensor, trained: Tensor][] {
  const own = average.stateDict();
  const theirs = trained.stateDict();
  if (own.size !== theirs.size) throw new Error(`WeightAverage: the average holds ${own.size} tensors, the trained network ${theirs.size}`);
  return [...theirs].map(([name, t]) => {
    const a = own.get(name);
    if (!a || a.size !== t.size || a.dtype !== t.dtype)
      throw new Error(`WeightAverage: the average has no ${t.dtype} "${name}" of ${t.size} values like the trained network`);
    return [a, t];
  });
}

/** Copies every parameter and buffer of `from` into `to` (same architecture, or it throws). */
export function copyWeights(from: Module, to: Module): void {
  noGrad(() => {
    for (const [target, source] of pairByName(to, from)) target.assign_(source);
  });
}
