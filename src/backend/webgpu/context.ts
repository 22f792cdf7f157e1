/**
 * The narrow view of the WebGPU backend that an op's `gpu` function gets: record a dispatch, borrow a
 * scratch buffer, read the adapter's limits and tuning. Ops never touch the device directly.
 */
import type { DType } from "../backend";
import type { Kernel, Uniforms } from "./kernel";

/** A tensor's bytes inside a GPU buffer. */
export interface GpuBinding {
  readonly buffer: GPUBuffer;
  /** Byte offset (a multiple of the device's storage offset alignment). */
  readonly offset: number;
  /** Byte size. */
  readonly size: number;
}

/** Per-adapter dispatch shaping (DESIGN §8): decided once when the device starts. */
export interface AdapterTuning {
  /** True for CPU-emulated adapters (SwiftShader, llvmpipe). */
  readonly cpuEmulated: boolean;
  /** Most workgroups a grid-stride kernel launches; each loops over the rest. */
  readonly gridWorkgroups: number;
}

export interface GpuTensor {
  readonly shape: number[];
  readonly dtype: DType;
  readonly binding: GpuBinding;
}

export interface GpuContext {
  readonly tuning: AdapterTuning;
  readonly limits: GPUSupportedLimits;
  /** Records one dispatch into the open compute pass. `workgroups` is [x, y?, z?]. */
  dispatch(kernel: Kernel, bindings: readonly GpuBinding[], uniforms: Uniforms, workgroups: readonly number[]): void;
  /** Borrows a scratch buffer of at least `bytes`; give it back with releaseScratch once recorded. */
  scratch(bytes: number): GpuBinding;
  releaseScratch(binding: GpuBinding): void;
}
