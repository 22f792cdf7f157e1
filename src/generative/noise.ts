/**
 * Seeded noise drawn on the device for generative training: the GAN's latents, the VAE's ε, the
 * denoising autoencoder's input noise. Each draw is the random kernel with a key derived from
 * (seed, draw number), so a run's noise depends only on its seed, not on whatever else used the
 * global generator in between, and nothing is uploaded.
 */
import { deriveSeed } from "../data/random";
import { randnOp } from "../ops/creation";
import { apply1 } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";

/** A stream of standard-normal draws on the current backend, reproducible from its seed. */
export class DeviceNoise {
  private draws = 0;

  /** @param seed the stream's seed; streams for different purposes should use different seeds */
  constructor(readonly seed: number) {}

  /** The next draw: a float32 tensor of `shape` with independent N(0, 1) elements. */
  normal(shape: readonly number[]): Tensor {
    return apply1(randnOp, [], { shape: [...shape], key: deriveSeed(this.seed, this.draws++), a: 0, b: 1 });
  }
}
