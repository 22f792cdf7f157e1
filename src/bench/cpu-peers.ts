/**
 * The CPU peers of `npm run bench -- --cpu`, in the same Node process as this engine's wasm backend:
 * TF.js's WASM backend (XNNPACK) and jax-js's `wasm` device; jax-js's matmul and MLP steps also run on
 * its `webgpu` device beside this engine's WebGPU backend (`npm run bench`). Each workload is checked against the same
 * float64 reference as this engine's before it is timed. jax-js evaluates lazily, so each of its
 * iterations reads its result back (otherwise a timing loop would measure nothing).
 */

import { createRequire } from "node:module";
import { dirname } from "node:path";
import { checkSamples, randomArray, samplePositions } from "./check";
import { type ConvShape, convReference, type MlpShape, matmulReference, mlpBatch, mlpWeights } from "./ours";
import type { Tf } from "./tfjs";
import type { Workload } from "./timing";

/** Starts TF.js on its WASM backend; throws if it would run on another. */
export async function startTfjsWasm(): Promise<Tf> {
  const tf = (await import("@tensorflow/tfjs-core")) as Tf;
  await import("@tensorflow/tfjs-core/dist/register_all_gradients.js");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  // The .wasm files ship in the package; point TF.js at them (a bundle moves the script away from them).
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"))}/`);
  const ok = await tf.setBackend("wasm");
  await tf.ready();
  if (!ok || tf.getBackend() !== "wasm") throw new Error(`TF.js did not start its WASM backend (it runs on '${tf.getBackend()}')`);
  return tf;
}

export type Jax = typeof import("@jax-js/jax");

/** Starts jax-js with its `wasm` device as the default. */
export async function startJax(): Promise<Jax> {
  const jax = await import("@jax-js/jax");
  const started = await jax.init("wasm");
  if (!started.includes("wasm")) throw new Error(`jax-js did not start its wasm device (it has ${started.join(", ")})`);
  jax.defaultDevice("wasm");
  return jax;
}

/** How a jax-js workload makes jax-js do its work: read each result back at once, or all at `sync` (WebGPU reads asynchronously only). */
export type ReadBack = "each step" | "at sync";

/**
 * Starts jax-js on WebGPU over `gpu` (Dawn's, in Node: jax-js looks for navigator.gpu, which Node 20
 * does not have, so it is set here), as the default device.
 */
export async function startJaxWebGPU(gpu: GPU): Promise<Jax> {
  const scope = globalThis as { navigator?: { userAgent?: string; gpu?: GPU } };
  scope.navigator ??= { userAgent: `Node.js/${process.version}` };
  Object.defineProperty(scope.navigator, "gpu", { value: gpu, configurable: true });
  const jax = await import("@jax-js/jax");
  const started = await jax.init("webgpu");
  if (!started.includes("webgpu")) throw new Error(`jax-js did not start its webgpu device (it has ${started.join(", ")})`);
  jax.defaultDevice("webgpu");
  return jax;
}

export async function jaxMatmul(jax: Jax, n: number, readBack: ReadBack = "each step"): Promise<Workload & { dispose(): void }> {
  const np = jax.numpy;
  const ha = randomArray(n * n, 1);
  const hb = randomArray(n * n, 2);
  const a = np.array(ha).reshape([n, n]);
  const b = np.array(hb).reshape([n, n]);
  checkSamples(
    `jax-js matmul ${n}`,
    await np.matmul(a.ref, b.ref).data(),
    samplePositions(n * n).map((index) => ({ index, expected: matmulReference(ha, hb, n, index) })),
  );
  const pending: Promise<unknown>[] = [];
  return {
    run() {
      // Reading a product back evaluates it (then frees it); a product never read would not be computed.
      if (readBack === "each step") np.matmul(a.ref, b.ref).dataSync();
      else pending.push(np.matmul(a.ref, b.ref).data());
    },
    sync: async () => {
      await Promise.all(pending.splice(0));
    },
    dispose() {
      a.dispose();
      b.dispose();
    },
  };
}

export type JaxArray = InstanceType<Jax["numpy"]["Array"]>;

/** The conv2d case (NCHW, OIHW, as this engine): forward, or forward and both gradients for dy through vjp. */
export async function jaxConv(jax: Jax, s: ConvShape, backward: boolean): Promise<Workload & { dispose(): void }> {
  const np = jax.numpy;
  const hx = randomArray(s.n * s.c * s.h * s.w, 3);
  const hw = randomArray(s.out * s.c * s.k * s.k, 4);
  const x = np.array(hx).reshape([s.n, s.c, s.h, s.w]);
  const w = np.array(hw).reshape([s.out, s.c, s.k, s.k]);
  const dy = np.array(randomArray(s.n * s.out * s.h * s.w, 5)).reshape([s.n, s.out, s.h, s.w]);
  const conv = (a: JaxArray, b: JaxArray) =>
    jax.lax.convGeneralDilated(
      a,
      b,
      [1, 1],
      [
        [s.pad, s.pad],
        [s.pad, s.pad],
      ],
    );
  const y = conv(x.ref, w.ref);
  checkSamples(
    "jax-js conv2d",
    await y.data(),
    samplePositions(s.n * s.out * s.h * s.w).map((index) => ({ index, expected: convReference(hx, hw, s, index) })),
  );
  return {
    run() {
      if (!backward) {
        conv(x.ref, w.ref).dataSync();
        return;
      }
      const [out, pullback] = jax.vjp(conv, [x.ref, w.ref]);
      const [gx, gw] = pullback(dy.ref);
      out.dispose();
      pullback.dispose();
      gx.dataSync(); // reading both gradients makes jax-js compute them
      gw.dataSync();
    },
    sync: async () => {},
    dispose: () => jax.tree.dispose([x, w, dy]),
  };
}

/** A loss of the parameters, a batch and its targets (jax-js consumes each array it is given once). */
export type JaxLoss = (params: JaxArray[], x: JaxArray, target: JaxArray) => JaxArray;

/**
 * The MLP training step (same weights, batch and loss as this engine's), as one jitted function (see
 * jaxTrainStep). Weights as [in, out], so that a layer is h·W + b.
 */
export async function jaxMlp(jax: Jax, m: MlpShape, readBack: ReadBack = "each step"): Promise<Workload & { dispose(): void; firstLoss: number }> {
  const np = jax.numpy;
  const { w, b } = mlpWeights(m.sizes);
  const batch = mlpBatch(m);
  const out = m.sizes[m.sizes.length - 1];
  const params: JaxArray[] = w.flatMap((wi, i) => {
    const [outF, inF] = [m.sizes[i + 1], m.sizes[i]];
    return [np.array(transposed(wi, outF, inF)).reshape([inF, outF]), np.array(b[i])];
  });
  const x = np.array(batch.x).reshape([m.batch, m.sizes[0]]);
  const target = m.loss === "mse" ? np.array(batch.targets).reshape([m.batch, out]) : jax.nn.oneHot(np.array(batch.labels, { dtype: np.int32 }), out);
  const loss: JaxLoss = (p, xb, t) => {
    let h = xb;
    for (let i = 0; i < p.length; i += 2) {
      h = np.matmul(h, p[i]).add(p[i + 1]);
      if (i + 2 < p.length) h = m.loss === "mse" ? np.tanh(h) : jax.nn.relu(h);
    }
    if (m.loss === "mse") return np.square(h.sub(t)).mean();
    return jax.nn.logSoftmax(h).mul(t).sum(1).mean().neg();
  };
  return jaxTrainStep(jax, params, loss, x, target, m.optimizer === "sgd" ? "sgd" : "adam", readBack);
}

/** A [rows, cols] matrix's transpose, as [cols, rows]. */
export function transposed(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
  return t;
}

/**
 * A training step of `loss` as one jitted function: the loss and gradients by valueAndGrad, then SGD
 * (lr 0.01) or Adam (lr 1e-3, PyTorch's defaults) written out, since jax-js has no optimizers. Each
 * step reads its loss back, which makes jax-js run it (`readBack` "at sync": only the last step's, as
 * WebGPU can only read asynchronously; the steps are chained through the parameters, so every one
 * runs). Takes ownership of the arrays it is given.
 */
export async function jaxTrainStep(
  jax: Jax,
  initial: JaxArray[],
  loss: JaxLoss,
  x: JaxArray,
  target: JaxArray,
  optimizer: "sgd" | "adam",
  readBack: ReadBack = "each step",
): Promise<Workload & { dispose(): void; firstLoss: number }> {
  const np = jax.numpy;
  let params = initial;
  const first = loss(jax.tree.ref(params), x.ref, target.ref);
  const firstLoss = (await first.data())[0];
  const gradient = jax.valueAndGrad(loss);
  let moments: JaxArray[][] = params.map((p) => [np.zeros(p.shape), np.zeros(p.shape)]);
  const sgd = jax.jit((p: JaxArray[], xb: JaxArray, t: JaxArray) => {
    const [l, g] = gradient(
      p.map((q) => q.ref),
      xb,
      t,
    );
    return [l, p.map((q, i) => q.sub(g[i].mul(0.01)))];
  });
  const adam = jax.jit((p: JaxArray[], mv: JaxArray[][], xb: JaxArray, t: JaxArray, c1: JaxArray, c2: JaxArray) => {
    const [l, g] = gradient(
      p.map((q) => q.ref),
      xb,
      t,
    );
    return [l, ...adamUpdate(jax, p, mv, g, c1, c2, { lr: 1e-3, beta1: 0.9 })];
  });
  let step = 0;
  let latest: JaxArray | null = null;
  return {
    firstLoss,
    run() {
      step++;
      let l: JaxArray;
      if (optimizer === "sgd") [l, params] = sgd(params, x.ref, target.ref) as [JaxArray, JaxArray[]];
      else {
        const [c1, c2] = [np.array([1 - 0.9 ** step]).reshape([]), np.array([1 - 0.999 ** step]).reshape([])];
        [l, params, moments] = adam(params, moments, x.ref, target.ref, c1, c2) as [JaxArray, JaxArray[], JaxArray[][]];
      }
      if (readBack === "each step") {
        l.dataSync();
        return;
      }
      latest?.dispose();
      latest = l;
    },
    // Each step's parameters come from the one before, so reading the last loss runs every step.
    sync: async () => {
      await latest?.data();
      latest = null;
    },
    dispose: () => {
      jax.tree.dispose([params, moments, x, target]);
      sgd.dispose();
      adam.dispose();
    },
  };
}

/**
 * Adam written out (β2 0.999, ε 1e-8): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * p ← p − lr·(m/c1) / (√(v/c2) + ε), with c1 = 1 − β1ᵗ and c2 = 1 − β2ᵗ given as scalars. Consumes
 * its arguments; returns the parameters and the moments.
 */
export function adamUpdate(
  jax: Jax,
  p: JaxArray[],
  mv: JaxArray[][],
  g: JaxArray[],
  c1: JaxArray,
  c2: JaxArray,
  { lr, beta1 }: { lr: number; beta1: number },
): [JaxArray[], JaxArray[][]] {
  const np = jax.numpy;
  const next = mv.map(([mi, vi], i) => [mi.mul(beta1).add(g[i].ref.mul(1 - beta1)), vi.mul(0.999).add(g[i].ref.mul(g[i]).mul(0.001))]);
  const updated = p.map((q, i) =>
    q.sub(
      next[i][0].ref
        .div(c1.ref)
        .mul(lr)
        .div(np.sqrt(next[i][1].ref.div(c2.ref)).add(1e-8)),
    ),
  );
  c1.dispose();
  c2.dispose();
  return [updated, next];
}
