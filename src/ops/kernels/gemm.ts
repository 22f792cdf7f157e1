/**
 * Builds GEMM kernels: a variant (how A and B are read, how C is written: matmul.wgsl, conv2d.wgsl)
 * joined to the shared tiled core (gemm.wgsl), with a tile shape picked per problem and adapter.
 */

import gemmCore from "../../../shaders/gemm.wgsl?raw";
import gemmDirect from "../../../shaders/gemm_direct.wgsl?raw";
import type { AdapterTuning } from "../../backend/webgpu/context";
import { type Access, cachedKernel, fillTemplate, type Kernel } from "../../backend/webgpu/kernel";

export interface GemmTile {
  /** "shared": tiles staged in workgroup memory (GPUs); "direct": no shared memory (CPU emulators). */
  core: "shared" | "direct";
  /** Threads per workgroup along N and M; each thread computes 4x4 outputs. */
  wgX: number;
  wgY: number;
  /** Depth of each K step staged in shared memory. */
  bk: number;
}

/**
 * Picks a tile. GPUs: 64x64 (32x32 when a side is small) staged in shared memory. Emulators: the
 * direct core, with the workgroup's 64 threads spread so that none idles on a narrow side (a
 * convolution's gradient can have 3 columns or 16 rows).
 */
export function gemmTile(tuning: AdapterTuning, M: number, N: number): GemmTile {
  if (tuning.cpuEmulated) {
    const wgX = Math.min(8, nextPow2(Math.ceil(N / 4)));
    const wgY = Math.min(64 / wgX, nextPow2(Math.ceil(M / 4)));
    return { core: "direct", wgX, wgY, bk: 1 };
  }
  if (M >= 64 && N >= 64) return { core: "shared", wgX: 16, wgY: 16, bk: 16 };
  return { core: "shared", wgX: 8, wgY: 8, bk: 16 };
}

const nextPow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(n, 1)));

/** Workgroups for a GEMM of M x N per batch. */
export function gemmGrid(tile: GemmTile, M: number, N: number, batch: number): number[] {
  return [Math.ceil(N / (4 * tile.wgX)), Math.ceil(M / (4 * tile.wgY)), batch];
}

/** The direct core's loop over k: one step at a time, or four (then the rest). */
const ARGS = "r0, r1, r2, r3, c0, c1, c2, c3, &acc0, &acc1, &acc2, &acc3";
const K_LOOPS = {
  1: `for (var k = 0u; k < K; k++) { step_k(k, ${ARGS}); }`,
  4: `var k = 0u;
  for (; k + 4u <= K; k += 4u) {
    step_k(k, ${ARGS});
    step_k(k + 1u, ${ARGS});
    step_k(k + 2u, ${ARGS});
    step_k(k + 3u, ${ARGS});
  }
  for (; k < K; k++) { step_k(k, ${ARGS}); }`,
};

/** `unrollK`: steps of k per loop turn in the direct core (4 only where the variant's index arithmetic is simple). */
export function gemmKernel(
  name: string,
  variant: string,
  fills: Record<string, string>,
  bindings: Access[],
  tile: GemmTile,
  constants: Record<string, number> = {},
  unrollK: 1 | 4 = 1,
): Kernel {
  const key = `gemm/${name}/${tile.core}/${tile.wgX}x${tile.wgY}x${tile.bk}/k${unrollK}`;
  return cachedKernel(key + JSON.stringify(constants), () => ({
    code: `${fillTemplate(variant, fills)}\n${tile.core === "shared" ? gemmCore : fillTemplate(gemmDirect, { K_LOOP: K_LOOPS[unrollK] })}`,
    bindings,
    constants: { WG_X: tile.wgX, WG_Y: tile.wgY, BK: tile.bk, ...constants },
  }));
}
