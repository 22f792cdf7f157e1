/**
 * The training worker: starts the engine (WebGPU, or the CPU with the reason) and trains off the
 * main thread so the page stays smooth. Commands are handled one after another, in the order they
 * arrive, by the Train tab's ExperimentSession (made by `load`) or the race's RaceSession (made by
 * `race`); a new one disposes the one it replaces, and starting one pauses the other, so the two
 * never compete for the device. Whatever goes wrong becomes an `error` event; the worker
 * itself never dies.
 */
import type { Backend } from "../backend/backend";
import { init } from "../backend/init";
import { WebGPUBackend } from "../backend/webgpu/webgpu-backend";
import { ExperimentSession, type SessionOptions } from "./experiment-session";
import { errorMessage, transferList } from "./post";
import type { Command, WorkerEvent } from "./protocol";
import { RaceSession } from "./race-session";

const scope = self as unknown as Worker;
const post = (event: WorkerEvent) => scope.postMessage(event, transferList(event));

/** The Train tab's session and the race's: both may exist; starting one pauses the other. */
let session: ExperimentSession | null = null;
let raceSession: RaceSession | null = null;

const ready: Promise<Backend> = init().then((r) => {
  post({ type: "backend", kind: r.kind, description: r.description, fallbackReason: r.fallbackReason });
  if (r.backend instanceof WebGPUBackend)
    r.backend.device.lost.then((info) => {
      if (info.reason === "destroyed") return;
      post({ type: "error", message: errorMessage(null, r.backend) });
      void replaceTrain(null);
      void replaceRace(null);
    });
  return r.backend;
});

const reportDisposeError = (e: unknown) => ready.then((backend) => post({ type: "error", message: errorMessage(e, backend) }));

/** Disposes the Train tab's session and makes `next` current. */
async function replaceTrain(next: Promise<ExperimentSession> | null): Promise<void> {
  const old = session;
  session = null;
  await old?.dispose().catch(reportDisposeError);
  session = next ? await next : null;
}

/** Disposes the race and makes `next` current. */
async function replaceRace(next: Promise<RaceSession> | null): Promise<void> {
  const old = raceSession;
  raceSession = null;
  await old?.dispose().catch(reportDisposeError);
  raceSession = next ? await next : null;
}

function experiment(command: Command): ExperimentSession {
  if (session) return session;
  throw new Error(`"${command.type}" needs a loaded experiment`);
}

function race(command: Command): RaceSession {
  if (raceSession) return raceSession;
  throw new Error(`"${command.type}" needs a race; start one first`);
}

async function handle(command: Command, backend: Backend): Promise<void> {
  const options: SessionOptions = { backend, post };
  switch (command.type) {
    case "load":
      return replaceTrain(ExperimentSession.load(command.config, options));
    case "race":
      if (session?.running) await session.pause();
      return replaceRace(RaceSession.load(command.config, command.entries, options));
    case "play":
      if (raceSession?.running) raceSession.pause();
      return experiment(command).play();
    case "pause":
      return experiment(command).pause();
    case "step":
      return experiment(command).step();
    case "tune":
      return experiment(command).tune(command);
    case "inspect":
      return experiment(command).inspect(command.index);
    case "augment-preview":
      return experiment(command).augmentPreview(command.count);
    case "export":
      return experiment(command).export();
    case "race-play":
      if (session?.running) await session.pause();
      return race(command).play();
    case "race-pause":
      return race(command).pause();
    default:
      throw new Error(`unknown command ${JSON.stringify((command as { type?: unknown }).type)}`);
  }
}

let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent<Command>) => {
  queue = queue
    .then(async () => handle(e.data, await ready))
    .catch((err: unknown) => {
      ready.then(
        (backend) => post({ type: "error", message: errorMessage(err, backend) }),
        () => post({ type: "error", message: err instanceof Error ? err.message : String(err) }),
      );
    });
};
self.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  post({ type: "error", message: e.reason instanceof Error ? e.reason.message : String(e.reason) });
});
