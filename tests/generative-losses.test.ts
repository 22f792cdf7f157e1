/**
 * The generative objectives: each GAN loss (both sides, with one-sided label smoothing), the
 * reconstruction losses, the KL term and the VAE objective against PyTorch's formulas written out
 * by hand on small fixtures; and their gradients, alone and through small networks (the VAE's through
 * the reparameterisation), against central finite differences on the CPU backend in float64.
 */
import { describe, expect, it } from "vitest";
import { discriminatorLoss, gaussianKl, generatorLoss, reconstructionLoss, reparameterize, splitMoments, vaeLoss } from "../src/generative/losses";
import { DeviceNoise } from "../src/generative/noise";
import { GAN_LOSSES, type GanLossName } from "../src/generative/spec";
import * as dl from "../src/index";
import { dispose, tidy, withBackend } from "../src/tensor/engine";
import type { Tensor } from "../src/tensor/tensor";
import { cpu32, cpu64 } from "./helpers/backends";
import { expectClose, prng } from "./helpers/op-cases";

// ---- PyTorch's definitions, written out ----
const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
/** F.binary_cross_entropy_with_logits per element. */
const bceLogits = (x: number, t: number) => Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const REAL = [1.5, -0.3, 0.2, 2.7];
const FAKE = [-2, 0.5, 0.1];

/** What PyTorch code for each loss computes (D: criterion(D(x), real label) + criterion(D(G(z)), 0)). */
function torchD(kind: GanLossName, r: number[], f: number[], s: number): number {
  const t = 1 - s;
  if (kind === "minimax" || kind === "nonSaturating") return meanOf(r.map((x) => bceLogits(x, t))) + meanOf(f.map((x) => bceLogits(x, 0)));
  if (kind === "leastSquares") return 0.5 * meanOf(r.map((x) => (x - t) ** 2)) + 0.5 * meanOf(f.map((x) => x ** 2));
  return meanOf(r.map((x) => Math.max(0, 1 - x))) + meanOf(f.map((x) => Math.max(0, 1 + x)));
}

function torchG(kind: GanLossName, f: number[]): number {
  if (kind === "minimax") return meanOf(f.map((x) => Math.log(1 - sigmoid(x))));
  if (kind === "nonSaturating") return meanOf(f.map((x) => bceLogits(x, 1)));
  if (kind === "leastSquares") return 0.5 * meanOf(f.map((x) => (x - 1) ** 2));
  return -meanOf(f);
}

async function lossValue(make: () => Tensor): Promise<number> {
  const t = withBackend(cpu32, () => tidy(make));
  const v = await t.item();
  t.dispose();
  return v;
}

const col = (v: number[]) => dl.tensor(v, { shape: [v.length, 1] });

describe("GAN losses against PyTorch's formulas", () => {
  it.each(GAN_LOSSES)("%s, discriminator and generator", async (kind) => {
    const d = await lossValue(() => discriminatorLoss(kind, col(REAL), col(FAKE)));
    expect(d).toBeCloseTo(torchD(kind, REAL, FAKE, 0), 5);
    const g = await lossValue(() => generatorLoss(kind, col(FAKE)));
    expect(g).toBeCloseTo(torchG(kind, FAKE), 5);
  });

  it.each(["minimax", "nonSaturating", "leastSquares"] as const)("%s with one-sided label smoothing 0.1", async (kind) => {
    const d = await lossValue(() => discriminatorLoss(kind, col(REAL), col(FAKE), { labelSmoothing: 0.1 }));
    expect(d).toBeCloseTo(torchD(kind, REAL, FAKE, 0.1), 5);
    expect(d).not.toBeCloseTo(torchD(kind, REAL, FAKE, 0), 3); // the smoothing changes the value
  });

  it("matches hand-computed values", async () => {
    // hinge: relu(1 - [2, .5, -1]) = [0, .5, 2], relu(1 + [-2, 0, .5]) = [0, 1, 1.5]: 5/6 + 5/6
    expect(await lossValue(() => discriminatorLoss("hinge", col([2, 0.5, -1]), col([-2, 0, 0.5])))).toBeCloseTo(5 / 3, 6);
    // at D = 0 everywhere: BCE = log 2 on each side; least squares ½·1 + 0
    expect(await lossValue(() => discriminatorLoss("nonSaturating", col([0, 0]), col([0])))).toBeCloseTo(2 * Math.LN2, 6);
    expect(await lossValue(() => generatorLoss("minimax", col([0])))).toBeCloseTo(-Math.LN2, 6);
    expect(await lossValue(() => discriminatorLoss("leastSquares", col([0]), col([0])))).toBeCloseTo(0.5, 6);
  });

  it("rejects label smoothing with the hinge loss and out-of-range smoothing", () => {
    withBackend(cpu32, () => {
      expect(() => discriminatorLoss("hinge", col(REAL), col(FAKE), { labelSmoothing: 0.1 })).toThrow(/does not apply to the hinge loss/);
      expect(() => discriminatorLoss("minimax", col(REAL), col(FAKE), { labelSmoothing: 1 })).toThrow(/labelSmoothing must be in \[0, 1\)/);
    });
  });
});

describe("autoencoder and VAE terms against PyTorch's formulas", () => {
  const X = [0, 0.25, 1, 0.5, 0.75, 0.1];
  const P = [0.1, 0.3, 0.8, 0.45, 0.9, 0.2];
  const MU = [0.3, -1.2, 0.5, 0.1];
  const LOGVAR = [-0.5, 0.2, 1.1, -2];

  it("reconstruction: nn.MSELoss() and nn.BCELoss() (means over every value)", async () => {
    const t = (v: number[]) => dl.tensor(v, { shape: [2, 3] });
    expect(await lossValue(() => reconstructionLoss("mse", t(P), t(X)))).toBeCloseTo(meanOf(P.map((p, i) => (p - X[i]) ** 2)), 6);
    const bce = meanOf(P.map((p, i) => -(X[i] * Math.log(p) + (1 - X[i]) * Math.log(1 - p))));
    expect(await lossValue(() => reconstructionLoss("bce", t(P), t(X)))).toBeCloseTo(bce, 5);
  });

  it("KL: -0.5 * sum(1 + logvar - mu^2 - logvar.exp()) per example, averaged over the batch", async () => {
    const torch = -0.5 * MU.reduce((s, m, i) => s + 1 + LOGVAR[i] - m * m - Math.exp(LOGVAR[i]), 0);
    const t = (v: number[]) => dl.tensor(v, { shape: [2, 2] });
    expect(await lossValue(() => gaussianKl(t(MU), t(LOGVAR)))).toBeCloseTo(torch / 2, 5);
  });

  it("the β-VAE loss: F.binary_cross_entropy(recon, x, reduction='sum') / N + β KL", async () => {
    const t = (v: number[], shape: number[]) => dl.tensor(v, { shape });
    const bceSum = P.reduce((s, p, i) => s - (X[i] * Math.log(p) + (1 - X[i]) * Math.log(1 - p)), 0);
    const kl = (-0.5 * MU.reduce((s, m, i) => s + 1 + LOGVAR[i] - m * m - Math.exp(LOGVAR[i]), 0)) / 2;
    const loss = await lossValue(() => vaeLoss(t(P, [2, 3]), t(X, [2, 3]), t(MU, [2, 2]), t(LOGVAR, [2, 2]), { beta: 0.5 }).loss);
    expect(loss).toBeCloseTo(bceSum / 2 + 0.5 * kl, 5);
  });

  it("splits the encoder's output and reparameterises: z = μ + exp(½ logσ²) ε", async () => {
    const z = await withBackend(cpu32, async () => {
      const { mu, logVar } = splitMoments(dl.tensor([...MU.slice(0, 2), ...LOGVAR.slice(0, 2), ...MU.slice(2), ...LOGVAR.slice(2)], { shape: [2, 4] }));
      return reparameterize(mu, logVar, dl.tensor([1, -1, 0.5, 2], { shape: [2, 2] })).data();
    });
    const eps = [1, -1, 0.5, 2];
    expectClose(
      z,
      MU.map((m, i) => m + Math.exp(0.5 * LOGVAR[i]) * eps[i]),
      1e-6,
      1e-6,
      "z",
    );
  });
});

// ---- gradients against finite differences (CPU, float64) ----

const H = 1e-6;

/**
 * Checks d f / d inputs (autograd through the ops) against central differences, for every element of
 * every input; `f` builds a one-element loss from tensors on the float64 CPU backend.
 */
async function gradcheck(shapes: number[][], values: number[][], f: (inputs: Tensor[]) => Tensor, what: string): Promise<void> {
  const run = async (vals: number[][], grads: boolean) => {
    const inputs = withBackend(cpu64, () => vals.map((v, i) => dl.tensor(v, { shape: shapes[i], requiresGrad: grads })));
    const out = withBackend(cpu64, () =>
      tidy(() => {
        const loss = f(inputs);
        if (grads) loss.backward();
        return loss;
      }),
    );
    const value = (await out.data())[0];
    const g = grads ? await Promise.all(inputs.map(async (t) => Array.from(await (t.grad as Tensor).data()))) : [];
    dispose([out, ...inputs]);
    return { value, g };
  };
  const analytic = (await run(values, true)).g;
  for (let k = 0; k < values.length; k++) {
    const numeric: number[] = [];
    for (let j = 0; j < values[k].length; j++) {
      const at = (d: number) => values.map((v, m) => (m === k ? v.map((x, q) => (q === j ? x + d : x)) : v));
      numeric.push(((await run(at(H), false)).value - (await run(at(-H), false)).value) / (2 * H));
    }
    expectClose(analytic[k], numeric, 1e-5, 1e-6, `${what}: d/d input ${k}`);
  }
}

function randomValues(n: number, seed: number, lo: number, hi: number, avoid: number[] = []): number[] {
  const r = prng(seed);
  return Array.from({ length: n }, () => {
    for (;;) {
      const v = lo + (hi - lo) * r();
      if (avoid.every((k) => Math.abs(v - k) > 0.05)) return v;
    }
  });
}

describe("gradients (float64 finite differences)", () => {
  const kinks = [-1, 1]; // the hinge's
  it.each(GAN_LOSSES)("%s: both losses with respect to the logits", async (kind) => {
    const r = randomValues(5, 1, -2, 2, kinks);
    const f = randomValues(4, 2, -2, 2, kinks);
    const smoothing = kind === "hinge" ? 0 : 0.1;
    await gradcheck(
      [
        [5, 1],
        [4, 1],
      ],
      [r, f],
      ([a, b]) => discriminatorLoss(kind, a, b, { labelSmoothing: smoothing }),
      `${kind} D`,
    );
    await gradcheck([[4, 1]], [f], ([b]) => generatorLoss(kind, b), `${kind} G`);
  });

  it("non-saturating GAN: the generator's and discriminator's weights through both networks", async () => {
    const z = randomValues(6, 3, -1, 1);
    const x = randomValues(6, 4, -1, 1);
    const shapes = [[3, 2], [3], [1, 3], [1]];
    const weights = shapes.map((s, i) =>
      randomValues(
        s.reduce((a, b) => a * b, 1),
        10 + i,
        -1,
        1,
      ),
    );
    const zt = () => dl.tensor(z, { shape: [3, 2] });
    const G = (w: Tensor, b: Tensor) => dl.tanh(dl.linear(zt(), w, b)); // [3, 3]
    const D = (h: Tensor, v: Tensor, c: Tensor) => dl.linear(h, v, c); // [N, 1]
    await gradcheck(shapes, weights, ([w, b, v, c]) => generatorLoss("nonSaturating", D(G(w, b), v, c)), "G(z) through D");
    const real = () => dl.tensor(x, { shape: [2, 3] });
    await gradcheck(shapes, weights, ([w, b, v, c]) => discriminatorLoss("nonSaturating", D(real(), v, c), D(G(w, b), v, c)), "D on real and G(z)");
  });

  it.each(["bce", "mse"] as const)("VAE objective (%s) through the reparameterisation, encoder and decoder", async (reconstruction) => {
    const x = randomValues(12, 5, 0.05, 0.95); // [3, 4] in (0, 1)
    const eps = Array.from(await withBackend(cpu64, () => new DeviceNoise(7).normal([3, 2])).data());
    const shapes = [[4, 4], [4], [4, 2], [4]]; // encoder 4 -> 2 x 2 (means, log-variances), decoder 2 -> 4
    const weights = shapes.map((s, i) =>
      randomValues(
        s.reduce((a, b) => a * b, 1),
        20 + i,
        -0.8,
        0.8,
      ),
    );
    await gradcheck(
      shapes,
      weights,
      ([we, be, wd, bd]) => {
        const input = dl.tensor(x, { shape: [3, 4] });
        const { mu, logVar } = splitMoments(dl.linear(input, we, be));
        const z = reparameterize(mu, logVar, dl.tensor(eps, { shape: [3, 2] }));
        return vaeLoss(dl.sigmoid(dl.linear(z, wd, bd)), input, mu, logVar, { reconstruction, beta: 0.7 }).loss;
      },
      `VAE ${reconstruction}`,
    );
  });

  it("autoencoder reconstruction losses with respect to the output", async () => {
    const x = randomValues(6, 8, 0.05, 0.95);
    const p = randomValues(6, 9, 0.05, 0.95);
    for (const kind of ["mse", "bce"] as const)
      await gradcheck([[2, 3]], [p], ([out]) => reconstructionLoss(kind, out, dl.tensor(x, { shape: [2, 3] })), `reconstruction ${kind}`);
  });
});
