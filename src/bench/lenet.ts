/**
 * The LeNet-5 training step (MNIST-sized: 1x28x28 inputs, conv 6@5x5 pad 2, max pool, conv 16@5x5,
 * max pool, 400-120-84-10, ReLU, cross-entropy, Adam) for both engines, from the same host
 * weights, so the bench can check that both compute the same first loss before timing them.
 */
import type { Backend } from "../backend/backend";
import * as dl from "../index";
import { withBackend } from "../tensor/engine";
import { randomArray } from "./check";
import { type Jax, type JaxLoss, jaxTrainStep, transposed } from "./cpu-peers";
import { trainStepWorkload } from "./ours";
import { type Tf, tfjsWorkload } from "./tfjs";
import type { Workload } from "./timing";

type Made = Workload & { dispose(): void; firstLoss: number };

/** Layer shapes in this engine's layouts: conv [out, in, k, k], linear [out, in]. */
const CONVS = [
  { out: 6, in: 1, k: 5, pad: 2 },
  { out: 16, in: 6, k: 5, pad: 0 },
];
const LINEARS = [
  { out: 120, in: 400 },
  { out: 84, in: 120 },
  { out: 10, in: 84 },
];

function hostWeights() {
  const scaled = (n: number, fanIn: number, seed: number) => randomArray(n, seed).map((v) => v / Math.sqrt(fanIn));
  return {
    convs: CONVS.map((c, i) => ({ w: scaled(c.out * c.in * c.k * c.k, c.in * c.k * c.k, 40 + i), b: scaled(c.out, c.in * c.k * c.k, 50 + i) })),
    linears: LINEARS.map((l, i) => ({ w: scaled(l.out * l.in, l.in, 60 + i), b: scaled(l.out, l.in, 70 + i) })),
  };
}

function hostBatch(batch: number) {
  return {
    x: randomArray(batch * 784, 80).map((v) => (v + 1) / 2),
    labels: Int32Array.from(randomArray(batch, 81), (v) => Math.floor(((v + 1) / 2) * 10) % 10),
  };
}

export async function oursLenet(gpu: Backend, batch: number): Promise<Made> {
  const hw = hostWeights();
  const data = hostBatch(batch);
  return withBackend(gpu, async () => {
    const convs = CONVS.map((c, i) => ({
      w: dl.tensor(hw.convs[i].w, { shape: [c.out, c.in, c.k, c.k], requiresGrad: true }),
      b: dl.tensor(hw.convs[i].b, { shape: [c.out], requiresGrad: true }),
    }));
    const linears = LINEARS.map((l, i) => ({
      w: dl.tensor(hw.linears[i].w, { shape: [l.out, l.in], requiresGrad: true }),
      b: dl.tensor(hw.linears[i].b, { shape: [l.out], requiresGrad: true }),
    }));
    const params = [...convs, ...linears].flatMap((p) => [p.w, p.b]);
    const x = dl.tensor(data.x, { shape: [batch, 1, 28, 28] });
    const y = dl.tensor(data.labels);
    const opt = new dl.optim.Adam(params, { lr: 1e-3 });
    const forward = () => {
      let h = x;
      CONVS.forEach((c, i) => {
        h = dl.maxPool2d(dl.relu(dl.conv2d(h, convs[i].w, convs[i].b, { padding: c.pad })), 2);
      });
      h = dl.flatten(h, 1);
      linears.forEach((l, i) => {
        h = dl.linear(h, l.w, l.b);
        if (i < linears.length - 1) h = dl.relu(h);
      });
      return dl.crossEntropy(h, y);
    };
    return trainStepWorkload(gpu, opt, forward, () => dl.dispose([...params, x, y]));
  });
}

export async function tfjsLenet(tf: Tf, batch: number): Promise<Made> {
  const hw = hostWeights();
  const data = hostBatch(batch);
  const hwio = (w: Float32Array, c: (typeof CONVS)[number]) => {
    const out = new Float32Array(w.length);
    for (let o = 0; o < c.out; o++)
      for (let i = 0; i < c.in; i++) for (let k = 0; k < c.k * c.k; k++) out[(k * c.in + i) * c.out + o] = w[(o * c.in + i) * c.k * c.k + k];
    return out;
  };
  const convs = CONVS.map((c, i) => ({
    w: tf.variable(tf.tensor4d(hwio(hw.convs[i].w, c), [c.k, c.k, c.in, c.out])),
    b: tf.variable(tf.tensor1d(hw.convs[i].b)),
  }));
  const linears = LINEARS.map((l, i) => ({
    w: tf.variable(tf.tensor2d(transposed(hw.linears[i].w, l.out, l.in), [l.in, l.out])),
    b: tf.variable(tf.tensor1d(hw.linears[i].b)),
  }));
  const vars = [...convs, ...linears].flatMap((p) => [p.w, p.b]);
  const x = tf.tensor4d(data.x, [batch, 28, 28, 1]); // one channel: NCHW and NHWC hold the same values
  const y = tf.oneHot(tf.tensor1d(data.labels, "int32"), 10);
  const forward = () => {
    let h: ReturnType<typeof tf.relu> = x;
    CONVS.forEach((c, i) => {
      const padded = c.pad
        ? tf.pad(h, [
            [0, 0],
            [c.pad, c.pad],
            [c.pad, c.pad],
            [0, 0],
          ])
        : h;
      h = tf.maxPool(tf.relu(tf.add(tf.conv2d(padded as never, convs[i].w as never, 1, "valid"), convs[i].b)) as never, 2, 2, "valid");
    });
    // Flatten in NCHW order, as this engine does: transpose NHWC -> NCHW first.
    h = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [batch, 400]);
    linears.forEach((l, i) => {
      h = tf.add(tf.matMul(h as never, l.w), l.b);
      if (i < linears.length - 1) h = tf.relu(h);
    });
    return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(h)), 1))) as ReturnType<typeof tf.scalar>;
  };
  const first = tf.tidy(forward);
  const firstLoss = (await first.data())[0];
  first.dispose();
  const opt = tf.train.adam(1e-3);
  const step = tfjsWorkload(tf, () => opt.minimize(forward, true, vars) as ReturnType<typeof tf.scalar>);
  return {
    ...step,
    firstLoss,
    dispose() {
      step.dispose();
      opt.dispose();
      tf.dispose([...vars, x, y]);
    },
  };
}

/** The same step on jax-js: convGeneralDilated, max pooling by reduceWindow, Adam written out (jaxTrainStep). */
export async function jaxLenet(jax: Jax, batch: number): Promise<Made> {
  const np = jax.numpy;
  const hw = hostWeights();
  const data = hostBatch(batch);
  const params = [
    ...CONVS.flatMap((c, i) => [np.array(hw.convs[i].w).reshape([c.out, c.in, c.k, c.k]), np.array(hw.convs[i].b).reshape([1, c.out, 1, 1])]),
    ...LINEARS.flatMap((l, i) => [np.array(transposed(hw.linears[i].w, l.out, l.in)).reshape([l.in, l.out]), np.array(hw.linears[i].b)]),
  ];
  const x = np.array(data.x).reshape([batch, 1, 28, 28]);
  const target = jax.nn.oneHot(np.array(data.labels, { dtype: np.int32 }), 10);
  const loss: JaxLoss = (p, xb, t) => {
    let h = xb;
    CONVS.forEach((c, i) => {
      const padding: [number, number][] = [
        [c.pad, c.pad],
        [c.pad, c.pad],
      ];
      h = jax.nn.relu(jax.lax.convGeneralDilated(h, p[2 * i], [1, 1], padding).add(p[2 * i + 1]));
      h = jax.lax.reduceWindow(h, (window) => np.max(window), [2, 2], [2, 2]);
    });
    h = h.reshape([batch, 400]);
    LINEARS.forEach((_, i) => {
      const at = 2 * CONVS.length + 2 * i;
      h = np.matmul(h, p[at]).add(p[at + 1]);
      if (i < LINEARS.length - 1) h = jax.nn.relu(h);
    });
    return jax.nn.logSoftmax(h).mul(t).sum(1).mean().neg();
  };
  return jaxTrainStep(jax, params, loss, x, target, "adam");
}
