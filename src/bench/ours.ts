/**
 * This engine's side of the benchmark: matmul, conv2d forward and forward+backward, and MLP training
 * steps, each checked against a float64 reference before it is timed.
 */
import type { Backend } from "../backend/backend";
import * as dl from "../index";
import { withBackend } from "../tensor/engine";
import { checkSamples, randomArray, samplePositions } from "./check";
import type { Workload } from "./timing";

export interface ConvShape {
  n: number;
  c: number;
  h: number;
  w: number;
  out: number;
  k: number;
  pad: number;
}

/** Waits for a backend's submitted work (WebGPU); the CPU and wasm backends finish each op as it runs. */
export function syncOf(backend: Backend): Promise<void> {
  return "sync" in backend && typeof backend.sync === "function" ? (backend.sync() as Promise<void>) : Promise.resolve();
}

/** A workload whose `run` replaces the previous result and submits. */
export function oursWorkload(gpu: Backend, make: () => dl.Tensor): Workload & { dispose(): void } {
  let last: dl.Tensor | null = null;
  return {
    run() {
      const next = withBackend(gpu, () => dl.tidy(make));
      last?.dispose();
      last = next;
      gpu.flush();
    },
    sync: () => syncOf(gpu),
    dispose: () => last?.dispose(),
  };
}

/**
 * One optimizer step per run of `loss` (zeroGrad, backward, step), with the first loss measured
 * before anything is timed (the engines' first losses must agree); `dispose` frees the optimizer and
 * whatever `free` lists.
 */
export async function trainStepWorkload(
  gpu: Backend,
  opt: dl.optim.Optimizer,
  loss: () => dl.Tensor,
  free: () => void,
): Promise<Workload & { dispose(): void; firstLoss: number }> {
  const first = dl.noGrad(loss);
  const firstLoss = await first.item();
  first.dispose();
  const step = oursWorkload(gpu, () => {
    opt.zeroGrad();
    const l = loss();
    l.backward();
    opt.step();
    return l;
  });
  return {
    ...step,
    firstLoss,
    dispose: () => {
      step.dispose();
      opt.dispose();
      free();
    },
  };
}

export function matmulReference(a: Float32Array, b: Float32Array, n: number, index: number): number {
  const row = Math.floor(index / n);
  const col = index % n;
  let s = 0;
  for (let k = 0; k < n; k++) s += a[row * n + k] * b[k * n + col];
  return s;
}

export async function oursMatmul(gpu: Backend, n: number) {
  const ha = randomArray(n * n, 1);
  const hb = randomArray(n * n, 2);
  const [a, b] = withBackend(gpu, () => [dl.tensor(ha, { shape: [n, n] }), dl.tensor(hb, { shape: [n, n] })]);
  const c = withBackend(gpu, () => dl.matmul(a, b));
  checkSamples(
    `ours matmul ${n}`,
    await c.data(),
    samplePositions(n * n).map((index) => ({ index, expected: matmulReference(ha, hb, n, index) })),
  );
  c.dispose();
  const w = oursWorkload(gpu, () => dl.matmul(a, b));
  return { ...w, dispose: () => dl.dispose([a, b]) };
}

/** Direct convolution at one NCHW output position, in float64. */
export function convReference(x: Float32Array, w: Float32Array, s: ConvShape, index: number): number {
  const plane = s.h * s.w;
  const n = Math.floor(index / (s.out * plane));
  const o = Math.floor(index / plane) % s.out;
  const y = Math.floor((index % plane) / s.w);
  const xo = index % s.w;
  let sum = 0;
  for (let c = 0; c < s.c; c++)
    for (let i = 0; i < s.k; i++)
      for (let j = 0; j < s.k; j++) {
        const yy = y - s.pad + i;
        const xx = xo - s.pad + j;
        if (yy >= 0 && yy < s.h && xx >= 0 && xx < s.w) sum += x[((n * s.c + c) * s.h + yy) * s.w + xx] * w[((o * s.c + c) * s.k + i) * s.k + j];
      }
  return sum;
}

export async function oursConv(gpu: Backend, s: ConvShape, backward: boolean) {
  const hx = randomArray(s.n * s.c * s.h * s.w, 3);
  const hw = randomArray(s.out * s.c * s.k * s.k, 4);
  const [x, w, dy] = withBackend(gpu, () => [
    dl.tensor(hx, { shape: [s.n, s.c, s.h, s.w], requiresGrad: backward }),
    dl.tensor(hw, { shape: [s.out, s.c, s.k, s.k], requiresGrad: backward }),
    dl.tensor(randomArray(s.n * s.out * s.h * s.w, 5), { shape: [s.n, s.out, s.h, s.w] }),
  ]);
  const y = withBackend(gpu, () => dl.noGrad(() => dl.conv2d(x, w, null, { padding: s.pad })));
  checkSamples(
    `ours conv2d`,
    await y.data(),
    samplePositions(y.size).map((index) => ({ index, expected: convReference(hx, hw, s, index) })),
  );
  y.dispose();
  const w8 = oursWorkload(gpu, () => {
    const out = dl.conv2d(x, w, null, { padding: s.pad });
    if (!backward) return out;
    x.grad?.dispose();
    w.grad?.dispose();
    x.grad = null;
    w.grad = null;
    out.backward(dy);
    return out;
  });
  return { ...w8, dispose: () => dl.dispose([x, w, dy]) };
}

export interface MlpShape {
  sizes: number[];
  batch: number;
  optimizer: "sgd" | "adam";
  /** mse for a 1-output regression, else cross-entropy. */
  loss: "mse" | "cross-entropy";
}

/** Host weights [out, in] and biases for an MLP, shared by both engines. */
export function mlpWeights(sizes: number[]): { w: Float32Array[]; b: Float32Array[] } {
  const w: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const scale = 1 / Math.sqrt(sizes[i - 1]);
    w.push(randomArray(sizes[i] * sizes[i - 1], 10 + i).map((v) => v * scale));
    b.push(randomArray(sizes[i], 20 + i).map((v) => v * scale));
  }
  return { w, b };
}

export function mlpBatch(m: MlpShape): { x: Float32Array; labels: Int32Array; targets: Float32Array } {
  const out = m.sizes[m.sizes.length - 1];
  const labels = Int32Array.from(randomArray(m.batch, 31), (v) => Math.floor(((v + 1) / 2) * out) % out);
  return { x: randomArray(m.batch * m.sizes[0], 30), labels, targets: randomArray(m.batch * out, 32) };
}

/** One training step per run: zeroGrad, forward, loss, backward, fused optimizer update, one submit. */
export async function oursMlp(gpu: Backend, m: MlpShape): Promise<Workload & { dispose(): void; firstLoss: number }> {
  const { w, b } = mlpWeights(m.sizes);
  const batch = mlpBatch(m);
  return withBackend(gpu, async () => {
    const params = w.flatMap((wi, i) => [
      dl.tensor(wi, { shape: [m.sizes[i + 1], m.sizes[i]], requiresGrad: true }),
      dl.tensor(b[i], { shape: [m.sizes[i + 1]], requiresGrad: true }),
    ]);
    const x = dl.tensor(batch.x, { shape: [m.batch, m.sizes[0]] });
    const target = m.loss === "mse" ? dl.tensor(batch.targets, { shape: [m.batch, m.sizes[m.sizes.length - 1]] }) : dl.tensor(batch.labels);
    const opt = m.optimizer === "adam" ? new dl.optim.Adam(params, { lr: 1e-3 }) : new dl.optim.SGD(params, { lr: 0.01 });
    const forward = () => {
      let h = x;
      for (let i = 0; i < params.length; i += 2) {
        h = dl.linear(h, params[i], params[i + 1]);
        if (i + 2 < params.length) h = m.loss === "mse" ? dl.tanh(h) : dl.relu(h);
      }
      return m.loss === "mse" ? dl.mseLoss(h, target) : dl.crossEntropy(h, target);
    };
    return trainStepWorkload(gpu, opt, forward, () => dl.dispose([...params, x, target]));
  });
}
