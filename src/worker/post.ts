/**
 * How a session hands its events to the page: a `Post` callback (postMessage in the worker, an array
 * push in the tests). Sessions build every typed array of an event fresh for that event, so the
 * worker can transfer the buffers instead of copying them; `transferList` finds them.
 */
import type { Backend } from "../backend/backend";
import type { WorkerEvent } from "./protocol";

/** Sends one event to the page. */
export type Post = (event: WorkerEvent) => void;

/** The distinct ArrayBuffers of every typed array in an event (searched a few levels deep), for postMessage's transfer list. */
export function transferList(event: WorkerEvent): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const visit = (value: unknown, depth: number) => {
    if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
    } else if (value && typeof value === "object" && depth < 4) for (const v of Object.values(value)) visit(v, depth + 1);
  };
  visit(event, 0);
  return [...found];
}

/** Why the device behind `backend` was lost, or null (the CPU backend is never lost). */
function lostReason(backend: Backend): string | null {
  return "lost" in backend && typeof backend.lost === "string" ? backend.lost : null;
}

/** What the page shows for anything thrown: its message, or that the GPU device was lost. */
export function errorMessage(e: unknown, backend: Backend): string {
  const lost = lostReason(backend);
  if (lost !== null) return `the GPU device was lost (${lost}); continue on a new device or the CPU from the Train tab`;
  return e instanceof Error ? e.message : String(e);
}
