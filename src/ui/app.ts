/**
 * <dl-app>: the playground page. Holds the experiment (the object the URL, the autosave and saved
 * files carry), talks to the training worker (the engine trains off the main thread), and lays out
 * the header and the tabs: Train (data, training settings, model builder, results), Optimizer
 * race, and Generative (GANs and autoencoders). Every edit is written to the URL and autosaved; a change that cannot apply while training
 * waits for a reset and says so.
 */
import { html, LitElement, nothing } from "lit";
import { customElement, query, state } from "lit/decorators.js";
import type { GenerativeConfig } from "../generative/config";
import type { LayerSummary } from "../nn/build";
import type { DataConfig, ExperimentConfig } from "../train/config";
import type { GenerativeCommand } from "../worker/generative-protocol";
import type { BoundaryReport, DatasetPreview, FeatureMapsReport, InsideReport, RaceEntry, RaceEpoch, TestReport, WorkerEvent } from "../worker/protocol";
import "./data-panel";
import "./generative/generative-view";
import { appStyles } from "./app-styles";
import type { GenerativeView } from "./generative/generative-view";
import { describeEntry, type RaceView } from "./race-view";
import "./model-builder";
import "./race-view";
import "./results-view";
import type { ResultsView } from "./results-view";
import { Autosave, indexedDbStore, openExperiment } from "./state/autosave";
import { defaultConfigFor, defaultGenerative, type Experiment, ExperimentError, isPointData, type Tab } from "./state/experiment";
import { downloadExperiment, downloadExport, readExperimentFile } from "./state/experiment-file";
import { writeUrl } from "./state/url-state";
import { CLASS_COLORS, theme } from "./theme";
import "./training-panel";
import type { ControlAction } from "./training-panel";
import { WorkerClient } from "./worker-client";

interface BackendInfo {
  kind: "webgpu" | "cpu";
  description: string;
  fallbackReason?: string;
}

const REGRESSION_LOSSES = new Set(["mse", "l1", "huber"]);
const IMAGE_DATA = new Set(["mnist", "fashion-mnist"]);

/** Which family a dataset belongs to: switching family needs a new model, switching within keeps it. */
function dataFamily(data: DataConfig): string {
  if (isPointData(data.name)) return defaultConfigFor(data.name).loss === "mse" ? "points-regression" : "points";
  return IMAGE_DATA.has(data.name) ? "images" : data.name;
}

const EMPTY_LATEST = { step: 0, epoch: 0, loss: Number.NaN, valLoss: Number.NaN, valAccuracy: Number.NaN };

@customElement("dl-app")
export class App extends LitElement {
  static override styles = [theme, appStyles];

  @state() private _experiment: Experiment | null = null;
  @state() private _backend: BackendInfo | null = null;
  /** A notice about the state (a link or file that could not be opened, autosave off); dismissable. */
  @state() private _notice = "";
  /** A training problem (bad config, divergence, lost device). */
  @state() private _error = "";
  @state() private _running = false;
  @state() private _done = false;
  @state() private _doneReason = "";
  /** A change waits for a reset to apply. */
  @state() private _stale = false;
  @state() private _stepsPerSecond = 0;
  @state() private _latest = { ...EMPTY_LATEST };
  @state() private _preview: DatasetPreview | null = null;
  @state() private _augmented: { channels: number; height: number; width: number; pixels: Uint8Array; originals: Uint8Array } | undefined;
  @state() private _boundary: BoundaryReport | null = null;
  @state() private _test: TestReport | null = null;
  @state() private _inside: InsideReport | null = null;
  @state() private _featureMaps: FeatureMapsReport | null = null;
  @state() private _layers: LayerSummary[] = [];
  @state() private _raceRunning = false;
  @state() private _raceStarted = false;
  @state() private _raceFinished = false;
  @state() private _raceEpochs: RaceEpoch[] = [];
  @state() private _raceLabels: string[] = [];

  @query("dl-results") private results?: ResultsView;
  @query("dl-race-view") private raceView?: RaceView;
  @query("dl-generative-view") private generativeView?: GenerativeView;

  private readonly worker = new WorkerClient(
    this,
    (event) => this.receive(event),
    (message) => {
      this._error = message;
      this._running = false;
    },
  );
  private readonly autosave = new Autosave(indexedDbStore(), { onError: (message) => (this._notice = message) });
  private firstLoss = Number.NaN;
  /** A reload scheduled by an edit and not yet sent (see scheduleLoad). */
  private loadTimer: ReturnType<typeof setTimeout> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("pagehide", this.flush);
    void this.open();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener("pagehide", this.flush);
    void this.autosave.flush();
  }

  private readonly flush = () => void this.autosave.flush();

  /** Opens the link's experiment, else the autosaved one, else the default, and loads it. */
  private async open(): Promise<void> {
    const opened = await openExperiment(window.location, indexedDbStore());
    if (opened.message) this._notice = opened.message;
    this._experiment = opened.experiment;
    this.save();
    this.load();
  }

  /** Writes the experiment to the URL and schedules the autosave. */
  private save(): void {
    const e = this._experiment;
    if (!e) return;
    this.autosave.schedule(e);
    void writeUrl(e, window).then((problem) => {
      if (problem) this._notice = problem;
    });
  }

  private setExperiment(next: Experiment): void {
    this._experiment = next;
    this.save();
  }

  private setConfig(config: ExperimentConfig, options: { reload: boolean }): void {
    if (!this._experiment) return;
    this.setExperiment({ ...this._experiment, config });
    if (!options.reload) return;
    if (this._latest.step > 0 && !this._done) this._stale = true;
    else this.scheduleLoad();
  }

  /** Reloads the worker's session soon (edits in quick succession load once). */
  private scheduleLoad(): void {
    clearTimeout(this.loadTimer);
    this.loadTimer = setTimeout(() => this.load(), 250);
  }

  /** Builds a fresh session from the experiment: new weights, empty curves. */
  private load(): void {
    clearTimeout(this.loadTimer);
    this.loadTimer = undefined;
    const e = this._experiment;
    if (!e) return;
    this._error = "";
    this._stale = false;
    this._running = false;
    this._done = false;
    this._doneReason = "";
    this._latest = { ...EMPTY_LATEST };
    this._boundary = null;
    this._test = null;
    this._inside = null;
    this._featureMaps = null;
    this._augmented = undefined;
    this.firstLoss = Number.NaN;
    this.results?.clear();
    this.dataset.step = "0";
    delete this.dataset.boundaryStep;
    delete this.dataset.testStep;
    delete this.dataset.testAccuracy;
    this.worker.send({ type: "load", config: e.config });
  }

  private receive(event: WorkerEvent): void {
    if (event.type.startsWith("gen-")) {
      this.generativeView?.receive(event as Parameters<GenerativeView["receive"]>[0]);
      return;
    }
    switch (event.type) {
      case "backend":
        this._backend = event;
        break;
      case "dataset":
        this._preview = event.preview;
        break;
      case "model":
        this._layers = event.layers;
        break;
      case "steps": {
        this.results?.addSteps(event);
        const n = event.steps.length;
        if (n === 0) break;
        const loss = event.losses[n - 1];
        if (Number.isNaN(this.firstLoss)) this.firstLoss = event.losses[0];
        this._latest = { ...this._latest, step: event.steps[n - 1], epoch: event.epoch, loss };
        this._stepsPerSecond = event.stepsPerSecond;
        this.dataset.step = String(event.steps[n - 1]);
        this.dataset.loss = String(loss);
        this.dataset.firstLoss = String(this.firstLoss);
        break;
      }
      case "epoch":
        this.results?.addEpoch(event);
        this._latest = { ...this._latest, epoch: event.epoch, valLoss: event.val.loss, valAccuracy: event.val.accuracy };
        break;
      case "boundary":
        this._boundary = event;
        this.dataset.boundaryStep = String(event.step);
        break;
      case "test":
        this._test = event;
        this.dataset.testAccuracy = String(event.accuracy);
        this.dataset.testStep = String(event.step);
        break;
      case "inside":
        this._inside = event;
        break;
      case "feature-maps":
        this._featureMaps = event;
        break;
      case "augmented":
        this._augmented = event;
        break;
      case "exported":
        downloadExport(event);
        break;
      case "race-steps":
        this.raceView?.addRaceSteps(event);
        if (event.entry === 0 && event.steps.length) this.raceRate(event.steps[event.steps.length - 1]);
        break;
      case "race-epoch":
        this.raceView?.addRaceEpoch(event);
        this._raceEpochs = [...this._raceEpochs, event];
        this.dataset.raceEpochs = String(this._raceEpochs.length);
        break;
      case "state":
        if (event.race) {
          this._raceRunning = event.running;
          this._raceFinished = event.done;
        } else {
          this._running = event.running;
          this._done = event.done;
          this._doneReason = event.reason ?? "";
        }
        break;
      case "error":
        this._error = event.message;
        break;
    }
  }

  // ---- Train tab ----

  private onControl(action: ControlAction): void {
    if (action === "reset") {
      this.load();
      return;
    }
    // An edit's reload still waiting, or one the user deferred, goes first: the worker handles
    // commands in order, so the new session is the one that plays or steps.
    if (this._stale || this.loadTimer !== undefined) this.load();
    if (action === "play") this._error = "";
    this.worker.send({ type: action });
  }

  private onTrainingChange(config: ExperimentConfig, live: boolean): void {
    if (live && this._latest.step > 0) {
      this.setConfig(config, { reload: false });
      this.worker.send({ type: "tune", optimizer: config.optimizer, regularization: config.regularization ?? { l1: 0, l2: 0 } });
      return;
    }
    this.setConfig(config, { reload: true });
  }

  private onDataChange(data: DataConfig): void {
    const e = this._experiment;
    if (!e) return;
    const sameFamily = dataFamily(data) === dataFamily(e.config.data) && data.name !== "csv";
    let config: ExperimentConfig;
    try {
      config = sameFamily ? { ...e.config, data } : { ...defaultConfigFor(data), name: data.name };
    } catch (err) {
      this._error = err instanceof ExperimentError ? err.message : String(err);
      return;
    }
    this._preview = null; // until the worker previews the new data
    this._stale = false;
    this.setExperiment({ ...e, config });
    this.scheduleLoad();
  }

  private onAugmentChange(augment: ExperimentConfig["training"]["augment"]): void {
    const e = this._experiment;
    if (!e) return;
    const training = { ...e.config.training, augment };
    if (!augment) delete training.augment;
    this.setConfig({ ...e.config, training }, { reload: true });
  }

  private onSpecChange(spec: ExperimentConfig["model"], valid: boolean): void {
    const e = this._experiment;
    if (!e || JSON.stringify(spec) === JSON.stringify(e.config.model)) return;
    this.setExperiment({ ...e, config: { ...e.config, model: spec } });
    if (valid) this.setConfig(this._experiment!.config, { reload: true });
  }

  // ---- Race tab ----

  private raceClock = { step: 0, time: 0 };

  /** Steps per second of the race (one step = every optimizer stepping once), over the last half second or more. */
  private raceRate(step: number): void {
    const now = performance.now();
    const { step: s0, time: t0 } = this.raceClock;
    if (t0 === 0 || step < s0) this.raceClock = { step, time: now };
    else if (now - t0 > 500) {
      this._stepsPerSecond = ((step - s0) * 1000) / (now - t0);
      this.raceClock = { step, time: now };
    }
  }

  private onRaceControl(action: "start" | "play" | "pause"): void {
    const e = this._experiment;
    if (!e) return;
    if (action === "start") {
      this._raceEpochs = [];
      this._raceLabels = e.race.map((r) => r.label);
      this._raceStarted = true;
      this._raceFinished = false;
      this.raceView?.startSeries(this._raceLabels);
      this.raceClock = { step: 0, time: 0 };
      this._running = false;
      this.worker.send({ type: "race", config: e.config, entries: e.race });
      this.worker.send({ type: "race-play" });
      return;
    }
    this.worker.send({ type: action === "play" ? "race-play" : "race-pause" });
  }

  private onRaceChange(entries: RaceEntry[]): void {
    const e = this._experiment;
    if (!e) return;
    this._raceStarted = false;
    this.setExperiment({ ...e, race: entries });
  }

  // ---- Header actions ----

  private setTab(tab: Tab): void {
    const e = this._experiment;
    if (!e || e.view.tab === tab) return;
    if (tab !== "train" && this._running) this.worker.send({ type: "pause" });
    if ((tab === "train" || tab === "generative") && this._raceRunning) this.worker.send({ type: "race-pause" });
    if (tab !== "generative" && this.generativeView?.running) this.worker.send({ type: "gen-pause" });
    this._error = "";
    this.setExperiment({ ...e, view: { tab } });
  }

  private async copyLink(): Promise<void> {
    try {
      await navigator.clipboard.writeText(window.location.href);
      this._notice = "Link copied: it opens this experiment (data, model, optimizer, seed and settings) for anyone.";
    } catch {
      this._notice = "The browser did not allow copying; copy the address bar instead: it holds the whole experiment.";
    }
  }

  private async importFile(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    const read = await readExperimentFile(file);
    if ("message" in read) {
      this._notice = `${file.name} was not opened: ${read.message}. Your current experiment is unchanged.`;
      return;
    }
    this._notice = `Opened ${file.name}.`;
    this.setExperiment(read.experiment);
    this.load();
  }

  private get task(): "classification" | "regression" {
    return REGRESSION_LOSSES.has(this._experiment?.config.loss ?? "") ? "regression" : "classification";
  }

  /** Per-example input shape, from the preview (or the dataset's kind before it arrives). */
  private get inputShape(): number[] {
    const p = this._preview;
    if (p?.kind === "images") return [p.channels, p.height, p.width];
    if (p?.kind === "table") return [p.columns.length];
    if (p?.kind === "points") return [2];
    const name = this._experiment?.config.data.name ?? "spiral";
    return IMAGE_DATA.has(name) ? [1, 28, 28] : name === "iris" ? [4] : [2];
  }

  private get outputSize(): number {
    if (this.task === "regression") return 1;
    const p = this._preview;
    if (p?.kind === "points") return p.classes;
    if (p?.classNames.length) return p.classNames.length;
    // Before the new data's preview arrives: the output its default model has (e.g. 2 for moons).
    const data = this._experiment?.config.data;
    const layers = data?.name === "csv" ? (this._experiment?.config.model.layers ?? []) : defaultConfigFor(data ?? "spiral").model.layers;
    const last = layers[layers.length - 1];
    return last?.type === "linear" ? last.units : 3;
  }

  private renderHeader() {
    const b = this._backend;
    const tab = this._experiment?.view.tab ?? "train";
    const tabs: [Tab, string][] = [
      ["train", "Train"],
      ["race", "Optimizer race"],
      ["generative", "Generative"],
    ];
    return html`
      <header>
        <div class="brand">
          <div class="logo" aria-hidden="true">${CLASS_COLORS.slice(0, 3).map((c) => html`<i style="background:${c}"></i>`)}</div>
          <h1>Deep Learning Playground</h1>
        </div>
        <nav role="tablist" aria-label="Views">
          ${tabs.map(
            ([id, label]) =>
              html`<button role="tab" aria-selected=${tab === id || (id === "race" && tab === "surfaces")} class="tab" data-testid="tab-${id}" @click=${() => this.setTab(id)}>${label}</button>`,
          )}
        </nav>
        <div class="spacer"></div>
        <div class="rate" aria-live="polite" data-testid="rate">${this._running || this._raceRunning ? `${this._stepsPerSecond.toFixed(0)} steps/s` : ""}</div>
        <div class="badge ${b?.kind ?? ""}" title=${b?.fallbackReason ?? b?.description ?? ""} data-testid="backend">
          <span class="dot"></span>
          <span>${!b ? "Starting the engine…" : b.kind === "cpu" ? "CPU · no WebGPU" : b.description}</span>
        </div>
        <div class="actions">
          <button @click=${this.copyLink} title="Copy a link that reproduces this experiment" data-testid="copy-link">Share</button>
          <button @click=${() => this._experiment && downloadExperiment(this._experiment)} title="Save the experiment as a file" data-testid="export-experiment">Save</button>
          <label class="button" title="Open an experiment file">Open<input type="file" accept=".json,application/json" @change=${this.importFile} data-testid="import-experiment" /></label>
          <button @click=${() => this.worker.send({ type: "export" })} ?disabled=${!this._layers.length} title="Download the weights (safetensors) and a PyTorch script that loads them" data-testid="download-weights">Weights ↓</button>
        </div>
      </header>
      ${
        b?.kind === "cpu"
          ? html`<div class="banner warn" role="status">WebGPU is unavailable: ${b.fallbackReason ?? "the browser has no WebGPU"}. Training runs on the CPU reference backend: correct, but many times slower; small models and datasets still train well.</div>`
          : nothing
      }
      ${this._notice ? html`<div class="banner" role="status" data-testid="notice"><span>${this._notice}</span><button class="close" aria-label="Dismiss" @click=${() => (this._notice = "")}>✕</button></div>` : nothing}
    `;
  }

  private renderTrain(e: Experiment) {
    const c = e.config;
    const subject = `${this._layers.length ? `${this._layers.length} layers` : "the model"}`;
    return html`
      <main class="train">
        <aside class="side">
          <section class="card"><h2>Data</h2>
            <dl-data-panel .config=${c.data} .augment=${c.training.augment} .preview=${this._preview ?? undefined} .augmented=${this._augmented} ?disabled=${this._running}
              @data-change=${(ev: CustomEvent<{ data: DataConfig }>) => this.onDataChange(ev.detail.data)}
              @augment-change=${(ev: CustomEvent<{ augment: ExperimentConfig["training"]["augment"] }>) => this.onAugmentChange(ev.detail.augment)}
              @augment-preview=${(ev: CustomEvent<{ count: number }>) => this.worker.send({ type: "augment-preview", count: ev.detail.count })}></dl-data-panel>
          </section>
          <section class="card"><h2>Training</h2>
            <dl-training-panel .config=${c} ?running=${this._running} ?done=${this._done} .step=${this._latest.step} .epoch=${this._latest.epoch}
              @control=${(ev: CustomEvent<{ action: ControlAction }>) => this.onControl(ev.detail.action)}
              @config-change=${(ev: CustomEvent<{ config: ExperimentConfig; live: boolean }>) => this.onTrainingChange(ev.detail.config, ev.detail.live)}></dl-training-panel>
            ${this._stale ? html`<p class="stale" data-testid="stale">Some changes apply on reset. <button @click=${() => this.load()}>Reset now</button></p>` : nothing}
            ${this._done && this._doneReason ? html`<p class="done">Finished: ${this._doneReason}.</p>` : nothing}
          </section>
        </aside>
        <section class="card builder" aria-label="Model"><h2>Model · ${subject}</h2>
          <dl-model-builder data-testid="train-builder" .spec=${c.model} .inputShape=${this.inputShape} .outputSize=${this.outputSize} .task=${this.task} ?disabled=${this._running}
            @spec-change=${(ev: CustomEvent<{ spec: ExperimentConfig["model"]; valid: boolean }>) => this.onSpecChange(ev.detail.spec, ev.detail.valid)}></dl-model-builder>
        </section>
        <div class="results">
          ${this._error ? html`<div class="error" role="alert" data-testid="error">${this._error}</div>` : nothing}
          <dl-results .preview=${this._preview} .boundary=${this._boundary} .test=${this._test} .inside=${this._inside} .featureMaps=${this._featureMaps} .latest=${this._latest}
            ?regression=${this.task === "regression"} @inspect=${(ev: CustomEvent<{ index: number }>) => this.worker.send({ type: "inspect", index: ev.detail.index })}></dl-results>
        </div>
      </main>
    `;
  }

  private renderRace(e: Experiment) {
    const d = e.config.data.name;
    return html`
      ${this._error ? html`<div class="error race-error" role="alert">${this._error}</div>` : nothing}
      <dl-race-view .entries=${e.race} ?running=${this._raceRunning} ?started=${this._raceStarted} ?finished=${this._raceFinished} .epochs=${this._raceEpochs} .labels=${this._raceLabels}
        subject=${`the Train tab's model on ${d}`}
        @race-change=${(ev: CustomEvent<{ entries: RaceEntry[] }>) => this.onRaceChange(ev.detail.entries.map((r) => ({ ...r, label: r.label || describeEntry(r.optimizer) })))}
        @race-control=${(ev: CustomEvent<{ action: "start" | "play" | "pause" }>) => this.onRaceControl(ev.detail.action)}></dl-race-view>
    `;
  }

  /** The Generative tab is built when first shown (then kept, so its run and views survive tab switches). */
  private generativeVisited = false;

  override willUpdate(): void {
    if (this._experiment?.view.tab === "generative") this.generativeVisited = true;
  }

  private renderGenerative(e: Experiment, active: boolean) {
    return html`<dl-generative-view .config=${e.generative ?? defaultGenerative()} ?active=${active} .error=${active ? this._error : ""}
      @gen-command=${(ev: CustomEvent<GenerativeCommand>) => {
        if (ev.detail.type === "gen-play") this._error = "";
        this.worker.send(ev.detail);
      }}
      @generative-change=${(ev: CustomEvent<{ config: GenerativeConfig }>) => this.setExperiment({ ...e, generative: ev.detail.config })}></dl-generative-view>`;
  }

  override render() {
    const e = this._experiment;
    const tab = e?.view.tab ?? "train";
    return html`
      ${this.renderHeader()}
      ${
        !e
          ? html`<p class="loading">Opening your experiment…</p>`
          : html`<div ?hidden=${tab !== "train"}>${this.renderTrain(e)}</div>
              <div ?hidden=${tab !== "race" && tab !== "surfaces"}>${this.renderRace(e)}</div>
              <div ?hidden=${tab !== "generative"}>${this.generativeVisited ? this.renderGenerative(e, tab === "generative") : nothing}</div>`
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-app": App;
  }
}
