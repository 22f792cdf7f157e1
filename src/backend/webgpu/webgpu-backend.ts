/**
 * The WebGPU backend: starts a device within the adapter's limits, owns the buffer pool and the
 * command recorder, and implements the Backend interface on top of them. Ops see it through the
 * narrow GpuContext interface.
 */
import { OpError } from "../../errors";
import type { OpDef } from "../../ops/op";
import type { Backend, DType, HostArray, MemoryInfo, Storage, TensorSlot } from "../backend";
import { BufferPool, sizeClass } from "./buffer-pool";
import type { AdapterTuning, GpuBinding, GpuContext, GpuTensor } from "./context";
import type { Kernel, Uniforms } from "./kernel";
import { type KernelTime, Profiler } from "./profiler";
import { CommandRecorder } from "./recorder";

export interface GpuStorage extends Storage {
  /** null for zero-size tensors. */
  readonly buffer: GPUBuffer | null;
  readonly offset: number;
}

/** Limits raised to what the adapter offers, so large models are not refused for nothing. */
const RAISED_LIMITS = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxStorageBuffersPerShaderStage",
] as const;

/** Picks dispatch shapes for the adapter (DESIGN §8). */
function tuningFor(info: GPUAdapterInfo): AdapterTuning {
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  const cpuEmulated = /swiftshader|llvmpipe|lavapipe|warp|software/.test(text);
  return { cpuEmulated, gridWorkgroups: cpuEmulated ? 32 : 4096 };
}

export class WebGPUBackend implements Backend, GpuContext {
  readonly kind = "webgpu" as const;
  readonly description: string;
  /** The adapter as it names itself ("NVIDIA H100", "Google SwiftShader"...). */
  readonly adapterName: string;
  readonly tuning: AdapterTuning;
  readonly limits: GPUSupportedLimits;
  readonly pool: BufferPool;
  readonly recorder: CommandRecorder;
  /** Validation errors the device reported (tests assert this stays empty). */
  readonly errors: string[] = [];
  private lostReason: string | null = null;
  private reportedErrors = 0;
  private readonly staging = new Map<number, GPUBuffer[]>();
  private readonly empty: GPUBuffer;

  private constructor(
    /** Held so that it outlives the device: Dawn in Node tears down a collected GPU instance. */
    readonly gpu: GPU,
    readonly adapter: GPUAdapter,
    readonly device: GPUDevice,
    tuning: Partial<AdapterTuning>,
  ) {
    const adapterInfo = adapter.info;
    this.adapterName = adapterInfo.description || [adapterInfo.vendor, adapterInfo.architecture].filter(Boolean).join(" ") || "unknown adapter";
    this.description = `WebGPU: ${this.adapterName}`;
    this.tuning = { ...tuningFor(adapterInfo), ...tuning };
    this.limits = device.limits;
    this.recorder = new CommandRecorder(device);
    this.pool = new BufferPool(device, undefined, () => this.recorder.forgetBindGroups());
    this.recorder.onSubmit = () => {
      this.pool.generation++;
    };
    this.empty = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE, label: "empty" });
    device.lost.then((info) => {
      this.lostReason = info.message || info.reason || "unknown reason";
    });
    device.onuncapturederror = (e: GPUUncapturedErrorEvent) => {
      this.errors.push(e.error.message);
      console.error(`WebGPU error: ${e.error.message}`);
    };
  }

  /**
   * Starts WebGPU on `gpu` (navigator.gpu in a browser or worker; Dawn's `create()` in Node).
   * Throws an Error that says why when there is no adapter or device. `tuning` overrides the
   * dispatch shapes chosen for the adapter (tests run both the GPU and the emulator paths).
   */
  static async create(gpu: GPU | undefined = globalThis.navigator?.gpu, tuning: Partial<AdapterTuning> = {}): Promise<WebGPUBackend> {
    if (!gpu) throw new Error("this environment has no WebGPU (navigator.gpu is undefined)");
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) throw new Error("no WebGPU adapter was found (the GPU may be disabled or blocklisted)");
    const requiredLimits: Record<string, number> = {};
    for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
    // Timestamp queries only serve the optional profiler.
    const requiredFeatures: GPUFeatureName[] = adapter.features.has("timestamp-query") ? ["timestamp-query"] : [];
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
    return new WebGPUBackend(gpu, adapter, device, tuning);
  }

  /** Why the device was lost, or null while it works. */
  get lost(): string | null {
    return this.lostReason;
  }

  private assertAlive(): void {
    if (this.lostReason !== null) throw new Error(`WebGPU device was lost (${this.lostReason}); start the engine again with init(), or use the CPU backend`);
  }

  allocate(size: number, dtype: DType): GpuStorage {
    return this.newStorage(size, dtype, false);
  }

  upload(data: ArrayLike<number>, dtype: DType): GpuStorage {
    const s = this.newStorage(data.length, dtype, true);
    if (s.buffer) {
      const array = dtype === "int32" ? Int32Array.from(data) : Float32Array.from(data);
      this.device.queue.writeBuffer(s.buffer, s.offset, array);
    }
    return s;
  }

  private newStorage(size: number, dtype: DType, forUpload: boolean): GpuStorage {
    this.assertAlive();
    const bytes = size * 4;
    const max = this.limits.maxStorageBufferBindingSize;
    if (bytes > max)
      throw new OpError(
        "allocate",
        `a ${dtype} tensor of ${size} elements needs ${bytes} bytes, more than this device's maxStorageBufferBindingSize of ${max} bytes; use a smaller batch or layer`,
      );
    const buffer = size === 0 ? null : this.pool.acquire(bytes, forUpload);
    return { backend: this, size, refs: 0, buffer, offset: 0 };
  }

  release(storage: Storage): void {
    if (storage.parent) {
      if (--storage.parent.refs === 0) this.release(storage.parent);
      return;
    }
    const s = storage as GpuStorage;
    if (s.buffer) this.pool.release(s.buffer);
  }

  view(parent: Storage, offset: number, size: number): GpuStorage {
    const p = parent as GpuStorage;
    const byteOffset = p.offset + offset * 4;
    const align = this.limits.minStorageBufferOffsetAlignment;
    if (byteOffset % align !== 0) throw new Error(`view: byte offset ${byteOffset} is not a multiple of the device's storage alignment ${align}`);
    if (offset + size > p.size) throw new Error(`view: elements [${offset}, ${offset + size}) exceed the parent's ${p.size}`);
    parent.refs++;
    return { backend: this, size, refs: 0, parent, buffer: size === 0 ? null : p.buffer, offset: byteOffset };
  }

  binding(storage: Storage): GpuBinding {
    const s = storage as GpuStorage;
    return s.buffer ? { buffer: s.buffer, offset: s.offset, size: s.size * 4 } : { buffer: this.empty, offset: 0, size: 16 };
  }

  async read(storage: Storage, dtype: DType): Promise<HostArray> {
    this.assertAlive();
    const s = storage as GpuStorage;
    const bytes = s.size * 4;
    if (!s.buffer) return dtype === "int32" ? new Int32Array(0) : new Float32Array(0);
    const staging = this.takeStaging(bytes);
    this.recorder.copy(s.buffer, s.offset, staging, 0, bytes);
    this.recorder.submit();
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    } catch (e) {
      this.assertAlive();
      throw e;
    }
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.returnStaging(staging);
    this.throwNewErrors();
    return dtype === "int32" ? new Int32Array(copy) : new Float32Array(copy);
  }

  /** Turns device errors reported since the last read into an exception (work in that submit was lost). */
  private throwNewErrors(): void {
    if (this.errors.length === this.reportedErrors) return;
    const fresh = this.errors.slice(this.reportedErrors);
    this.reportedErrors = this.errors.length;
    throw new Error(`WebGPU reported ${fresh.length} error(s); results of the work submitted with them are invalid:\n${fresh.join("\n")}`);
  }

  private takeStaging(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const free = this.staging.get(size);
    return free?.pop() ?? this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: `staging-${size}` });
  }

  private returnStaging(buffer: GPUBuffer): void {
    const list = this.staging.get(buffer.size) ?? [];
    this.staging.set(buffer.size, list);
    if (list.length < 8) list.push(buffer);
    else buffer.destroy();
  }

  run(op: OpDef, inputs: TensorSlot[], outputs: TensorSlot[], attrs: object): void {
    this.assertAlive();
    const view = (t: TensorSlot): GpuTensor => ({ shape: t.shape, dtype: t.dtype, binding: this.binding(t.storage) });
    op.gpu(this, inputs.map(view), outputs.map(view), attrs);
  }

  copy(src: Storage, dst: Storage): void {
    this.assertAlive();
    const a = src as GpuStorage;
    const b = dst as GpuStorage;
    if (a.buffer && b.buffer) this.recorder.copy(a.buffer, a.offset, b.buffer, b.offset, a.size * 4);
  }

  flush(): void {
    this.recorder.submit();
  }

  /**
   * Starts timing every dispatch (needs 'timestamp-query'); returns a function that stops and
   * reports the time per kernel.
   */
  profile(): () => Promise<KernelTime[]> {
    if (!this.device.features.has("timestamp-query")) throw new Error("profile: this adapter does not offer 'timestamp-query'");
    this.flush();
    const profiler = new Profiler(this.device);
    this.recorder.profiler = profiler;
    return async () => {
      this.flush();
      this.recorder.profiler = null;
      return profiler.report();
    };
  }

  /** Resolves once all submitted work has finished on the GPU. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }

  dispatch(kernel: Kernel, bindings: readonly GpuBinding[], uniforms: Uniforms, workgroups: readonly number[]): void {
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    if (workgroups.some((w) => w > max))
      throw new OpError(
        kernel.key,
        `needs a dispatch of [${workgroups.join(", ")}] workgroups, beyond this device's limit of ${max} per dimension; use smaller tensors`,
      );
    if (workgroups.some((w) => w === 0)) return;
    this.recorder.dispatch(kernel, bindings, uniforms, workgroups);
  }

  scratch(bytes: number): GpuBinding {
    const buffer = this.pool.acquire(Math.max(bytes, 4), false);
    return { buffer, offset: 0, size: Math.max(bytes, 4) };
  }

  releaseScratch(binding: GpuBinding): void {
    this.pool.release(binding.buffer);
  }

  memory(): MemoryInfo {
    const p = this.pool;
    return { liveBuffers: p.liveBuffers, liveBytes: p.liveBytes, pooledBuffers: p.pooledBuffers, pooledBytes: p.pooledBytes };
  }
}
