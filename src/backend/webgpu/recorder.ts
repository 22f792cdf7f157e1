/**
 * Deferred execution (DESIGN §3): ops record dispatches into one open compute pass and return at
 * once; the work is submitted when a value is read, when the caller ends a step, or when the queue
 * grows large. Pipelines are cached by kernel key, bind groups by the buffers they bind, and every
 * dispatch's uniforms go into one ring buffer that is uploaded once per submit.
 */
import type { GpuBinding } from "./context";
import { type Access, type Kernel, UNIFORM_SLOT_BYTES, type Uniforms } from "./kernel";
import type { Profiler } from "./profiler";

/** Dispatches per submit before the recorder submits on its own. */
const RING_SLOTS = 4096;

interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

export class CommandRecorder {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly ring: GPUBuffer;
  private readonly ringMirror = new Uint8Array(RING_SLOTS * UNIFORM_SLOT_BYTES);
  private slotsUsed = 0;
  private readonly pipelines = new Map<string, CachedPipeline>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;
  /** Called right after each submit (the pool advances its generation). */
  onSubmit: () => void = () => {};
  /** When set, every dispatch is timed (see profiler.ts). */
  profiler: Profiler | null = null;
  /** Counters for tests and the benchmark. */
  readonly stats = { dispatches: 0, submits: 0, pipelines: 0, bindGroupsCreated: 0 };

  constructor(private readonly device: GPUDevice) {
    this.ring = device.createBuffer({
      size: this.ringMirror.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      label: "uniform-ring",
    });
  }

  /** Whether recorded work awaits a submit. */
  get pending(): boolean {
    return this.encoder !== null;
  }

  dispatch(kernel: Kernel, bindings: readonly GpuBinding[], uniforms: Uniforms, workgroups: readonly number[]): void {
    if (bindings.length !== kernel.bindings.length)
      throw new Error(`kernel ${kernel.key}: expected ${kernel.bindings.length} bindings, got ${bindings.length}`);
    if (this.slotsUsed === RING_SLOTS) this.submit();
    const { pipeline, layout } = this.pipeline(kernel);
    const slot = this.slotsUsed++;
    this.ringMirror.set(new Uint8Array(uniforms.bytes, 0, uniforms.byteLength), slot * UNIFORM_SLOT_BYTES);
    const stamped = this.profiler?.nextPass(kernel.key);
    if (stamped) this.closePass();
    const pass = stamped ? this.openEncoder().beginComputePass(stamped) : this.openPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindGroup(kernel, layout, bindings), [slot * UNIFORM_SLOT_BYTES]);
    const [x, y = 1, z = 1] = workgroups;
    pass.dispatchWorkgroups(x, y, z);
    if (stamped) pass.end();
    this.stats.dispatches++;
  }

  /** Records a buffer-to-buffer copy (ends the open compute pass). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.closePass();
    this.openEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Submits everything recorded so far as one command buffer. */
  submit(): void {
    if (!this.encoder) return;
    this.closePass();
    this.profiler?.beforeSubmit(this.encoder);
    if (this.slotsUsed) this.device.queue.writeBuffer(this.ring, 0, this.ringMirror, 0, this.slotsUsed * UNIFORM_SLOT_BYTES);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.slotsUsed = 0;
    this.stats.submits++;
    this.onSubmit();
  }

  /** Forgets bind groups (after the pool destroyed buffers they may reference). */
  forgetBindGroups(): void {
    this.bindGroups.clear();
  }

  /** Compiles (or fetches) a kernel's pipeline. */
  pipeline(kernel: Kernel): CachedPipeline {
    const key = kernel.constants ? `${kernel.key}|${JSON.stringify(kernel.constants)}` : kernel.key;
    let cached = this.pipelines.get(key);
    if (!cached) {
      const layout = this.layout(kernel.bindings);
      const module = this.device.createShaderModule({ code: kernel.code, label: kernel.key });
      const pipeline = this.device.createComputePipeline({
        label: kernel.key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: "main", constants: kernel.constants as Record<string, number> | undefined },
      });
      cached = { pipeline, layout };
      this.pipelines.set(key, cached);
      this.stats.pipelines++;
    }
    return cached;
  }

  private layout(bindings: readonly Access[]): GPUBindGroupLayout {
    const key = bindings.join(",");
    let layout = this.layouts.get(key);
    if (!layout) {
      layout = this.device.createBindGroupLayout({
        label: `layout(${key})`,
        entries: [
          { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform", hasDynamicOffset: true } },
          ...bindings.map((access, i) => ({
            binding: i + 1,
            visibility: GPUShaderStage.COMPUTE,
            buffer: { type: (access === "read" ? "read-only-storage" : "storage") as GPUBufferBindingType },
          })),
        ],
      });
      this.layouts.set(key, layout);
    }
    return layout;
  }

  private bindGroup(kernel: Kernel, layout: GPUBindGroupLayout, bindings: readonly GpuBinding[]): GPUBindGroup {
    let key = kernel.bindings.join(",");
    for (const b of bindings) key += `|${this.bufferId(b.buffer)}:${b.offset}:${b.size}`;
    let group = this.bindGroups.get(key);
    if (!group) {
      if (this.bindGroups.size > 16384) this.bindGroups.clear();
      group = this.device.createBindGroup({
        layout,
        entries: [
          { binding: 0, resource: { buffer: this.ring, offset: 0, size: UNIFORM_SLOT_BYTES } },
          ...bindings.map((b, i) => ({ binding: i + 1, resource: { buffer: b.buffer, offset: b.offset, size: b.size } })),
        ],
      });
      this.bindGroups.set(key, group);
      this.stats.bindGroupsCreated++;
    }
    return group;
  }

  private bufferId(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(buffer, id);
    }
    return id;
  }

  private openEncoder(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private openPass(): GPUComputePassEncoder {
    if (!this.pass) this.pass = this.openEncoder().beginComputePass();
    return this.pass;
  }

  private closePass(): void {
    this.pass?.end();
    this.pass = null;
  }
}
