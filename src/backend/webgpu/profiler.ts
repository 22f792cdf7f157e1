/**
 * Per-kernel GPU timings with timestamp queries (when the adapter offers 'timestamp-query'): while
 * profiling, each dispatch gets its own compute pass whose start and end are stamped, and the
 * durations are summed per kernel. For finding what a step spends its time on; it serialises passes,
 * so never leave it on while measuring end-to-end speed.
 */

const MAX_DISPATCHES = 2048; // 2 stamps each; WebGPU caps a query set at 4096

export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

export class Profiler {
  private readonly querySet: GPUQuerySet;
  private readonly resolve: GPUBuffer;
  private pending: string[] = [];
  private readonly totals = new Map<string, { calls: number; ns: number }>();
  private readonly reads: Promise<void>[] = [];

  constructor(private readonly device: GPUDevice) {
    this.querySet = device.createQuerySet({ type: "timestamp", count: 2 * MAX_DISPATCHES });
    this.resolve = device.createBuffer({ size: 16 * MAX_DISPATCHES, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }

  /** Pass descriptor stamping the next dispatch; null once the query set is full (then unstamped). */
  nextPass(kernel: string): GPUComputePassDescriptor | null {
    const i = this.pending.length;
    if (i >= MAX_DISPATCHES) return null;
    this.pending.push(kernel);
    return { timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } };
  }

  /** Called before a submit: copies this submit's stamps to a buffer that is read once it lands. */
  beforeSubmit(encoder: GPUCommandEncoder): void {
    const kernels = this.pending;
    if (!kernels.length) return;
    this.pending = [];
    const bytes = 16 * kernels.length;
    const staging = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.resolveQuerySet(this.querySet, 0, 2 * kernels.length, this.resolve, 0);
    encoder.copyBufferToBuffer(this.resolve, 0, staging, 0, bytes);
    this.reads.push(
      (async () => {
        await this.device.queue.onSubmittedWorkDone();
        await staging.mapAsync(GPUMapMode.READ);
        const stamps = new BigUint64Array(staging.getMappedRange().slice(0));
        staging.destroy();
        kernels.forEach((k, i) => {
          const t = this.totals.get(k) ?? { calls: 0, ns: 0 };
          t.calls++;
          t.ns += Number(stamps[2 * i + 1] - stamps[2 * i]);
          this.totals.set(k, t);
        });
      })(),
    );
  }

  /** Totals per kernel so far, slowest first (awaits the stamps of submitted work). */
  async report(): Promise<KernelTime[]> {
    await Promise.all(this.reads);
    return [...this.totals].map(([kernel, t]) => ({ kernel, calls: t.calls, ms: t.ns / 1e6 })).sort((a, b) => b.ms - a.ms);
  }
}
