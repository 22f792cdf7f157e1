/**
 * TF.js's WebGPU backend on the same adapter, in the same process: the same workloads, each checked
 * against the same float64 references before timing. TF.js runs convolutions in its native NHWC
 * layout (filters [KH, KW, C_in, C_out]); FLOPs are the same.
 */
import type * as TF from "@tensorflow/tfjs-core";
import { checkSamples, randomArray, samplePositions } from "./check";
import { type ConvShape, convReference, type MlpShape, matmulReference, mlpBatch, mlpWeights } from "./ours";
import type { Workload } from "./timing";

export type Tf = typeof TF;

/** Starts TF.js on WebGPU with `gpu`; throws if it would quietly fall back to its CPU backend. */
export async function startTfjs(gpu: GPU): Promise<Tf> {
  const g = globalThis as { navigator?: object };
  g.navigator = { ...(g.navigator ?? {}), gpu, userAgent: "Mozilla/5.0 Chrome/140.0 Node" };
  const tf = (await import("@tensorflow/tfjs-core")) as Tf;
  await import("@tensorflow/tfjs-core/dist/register_all_gradients.js");
  await import("@tensorflow/tfjs-backend-webgpu");
  const ok = await tf.setBackend("webgpu");
  await tf.ready();
  if (!ok || tf.getBackend() !== "webgpu") throw new Error(`TF.js did not start its WebGPU backend (it runs on '${tf.getBackend()}')`);
  return tf;
}

export function tfjsWorkload(tf: Tf, make: () => TF.Tensor | TF.Tensor[]): Workload & { dispose(): void } {
  let last: TF.Tensor[] = [];
  return {
    run() {
      const next = tf.tidy(make);
      for (const t of last) t.dispose();
      last = Array.isArray(next) ? next : [next];
    },
    // Reading one element waits for every queued kernel without timing a large readback.
    async sync() {
      const probe = tf.tidy(() => tf.slice(tf.reshape(last[0], [-1]), [0], [1]));
      await probe.data();
      probe.dispose();
    },
    dispose: () => {
      for (const t of last) t.dispose();
    },
  };
}

export async function tfjsMatmul(tf: Tf, n: number) {
  const ha = randomArray(n * n, 1);
  const hb = randomArray(n * n, 2);
  const a = tf.tensor2d(ha, [n, n]);
  const b = tf.tensor2d(hb, [n, n]);
  const c = tf.matMul(a, b);
  checkSamples(
    `TF.js matmul ${n}`,
    await c.data(),
    samplePositions(n * n).map((index) => ({ index, expected: matmulReference(ha, hb, n, index) })),
  );
  c.dispose();
  const w = tfjsWorkload(tf, () => tf.matMul(a, b));
  return { ...w, dispose: () => tf.dispose([a, b]) };
}

/** NCHW data -> NHWC, filters [O, C, K, K] -> [K, K, C, O]. */
function toNhwc(x: Float32Array, s: ConvShape): Float32Array {
  const out = new Float32Array(x.length);
  for (let n = 0; n < s.n; n++)
    for (let c = 0; c < s.c; c++) for (let i = 0; i < s.h * s.w; i++) out[(n * s.h * s.w + i) * s.c + c] = x[(n * s.c + c) * s.h * s.w + i];
  return out;
}

function toHwio(w: Float32Array, s: ConvShape): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < s.out; o++)
    for (let c = 0; c < s.c; c++) for (let i = 0; i < s.k * s.k; i++) out[(i * s.c + c) * s.out + o] = w[(o * s.c + c) * s.k * s.k + i];
  return out;
}

export async function tfjsConv(tf: Tf, s: ConvShape, backward: boolean) {
  const hx = randomArray(s.n * s.c * s.h * s.w, 3);
  const hw = randomArray(s.out * s.c * s.k * s.k, 4);
  const x = tf.tensor4d(toNhwc(hx, s), [s.n, s.h, s.w, s.c]);
  const w = tf.tensor4d(toHwio(hw, s), [s.k, s.k, s.c, s.out]);
  const dy = tf.tensor4d(randomArray(s.n * s.out * s.h * s.w, 5), [s.n, s.h, s.w, s.out]);
  const pad = s.pad === (s.k - 1) / 2 ? "same" : "valid";
  const y = tf.conv2d(x as TF.Tensor4D, w as TF.Tensor4D, 1, pad);
  const yData = await y.data();
  // The reference indexes NCHW: element (n, o, p) sits at (n, p, o) in TF.js's NHWC.
  const plane = s.h * s.w;
  const nchw = (i: number) => yData[(Math.floor(i / (s.out * plane)) * plane + (i % plane)) * s.out + (Math.floor(i / plane) % s.out)];
  checkSamples(
    "TF.js conv2d",
    nchw,
    samplePositions(y.size).map((index) => ({ index, expected: convReference(hx, hw, s, index) })),
  );
  y.dispose();
  const grads = tf.grads((a: TF.Tensor, b: TF.Tensor) => tf.conv2d(a as TF.Tensor4D, b as TF.Tensor4D, 1, pad));
  const wl = tfjsWorkload(tf, () => (backward ? grads([x, w], dy) : tf.conv2d(x as TF.Tensor4D, w as TF.Tensor4D, 1, pad)));
  return { ...wl, dispose: () => tf.dispose([x, w, dy]) };
}

/** The same MLP step: weights from the same host arrays (transposed to TF.js's [in, out]). */
export async function tfjsMlp(tf: Tf, m: MlpShape): Promise<Workload & { dispose(): void; firstLoss: number }> {
  const { w, b } = mlpWeights(m.sizes);
  const batch = mlpBatch(m);
  const vars: TF.Variable[] = [];
  w.forEach((wi, i) => {
    const [outF, inF] = [m.sizes[i + 1], m.sizes[i]];
    const t = new Float32Array(wi.length);
    for (let o = 0; o < outF; o++) for (let k = 0; k < inF; k++) t[k * outF + o] = wi[o * inF + k];
    vars.push(tf.variable(tf.tensor2d(t, [inF, outF])), tf.variable(tf.tensor1d(b[i])));
  });
  const out = m.sizes[m.sizes.length - 1];
  const x = tf.tensor2d(batch.x, [m.batch, m.sizes[0]]);
  const target = m.loss === "mse" ? tf.tensor2d(batch.targets, [m.batch, out]) : tf.oneHot(tf.tensor1d(batch.labels, "int32"), out);
  const forward = () => {
    let h: TF.Tensor = x;
    for (let i = 0; i < vars.length; i += 2) {
      h = tf.add(tf.matMul(h, vars[i]), vars[i + 1]);
      if (i + 2 < vars.length) h = m.loss === "mse" ? tf.tanh(h) : tf.relu(h);
    }
    if (m.loss === "mse") return tf.mean(tf.square(tf.sub(h, target))) as TF.Scalar;
    const logp = tf.logSoftmax(h);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logp), 1))) as TF.Scalar;
  };
  const first = tf.tidy(forward);
  const firstLoss = (await first.data())[0];
  first.dispose();
  const opt = m.optimizer === "adam" ? tf.train.adam(1e-3) : tf.train.sgd(0.01);
  const wl = tfjsWorkload(tf, () => opt.minimize(forward, true, vars) as TF.Scalar);
  return {
    ...wl,
    firstLoss,
    dispose: () => {
      wl.dispose();
      opt.dispose();
      tf.dispose([...vars, x, target]);
    },
  };
}
