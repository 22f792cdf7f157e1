/**
 * The wasm backend (src/backend/wasm/) beyond the registry-wide parity suites: its GEMM equals a
 * float64 reference for shapes around every block edge (MR, NR, KC, MC), with transposed operands read
 * through strides, a fused bias, and K = 0 (and prints its speed on one thread); threads give the same
 * products bit for bit as one thread; the optimizers' SIMD kernels run and update like the reference.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { gemm } from "../src/backend/wasm/gemm";
import { WasmHeap } from "../src/backend/wasm/heap";
import { compileKernels, type WasmKernels } from "../src/backend/wasm/kernels";
import { KC, MC, MR, NR } from "../src/backend/wasm/kernels/gemm";
import { expectClose } from "./helpers/op-cases";

let heap: WasmHeap;
let kernels: WasmKernels;

beforeAll(async () => {
  heap = new WasmHeap(1 << 20);
  kernels = (await compileKernels(heap.memory)).kernels;
});

/** Seeded uniform values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

function put(data: Float32Array): number {
  const offset = heap.allocate(data.length * 4);
  heap.f32(offset, data.length).set(data);
  return offset;
}

describe("wasm GEMM", () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [MR, NR, 3],
    [MR + 1, NR + 1, 5],
    [MR - 1, NR - 1, 1],
    [7, 33, KC + 1],
    [MC + 3, 17, 2 * KC + 5],
    [65, 70, 33],
    [3, 5, 0],
  ];
  for (const [M, N, K] of shapes)
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ])
      for (const withBias of [false, true])
        it(`${M}x${K} · ${K}x${N}${transposeA ? " Aᵀ" : ""}${transposeB ? " Bᵀ" : ""}${withBias ? " + bias" : ""}`, () => {
          const A = values(M * K, M * 7 + K);
          const B = values(K * N, N * 13 + K);
          const bias = values(N, N + 99);
          const a = put(A);
          const b = put(B);
          const biasAt = withBias ? put(bias) : 0;
          const c = heap.allocate(M * N * 4);
          heap.f32(c, M * N).fill(Number.NaN); // every element must be written
          // A stored [M, K] (or [K, M] read transposed), B stored [K, N] (or [N, K]).
          const [aM, aK] = transposeA ? [1, M] : [K, 1];
          const [bK, bN] = transposeB ? [1, K] : [N, 1];
          gemm(heap, kernels, { M, N, K, a, aM, aK, b, bK, bN, c, bias: biasAt }, null);
          const got = heap.f32(c, M * N);
          for (let m = 0; m < M; m++)
            for (let n = 0; n < N; n++) {
              let s = withBias ? bias[n] : 0;
              for (let k = 0; k < K; k++) s += A[m * aM + k * aK] * B[k * bK + n * bN];
              const v = got[m * N + n];
              expect(Math.abs(v - s), `C[${m}, ${n}] = ${v}, expected ${s}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(s)) * Math.sqrt(K + 1));
            }
          for (const [offset, n] of [
            [a, M * K],
            [b, K * N],
            [c, M * N],
          ])
            heap.free(offset, n * 4);
          if (withBias) heap.free(biasAt, N * 4);
        });

  it("multiplies 512 x 512 matrices fast enough to matter (GFLOP/s printed)", () => {
    const n = 512;
    const a = put(values(n * n, 1));
    const b = put(values(n * n, 2));
    const c = heap.allocate(n * n * 4);
    const run = () => gemm(heap, kernels, { M: n, N: n, K: n, a, aM: n, aK: 1, b, bK: n, bN: 1, c, bias: 0 }, null);
    run();
    const started = performance.now();
    let runs = 0;
    while (performance.now() - started < 500 || runs < 3) {
      run();
      runs++;
    }
    const seconds = (performance.now() - started) / 1000 / runs;
    const gflops = (2 * n ** 3) / seconds / 1e9;
    console.log(`wasm GEMM ${n}: ${gflops.toFixed(1)} GFLOP/s (one thread)`);
    expect(gflops).toBeGreaterThan(2);
  });
});

describe("wasm threads", () => {
  it("give the same products and convolutions bit for bit as one thread, split by rows and by columns", async () => {
    const { WasmBackend } = await import("../src/backend/wasm/wasm-backend");
    const dl = await import("../src/index");
    const { withBackend } = await import("../src/tensor/engine");
    const threaded = await WasmBackend.create("", { threads: 4 });
    const single = await WasmBackend.create("", { threads: 1 });
    expect(single.threads).toBe(1);
    const { helperCount } = await import("../src/backend/wasm/threads");
    if ((await helperCount()) > 0) expect(threaded.threads).toBeGreaterThan(1); // more than one core: threads must run
    console.log(`wasm threads here: ${threaded.description}`);
    const run = (backend: typeof single, f: () => InstanceType<typeof dl.Tensor>) => withBackend(backend, () => f().data());
    const cases: [number, number, number][] = [
      [300, 200, 150], // tall: rows
      [16, 900, 300], // short and wide (a convolution's channels): columns
    ];
    for (const [M, N, K] of cases) {
      const a = values(M * K, 5);
      const b = values(K * N, 6);
      const product = () => dl.matmul(dl.tensor(a, { shape: [M, K] }), dl.tensor(b, { shape: [K, N] }));
      const [one, many] = [await run(single, product), await run(threaded, product)];
      expect(Array.from(many)).toEqual(Array.from(one));
    }
    // Convolutions over 5 images, forward and both gradients: 40 output channels go through columns
    // (built, and summed back, by the threads in turn), 12 through the direct kernel (bands of images).
    for (const channels of [40, 12]) {
      const x = values(5 * 3 * 20 * 20, 7);
      const w = values(channels * 3 * 3 * 3, 8);
      const g = values(5 * channels * 20 * 20, 9);
      const conv = async (backend: typeof single) => {
        const [xt, wt] = withBackend(backend, () => [
          dl.tensor(x, { shape: [5, 3, 20, 20], requiresGrad: true }),
          dl.tensor(w, { shape: [channels, 3, 3, 3], requiresGrad: true }),
        ]);
        const y = withBackend(backend, () => {
          const out = dl.conv2d(xt, wt, null, { padding: 1 });
          dl.mul(out, dl.tensor(g, { shape: [5, channels, 20, 20] }))
            .sum()
            .backward();
          return out;
        });
        return [await y.data(), await xt.grad?.data(), await wt.grad?.data()].map((t) => Array.from(t ?? []));
      };
      const [one, many] = [await conv(single), await conv(threaded)];
      for (const [k, name] of ["output", "input gradient", "weight gradient"].entries()) {
        expect(many[k].length, `${channels} channels: ${name}`).toBeGreaterThan(0);
        expect(many[k], `${channels} channels: ${name}`).toEqual(one[k]);
      }
    }
    // Dropout over 200,001 elements: a range of elements per thread, the same mask as the reference's.
    const { dropoutOp } = await import("../src/ops/indexing");
    const big = values(200_001, 10);
    const attrs = { p: 0.3, key: 0xdeadbeef };
    const { apply1 } = await import("../src/tensor/engine");
    const drop = (backend: typeof single) => run(backend, () => apply1(dropoutOp, [dl.tensor(big, { shape: [big.length] })], attrs));
    const [oneDrop, manyDrop] = [await drop(single), await drop(threaded)];
    expect(Array.from(manyDrop)).toEqual(Array.from(oneDrop));
    const reference = new Float32Array(big.length);
    dropoutOp.cpu(
      [{ shape: [big.length], dtype: "float32", data: Float32Array.from(big) }],
      [{ shape: [big.length], dtype: "float32", data: reference }],
      attrs,
    );
    expectClose(Array.from(oneDrop), Array.from(reference), 1e-6, 0, "dropout against the reference");
    threaded.dispose();
  });
});

describe("wasm thread pool under load", () => {
  it("runs thousands of jobs of every width, back to back, each part once (a summing kernel would double a part run twice)", async () => {
    const { WasmBackend } = await import("../src/backend/wasm/wasm-backend");
    const dl = await import("../src/index");
    const { withBackend } = await import("../src/tensor/engine");
    const threaded = await WasmBackend.create("", { threads: 4 });
    const single = await WasmBackend.create("", { threads: 1 });
    // The input gradient of a convolution sums each image's columns into it (col2imAdd), one part per
    // image: batches of 1 to 5 images make jobs of 1 to 5 parts, between products of one part (N = 8).
    const inputGradient = (backend: typeof single, n: number) =>
      withBackend(backend, () => {
        const x = dl.tensor(values(n * 2 * 6 * 6, n), { shape: [n, 2, 6, 6], requiresGrad: true });
        const w = dl.tensor(values(3 * 2 * 3 * 3, 11), { shape: [3, 2, 3, 3] });
        dl.conv2d(x, w, null, { padding: 1 }).sum().backward();
        dl.matmul(dl.tensor(values(4 * 8, 12), { shape: [4, 8] }), dl.tensor(values(8 * 8, 13), { shape: [8, 8] })).dispose();
        return x.grad?.data() ?? Promise.resolve(new Float32Array());
      });
    const expected = await Promise.all([1, 2, 3, 4, 5].map((n) => inputGradient(single, n)));
    for (let i = 0; i < 1500; i++) {
      const n = 1 + (i % 5);
      const got = await inputGradient(threaded, n);
      if (Array.from(got).some((v, k) => v !== expected[n - 1][k])) throw new Error(`job ${i} (${n} images) differs from one thread`);
    }
    threaded.dispose();
  }, 120_000);
});

describe("wasm optimizer kernels", () => {
  it("update like the CPU reference: SGD (plain, momentum with dampening, Nesterov), Adam, AdamW, AMSGrad, RMSprop (plain, centered, momentum), Adagrad, Adadelta", async () => {
    const { WasmBackend } = await import("../src/backend/wasm/wasm-backend");
    const { cpu32 } = await import("./helpers/backends");
    const dl = await import("../src/index");
    const { withBackend } = await import("../src/tensor/engine");
    const backend = await WasmBackend.create("", { threads: 1 });
    const n = 4 * 9 + 3; // the vector loop and the scalar tail
    const settings: [string, (p: InstanceType<typeof dl.Tensor>[]) => { step(): void; zeroGrad(): void }][] = [
      ["sgd", (p) => new dl.optim.SGD(p, { lr: 0.1, weightDecay: 0.01 })],
      ["sgd momentum dampening", (p) => new dl.optim.SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.2, weightDecay: 0.01 })],
      ["sgd nesterov", (p) => new dl.optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true })],
      ["adam", (p) => new dl.optim.Adam(p, { lr: 0.01, weightDecay: 0.01 })],
      ["adamw", (p) => new dl.optim.AdamW(p, { lr: 0.01 })],
      ["amsgrad", (p) => new dl.optim.Adam(p, { lr: 0.01, amsgrad: true })],
      ["rmsprop", (p) => new dl.optim.RMSprop(p, { lr: 0.01, weightDecay: 0.01 })],
      ["rmsprop centered", (p) => new dl.optim.RMSprop(p, { lr: 0.01, centered: true })],
      ["rmsprop momentum", (p) => new dl.optim.RMSprop(p, { lr: 0.01, momentum: 0.9 })],
      ["rmsprop centered momentum", (p) => new dl.optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.9, weightDecay: 0.01 })],
      ["adagrad", (p) => new dl.optim.Adagrad(p, { lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1 })],
      ["adadelta", (p) => new dl.optim.Adadelta(p, { lr: 1, weightDecay: 0.01 })],
    ];
    for (const [name, make] of settings) {
      const run = (b: typeof cpu32 | typeof backend) =>
        withBackend(b, async () => {
          const p = dl.tensor(values(n, 11), { shape: [n], requiresGrad: true });
          const opt = make([p]);
          for (let step = 0; step < 3; step++) {
            opt.zeroGrad();
            dl.sum(dl.mul(dl.mul(p, p), dl.tensor(values(n, 12 + step), { shape: [n] }))).backward();
            opt.step();
          }
          return p.data();
        });
      const expected = await run(cpu32);
      const stop = backend.profile();
      const actual = await run(backend);
      const ran = (await stop()).map((t) => t.kernel);
      expect(ran, `${name} runs its SIMD kernel`).toContain("fusedUpdate");
      expect(ran).not.toContain("fusedUpdate (reference)");
      for (let i = 0; i < n; i++) expect(Math.abs(actual[i] - expected[i]), `${name} parameter ${i}`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(expected[i])));
    }
  });
});

describe("wasm transcendental kernels", () => {
  // Every 1/64 from -100 to 100, the range's edges, tiny values, infinities and NaN, the last seven
  // of them (12,823 values: 3 past the last group of four) through the scalar tail too.
  const edges = [88.73, -87.5, 1e-30, 0.39999, Infinity, -Infinity, NaN];
  const xs = Float32Array.from([
    ...Array.from({ length: 12801 }, (_, i) => -100 + i / 64),
    ...[-86.7, -86.6, 88.5, 88.72, -1e-30, 1e-8, 0.40001, -0.4],
    ...edges,
    ...edges,
  ]);
  const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
  const cases: [string, (x: number) => number][] = [
    ["exp", Math.exp],
    ["sigmoid", sigmoid],
    ["tanh", Math.tanh],
    ["bceWithLogits", (x) => Math.max(x, 0) - x * 0.3 + Math.log1p(Math.exp(-Math.abs(x)))],
  ];
  it.each(cases)("%s: within 1e-6 relative of float64 (or 1e-37 absolute, where e^x underflows), IEEE at the edges", (name, f) => {
    const n = xs.length;
    expect(n % 4).toBe(3);
    const [x, t, out] = [put(xs), put(new Float32Array(n).fill(0.3)), heap.allocate(n * 4)];
    kernels[`${name}/vv`](n, x, t, out, 0, 0);
    const got = heap.f32(out, n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const want = f(xs[i]);
      if (!Number.isFinite(Math.fround(want))) {
        expect(got[i], `${name}(${xs[i]})`).toBe(Math.fround(want)); // ±∞ (beyond float32's range) and NaN
        continue;
      }
      const error = Math.abs(got[i] - want);
      expect(error, `${name}(${xs[i]}) = ${got[i]}, float64 says ${want}`).toBeLessThanOrEqual(1e-6 * Math.abs(want) + 1e-37);
      worst = Math.max(worst, error / Math.max(Math.abs(want), 1e-30));
    }
    console.log(`wasm ${name}: worst relative error ${worst.toExponential(2)}`);
  });
});

describe("wasm reductions", () => {
  /** The reference's scan: from the first value, a later one replaces it only when it beats it. */
  const scan = (xs: ArrayLike<number>, max: boolean) => {
    let best = xs[0];
    for (let i = 1; i < xs.length; i++) if (max ? xs[i] > best : xs[i] < best) best = xs[i];
    return best;
  };

  it("max and min over contiguous runs find what the reference finds, a NaN counting only in first place", () => {
    const cases: number[][] = [
      [3],
      [1, -2, 7, 4, 0.5],
      [-1, -5, -3, -2, -9, -4, -8, -7, -6], // a group of four, another, and a tail
      [Number.NaN, 1, 9, -9, 2],
      [1, Number.NaN, 9, -9, 2, Number.NaN, 0, 3, Number.NaN],
      [2, 2, 2, 2, Number.NaN],
      [0, Number.NaN, 0, 0, 0, 50, 0, 0, -50], // a NaN must not hide a later extreme in its lane
      [-0, 0, -0, 0],
      Array.from(values(1031, 9)),
    ];
    for (const xs of cases)
      for (const max of [true, false]) {
        const got = kernels.extremeRun(put(Float32Array.from(xs)), xs.length, max ? 1 : 0);
        const want = Math.fround(scan(xs, max));
        const what = `${max ? "max" : "min"} of [${xs.slice(0, 9)}]`;
        if (Number.isNaN(want)) expect(got, what).toBeNaN();
        else if (want === 0)
          expect(Math.abs(got), what).toBe(0); // +0 and -0 alike
        else expect(got, what).toBe(want);
      }
  });
});
