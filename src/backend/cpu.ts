/**
 * The CPU reference backend: every op's `cpu` function run on plain typed arrays. It is always
 * available, it is the source of truth the WebGPU kernels are tested against, and in float64 mode it
 * is what the finite-difference gradient checks run on.
 */
import type { OpDef } from "../ops/op";
import type { Backend, DType, HostArray, MemoryInfo, Storage, TensorSlot } from "./backend";

export interface CpuStorage extends Storage {
  readonly data: HostArray;
}

export class CpuBackend implements Backend {
  readonly kind = "cpu" as const;
  private live = 0;
  private liveBytes = 0;

  /**
   * @param precision float32 (default, like the GPU) or float64 (for gradient checks)
   * @param reason why the CPU runs instead of WebGPU, shown to the user
   */
  constructor(
    readonly precision: "float32" | "float64" = "float32",
    readonly reason = "",
  ) {}

  get description(): string {
    const p = this.precision === "float64" ? " (float64)" : "";
    return this.reason ? `CPU${p}: ${this.reason}` : `CPU${p}`;
  }

  allocate(size: number, dtype: DType): CpuStorage {
    const data = dtype === "int32" ? new Int32Array(size) : this.precision === "float64" ? new Float64Array(size) : new Float32Array(size);
    this.live++;
    this.liveBytes += data.byteLength;
    return { backend: this, size, refs: 0, data };
  }

  upload(values: ArrayLike<number>, dtype: DType): CpuStorage {
    const s = this.allocate(values.length, dtype);
    s.data.set(values);
    return s;
  }

  release(storage: Storage): void {
    if (storage.parent) {
      if (--storage.parent.refs === 0) this.release(storage.parent);
      return;
    }
    this.live--;
    this.liveBytes -= (storage as CpuStorage).data.byteLength;
  }

  view(parent: Storage, offset: number, size: number): CpuStorage {
    parent.refs++;
    return { backend: this, size, refs: 0, parent, data: (parent as CpuStorage).data.subarray(offset, offset + size) };
  }

  async read(storage: Storage, dtype: DType): Promise<HostArray> {
    const data = (storage as CpuStorage).data;
    return dtype === "int32" ? Int32Array.from(data) : data.slice();
  }

  run(op: OpDef, inputs: TensorSlot[], outputs: TensorSlot[], attrs: object): void {
    const view = (t: TensorSlot) => ({ shape: t.shape, dtype: t.dtype, data: (t.storage as CpuStorage).data });
    op.cpu(inputs.map(view), outputs.map(view), attrs);
  }

  copy(src: Storage, dst: Storage): void {
    (dst as CpuStorage).data.set((src as CpuStorage).data);
  }

  flush(): void {}

  memory(): MemoryInfo {
    return { liveBuffers: this.live, liveBytes: this.liveBytes, pooledBuffers: 0, pooledBytes: 0 };
  }
}
