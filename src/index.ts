/**
 * The engine's public API: PyTorch's names in camelCase.
 *
 *   import * as dl from "./src";
 *   await dl.init();                       // WebGPU when available, CPU otherwise
 *   const x = dl.randn([64, 2]);
 *   const y = dl.linear(x, w, b).relu();
 */
export * from "./functional";
export { Tensor, type NestedArray } from "./tensor/tensor";
export { tidy, keep, noGrad, memory, getBackend, setBackend, isGradEnabled } from "./tensor/engine";
export { manualSeed } from "./tensor/random";
export { init, type InitOptions, type InitResult } from "./backend/init";
export { CpuBackend } from "./backend/cpu";
export { WebGPUBackend } from "./backend/webgpu/webgpu-backend";
export type { Backend, DType, MemoryInfo } from "./backend/backend";
export { OpError } from "./errors";
export { registry } from "./ops/registry";
export * as nn from "./nn";
export * as optim from "./optim";
