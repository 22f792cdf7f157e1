/**
 * The CPU peers of `npm run bench -- --cpu`, in the same Node process as this engine's wasm backend:
 * TF.js's WASM backend (XNNPACK) and jax-js's `wasm` device. Each workload is checked against the same
 * float64 reference as this engine's before it is timed. jax-js evaluates lazily, so each of its
 * iterations reads its result back (otherwise a timing loop would measure nothing).
 */

import { createRequire } from "node:module";
import { dirname } from "node:path";
import { checkSamples, randomArray, samplePositions } from "./check";
import { matmulReference } from "./ours";
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

export async function jaxMatmul(jax: Jax, n: number): Promise<Workload & { dispose(): void }> {
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
  return {
    run() {
      np.matmul(a.ref, b.ref).dataSync(); // evaluates the product (and reads it back, then frees it)
    },
    sync: async () => {},
    dispose() {
      a.dispose();
      b.dispose();
    },
  };
}
