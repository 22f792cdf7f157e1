/**
 * The wasm GEMM driver: C[M×N] = op(A)·op(B) (+ bias) for operands anywhere in the heap, read through
 * element strides (so transposed operands need no copy). It packs B once (src/backend/wasm/kernels/
 * gemm.ts explains the layout), each thread packing a band of its panels, then runs the product as
 * parts: one part on one thread, or a band of rows (or of columns, when C is wide and short) per
 * thread of the pool, each packing its own rows of A.
 */
import type { WasmHeap } from "./heap";
import type { WasmKernels } from "./kernels";
import { KC, MC, MR, NR } from "./kernels/gemm";
import type { PartRunner } from "./threads";

/** One product: byte offsets in the heap, strides in elements. `bias` 0: none. */
export interface GemmArgs {
  M: number;
  N: number;
  K: number;
  a: number;
  aM: number;
  aK: number;
  b: number;
  bK: number;
  bN: number;
  c: number;
  bias: number;
  /** Add the product to C instead of writing it (the bias is then not added). */
  accumulate?: boolean;
}

/** The arguments of the kernels' gemmPart, in order. */
export type GemmPart = [
  a: number,
  aM: number,
  aK: number,
  packedB: number,
  c: number,
  N: number,
  m0: number,
  m1: number,
  n0: number,
  n1: number,
  K: number,
  bias: number,
  accumulate: number,
  packedA: number,
  scratch: number,
];

/** Below this many multiply-adds a product runs on one thread (waking helpers costs more). */
const MIN_PER_THREAD = 1 << 18;

/** Bands [from, to) of `size` lines cut at multiples of `step`, one per thread with work. */
function bands(size: number, step: number, threads: number): [number, number][] {
  const per = Math.ceil(Math.ceil(size / step) / threads) * step;
  const out: [number, number][] = [];
  for (let from = 0; from < size; from += per) out.push([from, Math.min(size, from + per)]);
  return out;
}

export function gemm(heap: WasmHeap, k: WasmKernels, g: GemmArgs, pool: PartRunner | null): void {
  const { M, N, K } = g;
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (g.accumulate) return;
    // An empty sum: the bias, or zeros.
    const c = heap.f32(g.c, M * N);
    if (g.bias) {
      const bias = heap.f32(g.bias, N).slice();
      for (let m = 0; m < M; m++) c.set(bias, m * N);
    } else c.fill(0);
    return;
  }
  const panels = Math.ceil(N / NR);
  const packedBBytes = panels * NR * K * 4;
  const packedB = heap.allocate(packedBBytes);
  const threads = pool ? Math.max(1, Math.min(pool.threads, Math.floor((M * N * K) / MIN_PER_THREAD))) : 1;
  // Block k0 of B starts at packedB + k0·P·NR; panel p of it NR·kc floats further.
  const packing: number[][] = [];
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    for (const [n0, n1] of bands(N, NR, threads))
      packing.push([g.b + (k0 * g.bK + n0 * g.bN) * 4, g.bN, g.bK, n1 - n0, kc, packedB + (k0 * panels * NR + n0 * kc) * 4]);
  }
  if (threads > 1 && pool) pool.run("packB", packing);
  else for (const part of packing) k.packB(...(part as Parameters<WasmKernels["packB"]>));
  // Rows when C is tall enough for every thread, else columns (a convolution's few output channels).
  const byRows = M >= N || M >= threads * MC;
  const cuts = byRows ? bands(M, MR, threads) : bands(N, NR, threads);
  const packedABytes = Math.ceil(Math.min(MC, M) / MR) * MR * Math.min(KC, K) * 4;
  const buffers = cuts.map(() => ({ packedA: heap.allocate(packedABytes), scratch: heap.allocate(MR * NR * 4) }));
  const parts = cuts.map(([from, to], t): GemmPart => {
    const [m0, m1, n0, n1] = byRows ? [from, to, 0, N] : [0, M, from, to];
    return [g.a, g.aM, g.aK, packedB, g.c, N, m0, m1, n0, n1, K, g.bias, g.accumulate ? 1 : 0, buffers[t].packedA, buffers[t].scratch];
  });
  try {
    if (parts.length === 1 || !pool) k.gemmPart(...parts[0]);
    else pool.run("gemmPart", parts);
  } finally {
    for (const b of buffers) {
      heap.free(b.scratch, MR * NR * 4);
      heap.free(b.packedA, packedABytes);
    }
    heap.free(packedB, packedBBytes);
  }
}
