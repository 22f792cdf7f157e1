/**
 * The training worker: starts the engine (WebGPU, or the CPU with the reason), owns the session,
 * and trains off the main thread so the page stays smooth. Commands arrive in order; training runs
 * in the Trainer's loop, which yields between steps so pause and reset apply at once.
 */
import type { Backend } from "../backend/backend";
import { init } from "../backend/init";
import { spiral } from "../data/spiral";
import { PointSession } from "./point-session";
import type { Command, WorkerEvent } from "./protocol";

const post = (event: WorkerEvent, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(event, transfer);

let session: PointSession | null = null;
let backend: Backend | null = null;
const ready = init().then((r) => {
  backend = r.backend;
  post({ type: "backend", kind: r.kind, description: r.description, fallbackReason: r.fallbackReason });
});

async function handle(command: Command): Promise<void> {
  await ready;
  switch (command.type) {
    case "reset": {
      session?.dispose();
      const data = spiral({ points: command.data.points, classes: command.data.classes, noise: command.data.noise, seed: command.data.seed });
      const current = new PointSession(backend as Backend, data, command.model, {
        progress: (p) => session === current && post({ type: "progress", ...p }),
        boundary: (b) => session === current && post({ type: "boundary", ...b }, [b.probabilities.buffer]),
        stopped: (e) => {
          if (session !== current) return;
          post({ type: "state", running: false });
          if (e.reason === "diverged") post({ type: "error", message: e.message });
        },
      });
      session = current;
      post({ type: "data", x: data.x.slice(), y: data.y.slice(), classes: data.classes });
      post({ type: "state", running: false });
      await current.reportInitial();
      break;
    }
    case "play":
      session?.play();
      post({ type: "state", running: true });
      break;
    case "pause":
      session?.pause();
      post({ type: "state", running: false });
      break;
    case "step":
      session?.step();
      break;
  }
}

let queue = Promise.resolve();
self.onmessage = (e: MessageEvent<Command>) => {
  queue = queue.then(() => handle(e.data)).catch((err: unknown) => post({ type: "error", message: err instanceof Error ? err.message : String(err) }));
};
