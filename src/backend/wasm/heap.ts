/**
 * The wasm backend's memory: one WebAssembly.Memory holding every tensor, handed out in blocks by
 * byte offset. Freed blocks are kept in pools by size and reused, as the WebGPU backend pools its
 * buffers: a training loop repeats its shapes, so after the first steps nothing new is allocated.
 * Blocks are 64-byte aligned (a cache line; SIMD loads never straddle one). The memory grows by
 * whole pages when the pools and the free end run out. Growing a memory replaces its ArrayBuffer, so
 * typed-array views over it must be made afresh after any allocation (`f32()` and `i32()` do).
 */

const PAGE = 65536;
/** Pages of a full wasm32 memory (4 GiB), the maximum a shared memory declares. */
export const MAX_PAGES = 65536;
const ALIGN = 64;
/** The first bytes stay unused: offset 0 means "no tensor" to the kernels (an absent bias). */
const RESERVED = ALIGN;

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  /** Free blocks by their byte size. */
  private readonly pools = new Map<number, number[]>();
  /** The first byte never handed out. */
  private end = RESERVED;
  liveBlocks = 0;
  liveBytes = 0;
  pooledBlocks = 0;
  pooledBytes = 0;

  /** `shared`: a memory threads can share (it then declares the wasm32 maximum, 4 GiB). */
  constructor(
    initialBytes = 16 << 20,
    readonly shared = false,
  ) {
    const initial = Math.ceil(initialBytes / PAGE);
    this.memory = new WebAssembly.Memory(shared ? { initial, maximum: MAX_PAGES, shared: true } : { initial });
  }

  /** The bytes a request of `bytes` takes (aligned, never 0). */
  static blockSize(bytes: number): number {
    return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  }

  /** Bytes ever handed out (the end of the used part of the memory): flat once a loop's shapes repeat. */
  get highWater(): number {
    return this.end;
  }

  /** A block of at least `bytes`; returns its byte offset. */
  allocate(bytes: number): number {
    const size = WasmHeap.blockSize(bytes);
    const pool = this.pools.get(size);
    let offset = pool?.pop();
    if (offset !== undefined) {
      this.pooledBlocks--;
      this.pooledBytes -= size;
    } else {
      offset = this.end;
      this.end += size;
      const missing = this.end - this.memory.buffer.byteLength;
      if (missing > 0) {
        if (this.end > 2 ** 32 - PAGE)
          throw new Error(`wasm backend: out of memory (${(this.end / 2 ** 30).toFixed(2)} GiB needed; a wasm32 memory holds under 4 GiB)`);
        // Grow by at least a quarter of the memory, so that a growing model does not grow it every step.
        const pages = Math.max(Math.ceil(missing / PAGE), Math.ceil(this.memory.buffer.byteLength / PAGE / 4));
        this.memory.grow(pages);
      }
    }
    this.liveBlocks++;
    this.liveBytes += size;
    return offset;
  }

  /** Gives back the block at `offset` that was allocated for `bytes`. */
  free(offset: number, bytes: number): void {
    const size = WasmHeap.blockSize(bytes);
    let pool = this.pools.get(size);
    if (!pool) {
      pool = [];
      this.pools.set(size, pool);
    }
    pool.push(offset);
    this.liveBlocks--;
    this.liveBytes -= size;
    this.pooledBlocks++;
    this.pooledBytes += size;
  }

  /** Float32 view of `size` elements at byte `offset` (valid until the next allocation). */
  f32(offset: number, size: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, size);
  }

  /** Int32 view of `size` elements at byte `offset` (valid until the next allocation). */
  i32(offset: number, size: number): Int32Array {
    return new Int32Array(this.memory.buffer, offset, size);
  }
}
