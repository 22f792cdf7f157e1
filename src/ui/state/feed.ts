/**
 * A feed: an append-only list of reports (a run's step batches and epoch scores) that charts read.
 * A chart given a feed draws everything in it, then each report as it arrives; clearing the feed
 * clears the chart. The store keeps a run's feed, so that a chart built later (a tab shown for the
 * first time) or a page reloaded from the autosave draws the whole run, not only what comes next.
 */

/** What a subscriber hears: one more item, or the feed emptied. */
export type FeedChange<T> = { kind: "add"; item: T } | { kind: "clear" };

export class Feed<T> {
  private list: T[] = [];
  private readonly listeners = new Set<(change: FeedChange<T>) => void>();

  /** Every item so far, oldest first. */
  get items(): readonly T[] {
    return this.list;
  }

  add(item: T): void {
    this.list.push(item);
    for (const listener of this.listeners) listener({ kind: "add", item });
  }

  clear(): void {
    this.list = [];
    for (const listener of this.listeners) listener({ kind: "clear" });
  }

  /** Replaces the items (a restored run) and tells subscribers as a clear then adds. */
  reset(items: readonly T[]): void {
    this.clear();
    for (const item of items) this.add(item);
  }

  /** Calls `listener` with each change from now on; returns the unsubscribe. */
  subscribe(listener: (change: FeedChange<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
