/**
 * The training worker: starts the engine (WebGPU, or the CPU with the reason) and trains off the
 * main thread so the page stays smooth. Commands are handled one after another, in the order they
 * arrive, by the Train tab's ExperimentSession (made by `load`), the race's RaceSession (made by
 * `race`) or the Generative tab's GenerativeSession (made by `gen-load`); a new one disposes the one
 * it replaces (each tab's Slot), and starting one pauses the others, so they never compete for the
 * device. Whatever goes wrong becomes an `error` event; the worker itself never dies.
 *
 * The engine starts on the page's first command, `start` (the automatic choice, or the backend the
 * page's address names). When the GPU device is lost, every session goes with it: the worker says so
 * (`device-lost`) and waits for another `start`, on a new device or the CPU; the page then loads its
 * run again from the snapshot it keeps. Tests simulate a loss by calling `__loseDevice()` in the
 * worker, which destroys the device as a driver reset would.
 */
import type { Backend, BackendChoice } from "../backend/backend";
import { init } from "../backend/init";
import { WasmBackend } from "../backend/wasm/wasm-backend";
import { WebGPUBackend } from "../backend/webgpu/webgpu-backend";
import "../functional"; // installs the Tensor methods and backward()
import { startBoosting } from "./boosting-session";
import { ExperimentSession, type SessionOptions } from "./experiment-session";
import { GenerativeSession } from "./generative-session";
import { errorMessage, transferList } from "./post";
import type { Command, WorkerEvent } from "./protocol";
import { RaceSession } from "./race-session";
import type { StudySession } from "./study-session";
import { startTransferStudy } from "./transfer-session";

const scope = self as unknown as Worker;
const post = (event: WorkerEvent) => scope.postMessage(event, transferList(event));

/** What the worker needs of every tab's session. */
interface Session {
  readonly running: boolean;
  pause(): unknown;
  dispose(): Promise<void>;
}

/** One tab's session: at most one at a time; a new one disposes the one it replaces. */
class Slot<S extends Session> {
  current: S | null = null;

  /** @param missing what a command needs when there is no session ("needs a race; start one first") */
  constructor(private readonly missing: string) {}

  /** Disposes the current session and makes `next` current. */
  async replace(next: Promise<S> | null): Promise<void> {
    const old = this.current;
    this.current = null;
    await old?.dispose().catch(reportDisposeError);
    this.current = next ? await next : null;
  }

  /** The session `command` acts on; throws saying what it needs when there is none. */
  for(command: Command): S {
    if (this.current) return this.current;
    throw new Error(`"${command.type}" ${this.missing}`);
  }
}

/** The Train tab's session, the race's and the Generative tab's: all may exist; starting one pauses the others. */
const slots = {
  train: new Slot<ExperimentSession>("needs a loaded experiment"),
  race: new Slot<RaceSession>("needs a race; start one first"),
  generative: new Slot<GenerativeSession>("needs a loaded generative model; pick a preset first"),
  study: new Slot<StudySession>("needs a study (transfer or boosting); start one first"),
};

/** Set while a test destroys the device on purpose (a destroyed device is otherwise our own doing). */
let simulatedLoss = false;
/** The device is gone: commands wait for `start`. */
let deviceLost = false;

/** Starts the engine (`backend`: the automatic choice, or one named) and watches its device. */
function start(backend: BackendChoice): Promise<Backend> {
  return init({ backend }).then((r) => {
    const limits =
      r.backend instanceof WebGPUBackend
        ? { maxStorageBufferBindingSize: r.backend.limits.maxStorageBufferBindingSize, maxBufferSize: r.backend.limits.maxBufferSize }
        : undefined;
    const threads = r.backend instanceof WasmBackend ? r.backend.threads : undefined;
    post({ type: "backend", kind: r.kind, description: r.description, fallbackReason: r.fallbackReason, threads, limits });
    if (r.backend instanceof WebGPUBackend) {
      const gpu = r.backend;
      (globalThis as { __loseDevice?: () => void }).__loseDevice = () => {
        simulatedLoss = true;
        gpu.device.destroy();
      };
      gpu.device.lost.then((info) => {
        if (info.reason === "destroyed" && !simulatedLoss) return;
        simulatedLoss = false;
        deviceLost = true;
        post({ type: "device-lost", reason: gpu.lost ?? (info.message || "unknown reason") });
        for (const slot of Object.values(slots)) void slot.replace(null);
      });
    }
    return r.backend;
  });
}

/** The engine once `start` has started it (a command before then starts the automatic choice). */
let ready: Promise<Backend> | null = null;
const engine = (): Promise<Backend> => {
  ready ??= start("auto");
  return ready;
};

const reportDisposeError = (e: unknown) => engine().then((backend) => post({ type: "error", message: errorMessage(e, backend) }));

/** Pauses whatever trains besides the session about to start. */
async function pauseOthers(keep: keyof typeof slots): Promise<void> {
  for (const [name, slot] of Object.entries(slots)) if (name !== keep && slot.current?.running) await slot.current.pause();
}

const experiment = (command: Command) => slots.train.for(command);
const race = (command: Command) => slots.race.for(command);
const generative = (command: Command) => slots.generative.for(command);

async function handle(command: Command, backend: Backend): Promise<void> {
  const options: SessionOptions = { backend, post };
  switch (command.type) {
    case "load":
      return slots.train.replace(ExperimentSession.load(command.config, options, command.resume, command.initWeights));
    case "race":
      await pauseOthers("race");
      return slots.race.replace(RaceSession.load(command.config, command.entries, options));
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
    case "examples":
      return experiment(command).examples(command.indices);
    case "sample":
      return experiment(command).sample(command.temperature, command.count);
    case "sequence-inspect":
      return experiment(command).inspectSequence(command.index);
    case "snapshot":
      return experiment(command).snapshot();
    case "transfer-start":
    case "boost-start": {
      await pauseOthers("study");
      await slots.study.replace(null); // the study before ends first: one at a time
      const study =
        command.type === "transfer-start" ? startTransferStudy(command.study, backend, post) : startBoosting(command.config, command.rounds, backend, post); // null: refused, and said so
      return slots.study.replace(study && Promise.resolve(study));
    }
    case "study-stop":
      return slots.study.current?.pause();
    case "race-play":
      await pauseOthers("race");
      return race(command).play();
    case "race-pause":
      return race(command).pause();
    case "gen-load":
      return slots.generative.replace(GenerativeSession.load(command.config, { backend, post }));
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
    case "start":
      return; // handled as it arrives (scope.onmessage)
    default:
      // Every command is handled above (the compiler checks); a message from elsewhere is refused.
      throw new Error(`unknown command ${JSON.stringify((command satisfies never as { type?: unknown }).type)}`);
  }
}

/** Reports what a command threw. */
const report = (err: unknown) =>
  engine().then(
    (backend) => post({ type: "error", message: errorMessage(err, backend) }),
    () => post({ type: "error", message: err instanceof Error ? err.message : String(err) }),
  );

let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent<Command>) => {
  const command = e.data;
  if (command?.type === "start") {
    // Not queued: a command in flight on a lost device may never finish. Its chain is dropped.
    deviceLost = false;
    ready = start(command.backend);
    queue = ready.then(() => undefined, report);
    return;
  }
  if (deviceLost) return; // every session went with the device; the page offers `start`
  queue = queue.then(async () => handle(command, await engine())).catch(report);
};
self.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  post({ type: "error", message: e.reason instanceof Error ? e.reason.message : String(e.reason) });
});
