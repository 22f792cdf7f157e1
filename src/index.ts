/**
 * The engine's public API: PyTorch's names in camelCase.
 *
 *   import * as dl from "./src";
 *   await dl.init();                       // a real GPU, else WebAssembly SIMD (wasm), else the CPU
 *   const x = dl.randn([64, 2]);
 *   const y = dl.linear(x, w, b).relu();
 */

export type { Backend, DType, MemoryInfo } from "./backend/backend";
export { CpuBackend } from "./backend/cpu";
export { type InitOptions, type InitResult, init } from "./backend/init";
export { WebGPUBackend } from "./backend/webgpu/webgpu-backend";
export * as data from "./data";
export { OpError } from "./errors";
export * from "./functional";
export * as generative from "./generative";
export * as nn from "./nn";
export { registry } from "./ops/registry";
export * as optim from "./optim";
export { dispose, getBackend, isGradEnabled, keep, memory, noGrad, setBackend, tidy } from "./tensor/engine";
export { manualSeed } from "./tensor/random";
export { type NestedArray, Tensor } from "./tensor/tensor";
export * as metrics from "./train/metrics";
