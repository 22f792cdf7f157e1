/**
 * The wasm GEMM driver: C[M×N] = op(A)·op(B) (+ bias) for operands anywhere in the heap, read through
 * element strides (so transposed operands need no copy). It walks the blocks of the GotoBLAS layout
 * (src/backend/wasm/kernels/gemm.ts explains it) and calls the kernels that pack and multiply them.
 */
import type { WasmHeap } from "./heap";
import type { WasmKernels } from "./kernels";
import { KC, MC, MR, NR } from "./kernels/gemm";

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

export function gemm(heap: WasmHeap, k: WasmKernels, g: GemmArgs): void {
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
  const kcMax = Math.min(KC, K);
  const packedBBytes = Math.ceil(N / NR) * NR * kcMax * 4;
  const packedABytes = Math.ceil(Math.min(MC, M) / MR) * MR * kcMax * 4;
  const packedB = heap.allocate(packedBBytes);
  const packedA = heap.allocate(packedABytes);
  const scratch = heap.allocate(MR * NR * 4);
  try {
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      k.packB(g.b + k0 * g.bK * 4, g.bN, g.bK, N, kc, packedB);
      for (let m0 = 0; m0 < M; m0 += MC) {
        const mc = Math.min(MC, M - m0);
        k.packA(g.a + (m0 * g.aM + k0 * g.aK) * 4, g.aM, g.aK, mc, kc, packedA);
        k.tiles(packedA, packedB, kc, g.c + m0 * N * 4, N, mc, N, k0 > 0 || g.accumulate ? 1 : 0, g.bias, scratch);
      }
    }
  } finally {
    heap.free(scratch, MR * NR * 4);
    heap.free(packedA, packedABytes);
    heap.free(packedB, packedBBytes);
  }
}
