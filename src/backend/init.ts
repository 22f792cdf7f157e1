/**
 * Starting the engine, and saying which one runs and why:
 * - "auto" (the default) takes a real GPU through WebGPU first; when the only adapter is a GPU emulated
 *   on the CPU (SwiftShader, llvmpipe) or there is no WebGPU at all, it takes the wasm backend
 *   (WebAssembly SIMD and threads: many times faster than an emulated GPU), and the CPU reference only
 *   when WebAssembly cannot start either.
 * - "webgpu", "wasm" and "cpu" choose explicitly and fail rather than fall back. The CPU reference stays
 *   the float64 backend for gradient checks.
 */
import { setBackend } from "../tensor/engine";
import type { Backend, BackendChoice, BackendKind } from "./backend";
import { CpuBackend } from "./cpu";
import { WasmBackend } from "./wasm/wasm-backend";
import { WebGPUBackend } from "./webgpu/webgpu-backend";

export interface InitOptions {
  /** "auto" (default): a real GPU, else wasm, else the CPU reference. Others fail instead of falling back. */
  backend?: BackendChoice;
  /** The GPU object to use (Node: Dawn's `create([])`); defaults to navigator.gpu. */
  gpu?: GPU;
  /** CPU precision (float64 for gradient checks). */
  precision?: "float32" | "float64";
  /** Caps the wasm backend's threads (default: one per core). */
  threads?: number;
}

export interface InitResult {
  backend: Backend;
  kind: BackendKind;
  /** e.g. "WebGPU: NVIDIA H100" or "wasm (WebAssembly SIMD, 2 threads): no WebGPU adapter was found". */
  description: string;
  /** Why the automatic choice did not take WebGPU (absent when it did, or when the caller chose). */
  fallbackReason?: string;
}

/** Starts a backend and makes it current for new tensors. */
export async function init(options: InitOptions = {}): Promise<InitResult> {
  const wanted = options.backend ?? "auto";
  const precision = options.precision ?? "float32";
  if (wanted === "cpu") return use(new CpuBackend(precision, "selected explicitly"));
  if (wanted === "wasm") return use(await WasmBackend.create("selected explicitly", { threads: options.threads }));
  let reason: string;
  try {
    const gpu = await WebGPUBackend.create(options.gpu);
    if (wanted === "webgpu" || !gpu.tuning.cpuEmulated) return use(gpu);
    reason = `the only WebGPU adapter (${gpu.adapterName}) emulates a GPU on the CPU, which is many times slower than WebAssembly`;
    gpu.device.destroy();
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
    if (wanted === "webgpu") throw new Error(`WebGPU could not start: ${reason}`);
  }
  try {
    return { ...use(await WasmBackend.create(reason, { threads: options.threads })), fallbackReason: reason };
  } catch (e) {
    const why = `${reason}, and WebAssembly could not start (${e instanceof Error ? e.message : String(e)})`;
    return { ...use(new CpuBackend(precision, `${why}; running on the CPU reference, which is much slower`)), fallbackReason: why };
  }
}

function use(backend: Backend): InitResult {
  setBackend(backend);
  return { backend, kind: backend.kind, description: backend.description };
}
