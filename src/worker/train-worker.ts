/**
 * The training worker: starts the engine (WebGPU, or the CPU with the reason), owns the model, and
 * trains off the main thread so the page stays smooth. It reads results back asynchronously between
 * batches of steps and yields to its message queue so pause and reset apply at once.
 */
import { init } from "../backend/init";
import { spiral } from "../data/spiral";
import { PointClassifier } from "../train/point-classifier";
import type { Command, WorkerEvent } from "./protocol";

const STEPS_PER_BATCH = 10;
const BOUNDARY_EVERY = 50;
const GRID = 100;
const EXTENT = 1.2;

const post = (event: WorkerEvent, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(event, transfer);

let session: PointClassifier | null = null;
let running = false;
let generation = 0;
const ready = init().then((r) => {
  post({ type: "backend", kind: r.kind, description: r.description, fallbackReason: r.fallbackReason });
});

/** Reads a one-element tensor and frees it. */
async function readScalar(t: { data(): Promise<ArrayLike<number>>; dispose(): void }): Promise<number> {
  const v = (await t.data())[0];
  t.dispose();
  return v;
}

/** Posts progress (and the decision boundary); false if a reset made the session stale meanwhile. */
async function report(s: PointClassifier, token: number, loss: number, stepsPerSecond: number, withBoundary: boolean): Promise<boolean> {
  const accuracy = await readScalar(s.accuracy());
  if (token !== generation) return false;
  post({ type: "progress", step: s.steps, loss, accuracy, stepsPerSecond });
  if (withBoundary) {
    const p = s.probabilities(GRID, EXTENT);
    const probabilities = (await p.data()) as Float32Array;
    p.dispose();
    if (token !== generation) return false;
    post({ type: "boundary", step: s.steps, size: GRID, extent: EXTENT, classes: s.data.classes, probabilities }, [probabilities.buffer]);
  }
  return true;
}

async function trainBatch(s: PointClassifier, token: number, count: number): Promise<void> {
  const started = performance.now();
  const value = await readScalar(s.run(count));
  if (token !== generation) return;
  const seconds = (performance.now() - started) / 1000;
  if (!Number.isFinite(value)) {
    running = false;
    post({ type: "state", running });
    post({ type: "error", message: `the loss became ${value}; lower the learning rate and reset` });
    return;
  }
  const crossed = Math.floor(s.steps / BOUNDARY_EVERY) !== Math.floor((s.steps - count) / BOUNDARY_EVERY);
  await report(s, token, value, count / seconds, crossed || count === 1);
}

async function loop(token: number): Promise<void> {
  while (running && token === generation && session) {
    await trainBatch(session, token, STEPS_PER_BATCH);
    await new Promise((resolve) => setTimeout(resolve, 0)); // let pause/reset in
  }
}

async function handle(command: Command): Promise<void> {
  await ready;
  switch (command.type) {
    case "reset": {
      generation++;
      running = false;
      session?.dispose();
      const data = spiral({ points: command.data.points, classes: command.data.classes, noise: command.data.noise, seed: command.data.seed });
      session = new PointClassifier(data, command.model);
      post({ type: "data", x: data.x.slice(), y: data.y.slice(), classes: data.classes });
      post({ type: "state", running });
      await report(session, generation, await readScalar(session.loss()), 0, true);
      break;
    }
    case "play":
      if (!running && session) {
        running = true;
        post({ type: "state", running });
        void loop(generation);
      }
      break;
    case "pause":
      running = false;
      post({ type: "state", running });
      break;
    case "step":
      if (session && !running) await trainBatch(session, generation, 1);
      break;
  }
}

let queue = Promise.resolve();
self.onmessage = (e: MessageEvent<Command>) => {
  queue = queue.then(() => handle(e.data)).catch((err: unknown) => post({ type: "error", message: err instanceof Error ? err.message : String(err) }));
};
