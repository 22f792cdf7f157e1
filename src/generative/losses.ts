/**
 * The objectives of generative models, written with registry ops so that autograd differentiates
 * them (the gradients are written beside each for reference): the four GAN losses on the
 * discriminator's raw outputs (logits), with one-sided label smoothing; the autoencoders'
 * reconstruction losses; the VAE's KL term, its reparameterisation and the β-weighted negative ELBO.
 * Every loss is a mean over the batch, as in PyTorch's reference implementations.
 */
import { check, fmtShape } from "../errors";
import { add, mul, sub } from "../ops/binary";
import { mean, sum } from "../ops/reduce";
import { reshape, slice } from "../ops/shape-ops";
import { clamp, exp, log, relu, softplus } from "../ops/unary-api";
import type { Tensor } from "../tensor/tensor";
import { GAN_LOSSES, type GanLossName, type ReconstructionName } from "./spec";

/** Options of discriminatorLoss(). */
export interface DiscriminatorLossOptions {
  /**
   * One-sided label smoothing s (Salimans et al. 2016): real examples are labelled 1 - s instead of
   * 1; fakes keep 0. For minimax, non-saturating and least squares (default 0).
   */
  labelSmoothing?: number;
}

/**
 * The discriminator's loss from its logits on real examples `real` [N, 1] and on generated ones
 * `fake` [M, 1], with real label t = 1 - s:
 *   minimax, nonSaturating: BCE(real, t) + BCE(fake, 0)
 *                         = mean(softplus(-r) + s r) + mean(softplus(f));  d/dr = (σ(r) - t)/N, d/df = σ(f)/M
 *   leastSquares:           ½ mean((r - t)²) + ½ mean(f²);                  d/dr = (r - t)/N,     d/df = f/M
 *   hinge:                  mean(relu(1 - r)) + mean(relu(1 + f));          d/dr = -[r < 1]/N,    d/df = [f > -1]/M
 */
export function discriminatorLoss(kind: GanLossName, real: Tensor, fake: Tensor, options: DiscriminatorLossOptions = {}): Tensor {
  const s = options.labelSmoothing ?? 0;
  check(s >= 0 && s < 1, "discriminatorLoss", () => `labelSmoothing must be in [0, 1), got ${s}`);
  check(kind !== "hinge" || s === 0, "discriminatorLoss", () => "label smoothing does not apply to the hinge loss; set labelSmoothing to 0");
  switch (kind) {
    case "minimax":
    case "nonSaturating": {
      // BCE(x, t) = softplus(x) - x t = softplus(-x) + (1 - t) x
      const onReal = s > 0 ? add(softplus(mul(real, -1)), mul(real, s)) : softplus(mul(real, -1));
      return add(mean(onReal), mean(softplus(fake)));
    }
    case "leastSquares": {
      const dr = sub(real, 1 - s);
      return add(mul(mean(mul(dr, dr)), 0.5), mul(mean(mul(fake, fake)), 0.5));
    }
    case "hinge":
      return add(mean(relu(sub(1, real))), mean(relu(add(fake, 1))));
    default:
      return unknownLoss(kind satisfies never);
  }
}

/**
 * The generator's loss from the discriminator's logits on generated examples `fake` [M, 1]:
 *   minimax:       -BCE(fake, 0) = mean(log(1 - σ(f))) = -mean(softplus(f));  d/df = -σ(f)/M
 *   nonSaturating:  BCE(fake, 1) = -mean(log σ(f))     =  mean(softplus(-f)); d/df = -σ(-f)/M
 *   leastSquares:   ½ mean((f - 1)²);                                          d/df = (f - 1)/M
 *   hinge:         -mean(f);                                                   d/df = -1/M
 */
export function generatorLoss(kind: GanLossName, fake: Tensor): Tensor {
  switch (kind) {
    case "minimax":
      return mul(mean(softplus(fake)), -1);
    case "nonSaturating":
      return mean(softplus(mul(fake, -1)));
    case "leastSquares": {
      const d = sub(fake, 1);
      return mul(mean(mul(d, d)), 0.5);
    }
    case "hinge":
      return mul(mean(fake), -1);
    default:
      return unknownLoss(kind satisfies never);
  }
}

function unknownLoss(kind: never): never {
  check(false, "ganLoss", () => `unknown GAN loss ${JSON.stringify(kind)}; expected one of ${GAN_LOSSES.join(", ")}`);
}

/**
 * The discriminator's decision threshold on its raw output: 0 for logits (σ = ½) and the hinge's
 * margin centre, ½ for least squares (real 1, fake 0).
 */
export const decisionThreshold = (kind: GanLossName) => (kind === "leastSquares" ? 0.5 : 0);

function sameShapes(op: string, a: Tensor, b: Tensor): void {
  check(
    a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]),
    op,
    () => `input ${fmtShape(a.shape)} and target ${fmtShape(b.shape)} must have the same shape`,
  );
}

/** The error of every value of `output` against `target` (same shape): (x̂ - x)², or the binary cross-entropy. */
function errorPerValue(kind: ReconstructionName, output: Tensor, target: Tensor): Tensor {
  sameShapes("reconstruction", output, target);
  if (kind === "mse") {
    const d = sub(output, target);
    return mul(d, d);
  }
  const logP = clamp(log(output), -100);
  const log1mP = clamp(log(sub(1, output)), -100);
  return mul(add(mul(target, logP), mul(sub(1, target), log1mP)), -1);
}

/**
 * The reconstruction error of `output` against `target` (same shape, [N, ...]), per example: the sum
 * over its values of (x̂ - x)² ("mse") or of -(x log x̂ + (1 - x) log(1 - x̂)) ("bce", x̂ in (0, 1), logs
 * clamped at -100 like PyTorch); returns [N]. The VAE's reconstruction term; d/dx̂ = 2(x̂ - x), or
 * (x̂ - x) / (x̂ (1 - x̂)).
 */
export function reconstructionPerExample(kind: ReconstructionName, output: Tensor, target: Tensor): Tensor {
  return sum(reshape(errorPerValue(kind, output, target), [output.shape[0], -1]), 1);
}

/** The autoencoder's loss: the mean over every value (nn.MSELoss() or nn.BCELoss()); d/dx̂ = 2(x̂ - x)/size, or (x̂ - x) / (x̂ (1 - x̂) size). */
export function reconstructionLoss(kind: ReconstructionName, output: Tensor, target: Tensor): Tensor {
  return mean(errorPerValue(kind, output, target));
}

/**
 * KL(N(μ, σ²) ‖ N(0, I)) of a diagonal gaussian with log-variance `logVar`, summed over the latent
 * dims and averaged over the batch: -½ mean_n Σ_j (1 + logσ²_j - μ_j² - σ²_j) (Kingma & Welling,
 * appendix B). d/dμ = μ/N, d/dlogσ² = ½ (σ² - 1)/N.
 */
export function gaussianKl(mu: Tensor, logVar: Tensor): Tensor {
  sameShapes("gaussianKl", mu, logVar);
  const terms = sub(add(logVar, 1), add(mul(mu, mu), exp(logVar)));
  return mul(mean(sum(terms, 1)), -0.5);
}

/** The VAE encoder's output [N, 2L] split into the means [N, L] and the log-variances [N, L]. */
export function splitMoments(h: Tensor): { mu: Tensor; logVar: Tensor } {
  check(h.rank === 2 && h.shape[1] % 2 === 0, "splitMoments", () => `expected the encoder's [N, 2 x latent] output, got ${fmtShape(h.shape)}`);
  const l = h.shape[1] / 2;
  return { mu: slice(h, 1, 0, l), logVar: slice(h, 1, l, 2 * l) };
}

/**
 * The reparameterisation trick: z = μ + exp(½ logσ²) ⊙ ε with ε ~ N(0, I) given (drawn by the
 * caller on the device), so that z is differentiable in μ and logσ²: dz/dμ = 1,
 * dz/dlogσ² = ½ exp(½ logσ²) ε.
 */
export function reparameterize(mu: Tensor, logVar: Tensor, eps: Tensor): Tensor {
  sameShapes("reparameterize", mu, eps);
  return add(mu, mul(exp(mul(logVar, 0.5)), eps));
}

/** The terms of a VAE's objective, each averaged over the batch (one-element tensors). */
export interface VaeTerms {
  /** β·KL + reconstruction: the negative ELBO when β = 1; what training minimises. */
  loss: Tensor;
  reconstruction: Tensor;
  kl: Tensor;
}

/**
 * The β-VAE objective (Higgins et al. 2017) for a decoded batch `output`, its `target`, and the
 * encoder's μ and logσ²: mean_n [recon_n] + β KL. With β = 1 and "bce" this is the negative ELBO of a
 * Bernoulli decoder; with "mse" that of a gaussian decoder with variance ½, up to a constant.
 */
export function vaeLoss(
  output: Tensor,
  target: Tensor,
  mu: Tensor,
  logVar: Tensor,
  options: { reconstruction?: ReconstructionName; beta?: number } = {},
): VaeTerms {
  const { reconstruction = "bce", beta = 1 } = options;
  check(beta >= 0 && Number.isFinite(beta), "vaeLoss", () => `beta must be a number >= 0, got ${beta}`);
  const rec = mean(reconstructionPerExample(reconstruction, output, target));
  const kl = gaussianKl(mu, logVar);
  return { loss: add(rec, mul(kl, beta)), reconstruction: rec, kl };
}
