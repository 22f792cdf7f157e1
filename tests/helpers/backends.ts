/**
 * Test backends: the CPU reference (float32 or float64), WebGPU through Dawn in Node, and the wasm
 * backend (WebAssembly SIMD). A test that
 * expects WebGPU and finds no adapter fails loudly (DESIGN §5): it never skips.
 */
import { CpuBackend } from "../../src/backend/cpu";
import { nodeGpu } from "../../src/backend/node-gpu";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend";
import { WebGPUBackend } from "../../src/backend/webgpu/webgpu-backend";

let gpuBackend: Promise<WebGPUBackend> | null = null;
let gpuTunedBackend: Promise<WebGPUBackend> | null = null;

/** One Dawn WebGPU backend per test file (SwiftShader on a machine without a GPU). */
export function webgpu(): Promise<WebGPUBackend> {
  gpuBackend ??= nodeGpu().then((gpu) => WebGPUBackend.create(gpu));
  return gpuBackend;
}

/**
 * The same adapter with the dispatch shapes chosen for real GPUs (shared-memory GEMM tiles, many
 * workgroups), so that the GPU code paths are tested on a machine that only has SwiftShader.
 */
export function webgpuWithGpuTuning(): Promise<WebGPUBackend> {
  gpuTunedBackend ??= nodeGpu().then((gpu) => WebGPUBackend.create(gpu, { cpuEmulated: false, gridWorkgroups: 4096 }));
  return gpuTunedBackend;
}

export const cpu32 = new CpuBackend("float32");
export const cpu64 = new CpuBackend("float64");

let wasmBackend: Promise<WasmBackend> | null = null;

/** One wasm backend per test file. */
export function wasm(): Promise<WasmBackend> {
  wasmBackend ??= WasmBackend.create();
  return wasmBackend;
}
