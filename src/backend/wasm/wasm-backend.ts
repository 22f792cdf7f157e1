/**
 * The wasm backend: every tensor lives in one WebAssembly memory (src/backend/wasm/heap.ts), and every
 * registry op runs on it. Ops with a WebAssembly SIMD kernel (their `wasm` function: the GEMM behind
 * matmul and linear, ...) run that; every other op runs its CPU reference (`cpu`) on typed-array views
 * of the same memory, so the backend is complete and correct from the start and gets faster one kernel
 * at a time. Work runs when it is asked for (there is no queue to submit), as on the CPU backend.
 */
import type { OpDef } from "../../ops/op";
import { broadcastStrides, coalesceDims, sameShape, sizeOf, walkOffsets } from "../../tensor/shape";
import type { Backend, DType, HostArray, MemoryInfo, Storage, TensorSlot } from "../backend";
import type { KernelTime } from "../webgpu/profiler";
import { type GemmArgs, gemm } from "./gemm";
import { WasmHeap } from "./heap";
import { compileKernels, type WasmKernels } from "./kernels";
import { ELEMENTWISE_FORMULAS } from "./kernels/elementwise";
import { CONTROL_BYTES, canShareMemory, helperCount, type ThreadedKernel, ThreadPool } from "./threads";

export interface WasmStorage extends Storage {
  /** Byte offset of element 0 in the heap. */
  readonly offset: number;
}

/** A tensor as an op's `wasm` function sees it: its shape and where its elements are. */
export interface WasmTensor {
  readonly shape: number[];
  readonly dtype: DType;
  /** Byte offset of element 0 in the heap. */
  readonly offset: number;
}

/** What an op's `wasm` function gets: the heap and the kernels that run on it. */
export interface WasmContext {
  readonly heap: WasmHeap;
  /** C = op(A)·op(B) (+ bias), operands anywhere in the heap (src/backend/wasm/gemm.ts). */
  gemm(args: GemmArgs): void;
  /** The compiled kernels, for ops that call one directly. */
  readonly kernels: WasmKernels;
  /** The threads `parallel` spreads parts over (1: no helpers). */
  readonly threads: number;
  /** Runs `kernel` once per part, the parts spread over the threads (in order on one thread). */
  parallel(kernel: ThreadedKernel, parts: readonly (readonly number[])[]): void;
  /**
   * Runs the elementwise op `name` with its kernel (src/backend/wasm/kernels/elementwise.ts) over
   * broadcast float32 inputs; false when it has none, or the layout needs the reference.
   */
  elementwise(name: string, inputs: WasmTensor[], out: WasmTensor, params: [number, number]): false | undefined;
}

export class WasmBackend implements Backend, WasmContext {
  readonly kind = "wasm" as const;

  /** Time per op while profiling. */
  private times: Map<string, KernelTime> | null = null;

  private constructor(
    readonly heap: WasmHeap,
    readonly kernels: WasmKernels,
    /** Whether the kernels use fused multiply-adds (relaxed SIMD). */
    readonly fma: boolean,
    readonly reason: string,
    /** Helper threads for the GEMMs (null: one thread). */
    private pool: ThreadPool | null,
    /** Why there is one thread only, when threads were wanted. */
    readonly singleThreadReason: string,
  ) {}

  /**
   * Compiles the kernels and starts the helper threads. `reason` says why this backend runs (shown with
   * its description); `threads` caps the threads (default: one per core; 1: no helpers).
   */
  static async create(reason = "", options: { threads?: number } = {}): Promise<WasmBackend> {
    const helpers = Math.min(await helperCount(), (options.threads ?? Number.POSITIVE_INFINITY) - 1);
    const shared = helpers > 0 && canShareMemory();
    const heap = new WasmHeap(undefined, shared);
    const { kernels, module, fma } = await compileKernels(heap.memory, shared);
    const pool = shared ? await ThreadPool.start(module, heap.memory, heap.allocate(CONTROL_BYTES), helpers, kernels) : null;
    const single =
      helpers <= 0 ? (options.threads === 1 ? "" : "one core") : shared ? "" : "the page is not cross-origin isolated, so threads cannot share memory";
    return new WasmBackend(heap, kernels, fma, reason, pool, single);
  }

  /** Threads that run the GEMMs (the caller and its helpers). */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  get description(): string {
    const threads = this.threads === 1 ? `1 thread${this.singleThreadReason ? ` (${this.singleThreadReason})` : ""}` : `${this.threads} threads`;
    const what = `WebAssembly SIMD${this.fma ? " with fused multiply-add" : ""}, ${threads}`;
    return this.reason ? `wasm (${what}): ${this.reason}` : `wasm (${what})`;
  }

  /** Stops the helper threads (the backend then runs on one). */
  dispose(): void {
    this.pool?.stop();
    this.pool = null;
  }

  allocate(size: number, _dtype: DType): WasmStorage {
    return { backend: this, size, refs: 0, offset: this.heap.allocate(size * 4) };
  }

  upload(values: ArrayLike<number>, dtype: DType): WasmStorage {
    const s = this.allocate(values.length, dtype);
    this.array(s, dtype).set(values);
    return s;
  }

  release(storage: Storage): void {
    if (storage.parent) {
      if (--storage.parent.refs === 0) this.release(storage.parent);
      return;
    }
    this.heap.free((storage as WasmStorage).offset, storage.size * 4);
  }

  view(parent: Storage, offset: number, size: number): WasmStorage {
    parent.refs++;
    return { backend: this, size, refs: 0, parent, offset: (parent as WasmStorage).offset + offset * 4 };
  }

  async read(storage: Storage, dtype: DType): Promise<HostArray> {
    return this.array(storage, dtype).slice();
  }

  run(op: OpDef, inputs: TensorSlot[], outputs: TensorSlot[], attrs: object): void {
    if (this.times) {
      const started = performance.now();
      const fast = this.execute(op, inputs, outputs, attrs);
      const key = `${op.name}${fast ? "" : " (reference)"}`;
      const t = this.times.get(key) ?? { kernel: key, calls: 0, ms: 0 };
      t.calls++;
      t.ms += performance.now() - started;
      this.times.set(key, t);
      return;
    }
    this.execute(op, inputs, outputs, attrs);
  }

  /**
   * Times every op from now until the returned function is called, which gives the time per op
   * name (slowest first; "(reference)" marks ops running their CPU reference).
   */
  profile(): () => Promise<KernelTime[]> {
    this.times = new Map();
    return async () => {
      const times = [...(this.times?.values() ?? [])].sort((a, b) => b.ms - a.ms);
      this.times = null;
      return times;
    };
  }

  /** Runs the op: its wasm kernel when it has one for these inputs (returns true), else its reference. */
  private execute(op: OpDef, inputs: TensorSlot[], outputs: TensorSlot[], attrs: object): boolean {
    if (op.wasm) {
      const tensor = (t: TensorSlot): WasmTensor => ({ shape: t.shape, dtype: t.dtype, offset: (t.storage as WasmStorage).offset });
      if (op.wasm(this, inputs.map(tensor), outputs.map(tensor), attrs) !== false) return true;
    }
    // The reference, on views of the heap (made after any allocation: growing replaces the buffer).
    const view = (t: TensorSlot) => ({ shape: t.shape, dtype: t.dtype, data: this.array(t.storage, t.dtype) });
    op.cpu(inputs.map(view), outputs.map(view), attrs);
    return false;
  }

  copy(src: Storage, dst: Storage): void {
    const from = (src as WasmStorage).offset;
    new Uint8Array(this.heap.memory.buffer).copyWithin((dst as WasmStorage).offset, from, from + src.size * 4);
  }

  flush(): void {}

  memory(): MemoryInfo {
    const h = this.heap;
    return { liveBuffers: h.liveBlocks, liveBytes: h.liveBytes, pooledBuffers: h.pooledBlocks, pooledBytes: h.pooledBytes };
  }

  elementwise(name: string, inputs: WasmTensor[], out: WasmTensor, [p0, p1]: [number, number]): false | undefined {
    if (!Object.hasOwn(ELEMENTWISE_FORMULAS, name) || [...inputs, out].some((t) => t.dtype !== "float32")) return false;
    const [a, b = a] = inputs;
    if (inputs.every((t) => sameShape(t.shape, out.shape))) {
      this.kernels[`${name}/vv`](sizeOf(out.shape), a.offset, b.offset, out.offset, p0, p1);
      return;
    }
    // Broadcasting: merged dims, the innermost run by the kernel (both stepping, or one held), the
    // outer ones walked here like an odometer.
    const { shape, strides } = coalesceDims(
      out.shape,
      [a, b].map((t) => broadcastStrides(t.shape, out.shape)),
    );
    const last = shape.length - 1;
    const [sa, sb] = strides;
    const inner = last >= 0 ? shape[last] : 1;
    const mode =
      last < 0 ? "vv" : sa[last] === 1 && sb[last] === 1 ? "vv" : sa[last] === 1 && sb[last] === 0 ? "vs" : sa[last] === 0 && sb[last] === 1 ? "sv" : null;
    if (!mode) return false;
    const kernel = this.kernels[`${name}/${mode}`];
    const outer = Math.max(last, 0);
    const [aAt, bAt] = [walkOffsets(shape.slice(0, outer), sa.slice(0, outer)), walkOffsets(shape.slice(0, outer), sb.slice(0, outer))];
    for (let o = 0; o < aAt.length; o++) kernel(inner, a.offset + aAt[o] * 4, b.offset + bAt[o] * 4, out.offset + o * inner * 4, p0, p1);
  }

  gemm(args: GemmArgs): void {
    gemm(this.heap, this.kernels, args, this.pool);
  }

  parallel(kernel: ThreadedKernel, parts: readonly (readonly number[])[]): void {
    if (this.pool && parts.length > 1) this.pool.run(kernel, parts);
    else for (const part of parts) (this.kernels[kernel] as (...args: readonly number[]) => void)(...part);
  }

  /** The storage's elements as a typed array over the heap (valid until the next allocation). */
  private array(storage: Storage, dtype: DType): Float32Array | Int32Array {
    const offset = (storage as WasmStorage).offset;
    return dtype === "int32" ? this.heap.i32(offset, storage.size) : this.heap.f32(offset, storage.size);
  }
}
