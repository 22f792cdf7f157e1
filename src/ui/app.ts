/**
 * <dl-app>: the playground's layout shell. It makes the store (src/ui/state/store.ts), provides it
 * to every element below as a Lit context, and lays out the header (tabs, engine badge, Share, Save,
 * Open, Weights ↓), the banners and the three tabs. The Train tab is built at once; the optimizer race
 * and the Generative tab are loaded on their first visit, so the first script stays small. Everything
 * else (the experiment, the worker, the sessions) lives in the store.
 */
import { ContextProvider } from "@lit/context";
import { html, LitElement, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { appStyles } from "./app-styles";
import type { Tab } from "./state/experiment";
import { type BackendInfo, PlaygroundStore } from "./state/store";
import { storeContext } from "./state/store-controller";
import { CLASS_COLORS, fileButton, theme } from "./theme";
import "./train/train-tab";
import { clause } from "./words";

/** The tabs in the header, in order (the surfaces live inside the race tab). */
const TABS: { id: Exclude<Tab, "surfaces">; label: string }[] = [
  { id: "train", label: "Train" },
  { id: "race", label: "Race" },
  { id: "generative", label: "Generative" },
];

/** The tabs loaded on first visit. */
const LAZY: Record<"race" | "generative", () => Promise<unknown>> = {
  race: () => import("./race/race-tab"),
  generative: () => import("./generative/generative-tab"),
};

const shownTab = (tab: Tab | undefined): Exclude<Tab, "surfaces"> => (tab === "surfaces" ? "race" : (tab ?? "train"));

@customElement("dl-app")
export class App extends LitElement {
  static override styles = [theme, fileButton, appStyles];

  readonly store = new PlaygroundStore();
  /** Tabs whose code has loaded (the Train tab is in this script). */
  @state() private _loaded = new Set<string>(["train"]);
  /** Weights ↓ was pressed before any training: the banner asks first. */
  @state() private _confirmUntrained = false;

  /** The animation frame that will draw the worker's latest reports, while one is pending. */
  private frame = 0;

  constructor() {
    super();
    new ContextProvider(this, { context: storeContext, initialValue: this.store });
    // Drawn as the elements below are (src/ui/state/store-controller.ts): the worker's reports at
    // the next frame, the page's own changes at once. The facts the flows read (data-test-step...)
    // then never run ahead of what is on screen: a report is drawn in the frame that states it.
    this.store.subscribe((fromWorker) => {
      if (!fromWorker) {
        cancelAnimationFrame(this.frame);
        this.frame = 0;
        this.requestUpdate();
        return;
      }
      this.frame ||= requestAnimationFrame(() => {
        this.frame = 0;
        this.requestUpdate();
      });
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("pagehide", this.flush);
    window.addEventListener("hashchange", this.onHash);
    document.addEventListener("visibilitychange", this.onVisibility);
    void this.store.open();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener("pagehide", this.flush);
    window.removeEventListener("hashchange", this.onHash);
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.store.close();
  }

  private readonly flush = () => void this.store.flush();
  private readonly onHash = () => void this.store.openLink();
  private readonly onVisibility = () => {
    if (document.visibilityState === "hidden") this.flush();
  };

  protected override willUpdate(): void {
    const tab = shownTab(this.store.experiment?.view.tab);
    if (tab !== "train" && !this._loaded.has(tab))
      void LAZY[tab]().then(() => {
        this._loaded = new Set([...this._loaded, tab]);
      });
  }

  /** Facts the browser flows wait on, as attributes of <dl-app>. */
  protected override updated(): void {
    const s = this.store.train.state;
    const d = this.dataset;
    d.testStep = String(s.test?.step ?? "");
    if (s.status === "loading" || s.status === "starting") delete d.testStep;
    d.step = String(s.step);
    d.loss = String(s.loss);
    d.firstLoss = String(s.firstLoss);
    d.boundaryStep = String(s.boundary?.step ?? "");
    d.testAccuracy = String(s.test?.accuracy ?? "");
    d.raceEpochs = String(this.store.race.state.epochs.length);
    const m = s.engineMemory;
    if (m) d.engineMemory = `${m.tensors} ${m.buffers} ${m.bytes}`; // tensors, device buffers, bytes: the soak flow checks they stay flat
  }

  private selectTab(tab: Exclude<Tab, "surfaces">, focus = false): void {
    this.store.setTab(tab);
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-testid="tab-${tab}"]`)?.focus());
  }

  /** Arrow keys, Home and End move between the tabs (the WAI-ARIA tabs pattern). */
  private onTabKey(e: KeyboardEvent): void {
    const ids = TABS.map((t) => t.id);
    const at = ids.indexOf(shownTab(this.store.experiment?.view.tab));
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: ids.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    this.selectTab(ids[(next + ids.length) % ids.length], true);
  }

  private downloadWeights(): void {
    if (this.store.train.state.step === 0 && !this._confirmUntrained) {
      this._confirmUntrained = true;
      return;
    }
    this._confirmUntrained = false;
    this.store.train.exportWeights();
  }

  private async openFile(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (file) await this.store.openFile(file);
  }

  private get rate(): string {
    const { train, race, generative } = this.store;
    if (train.state.status === "running") return `${train.state.stepsPerSecond.toFixed(0)} steps/s`;
    if (race.state.running) return `${race.state.stepsPerSecond.toFixed(0)} steps/s`;
    if (generative.state.running) return `${generative.state.rate.toFixed(generative.state.rate < 10 ? 1 : 0)} it/s`;
    return "";
  }

  private renderHeader(tab: Exclude<Tab, "surfaces">) {
    const b = this.store.backend;
    const trained = this.store.train.state.layers.length > 0;
    return html`
      <header>
        <div class="brand">
          <div class="logo" aria-hidden="true">${CLASS_COLORS.slice(0, 3).map((c) => html`<i style="background:${c}"></i>`)}</div>
          <h1>Deep Learning Playground</h1>
        </div>
        <nav role="tablist" aria-label="Views" @keydown=${this.onTabKey}>
          ${TABS.map(
            ({ id, label }) =>
              html`<button role="tab" id="tab-${id}" aria-controls="panel-${id}" aria-selected=${tab === id} tabindex=${tab === id ? 0 : -1} class="tab" data-testid="tab-${id}" @click=${() => this.selectTab(id)}>${label}</button>`,
          )}
        </nav>
        <div class="spacer"></div>
        <div class="rate" aria-live="off" data-testid="rate">${this.rate}</div>
        <div class="badge ${b?.kind ?? ""}" title=${b?.description ?? ""} data-testid="backend">
          <span class="dot"></span>
          <span>${backendLabel(b)}</span>
        </div>
        <div class="actions">
          <button @click=${() => this.store.copyLink()} title="Copy a link that reproduces this experiment" data-testid="copy-link">Share</button>
          <button @click=${() => this.store.saveFile()} title="Save the experiment as a file" data-testid="export-experiment">Save</button>
          <label class="button" title="Open an experiment file">Open<input type="file" accept=".json,application/json" aria-label="Open an experiment file" @change=${this.openFile} data-testid="import-experiment" /></label>
          <button @click=${this.downloadWeights} ?disabled=${!trained} title="Download the Train tab's weights (safetensors) and a PyTorch script that loads them" data-testid="download-weights">Weights ↓</button>
        </div>
      </header>
      ${backendBanner(b)}
      ${this.store.fatal ? html`<div class="banner warn" role="alert">${this.store.fatal}</div>` : nothing}
      ${
        this._confirmUntrained
          ? html`<div class="banner warn" role="alert" data-testid="untrained-warning"><span>The model has not trained yet (step 0): its weights are the random initial ones. Train it first, or download them anyway.</span>
              <button @click=${this.downloadWeights} data-testid="download-anyway">Download anyway</button><button class="close" aria-label="Cancel" @click=${() => (this._confirmUntrained = false)}>✕</button></div>`
          : nothing
      }
      ${this.store.notice ? html`<div class="banner" role="status" data-testid="notice"><span>${this.store.notice}</span><button class="close" aria-label="Dismiss" @click=${() => this.store.dismissNotice()}>✕</button></div>` : nothing}
    `;
  }

  private panel(id: Exclude<Tab, "surfaces">, tab: string, content: unknown) {
    return html`<div role="tabpanel" id="panel-${id}" aria-labelledby="tab-${id}" ?hidden=${tab !== id}>${content}</div>`;
  }

  override render() {
    const e = this.store.experiment;
    const tab = shownTab(e?.view.tab);
    const loading = html`<p class="loading">Loading…</p>`;
    return html`
      ${this.renderHeader(tab)}
      ${
        !e
          ? html`<p class="loading">Opening your experiment…</p>`
          : html`${this.panel("train", tab, html`<dl-train-tab></dl-train-tab>`)}
              ${this.panel("race", tab, this._loaded.has("race") ? html`<dl-race-tab></dl-race-tab>` : tab === "race" ? loading : nothing)}
              ${this.panel("generative", tab, this._loaded.has("generative") ? html`<dl-generative-tab ?active=${tab === "generative"}></dl-generative-tab>` : tab === "generative" ? loading : nothing)}`
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-app": App;
  }
}

/** "1 thread", "4 threads". */
const threads = (n = 1) => `${n} thread${n === 1 ? "" : "s"}`;

/** The header badge: which engine computes (its full description is the badge's tooltip). */
function backendLabel(b: BackendInfo | null): string {
  if (!b) return "Starting the engine…";
  if (b.kind === "wasm") return `WebAssembly · ${threads(b.threads)}`;
  if (b.kind === "cpu") return b.fallbackReason ? "CPU · no WebGPU" : "CPU";
  return b.description;
}

/** When the automatic choice could not take a GPU: why, and what runs instead. */
function backendBanner(b: BackendInfo | null) {
  if (!b?.fallbackReason) return nothing;
  const why = clause(b.fallbackReason);
  if (b.kind === "wasm")
    return html`<div class="banner" role="status" data-testid="backend-note">No GPU for WebGPU: ${why}. Training runs on WebAssembly SIMD on ${threads(b.threads)} of the CPU instead: MLPs and small CNNs train quickly; large CNNs and GANs are faster on a GPU.</div>`;
  return html`<div class="banner warn" role="status" data-testid="backend-note">WebGPU is unavailable: ${why}. Training runs on the CPU reference backend: correct, but many times slower; small models and datasets still train well.</div>`;
}
