/**
 * Threads for the wasm backend. Helpers are workers (Node's worker_threads; Web Workers in a page that
 * is cross-origin isolated) that instantiate the same kernels over the same shared memory and sleep on
 * a control block inside it. A job is one kernel run over a list of parts (a GEMM's bands, its
 * packing, each image's columns): the calling thread writes the kernel, the list and each part's
 * arguments into the block, bumps the generation and wakes the helpers (Atomics.notify); with T
 * threads, thread t runs parts t, t + T, t + 2T... (the caller is thread 0), and the caller then sleeps
 * until every helper has counted down. No messages, no promises: work on several threads is as
 * synchronous as on one.
 *
 * The control block, in i32s: [0] generation, [1] helpers still working, [2] the kernel's index in
 * THREADED_KERNELS, [3] the job's part count, [4] the threads taking part, [5] set when a helper's
 * kernel failed (a trap: the caller throws rather than wait forever), [STAMPS + h] the generation
 * of the last job helper h takes part in; from [HEADER] on, the parts' arguments, ARGS per part (whole
 * numbers only: offsets and sizes). A helper runs a job only when its stamp equals the generation it
 * woke to: the job's fields and the stamps are written before the generation, so a helper that was
 * not needed for the last job, and wakes late, never reads a half-written next one. A job whose
 * helpers stop moving (two waits of STALL_MS in a row) throws, saying so, instead of hanging.
 */

/** The kernels helpers can run: each takes whole-number arguments only, at most ARGS of them. */
export const THREADED_KERNELS = ["gemmPart", "packB", "im2col", "col2imAdd", "convDirect", "dropout"] as const;
export type ThreadedKernel = (typeof THREADED_KERNELS)[number];

/** Runs a kernel once per part, the parts spread over the threads; returns when all are done. */
export interface PartRunner {
  readonly threads: number;
  run(kernel: ThreadedKernel, parts: readonly (readonly number[])[]): void;
}

/** Most helper threads (besides the caller). */
export const MAX_HELPERS = 15;
const FAILED = 5;
const STAMPS = 6;
const HEADER = STAMPS + MAX_HELPERS;
const ARGS = 16;
/** A job whose helpers have not moved for twice this long is stuck: the caller throws rather than hang. */
const STALL_MS = 60_000;
/** Most parts in one job (more run as several jobs). */
const MAX_PARTS = 1024;
/** Bytes of the control block. */
export const CONTROL_BYTES = (HEADER + MAX_PARTS * ARGS) * 4;

/** The helper's code, run as a worker script (CommonJS in Node, a classic script in browsers). */
const HELPER = `
const FAILED = ${FAILED}, STAMPS = ${STAMPS}, HEADER = ${HEADER}, ARGS = ${ARGS}, KERNELS = ${JSON.stringify(THREADED_KERNELS)};
function work({ module, memory, control, index }, ready) {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ctl = new Int32Array(memory.buffer, control, ${CONTROL_BYTES / 4});
  ready();
  let seen = Atomics.load(ctl, 0);
  let ran = seen; // the last job this helper ran: never run one twice
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    if (Atomics.load(ctl, STAMPS + index) !== seen || seen === ran) continue; // not needed for this job, or done
    ran = seen;
    const threads = ctl[4];
    const kernel = kernels[KERNELS[ctl[2]]];
    try {
      for (let p = index + 1; p < ctl[3]; p += threads) kernel(...ctl.subarray(HEADER + p * ARGS, HEADER + (p + 1) * ARGS));
    } catch {
      Atomics.store(ctl, FAILED, 1);
    }
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
    private readonly kernels: Record<ThreadedKernel, (...args: number[]) => void>,
  ) {
    this.ctl = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  }

  /**
   * Starts `count` helpers over `memory` (shared) with the compiled `module`; `control` is the byte
   * offset of a CONTROL_BYTES block reserved for the pool; `kernels` are the caller's own instances.
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    control: number,
    count: number,
    kernels: Record<ThreadedKernel, (...args: number[]) => void>,
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
      kernels,
    );
  }

  /** Threads that run parts: the helpers and the caller. */
  get threads(): number {
    return this.helpers.length + 1;
  }

  /** Runs `kernel` once per part: thread t takes parts t, t + T, t + 2T... */
  run(kernel: ThreadedKernel, parts: readonly (readonly number[])[]): void {
    for (let first = 0; first < parts.length; first += MAX_PARTS) this.job(kernel, parts.slice(first, first + MAX_PARTS));
  }

  private job(kernel: ThreadedKernel, parts: readonly (readonly number[])[]): void {
    const run = this.kernels[kernel];
    const threads = Math.min(this.threads, parts.length);
    if (threads === 1) {
      for (const part of parts) run(...part);
      return;
    }
    const ctl = this.ctl;
    parts.forEach((args, p) => {
      if (args.length > ARGS) throw new Error(`${kernel} takes ${args.length} arguments; helpers take at most ${ARGS}`);
      ctl.set(args, HEADER + p * ARGS);
    });
    ctl[2] = THREADED_KERNELS.indexOf(kernel);
    ctl[3] = parts.length;
    ctl[4] = threads;
    const generation = (Atomics.load(ctl, 0) + 1) | 0;
    for (let h = 0; h < threads - 1; h++) Atomics.store(ctl, STAMPS + h, generation);
    Atomics.store(ctl, 1, threads - 1);
    Atomics.store(ctl, 0, generation); // publishes the job (and every write above)
    Atomics.notify(ctl, 0);
    let failure: unknown = null;
    try {
      for (let p = 0; p < parts.length; p += threads) run(...parts[p]);
    } catch (e) {
      failure = e;
    }
    // Two waits in a row without progress: stuck (one alone can be a machine that slept).
    let stalls = 0;
    for (let left = Atomics.load(ctl, 1); left !== 0; left = Atomics.load(ctl, 1)) {
      const timedOut = Atomics.wait(ctl, 1, left, STALL_MS) === "timed-out" && Atomics.load(ctl, 1) === left;
      stalls = timedOut ? stalls + 1 : 0;
      if (stalls === 2)
        throw new Error(
          `wasm ${kernel}: the helper threads made no progress for ${(2 * STALL_MS) / 1000} s (control ${Array.from(ctl.subarray(0, STAMPS + 2)).join(",")}, generation ${generation})`,
        );
    }
    if (Atomics.exchange(ctl, FAILED, 0) === 1) failure ??= new Error("a helper thread trapped");
    if (failure) throw new Error(`wasm ${kernel} failed: ${failure instanceof Error ? failure.message : String(failure)}`);
  }

  /** Stops the helpers. */
  stop(): void {
    for (const h of this.helpers) h.terminate();
  }
}
