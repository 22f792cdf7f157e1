/**
 * Starting the engine: WebGPU when it is there and works, the CPU reference otherwise, and in every
 * case a sentence saying which one runs and why.
 */
import { setBackend } from "../tensor/engine";
import type { Backend, BackendKind } from "./backend";
import { CpuBackend } from "./cpu";
import { WasmBackend } from "./wasm/wasm-backend";
import { WebGPUBackend } from "./webgpu/webgpu-backend";

export interface InitOptions {
  /** "auto" (default): WebGPU if it starts, else CPU. "webgpu" fails instead of falling back. */
  backend?: "auto" | "webgpu" | "cpu" | "wasm";
  /** The GPU object to use (Node: Dawn's `create([])`); defaults to navigator.gpu. */
  gpu?: GPU;
  /** CPU precision (float64 for gradient checks). */
  precision?: "float32" | "float64";
}

export interface InitResult {
  backend: Backend;
  kind: BackendKind;
  /** e.g. "WebGPU: NVIDIA H100" or "CPU: no WebGPU adapter was found (...)". */
  description: string;
  /** Why WebGPU is not in use (CPU only). */
  fallbackReason?: string;
}

/** Starts a backend and makes it current for new tensors. */
export async function init(options: InitOptions = {}): Promise<InitResult> {
  const wanted = options.backend ?? "auto";
  if (wanted === "cpu") return use(new CpuBackend(options.precision ?? "float32", "selected explicitly"));
  if (wanted === "wasm") return use(await WasmBackend.create("selected explicitly"));
  try {
    const gpu = await WebGPUBackend.create(options.gpu);
    return use(gpu);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (wanted === "webgpu") throw new Error(`WebGPU could not start: ${reason}`);
    const result = use(new CpuBackend(options.precision ?? "float32", `WebGPU unavailable (${reason}); running on the CPU, which is much slower`));
    return { ...result, fallbackReason: reason };
  }
}

function use(backend: Backend): InitResult {
  setBackend(backend);
  return { backend, kind: backend.kind, description: backend.description };
}
