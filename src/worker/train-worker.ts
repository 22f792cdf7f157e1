/**
 * The training worker: starts the engine (WebGPU, or the CPU with the reason) and trains off the
 * main thread so the page stays smooth. Commands are handled one after another, in the order they
 * arrive, by the Train tab's ExperimentSession (made by `load`), the race's RaceSession (made by
 * `race`) or the Generative tab's GenerativeSession (made by `gen-load`); a new one disposes the one
 * it replaces, and starting one pauses the others, so they never compete for the device. Whatever goes wrong becomes an `error` event; the worker
 * itself never dies.
 */
import type { Backend } from "../backend/backend";
import { init } from "../backend/init";
import { WebGPUBackend } from "../backend/webgpu/webgpu-backend";
import { ExperimentSession, type SessionOptions } from "./experiment-session";
import { GenerativeSession } from "./generative-session";
import { errorMessage, transferList } from "./post";
import type { Command, WorkerEvent } from "./protocol";
import { RaceSession } from "./race-session";

const scope = self as unknown as Worker;
const post = (event: WorkerEvent) => scope.postMessage(event, transferList(event));

/** The Train tab's session, the race's and the Generative tab's: all may exist; starting one pauses the others. */
let session: ExperimentSession | null = null;
let raceSession: RaceSession | null = null;
let genSession: GenerativeSession | null = null;

const ready: Promise<Backend> = init().then((r) => {
  post({ type: "backend", kind: r.kind, description: r.description, fallbackReason: r.fallbackReason });
  if (r.backend instanceof WebGPUBackend)
    r.backend.device.lost.then((info) => {
      if (info.reason === "destroyed") return;
      post({ type: "error", message: errorMessage(null, r.backend) });
      void replaceTrain(null);
      void replaceRace(null);
      void replaceGenerative(null);
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

/** Disposes the generative session and makes `next` current. */
async function replaceGenerative(next: Promise<GenerativeSession> | null): Promise<void> {
  const old = genSession;
  genSession = null;
  await old?.dispose().catch(reportDisposeError);
  genSession = next ? await next : null;
}

/** Pauses whatever trains besides the session about to start. */
async function pauseOthers(keep: "train" | "race" | "generative"): Promise<void> {
  if (keep !== "train" && session?.running) await session.pause();
  if (keep !== "race" && raceSession?.running) raceSession.pause();
  if (keep !== "generative" && genSession?.running) await genSession.pause();
}

function generative(command: Command): GenerativeSession {
  if (genSession) return genSession;
  throw new Error(`"${command.type}" needs a loaded generative model; pick a preset first`);
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
      await pauseOthers("race");
      return replaceRace(RaceSession.load(command.config, command.entries, options));
    case "play":
      await pauseOthers("train");
      return experiment(command).play();
    case "pause":
      return experiment(command).pause();
    case "step":
      await pauseOthers("train");
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
      await pauseOthers("race");
      return race(command).play();
    case "race-pause":
      return race(command).pause();
    case "gen-load":
      return replaceGenerative(GenerativeSession.load(command.config, { backend, post }));
    case "gen-play":
      await pauseOthers("generative");
      return generative(command).play();
    case "gen-pause":
      return generative(command).pause();
    case "gen-step":
      await pauseOthers("generative");
      return generative(command).step();
    case "gen-rollback":
      return generative(command).rollback();
    case "gen-decode":
      return generative(command).decode(command.latent);
    case "gen-export":
      return generative(command).export();
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
