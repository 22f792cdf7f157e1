/**
 * Pooled GPU buffers, bucketed by size class (powers of two in quarter steps, so at most 25% waste).
 * A training step frees and reallocates the same sizes every time, so after the first step every
 * allocation is a pool hit and no buffer is created or destroyed.
 *
 * One hazard is handled here: `queue.writeBuffer` runs before the commands still being recorded, so a
 * buffer freed during the open recording (still read by recorded work) must not receive an upload
 * until that recording is submitted. Buffers remember the submit generation they were freed in.
 */

/** Rounds a byte size up to its pool bucket. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const pow = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = pow / 4;
  return Math.ceil(bytes / step) * step;
}

interface FreeBuffer {
  buffer: GPUBuffer;
  freedInGeneration: number;
}

export class BufferPool {
  /** Incremented at every submit. */
  generation = 0;
  private readonly free = new Map<number, FreeBuffer[]>();
  private readonly sizes = new WeakMap<GPUBuffer, number>();
  liveBuffers = 0;
  liveBytes = 0;
  pooledBuffers = 0;
  pooledBytes = 0;
  /** Total buffers ever created (a flat number over a training run means full reuse). */
  created = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxPooledBytes = 512 * 1024 * 1024,
    private readonly onDestroy: () => void = () => {},
  ) {}

  /** A buffer of at least `bytes`; `forUpload` only takes buffers no recorded command still uses. */
  acquire(bytes: number, forUpload: boolean): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    let buffer: GPUBuffer | undefined;
    if (list?.length) {
      const i = forUpload ? list.findIndex((f) => f.freedInGeneration < this.generation) : list.length - 1;
      if (i >= 0) {
        buffer = list[i].buffer;
        list.splice(i, 1);
        this.pooledBuffers--;
        this.pooledBytes -= size;
      }
    }
    if (!buffer) {
      const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      buffer = this.device.createBuffer({ size, usage, label: `pool-${size}` });
      this.sizes.set(buffer, size);
      this.created++;
    }
    this.liveBuffers++;
    this.liveBytes += size;
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    const size = this.sizes.get(buffer);
    if (size === undefined) throw new Error("buffer pool: releasing a buffer the pool does not own");
    this.liveBuffers--;
    this.liveBytes -= size;
    const list = this.free.get(size) ?? [];
    this.free.set(size, list);
    list.push({ buffer, freedInGeneration: this.generation });
    this.pooledBuffers++;
    this.pooledBytes += size;
    if (this.pooledBytes > this.maxPooledBytes) this.trim(this.maxPooledBytes / 2);
  }

  /** Destroys pooled buffers (largest first) until at most `keepBytes` stay pooled. */
  trim(keepBytes = 0): void {
    const sizes = [...this.free.keys()].sort((a, b) => b - a);
    let destroyed = false;
    for (const size of sizes) {
      const list = this.free.get(size) ?? [];
      while (list.length && this.pooledBytes > keepBytes) {
        const f = list.shift() as FreeBuffer;
        // Only buffers no unsubmitted command can still use.
        if (f.freedInGeneration >= this.generation) {
          list.unshift(f);
          break;
        }
        f.buffer.destroy();
        destroyed = true;
        this.pooledBuffers--;
        this.pooledBytes -= size;
      }
    }
    if (destroyed) this.onDestroy();
  }
}
