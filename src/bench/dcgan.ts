/**
 * One DCGAN iteration, Radford et al.'s networks at 28x28 (generator z[100] -> 128x7x7 -> 64x14x14 ->
 * 1x28x28 with batch norm and tanh; discriminator with strided convolutions, batch norm, leaky ReLU,
 * one logit; the image presets add a fully connected layer to each), non-saturating loss, Adam
 * (β1 = 0.5): one discriminator step on a real batch and fresh latents, then one generator step. Both engines start from the same host weights, and the
 * bench checks they agree on the discriminator's first loss for the same real batch and latents
 * before timing. Latents are drawn on the device in each timed iteration, by each engine.
 */

import type { Backend } from "../backend/backend";
import { CpuBackend } from "../backend/cpu";
import { frozen } from "../generative/gan-trainer";
import { discriminatorLoss, generatorLoss } from "../generative/losses";
import { DeviceNoise } from "../generative/noise";
import { DCGAN_DISCRIMINATOR, DCGAN_GENERATOR } from "../generative/presets";
import * as dl from "../index";
import { buildModel } from "../nn/build";
import type { Sequential } from "../nn/layers";
import { withBackend } from "../tensor/engine";
import { randomArray } from "./check";
import { adamUpdate, type Jax, type JaxArray, transposed } from "./cpu-peers";
import { oursWorkload } from "./ours";
import { type Tf, tfjsWorkload } from "./tfjs";
import type { Workload } from "./timing";

type Made = Workload & { dispose(): void; firstLoss: number };
type Host = Map<string, { shape: number[]; data: Float32Array }>;

export const LATENT = 100;

/** Seeded weights for every parameter of `model`: fan-in scaled, batch-norm scales near 1. */
function seededWeights(model: Sequential, seed: number): Host {
  const out: Host = new Map();
  [...model.namedParameters()].forEach(([name, p], i) => {
    const r = randomArray(p.size, seed + i);
    const data = p.rank === 1 && name.endsWith("weight") ? r.map((v) => 1 + 0.1 * v) : r.map((v) => v / Math.sqrt(p.size / p.shape[0]));
    out.set(name, { shape: [...p.shape], data });
  });
  return out;
}

let cached: { generator: Host; discriminator: Host } | null = null;

/** The host weights both engines start from (the networks built once on the CPU to name and shape them). */
export function dcganWeights(): { generator: Host; discriminator: Host } {
  cached ??= withBackend(new CpuBackend("float32"), () => {
    const G = buildModel(DCGAN_GENERATOR, [LATENT]).model;
    const D = buildModel(DCGAN_DISCRIMINATOR, [1, 28, 28]).model;
    const weights = { generator: seededWeights(G, 100), discriminator: seededWeights(D, 200) };
    G.dispose();
    D.dispose();
    return weights;
  });
  return cached;
}

/** The real batch in [-1, 1] and the latents of the first-loss check. */
function hostInputs(batch: number) {
  return { real: randomArray(batch * 784, 90), z: randomArray(batch * LATENT, 91).map((v) => v * 1.7) };
}

export async function oursDcgan(gpu: Backend, batch: number): Promise<Made> {
  const weights = dcganWeights();
  return withBackend(gpu, async () => {
    const G = buildModel(DCGAN_GENERATOR, [LATENT]).model;
    const D = buildModel(DCGAN_DISCRIMINATOR, [1, 28, 28]).model;
    G.loadStateDict(weights.generator, { strict: false });
    D.loadStateDict(weights.discriminator, { strict: false });
    const inputs = hostInputs(batch);
    const real = dl.tensor(inputs.real, { shape: [batch, 1, 28, 28] });
    const first = dl.noGrad(() => {
      const z = dl.tensor(inputs.z, { shape: [batch, LATENT] });
      return discriminatorLoss("nonSaturating", D.forward(real), D.forward(G.forward(z)));
    });
    const firstLoss = await first.item();
    first.dispose();
    const gOpt = new dl.optim.Adam(G.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
    const dOpt = new dl.optim.Adam(D.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
    const noise = new DeviceNoise(7);
    const step = oursWorkload(gpu, () => {
      dOpt.zeroGrad();
      const fake = G.forward(noise.normal([batch, LATENT]));
      const dLoss = discriminatorLoss("nonSaturating", D.forward(real), D.forward(fake.detach()));
      dLoss.backward();
      dOpt.step();
      gOpt.zeroGrad();
      const gLoss = frozen(D, () => {
        const loss = generatorLoss("nonSaturating", D.forward(fake)); // G's gradient passes through D; D's weights stay out
        loss.backward();
        return loss;
      });
      gOpt.step();
      return gLoss;
    });
    return {
      ...step,
      firstLoss,
      dispose() {
        step.dispose();
        gOpt.dispose();
        dOpt.dispose();
        real.dispose();
        G.dispose();
        D.dispose();
      },
    };
  });
}

/** TF.js layouts of our weights: linear [out, in] -> [in, out]; conv [out, in, k, k] -> [k, k, in, out]; transposed conv [in, out, k, k] -> [k, k, out, in]. */
function toTf(host: Host, name: string, layout: "linear" | "conv" | "convT" | "vector"): { data: Float32Array; shape: number[] } {
  const w = host.get(name);
  if (!w) throw new Error(`DCGAN bench: the preset has no parameter ${name}; update src/bench/dcgan.ts`);
  const s = w.shape;
  if (layout === "vector") return w;
  if (layout === "linear") return { data: transposed(w.data, s[0], s[1]), shape: [s[1], s[0]] };
  const [a, b, kh, kw] = s; // conv: a = out, b = in; convT: a = in, b = out
  const out = new Float32Array(w.data.length);
  for (let p = 0; p < a; p++)
    for (let q = 0; q < b; q++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) {
          const from = ((p * b + q) * kh + y) * kw + x;
          // conv: [kh, kw, in = q, out = p]; convT: [kh, kw, out = q, in = p]. Both put q before p.
          out[((y * kw + x) * b + q) * a + p] = w.data[from];
        }
  return { data: out, shape: [kh, kw, b, a] };
}

export async function tfjsDcgan(tf: Tf, batch: number): Promise<Made> {
  const weights = dcganWeights();
  const v = (host: Host, name: string, layout: Parameters<typeof toTf>[2]) => {
    const { data, shape } = toTf(host, name, layout);
    return tf.variable(tf.tensor(data, shape));
  };
  const g = weights.generator;
  const d = weights.discriminator;
  const G = {
    w0: v(g, "0.weight", "linear"),
    bn1g: v(g, "1.weight", "vector"),
    bn1b: v(g, "1.bias", "vector"),
    w4: v(g, "4.weight", "convT"),
    bn5g: v(g, "5.weight", "vector"),
    bn5b: v(g, "5.bias", "vector"),
    w7: v(g, "7.weight", "convT"),
    b7: v(g, "7.bias", "vector"),
  };
  const D = {
    w0: v(d, "0.weight", "conv"),
    b0: v(d, "0.bias", "vector"),
    w2: v(d, "2.weight", "conv"),
    bn3g: v(d, "3.weight", "vector"),
    bn3b: v(d, "3.bias", "vector"),
    w6: v(d, "6.weight", "linear"),
    b6: v(d, "6.bias", "vector"),
  };
  type T = ReturnType<typeof tf.relu>;
  const norm = (x: T, axes: number[], gamma: T, beta: T) => {
    const { mean, variance } = tf.moments(x, axes);
    return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5) as T;
  };
  const generator = (z: T): T => {
    let h = tf.relu(norm(tf.matMul(z as never, G.w0), [0], G.bn1g, G.bn1b));
    h = tf.transpose(tf.reshape(h, [batch, 128, 7, 7]), [0, 2, 3, 1]); // NCHW order, as ours unflattens, to NHWC
    h = tf.relu(norm(tf.conv2dTranspose(h as never, G.w4 as never, [batch, 14, 14, 64], 2, 1), [0, 1, 2], G.bn5g, G.bn5b));
    return tf.tanh(tf.add(tf.conv2dTranspose(h as never, G.w7 as never, [batch, 28, 28, 1], 2, 1), G.b7));
  };
  const discriminator = (x: T): T => {
    let h = tf.leakyRelu(tf.add(tf.conv2d(x as never, D.w0 as never, 2, 1), D.b0), 0.2);
    h = tf.leakyRelu(norm(tf.conv2d(h as never, D.w2 as never, 2, 1), [0, 1, 2], D.bn3g, D.bn3b), 0.2);
    h = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [batch, 128 * 7 * 7]); // flatten in NCHW order
    return tf.add(tf.matMul(h as never, D.w6), D.b6);
  };
  const softplus = (x: T) => tf.softplus(x);
  const dLossOf = (realOut: T, fakeOut: T) => tf.add(tf.mean(softplus(tf.neg(realOut))), tf.mean(softplus(fakeOut))) as ReturnType<typeof tf.scalar>;
  const inputs = hostInputs(batch);
  const real = tf.tensor4d(inputs.real, [batch, 28, 28, 1]); // one channel: NCHW and NHWC hold the same values
  const first = tf.tidy(() => dLossOf(discriminator(real), discriminator(generator(tf.tensor2d(inputs.z, [batch, LATENT])))));
  const firstLoss = (await first.data())[0];
  first.dispose();
  const gVars = Object.values(G);
  const dVars = Object.values(D);
  const gOpt = tf.train.adam(2e-4, 0.5, 0.999);
  const dOpt = tf.train.adam(2e-4, 0.5, 0.999);
  const step = tfjsWorkload(tf, () => {
    const z = tf.randomNormal([batch, LATENT]);
    dOpt.minimize(() => dLossOf(discriminator(real), discriminator(generator(z))), false, dVars);
    // TF.js cannot keep the D step's graph for the G step: G runs forward again (its usual DCGAN loop).
    return gOpt.minimize(() => tf.mean(softplus(tf.neg(discriminator(generator(z))))) as ReturnType<typeof tf.scalar>, true, gVars) as ReturnType<
      typeof tf.scalar
    >;
  });
  return {
    ...step,
    firstLoss,
    dispose() {
      step.dispose();
      gOpt.dispose();
      dOpt.dispose();
      tf.dispose([...gVars, ...dVars, real]);
    },
  };
}

/**
 * A transposed convolution's weight [in, out, k, k] as the weight of the plain convolution that
 * computes it over the input dilated by the stride: [out, in, k, k], flipped in both spatial axes.
 */
function asDilatedConv(w: { shape: number[]; data: Float32Array }): { shape: number[]; data: Float32Array } {
  const [cin, cout, kh, kw] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let i = 0; i < cin; i++)
    for (let o = 0; o < cout; o++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((o * cin + i) * kh + y) * kw + x] = w.data[((i * cout + o) * kh + (kh - 1 - y)) * kw + (kw - 1 - x)];
  return { shape: [cout, cin, kh, kw], data: out };
}

/**
 * The same iteration on jax-js, jitted whole: the D step's loss and gradients by valueAndGrad, Adam
 * written out, then the G step through the updated D. Transposed convolutions are convolutions over
 * the input dilated by the stride (padding k − 1 − p), the layout jax-js's convGeneralDilated takes.
 * Its latents come from the host each iteration (6,400 floats).
 */
export async function jaxDcgan(jax: Jax, batch: number): Promise<Made> {
  const np = jax.numpy;
  const lax = jax.lax;
  const weights = dcganWeights();
  const param = (host: Host, name: string, shape?: number[], layout?: "linear" | "convT"): JaxArray => {
    let w = host.get(name);
    if (!w) throw new Error(`DCGAN bench: the preset has no parameter ${name}; update src/bench/dcgan.ts`);
    if (layout === "linear") w = { shape: [w.shape[1], w.shape[0]], data: transposed(w.data, w.shape[0], w.shape[1]) };
    if (layout === "convT") w = asDilatedConv(w);
    return np.array(w.data).reshape(shape ?? w.shape);
  };
  const g = weights.generator;
  const d = weights.discriminator;
  const channels = (c: number) => [1, c, 1, 1];
  const gInit = [
    param(g, "0.weight", undefined, "linear"),
    param(g, "1.weight"),
    param(g, "1.bias"),
    param(g, "4.weight", undefined, "convT"),
    param(g, "5.weight", channels(64)),
    param(g, "5.bias", channels(64)),
    param(g, "7.weight", undefined, "convT"),
    param(g, "7.bias", channels(1)),
  ];
  const dInit = [
    param(d, "0.weight"),
    param(d, "0.bias", channels(64)),
    param(d, "2.weight"),
    param(d, "3.weight", channels(128)),
    param(d, "3.bias", channels(128)),
    param(d, "6.weight", undefined, "linear"),
    param(d, "6.bias"),
  ];
  // Batch norm in training mode: the batch's mean and (biased) variance over `axes`.
  const norm = (x: JaxArray, axes: number[], gamma: JaxArray, beta: JaxArray) => {
    const centered = x.ref.sub(np.mean(x, axes, { keepdims: true }));
    const variance = np.mean(np.square(centered.ref), axes, { keepdims: true });
    return centered
      .div(np.sqrt(variance.add(1e-5)))
      .mul(gamma)
      .add(beta);
  };
  const same: [number, number][] = [
    [1, 1],
    [1, 1],
  ];
  const dilatedPadding: [number, number][] = [
    [2, 2],
    [2, 2],
  ];
  const convT = (h: JaxArray, w: JaxArray) => lax.convGeneralDilated(h, w, [1, 1], dilatedPadding, { lhsDilation: [2, 2] });
  const generator = (p: JaxArray[], z: JaxArray) => {
    let h = jax.nn.relu(norm(np.matmul(z, p[0]), [0], p[1], p[2])).reshape([batch, 128, 7, 7]);
    h = jax.nn.relu(norm(convT(h, p[3]), [0, 2, 3], p[4], p[5]));
    return np.tanh(convT(h, p[6]).add(p[7]));
  };
  const discriminator = (p: JaxArray[], x: JaxArray) => {
    let h = jax.nn.leakyRelu(lax.convGeneralDilated(x, p[0], [2, 2], same).add(p[1]), 0.2);
    h = jax.nn.leakyRelu(norm(lax.convGeneralDilated(h, p[2], [2, 2], same), [0, 2, 3], p[3], p[4]), 0.2);
    return np.matmul(h.reshape([batch, 128 * 7 * 7]), p[5]).add(p[6]);
  };
  const refs = (p: JaxArray[]) => p.map((q) => q.ref);
  // Non-saturating losses: D: mean softplus(−D(real)) + mean softplus(D(G(z))); G: mean softplus(−D(G(z))).
  const dLoss = (dp: JaxArray[], gp: JaxArray[], real: JaxArray, z: JaxArray) =>
    np.mean(jax.nn.softplus(discriminator(refs(dp), real).neg())).add(np.mean(jax.nn.softplus(discriminator(dp, generator(gp, z)))));
  const gLoss = (gp: JaxArray[], dp: JaxArray[], z: JaxArray) => np.mean(jax.nn.softplus(discriminator(dp, generator(gp, z)).neg()));
  const inputs = hostInputs(batch);
  const real = np.array(inputs.real).reshape([batch, 1, 28, 28]);
  const first = dLoss(refs(dInit), refs(gInit), real.ref, np.array(inputs.z).reshape([batch, LATENT]));
  const firstLoss = (await first.data())[0];
  const dGradient = jax.valueAndGrad(dLoss);
  const gGradient = jax.valueAndGrad(gLoss);
  const zeros = (p: JaxArray[]) => p.map((q) => [np.zeros(q.shape), np.zeros(q.shape)]);
  let state = { gp: gInit, dp: dInit, gm: zeros(gInit), dm: zeros(dInit) };
  const settings = { lr: 2e-4, beta1: 0.5 };
  const iteration = jax.jit(
    (gp: JaxArray[], dp: JaxArray[], gm: JaxArray[][], dm: JaxArray[][], realBatch: JaxArray, z: JaxArray, c1: JaxArray, c2: JaxArray) => {
      const [dl, dg] = dGradient(refs(dp), refs(gp), realBatch, z.ref);
      dl.dispose();
      const [dNext, dmNext] = adamUpdate(jax, dp, dm, dg, c1.ref, c2.ref, settings);
      const [gl, gg] = gGradient(refs(gp), refs(dNext), z);
      const [gNext, gmNext] = adamUpdate(jax, gp, gm, gg, c1, c2, settings);
      return [gl, gNext, dNext, gmNext, dmNext];
    },
  );
  let step = 0;
  let seed = 1000;
  return {
    firstLoss,
    run() {
      step++;
      const z = np.array(randomArray(batch * LATENT, seed++)).reshape([batch, LATENT]);
      const [c1, c2] = [np.array([1 - 0.5 ** step]).reshape([]), np.array([1 - 0.999 ** step]).reshape([])];
      const [gl, gp, dp, gm, dm] = iteration(state.gp, state.dp, state.gm, state.dm, real.ref, z, c1, c2) as [
        JaxArray,
        JaxArray[],
        JaxArray[],
        JaxArray[][],
        JaxArray[][],
      ];
      state = { gp, dp, gm, dm };
      gl.dataSync();
    },
    sync: async () => {},
    dispose: () => {
      jax.tree.dispose([state.gp, state.dp, state.gm, state.dm, real]);
      iteration.dispose();
    },
  };
}
