/**
 * The engine a CLI run asks for with --device: "auto" (a real GPU through Dawn, else the wasm backend,
 * which beats SwiftShader's emulated GPU, else the CPU reference), or one of them explicitly: webgpu
 * (Dawn's: a real GPU, or SwiftShader), wasm (WebAssembly SIMD on every core) or cpu (the reference).
 */
import type { InitOptions } from "../backend/init";
import { nodeGpu } from "../backend/node-gpu";
import type { Flags } from "./flags";

export async function startDevice(device: Flags["device"]): Promise<InitOptions> {
  return device === "webgpu" || device === "auto" ? { gpu: await nodeGpu(), backend: device } : { backend: device };
}
