/**
 * The engine a CLI run asks for with --device: WebGPU through Dawn (a real GPU, or SwiftShader),
 * the wasm backend (WebAssembly SIMD), or the CPU reference.
 */
import type { InitOptions } from "../backend/init";
import { nodeGpu } from "../backend/node-gpu";
import type { Flags } from "./flags";

export async function startDevice(device: Flags["device"]): Promise<InitOptions> {
  return device === "webgpu" ? { gpu: await nodeGpu() } : { backend: device };
}
