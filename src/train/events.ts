/** A small typed event emitter: the trainer's events reach the UI, the worker and the CLI through it. */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly handlers = new Map<keyof Events, Set<(e: never) => void>>();

  /** Subscribes; returns a function that unsubscribes. */
  on<K extends keyof Events>(type: K, handler: (event: Events[K]) => void): () => void {
    const set = this.handlers.get(type) ?? new Set();
    this.handlers.set(type, set);
    set.add(handler as (e: never) => void);
    return () => set?.delete(handler as (e: never) => void);
  }

  protected emit<K extends keyof Events>(type: K, event: Events[K]): void {
    for (const h of this.handlers.get(type) ?? []) (h as (e: Events[K]) => void)(event);
  }
}
