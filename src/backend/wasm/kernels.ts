/**
 * The wasm backend's compiled kernels: one module holding every function the kernel emitters write
 * (src/backend/wasm/kernels/), instantiated over the backend's memory. Built once when the backend
 * starts, with relaxed-SIMD fused multiply-adds where the runtime has them.
 */
import { hasRelaxedSimd, ModuleBuilder } from "./asm";
import { addGemmFunctions } from "./kernels/gemm";

/** The exported functions, by name (byte offsets and element counts are i32). */
export interface WasmKernels {
  /** A's rows in groups of MR (src/backend/wasm/kernels/gemm.ts). */
  packA(a: number, aM: number, aK: number, rows: number, kc: number, dst: number): void;
  /** B's columns in panels of NR. */
  packB(b: number, bN: number, bK: number, cols: number, kc: number, dst: number): void;
  tiles(pa: number, pb: number, kc: number, c: number, ldc: number, rows: number, cols: number, accumulate: number, bias: number, scratch: number): void;
}

export interface CompiledKernels {
  kernels: WasmKernels;
  /** Whether the multiply-adds are fused (relaxed SIMD). */
  fma: boolean;
}

/** Compiles the kernels and instantiates them over `memory`. */
export async function compileKernels(memory: WebAssembly.Memory): Promise<CompiledKernels> {
  const fma = hasRelaxedSimd();
  const bytes = addGemmFunctions(new ModuleBuilder(), fma).build({ initialPages: 1 });
  const module = await WebAssembly.compile(bytes as BufferSource);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return { kernels: instance.exports as unknown as WasmKernels, fma };
}
