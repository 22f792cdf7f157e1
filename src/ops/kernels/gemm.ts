/**
 * Builds GEMM kernels: a variant (how A and B are read, how C is written: matmul.wgsl, conv2d.wgsl)
 * joined to the shared tiled core (gemm.wgsl), with a tile shape picked per problem and adapter.
 */
import type { AdapterTuning } from "../../backend/webgpu/context";
import { type Access, type Kernel, cachedKernel, fillTemplate } from "../../backend/webgpu/kernel";
import gemmCore from "../../../shaders/gemm.wgsl?raw";

export interface GemmTile {
  /** Threads per workgroup along N and M; each thread computes 4x4 outputs. */
  wgX: number;
  wgY: number;
  /** Depth of each K step staged in shared memory. */
  bk: number;
}

/** Picks a tile: 64x64 for large problems, 32x32 when either side is small. */
export function gemmTile(_tuning: AdapterTuning, M: number, N: number): GemmTile {
  if (M >= 64 && N >= 64) return { wgX: 16, wgY: 16, bk: 16 };
  return { wgX: 8, wgY: 8, bk: 16 };
}

/** Workgroups for a GEMM of M x N per batch. */
export function gemmGrid(tile: GemmTile, M: number, N: number, batch: number): number[] {
  return [Math.ceil(N / (4 * tile.wgX)), Math.ceil(M / (4 * tile.wgY)), batch];
}

export function gemmKernel(
  name: string,
  variant: string,
  fills: Record<string, string>,
  bindings: Access[],
  tile: GemmTile,
  constants: Record<string, number> = {},
): Kernel {
  const key = `gemm/${name}/${tile.wgX}x${tile.wgY}x${tile.bk}`;
  return cachedKernel(key + JSON.stringify(constants), () => ({
    code: `${fillTemplate(variant, fills)}\n${gemmCore}`,
    bindings,
    constants: { WG_X: tile.wgX, WG_Y: tile.wgY, BK: tile.bk, ...constants },
  }));
}
