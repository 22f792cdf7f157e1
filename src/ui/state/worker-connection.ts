/**
 * The page's connection to the training worker: started by the store when the page opens and
 * terminated when it closes. Commands go out typed; the worker's events, and a worker that fails to
 * start or crashes, come back through the callbacks.
 */
import type { Command, WorkerEvent } from "../../worker/protocol";
import { clause } from "../words";

export class WorkerConnection {
  private worker: Worker | null = null;

  constructor(
    private readonly onEvent: (event: WorkerEvent) => void,
    private readonly onFailure: (message: string) => void,
  ) {}

  start(): void {
    if (this.worker) return;
    try {
      this.worker = new Worker(new URL("../../worker/train-worker.ts", import.meta.url), { type: "module" });
    } catch (e) {
      this.onFailure(`The training worker could not start (${(e as Error).message}); this browser may not support module workers.`);
      return;
    }
    this.worker.onmessage = (e: MessageEvent<WorkerEvent>) => this.onEvent(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.onFailure(`The training worker stopped: ${clause(e.message || "an unknown error")}. Reload the page; your experiment is kept.`);
    };
  }

  stop(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  send(command: Command): void {
    this.worker?.postMessage(command);
  }
}
