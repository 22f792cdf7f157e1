/**
 * The asynchronous readback ring of a training loop: each step hands over a small tensor of its
 * metrics (losses, accuracies), the read starts at once, and the loop only waits when more than
 * `depth` reads are in flight, for the oldest, which has long finished by then. So no step ever
 * waits for its own values (DESIGN §3).
 */
import type { Tensor } from "../tensor/tensor";

/** A metrics read that landed, with what the loop attached to it. */
export interface Landed<T> {
  values: Float32Array | Float64Array | Int32Array;
  tag: T;
}

export class ReadbackRing<T> {
  private readonly pending: { values: Promise<Landed<T>["values"]>; tag: T }[] = [];

  /** @param depth reads kept in flight before push() waits for the oldest (default 4) */
  constructor(readonly depth = 4) {}

  /**
   * Starts reading `metrics` (disposed once read) and returns the oldest read when more than `depth`
   * are pending, else null.
   */
  async push(metrics: Tensor, tag: T): Promise<Landed<T> | null> {
    const values = metrics.data();
    values.finally(() => metrics.dispose()).catch(() => {});
    this.pending.push({ values, tag });
    if (this.pending.length <= this.depth) return null;
    return this.settle();
  }

  /** Waits for every pending read, oldest first. */
  async drain(): Promise<Landed<T>[]> {
    const out: Landed<T>[] = [];
    while (this.pending.length) out.push(await this.settle());
    return out;
  }

  /** Tags of the reads still pending, dropped unread (their tensors are still disposed when read). */
  discard(): T[] {
    return this.pending.splice(0).map((p) => p.tag);
  }

  private async settle(): Promise<Landed<T>> {
    const p = this.pending.shift() as (typeof this.pending)[number];
    return { values: await p.values, tag: p.tag };
  }
}
