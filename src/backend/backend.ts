/**
 * What a backend must provide: memory for tensors, running a registry op on that memory, reading it
 * back. The CPU reference, WebGPU and wasm backends implement this; the tensor layer above speaks only
 * to this interface, so the same model runs on either.
 */
import type { OpDef } from "../ops/op";

export type DType = "float32" | "int32";

/** Element data as the CPU sees it (float64 in the CPU backend's gradient-check mode). */
export type HostArray = Float32Array | Float64Array | Int32Array;

/** Memory holding one tensor's elements, owned by a backend; shared by views (reshape) via refs. */
export interface Storage {
  readonly backend: Backend;
  /** Number of 4-byte elements. */
  readonly size: number;
  /** Tensors (and views) holding this storage; released to the backend at 0. */
  refs: number;
  /** Set on a view: the storage whose memory it shares (it holds one ref on it). */
  readonly parent?: Storage;
}

/** A tensor as a kernel sees it: shape, dtype and the storage behind it. */
export interface TensorSlot {
  shape: number[];
  dtype: DType;
  storage: Storage;
}

export interface MemoryInfo {
  /** Storages in use by live tensors. */
  liveBuffers: number;
  liveBytes: number;
  /** Freed buffers kept for reuse (WebGPU pool). */
  pooledBuffers: number;
  pooledBytes: number;
}

/** The engines a model can run on: the CPU reference, WebGPU, WebAssembly SIMD. */
export type BackendKind = "cpu" | "webgpu" | "wasm";

/** What a caller of init() may ask for: one backend, or the automatic choice. */
export type BackendChoice = "auto" | BackendKind;

export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "webgpu", "wasm", "cpu"];

export interface Backend {
  readonly kind: BackendKind;
  /** Human-readable description: adapter name, or CPU and why. */
  readonly description: string;
  allocate(size: number, dtype: DType): Storage;
  upload(data: ArrayLike<number>, dtype: DType): Storage;
  release(storage: Storage): void;
  /**
   * A storage sharing `size` elements of `parent` from element `offset` (parameter arenas). The view
   * holds a ref on the parent. WebGPU needs offset * 4 to be a multiple of 256 bytes.
   */
  view(parent: Storage, offset: number, size: number): Storage;
  /** Reads elements back; resolves once the data is on the host. */
  read(storage: Storage, dtype: DType): Promise<HostArray>;
  /** Runs (WebGPU: records) one op. Inputs and outputs are already validated and allocated. */
  run(op: OpDef, inputs: TensorSlot[], outputs: TensorSlot[], attrs: object): void;
  /** Copies `src` into `dst` (same size) in place: used by assign_ and in-place updates. */
  copy(src: Storage, dst: Storage): void;
  /** Submits recorded work (no-op on CPU). */
  flush(): void;
  memory(): MemoryInfo;
}
