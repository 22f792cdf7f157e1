/**
 * Threads for the wasm backend. Helpers are workers (Node's worker_threads; Web Workers in a page that
 * is cross-origin isolated) that instantiate the same kernels over the same shared memory and sleep on
 * a control block inside it. To run a GEMM on T threads, the calling thread writes each helper's
 * gemmPart arguments into the block, stamps the helper's slot with the new generation, bumps the
 * generation and wakes them (Atomics.notify), runs part 0 itself, then sleeps until every helper has
 * counted down. No messages, no promises: a product on several threads is as synchronous as on one.
 *
 * The control block, in i32s: [0] generation, [1] helpers still working, [2 + h] the generation of
 * helper h's current job, [SLOTS + 15·h ...] its gemmPart arguments.
 */
import type { GemmPart, PartRunner } from "./gemm";

/** Most helper threads (besides the caller). */
export const MAX_HELPERS = 15;
const SLOTS = 2 + MAX_HELPERS;
const ARGS = 15;
/** Bytes of the control block. */
export const CONTROL_BYTES = (SLOTS + MAX_HELPERS * ARGS) * 4;

/** The helper's code, run as a worker script (CommonJS in Node, a classic script in browsers). */
const HELPER = `
const SLOTS = ${SLOTS}, ARGS = ${ARGS};
function work({ module, memory, control, index }, ready) {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ctl = new Int32Array(memory.buffer, control, ${CONTROL_BYTES / 4});
  ready();
  let seen = Atomics.load(ctl, 0);
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    if (Atomics.load(ctl, 2 + index) !== seen) continue; // no part for this helper this time
    const at = SLOTS + index * ARGS;
    kernels.gemmPart(...ctl.subarray(at, at + ARGS));
    if (Atomics.sub(ctl, 1, 1) === 1) Atomics.notify(ctl, 1);
  }
}
if (typeof self !== "undefined" && typeof self.postMessage === "function") {
  self.onmessage = (e) => work(e.data, () => self.postMessage("ready"));
} else {
  const { parentPort } = require("node:worker_threads");
  parentPort.once("message", (job) => work(job, () => parentPort.postMessage("ready")));
}
`;

interface Helper {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** A Node built-in module, fetched at run time (no import, so that browser bundles do not carry it). */
function nodeBuiltin<T>(name: string): T {
  return (globalThis as unknown as { process: { getBuiltinModule(name: string): T } }).process.getBuiltinModule(name);
}

/** How many helper threads this machine offers (cores − 1, at most MAX_HELPERS). */
export async function helperCount(): Promise<number> {
  const browser = typeof navigator !== "undefined" && typeof navigator.hardwareConcurrency === "number";
  const cores = browser ? navigator.hardwareConcurrency : nodeBuiltin<typeof import("node:os")>("node:os").availableParallelism();
  return Math.max(0, Math.min(MAX_HELPERS, cores - 1));
}

/** Whether threads can share memory here: Node, or a page that is cross-origin isolated. */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === "undefined" || typeof Atomics === "undefined") return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** Starts a worker running `code`, in Node or in a browser. */
async function startWorker(code: string): Promise<{ helper: Helper; once(listener: () => void): void }> {
  if (typeof Worker !== "undefined") {
    const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    const w = new Worker(url);
    URL.revokeObjectURL(url);
    return { helper: w, once: (listener) => w.addEventListener("message", listener, { once: true }) };
  }
  const { Worker: NodeWorker } = nodeBuiltin<typeof import("node:worker_threads")>("node:worker_threads");
  const w = new NodeWorker(code, { eval: true });
  w.unref(); // a sleeping helper never keeps the process alive
  return { helper: w, once: (listener) => w.once("message", listener) };
}

export class ThreadPool implements PartRunner {
  private readonly ctl: Int32Array;

  private constructor(
    memory: WebAssembly.Memory,
    control: number,
    private readonly helpers: Helper[],
    private readonly runPart: (...args: GemmPart) => void,
  ) {
    this.ctl = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  }

  /**
   * Starts `count` helpers over `memory` (shared) with the compiled `module`; `control` is the byte
   * offset of a CONTROL_BYTES block reserved for the pool; `runPart` is the caller's own gemmPart.
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    control: number,
    count: number,
    runPart: (...args: GemmPart) => void,
  ): Promise<ThreadPool> {
    const started = await Promise.all(Array.from({ length: count }, () => startWorker(HELPER)));
    await Promise.all(
      started.map(
        (s, index) =>
          new Promise<void>((resolve) => {
            s.once(resolve);
            s.helper.postMessage({ module, memory, control, index });
          }),
      ),
    );
    return new ThreadPool(
      memory,
      control,
      started.map((s) => s.helper),
      runPart,
    );
  }

  /** Threads that run parts: the helpers and the caller. */
  get threads(): number {
    return this.helpers.length + 1;
  }

  run(parts: GemmPart[]): void {
    const ctl = this.ctl;
    const generation = (Atomics.load(ctl, 0) + 1) | 0;
    const helping = Math.min(parts.length - 1, this.helpers.length);
    for (let h = 0; h < helping; h++) {
      ctl.set(parts[h + 1], SLOTS + h * ARGS);
      Atomics.store(ctl, 2 + h, generation);
    }
    Atomics.store(ctl, 1, helping);
    Atomics.store(ctl, 0, generation);
    Atomics.notify(ctl, 0);
    this.runPart(...parts[0]);
    for (let t = helping + 1; t < parts.length; t++) this.runPart(...parts[t]); // more parts than threads: the caller takes the rest
    for (let left = Atomics.load(ctl, 1); left !== 0; left = Atomics.load(ctl, 1)) Atomics.wait(ctl, 1, left);
  }

  /** Stops the helpers. */
  stop(): void {
    for (const h of this.helpers) h.terminate();
  }
}
