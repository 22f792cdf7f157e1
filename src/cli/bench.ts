/**
 * `npm run bench`: this engine beside TF.js's WebGPU backend and jax-js's webgpu device (matmul and the
 * MLP steps), in one Node process on the same adapter (Dawn: a real GPU when present, SwiftShader
 * otherwise). Prints a table and writes JSON.
 *
 *   node dist-cli/bench.mjs [--json file] [--budget ms] [--max-seconds s] [--only regex] [--no-tfjs]
 *                           [--profile]   (also prints this engine's time per kernel for each case)
 *                           [--cpu]       (the CPU section instead: this engine's wasm backend beside
 *                                          TF.js's WASM backend and jax-js's wasm device)
 *
 * Every case is checked against a float64 reference (or, for training steps, the two engines' first
 * losses against each other) before it is timed. Cases whose estimated run is longer than
 * --max-seconds on this adapter are listed as skipped with the estimate.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Backend } from "../backend/backend";
import { nodeGpu } from "../backend/node-gpu";
import { WasmBackend } from "../backend/wasm/wasm-backend";
import { WebGPUBackend } from "../backend/webgpu/webgpu-backend";
import { type Jax, jaxConv, jaxMatmul, jaxMlp, type ReadBack, startJax, startJaxWebGPU, startTfjsWasm } from "../bench/cpu-peers";
import { jaxDcgan, oursDcgan, tfjsDcgan } from "../bench/dcgan";
import { jaxLenet, oursLenet, tfjsLenet } from "../bench/lenet";
import { type ConvShape, type MlpShape, oursConv, oursMatmul, oursMlp } from "../bench/ours";
import { oursLstm, oursTransformer, tfjsLstm } from "../bench/sequence";
import { startTfjs, type Tf, tfjsConv, tfjsMatmul, tfjsMlp } from "../bench/tfjs";
import { type Timing, time, type Workload } from "../bench/timing";

interface Args {
  json: string;
  budget: number;
  maxSeconds: number;
  only: RegExp | null;
  tfjs: boolean;
  profile: boolean;
  cpu: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: "bench-results/bench.json", budget: 2000, maxSeconds: 30, only: null, tfjs: true, profile: false, cpu: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? "";
    if (a === "--json") args.json = next();
    else if (a === "--budget") args.budget = Number(next());
    else if (a === "--max-seconds") args.maxSeconds = Number(next());
    else if (a === "--only") args.only = new RegExp(next());
    else if (a === "--no-tfjs") args.tfjs = false;
    else if (a === "--profile") args.profile = true;
    else if (a === "--cpu") args.cpu = true;
    else throw new Error(`bench: unknown argument ${a}; see the comment at the top of src/cli/bench.ts`);
  }
  return args;
}

type Made = Workload & { dispose(): void; firstLoss?: number };

interface Case {
  name: string;
  /** Floating-point operations per iteration (0 for training steps, reported as steps/s). */
  flops: number;
  ours: (backend: Backend) => Promise<Made>;
  /** TF.js's side, or why it has none. */
  tfjs: ((tf: Tf) => Promise<Made>) | { lacks: string };
  /** jax-js's wasm device (the CPU section), where written; with `jaxOnWebGPU`, its webgpu device too. */
  jax?: (jax: Jax, readBack: ReadBack) => Promise<Made>;
  jaxOnWebGPU?: boolean;
}

const convFlops = (s: ConvShape) => 2 * s.n * s.h * s.w * s.out * s.c * s.k * s.k;
const CONVS: [string, ConvShape][] = [
  ["N64 28x28 32->64 k3", { n: 64, c: 32, h: 28, w: 28, out: 64, k: 3, pad: 1 }],
  ["N256 32x32 3->16 k5", { n: 256, c: 3, h: 32, w: 32, out: 16, k: 5, pad: 2 }],
];
const MLPS: [string, MlpShape][] = [
  ["MLP 2-8-8-1, batch 10, SGD step", { sizes: [2, 8, 8, 1], batch: 10, optimizer: "sgd", loss: "mse" }],
  ["MLP 784-256-256-10, batch 128, SGD step", { sizes: [784, 256, 256, 10], batch: 128, optimizer: "sgd", loss: "cross-entropy" }],
  ["MLP 784-256-256-10, batch 128, Adam step", { sizes: [784, 256, 256, 10], batch: 128, optimizer: "adam", loss: "cross-entropy" }],
];

const CASES: Case[] = [
  ...[256, 512, 1024, 2048, 4096].map((n) => ({
    name: `matmul ${n}³`,
    flops: 2 * n ** 3,
    ours: (g: Backend) => oursMatmul(g, n),
    tfjs: (tf: Tf) => tfjsMatmul(tf, n),
    jax: (jax: Jax, readBack: ReadBack) => jaxMatmul(jax, n, readBack),
    jaxOnWebGPU: true,
  })),
  ...CONVS.flatMap(([label, s]) => [
    {
      name: `conv2d ${label} forward`,
      flops: convFlops(s),
      ours: (g: Backend) => oursConv(g, s, false),
      tfjs: (tf: Tf) => tfjsConv(tf, s, false),
      jax: (jax: Jax) => jaxConv(jax, s, false),
    },
    {
      name: `conv2d ${label} forward+backward`,
      flops: 3 * convFlops(s),
      ours: (g: Backend) => oursConv(g, s, true),
      tfjs: (tf: Tf) => tfjsConv(tf, s, true),
      jax: (jax: Jax) => jaxConv(jax, s, true),
    },
  ]),
  ...MLPS.map(([name, m]) => ({
    name,
    flops: 0,
    ours: (g: Backend) => oursMlp(g, m),
    tfjs: (tf: Tf) => tfjsMlp(tf, m),
    jax: (jax: Jax, readBack: ReadBack) => jaxMlp(jax, m, readBack),
    jaxOnWebGPU: true,
  })),
  {
    name: "LeNet-5 1x28x28, batch 64, Adam step",
    flops: 0,
    ours: (g: Backend) => oursLenet(g, 64),
    tfjs: (tf: Tf) => tfjsLenet(tf, 64),
    jax: (jax: Jax) => jaxLenet(jax, 64),
  },
  {
    name: "LSTM 32 steps x 32 -> 128, batch 32, Adam step",
    flops: 0,
    ours: (g: Backend) => oursLstm(g),
    tfjs: (tf: Tf) => tfjsLstm(tf),
  },
  {
    name: "transformer encoder d64 2 heads, 64 tokens, batch 32, Adam step",
    flops: 0,
    ours: (g: Backend) => oursTransformer(g),
    tfjs: { lacks: "TF.js has no attention layer" },
  },
  {
    name: "DCGAN MNIST, batch 64, D+G iteration",
    flops: 0,
    ours: (g: Backend) => oursDcgan(g, 64),
    tfjs: (tf: Tf) => tfjsDcgan(tf, 64),
    jax: (jax: Jax) => jaxDcgan(jax, 64),
  },
];

interface Result {
  name: string;
  flops: number;
  ours: Timing | { skipped: string };
  tfjs: Timing | { skipped: string } | null;
  jax: Timing | { skipped: string } | null;
}

/** Rough seconds per run of a case from the best FLOP/s seen so far in its family (0: unknown). */
function estimateSeconds(c: Case, rates: Map<string, number>): number {
  const rate = rates.get(c.name.split(" ")[0]);
  return rate && c.flops ? c.flops / rate : 0;
}

async function measure(make: () => Promise<Made>, budget: number): Promise<Timing & { firstLoss?: number }> {
  const w = await make();
  try {
    const t = await time(w, budget);
    return { ...t, firstLoss: w.firstLoss };
  } finally {
    w.dispose();
  }
}

function fmt(r: Timing | { skipped: string } | null, flops: number): string {
  if (!r) return "–";
  if ("skipped" in r) return `skipped (${r.skipped})`;
  return flops ? `${r.ms.toFixed(2)} ms · ${(flops / r.ms / 1e6).toFixed(2)} GFLOP/s` : `${r.ms.toFixed(2)} ms · ${(1000 / r.ms).toFixed(1)} steps/s`;
}

/**
 * The CPU section: this engine's wasm backend, TF.js's WASM backend and jax-js's wasm device, one
 * after another in this process, on the CPU's cores (matmul up to 2048: 4096 takes minutes here).
 */
async function cpuSection(args: Args): Promise<void> {
  const ours = await WasmBackend.create();
  const tf = args.tfjs ? await startTfjsWasm() : null;
  const jax = await startJax();
  console.log(`CPU: ${ours.description}; TF.js ${tf ? `${tf.getBackend()} backend` : "off"}; jax-js wasm device`);
  const rows: string[] = [];
  for (const c of CASES) {
    if (c.name === "matmul 4096³" || (args.only && !args.only.test(c.name))) continue;
    const mine = await measure(() => c.ours(ours), args.budget);
    if (args.profile) await printProfile(ours, await c.ours(ours));
    // A peer without a kernel for the case (TF.js's WASM backend has no Conv2DBackpropFilter) is listed as such.
    const peer = async (make: () => Promise<Made>) => {
      try {
        return await measure(make, args.budget);
      } catch (e) {
        return { skipped: (e as Error).message.slice(0, 60) };
      }
    };
    const theirs = !tf ? null : "lacks" in c.tfjs ? { skipped: c.tfjs.lacks } : await peer(() => (c.tfjs as (tf: Tf) => Promise<Made>)(tf));
    const jaxs = c.jax ? await peer(() => (c.jax as NonNullable<Case["jax"]>)(jax, "each step")) : null;
    for (const [peerName, t] of [
      ["TF.js", theirs],
      ["jax-js", jaxs],
    ] as const) {
      if (c.flops !== 0 || !t || !("ms" in t) || mine.firstLoss === undefined || t.firstLoss === undefined) continue;
      const [a, b] = [mine.firstLoss, t.firstLoss];
      if (Math.abs(a - b) > 1e-3 * (1 + Math.abs(b)))
        throw new Error(`${c.name}: this engine and ${peerName} disagree on the first loss (${a} vs ${b}); not timing`);
    }
    const ratio = speedUp({ name: c.name, flops: c.flops, ours: mine, tfjs: theirs, jax: jaxs });
    const row = `| ${c.name} | ${fmt(mine, c.flops)} | ${fmt(theirs, c.flops)} | ${fmt(jaxs, c.flops)} | ${ratio} |`;
    console.log(row);
    rows.push(row);
  }
  console.log(`\n| work (CPU, ${ours.description}) | this engine (wasm) | TF.js WASM | jax-js wasm | vs the faster peer |\n| --- | --- | --- | --- | --- |`);
  for (const r of rows) console.log(r);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.cpu) {
    await cpuSection(args);
    process.exit(0);
  }
  const gpu = await nodeGpu();
  const ours = await WebGPUBackend.create(gpu);
  const tf = args.tfjs ? await startTfjs(gpu) : null;
  // jax-js is a peer, not a requirement: without it (not installed, or no webgpu device) its column is empty.
  const jax = await startJaxWebGPU(gpu).catch((e: unknown) => {
    console.log(`jax-js WebGPU: not run (${e instanceof Error ? e.message : String(e)})`);
    return null;
  });
  console.log(`adapter: ${ours.description}${ours.tuning.cpuEmulated ? " (CPU-emulated)" : ""}`);
  const results: Result[] = [];
  const rates = { ours: new Map<string, number>(), tfjs: new Map<string, number>(), jax: new Map<string, number>() };
  for (const c of CASES) {
    if (args.only && !args.only.test(c.name)) continue;
    const run = async (who: "ours" | "tfjs" | "jax", make: () => Promise<Made>) => {
      const est = estimateSeconds(c, rates[who]);
      if (est > args.maxSeconds) return { skipped: `est. ${est.toFixed(0)} s per run` };
      const t = await measure(make, args.budget);
      if (c.flops) {
        const family = c.name.split(" ")[0];
        rates[who].set(family, Math.max(rates[who].get(family) ?? 0, c.flops / (t.ms / 1000)));
      }
      return t;
    };
    const mine = await run("ours", () => c.ours(ours));
    if (args.profile && !("skipped" in mine)) await printProfile(ours, await c.ours(ours));
    const theirs = !tf ? null : "lacks" in c.tfjs ? { skipped: c.tfjs.lacks } : await run("tfjs", () => (c.tfjs as (tf: Tf) => Promise<Made>)(tf));
    const jaxs = jax && c.jax && c.jaxOnWebGPU ? await run("jax", () => (c.jax as NonNullable<Case["jax"]>)(jax, "at sync")) : null;
    for (const peer of [theirs, jaxs]) {
      if (c.flops !== 0 || !peer || !("firstLoss" in peer) || !("firstLoss" in mine)) continue;
      const [a, b] = [mine.firstLoss as number, peer.firstLoss as number];
      if (Math.abs(a - b) > 1e-3 * (1 + Math.abs(b))) throw new Error(`${c.name}: the engines disagree on the first loss (${a} vs ${b}); not timing`);
    }
    results.push({ name: c.name, flops: c.flops, ours: mine, tfjs: theirs, jax: jaxs });
    console.log(
      `${c.name.padEnd(46)} ours ${fmt(mine, c.flops).padEnd(34)} TF.js ${fmt(theirs, c.flops).padEnd(34)} jax-js ${fmt(jaxs, c.flops).padEnd(34)} ${speedUp(results[results.length - 1])}`,
    );
  }
  printTable(ours.description, results);
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(
    args.json,
    JSON.stringify(
      { adapter: ours.description, cpuEmulated: ours.tuning.cpuEmulated, date: new Date().toISOString(), node: process.version, results },
      null,
      2,
    ),
  );
  console.log(`\nJSON: ${args.json}`);
  process.exit(0);
}

/** This engine's time per kernel (GPU) or per op (wasm) over 3 iterations of a case. */
async function printProfile(gpu: WebGPUBackend | WasmBackend, w: Made): Promise<void> {
  w.run();
  await w.sync();
  const stop = gpu.profile();
  for (let i = 0; i < 3; i++) w.run();
  const times = await stop();
  w.dispose();
  const total = times.reduce((s, t) => s + t.ms, 0);
  for (const t of times.slice(0, 10))
    console.log(`    ${(t.ms / 3).toFixed(2).padStart(9)} ms/iter  ${((100 * t.ms) / total).toFixed(0).padStart(3)}%  ${t.calls / 3} x ${t.kernel}`);
}

/** This engine's speed-up over the faster peer that ran the case ("–" when none did). */
function speedUp(r: Result): string {
  const peers = [r.tfjs, r.jax].filter((t): t is Timing => t !== null && "ms" in t).map((t) => t.ms);
  return peers.length && "ms" in r.ours ? `${(Math.min(...peers) / r.ours.ms).toFixed(2)}x` : "–";
}

function printTable(adapter: string, results: Result[]) {
  console.log(`\n| work (${adapter}) | this engine | TF.js WebGPU | jax-js WebGPU | vs the faster peer |\n| --- | --- | --- | --- | --- |`);
  for (const r of results) console.log(`| ${r.name} | ${fmt(r.ours, r.flops)} | ${fmt(r.tfjs, r.flops)} | ${fmt(r.jax, r.flops)} | ${speedUp(r)} |`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
