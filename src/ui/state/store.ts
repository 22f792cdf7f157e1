/**
 * The playground's one state holder. It owns the experiment (the object the URL, the autosave and
 * saved files carry), writes it to the URL and the autosave on every change, owns the connection to
 * the training worker, routes the worker's events to the three sessions (the Train tab's, the race's,
 * the Generative tab's), and autosaves the Train tab's run so that a reload resumes it. Elements
 * subscribe to what they draw (src/ui/state/store-controller.ts) and call its intents; none talks to
 * the worker or to another element.
 */
import type { BackendKind } from "../../backend/backend";
import { isGenerativeEvent } from "../../worker/generative-protocol";
import type { Command, WorkerEvent } from "../../worker/protocol";
import { clause } from "../words";
import { Autosave, indexedDbStore, openExperiment } from "./autosave";
import { BoostingSlice } from "./boosting-slice";
import type { Experiment, Tab } from "./experiment";
import { downloadBlob, downloadExperiment, downloadExport, readExperimentFile } from "./experiment-file";
import { GenerativeSlice } from "./generative-slice";
import { RaceSlice } from "./race-slice";
import { RunAutosave } from "./run-autosave";
import type { SessionHost, SessionName } from "./session-host";
import { TrainSlice } from "./train-slice";
import { TransferSlice } from "./transfer-slice";
import { readBackendChoice, readUrl, writeUrl } from "./url-state";
import { WorkerConnection } from "./worker-connection";

export interface BackendInfo {
  kind: BackendKind;
  description: string;
  fallbackReason?: string;
  /** Threads the wasm backend computes on. */
  threads?: number;
  limits?: { maxStorageBufferBindingSize: number; maxBufferSize: number };
}

/** Which session a command belongs to (an error the worker reports goes to the one commanded last). */
const sessionOf = (command: Command): SessionName =>
  command.type.startsWith("race") || command.type.startsWith("transfer") || command.type.startsWith("boost") || command.type === "study-stop"
    ? "race"
    : command.type.startsWith("gen-")
      ? "generative"
      : "train";

export class PlaygroundStore implements SessionHost {
  experiment: Experiment | null = null;
  backend: BackendInfo | null = null;
  /** A notice about the state (a link or file that could not be opened, a copied link, autosave off). */
  notice = "";
  /** The worker could not start or stopped. */
  fatal = "";
  readonly train = new TrainSlice(this);
  readonly race = new RaceSlice(this);
  readonly generative = new GenerativeSlice(this);
  /** The transfer-learning study (on the Race tab). */
  readonly transfer = new TransferSlice(this);
  /** Boosting the Train tab's experiment (on the Race tab). */
  readonly boosting = new BoostingSlice(this);
  /** Address writes started; only the latest may land. */
  private urlWrites = 0;
  /** Bumped on every change, so that subscribers can tell. */
  version = 0;

  private readonly listeners = new Set<(fromWorker: boolean) => void>();
  /** A worker event is being handled (its changes are drawn at the next frame). */
  private receiving = false;
  private readonly worker = new WorkerConnection(
    (event) => this.receive(event),
    (message) => {
      this.fatal = message;
      this.changed();
    },
  );
  private readonly autosave = new Autosave(indexedDbStore(), { onError: (message) => this.notify(message) });
  private readonly runAutosave = new RunAutosave(this.train);
  private lastSession: SessionName = "train";

  /** Starts the worker and opens the link's experiment, else the autosaved one, else the default. */
  async open(location: Location = window.location): Promise<void> {
    this.worker.start();
    const engine = readBackendChoice(location);
    this.send({ type: "start", backend: engine.choice });
    const opened = await openExperiment(location, indexedDbStore());
    if (opened.message ?? engine.message) this.notice = (opened.message ?? engine.message) as string;
    this.experiment = opened.experiment;
    const run = await this.runAutosave.load(opened.experiment.config);
    if (run) this.train.restore(run.snapshot, run.curves);
    this.save();
    this.train.loadOrResume();
    if (opened.experiment.view.tab === "generative") this.generative.activate();
    this.changed();
  }

  /** Stops the worker and writes what is pending. */
  close(): void {
    this.worker.stop();
    void this.flush();
  }

  /** Writes the experiment and the run now (the page is being hidden or closed). */
  async flush(): Promise<void> {
    await Promise.all([this.autosave.flush(), this.runAutosave.save()]);
  }

  /**
   * Calls `listener` after each change, saying whether the change came from the worker (a report of
   * the run, which can wait for the next frame) or from the page itself (an edit, which must be drawn
   * before the next input event reads what is on screen).
   */
  subscribe(listener: (fromWorker: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    this.version++;
    for (const listener of this.listeners) listener(this.receiving);
  }

  send(command: Command): void {
    // After a lost device the worker has no session: only a restart means anything (continueAfterLoss).
    if (this.train.state.deviceLost && command.type !== "start") return;
    this.lastSession = sessionOf(command);
    this.worker.send(command);
  }

  setExperiment(next: Experiment): void {
    this.experiment = next;
    this.save();
    this.changed();
  }

  notify(message: string): void {
    this.notice = message;
    this.changed();
  }

  pauseOthers(starting: SessionName): void {
    if (starting !== "train") this.train.pausedBy(starting);
    if (starting !== "race") this.race.pausedBy(starting);
    if (starting !== "generative") this.generative.pausedBy(starting);
  }

  private save(): void {
    const e = this.experiment;
    if (!e) return;
    this.autosave.schedule(e);
    // Encoding is asynchronous: two quick edits must not leave the address on the older one.
    const write = ++this.urlWrites;
    void writeUrl(e, window, () => write === this.urlWrites).then((problem) => {
      if (problem) this.notify(problem);
    });
  }

  private receive(event: WorkerEvent): void {
    this.receiving = true;
    try {
      this.route(event);
    } finally {
      this.receiving = false;
    }
  }

  private route(event: WorkerEvent): void {
    if (isGenerativeEvent(event)) {
      if (event.type === "gen-exported")
        for (const f of event.files)
          downloadBlob(new Blob([f.contents as BlobPart], { type: f.name.endsWith(".py") ? "text/x-python" : "application/octet-stream" }), f.name);
      else this.generative.receive(event);
      return;
    }
    switch (event.type) {
      case "backend":
        this.backend = event;
        this.changed();
        return;
      case "race-steps":
      case "race-epoch":
      case "race-ensemble":
      case "race-boundaries":
        this.race.receive(event);
        return;
      case "transfer-phase":
      case "transfer-pretrained":
      case "transfer-result":
        this.transfer.receive(event);
        return;
      case "boost-round":
        this.boosting.receive(event);
        return;
      case "study-state":
        (event.study === "transfer" ? this.transfer : this.boosting).receive(event);
        return;
      case "state":
        if (event.race) this.race.receive(event);
        else {
          this.train.receive(event);
          if (!event.running) void this.runAutosave.save(); // paused, finished, or a fresh run (which removes the saved one)
        }
        return;
      case "exported":
        downloadExport(event);
        return;
      case "error":
        if (this.lastSession === "race") this.race.failed(event.message);
        else if (this.lastSession === "generative") this.generative.failed(event.message);
        else this.train.receive(event);
        return;
      case "epoch":
      case "steps":
        this.train.receive(event);
        this.runAutosave.maybeSave(); // also what training goes on from if the device is lost
        return;
      case "device-lost": {
        const lost = `The GPU device was lost (${event.reason})`;
        this.train.deviceLost(event.reason, this.backend?.kind === "webgpu", this.savedRun());
        this.race.failed(`${lost}; the race stopped. Start it again after continuing in the Train tab.`);
        this.generative.failed(`${lost}; load the model again after continuing in the Train tab.`);
        return;
      }
      case "loading":
      case "estimate":
      case "dataset":
      case "model":
      case "boundary":
      case "test":
      case "inside":
      case "feature-maps":
      case "modes":
      case "init-weights":
      case "augmented":
      case "examples":
      case "samples":
      case "snapshot":
        this.train.receive(event);
        return;
      default:
        event satisfies never;
    }
  }

  // ---- Page-wide intents ----

  setTab(tab: Tab): void {
    const e = this.experiment;
    if (!e || e.view.tab === tab) return;
    this.setExperiment({ ...e, view: { tab } });
    if (tab === "generative") this.generative.activate();
  }

  /**
   * After a lost device: starts a new GPU device (or the CPU's wasm backend) in the worker and goes
   * on training from the run's last saved snapshot (weights, optimizer state and curves), in one click.
   */
  continueAfterLoss(backend: "webgpu" | "wasm"): void {
    const saved = this.savedRun();
    this.send({ type: "start", backend });
    this.train.continueAfterLoss(saved); // clears the lost state, so its load and play go through
  }

  /** The last saved snapshot of the run on screen (null when none, or when it is another config's). */
  private savedRun() {
    const latest = this.runAutosave.latest;
    const loaded = this.train.state.loaded;
    return latest && loaded && latest.snapshot.config === JSON.stringify(loaded) ? latest : null;
  }

  dismissNotice(): void {
    this.notify("");
  }

  async copyLink(): Promise<void> {
    try {
      await navigator.clipboard.writeText(window.location.href);
      this.notify("Link copied: it opens this experiment (data, model, optimizer, seed and settings) for anyone.");
    } catch {
      this.notify("The browser did not allow copying; copy the address bar instead: it holds the whole experiment.");
    }
  }

  saveFile(): void {
    if (this.experiment) downloadExperiment(this.experiment);
  }

  /** A link pasted into the address bar of the open page (the hash changed): its experiment replaces this one. */
  async openLink(location: Location = window.location): Promise<void> {
    const read = await readUrl(location);
    if (read.message) {
      this.notify(`${clause(read.message)}. Your current experiment is unchanged.`);
      return;
    }
    if (!read.fromUrl || JSON.stringify(read.experiment) === JSON.stringify(this.experiment)) return;
    this.notify("Opened the experiment in the link.");
    this.replace(read.experiment);
  }

  /** Another experiment (an opened file or link) replaces this one and its runs. */
  private replace(experiment: Experiment): void {
    this.setExperiment(experiment);
    this.train.load();
    this.generative.configReplaced();
  }

  async openFile(file: File): Promise<void> {
    const read = await readExperimentFile(file);
    if ("message" in read) {
      this.notify(`${file.name} was not opened: ${clause(read.message)}. Your current experiment is unchanged.`);
      return;
    }
    this.notify(`Opened ${file.name}.`);
    this.replace(read.experiment);
  }
}
