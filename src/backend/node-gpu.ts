/**
 * WebGPU in Node through Dawn (the `webgpu` npm package). On a machine without a GPU, Dawn needs a
 * software Vulkan driver: Debian's chromium package ships SwiftShader, which this points Dawn at
 * (Mesa's lavapipe, often installed beside it, lacks features Dawn requires). With a GPU device
 * node present, or a driver chosen through the environment, the system's drivers are left alone.
 */
import { existsSync, readdirSync } from "node:fs";

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

function hasGpuDevice(): boolean {
  if (existsSync("/dev/nvidia0")) return true;
  return existsSync("/dev/dri") && readdirSync("/dev/dri").some((f) => f.startsWith("renderD"));
}

/** Dawn's GPU object for Node, with WebGPU's globals (GPUBufferUsage, ...) installed. */
export async function nodeGpu(): Promise<GPU> {
  const env = process.env;
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && !hasGpuDevice() && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = "/tmp";
  const dawn = (await import("webgpu")) as { create: (flags: string[]) => GPU; globals: object };
  Object.assign(globalThis, dawn.globals);
  return dawn.create([]);
}
