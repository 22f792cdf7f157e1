/**
 * <dl-app>: the playground page. Holds the experiment's state, talks to the training worker (the
 * engine never runs on the main thread), and lays out the header, the controls, the decision
 * boundary and the loss chart.
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement, query, state } from "lit/decorators.js";
import type { PointModelConfig } from "../worker/point-session";
import type { Command, DataConfig, WorkerEvent } from "../worker/protocol";
import type { Boundary, Points } from "./boundary-plot";
import "./boundary-plot";
import "./loss-chart";
import type { LossChart } from "./loss-chart";
import { CLASS_COLORS, theme } from "./theme";

interface BackendInfo {
  kind: "webgpu" | "cpu";
  description: string;
  fallbackReason?: string;
}

const LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
const ARCHITECTURES: Record<string, number[]> = { "16": [16], "32 · 32": [32, 32], "64 · 64": [64, 64], "32 · 32 · 32": [32, 32, 32] };

@customElement("dl-app")
export class App extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        min-height: 100vh;
        background: var(--bg);
      }
      header {
        display: flex;
        align-items: center;
        gap: 16px;
        padding: 14px 28px;
        border-bottom: 1px solid var(--border);
        background: #0d1527;
      }
      .logo {
        display: flex;
        gap: 4px;
      }
      .logo i {
        width: 10px;
        height: 10px;
        border-radius: 50%;
        display: block;
      }
      h1 {
        font-size: 18px;
        margin: 0;
        font-weight: 650;
        letter-spacing: -0.01em;
      }
      .spacer {
        flex: 1;
      }
      .badge {
        display: inline-flex;
        align-items: center;
        gap: 8px;
        font-size: 13px;
        padding: 6px 12px;
        border-radius: 999px;
        border: 1px solid var(--border);
        background: var(--surface);
        max-width: 520px;
      }
      .badge .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--muted);
        flex: none;
      }
      .badge.webgpu .dot {
        background: var(--good);
        box-shadow: 0 0 8px var(--good);
      }
      .badge.cpu .dot {
        background: var(--warn);
      }
      .rate {
        font-variant-numeric: tabular-nums;
        font-size: 13px;
        color: var(--muted);
        min-width: 110px;
        text-align: right;
      }
      main {
        display: grid;
        grid-template-columns: 260px minmax(320px, 560px) minmax(320px, 1fr);
        gap: 20px;
        padding: 22px 28px;
        align-items: start;
      }
      @media (max-width: 1100px) {
        main {
          grid-template-columns: 1fr;
        }
      }
      .controls {
        display: grid;
        gap: 14px;
      }
      .controls h2 {
        margin: 0;
      }
      .buttons {
        display: flex;
        gap: 8px;
      }
      .buttons button.primary {
        flex: 1;
      }
      .stats {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 12px;
        margin-bottom: 14px;
      }
      .stat {
        background: var(--surface-2);
        border-radius: 10px;
        padding: 10px 12px;
      }
      .stat b {
        display: block;
        font-size: 22px;
        font-variant-numeric: tabular-nums;
        font-weight: 650;
      }
      .stat small {
        color: var(--muted);
        font-size: 12px;
      }
      .note {
        font-size: 12.5px;
        color: var(--muted);
        line-height: 1.5;
        margin: 12px 0 0;
      }
      .error {
        color: var(--bad);
        font-size: 13px;
        margin: 0;
      }
      .legend {
        display: flex;
        gap: 14px;
        font-size: 12.5px;
        color: var(--muted);
        margin-top: 10px;
      }
      .legend i {
        display: inline-block;
        width: 9px;
        height: 9px;
        border-radius: 50%;
        margin-right: 6px;
      }
    `,
  ];

  @state() private _backend: BackendInfo | null = null;
  @state() private _running = false;
  @state() private _step = 0;
  @state() private _loss = Number.NaN;
  @state() private _accuracy = Number.NaN;
  @state() private _stepsPerSecond = 0;
  @state() private _points: Points | null = null;
  @state() private _boundary: Boundary | null = null;
  @state() private _error = "";
  @state() private _data: DataConfig = { points: 300, classes: 3, noise: 0.2, seed: 1 };
  @state() private _model: PointModelConfig = { hidden: [32, 32], activation: "relu", optimizer: "adam", lr: 0.03, seed: 1 };

  @query("dl-loss-chart") private _chart!: LossChart;
  private worker: Worker | null = null;
  private firstLoss = Number.NaN;

  override connectedCallback(): void {
    super.connectedCallback();
    this.worker = new Worker(new URL("../worker/train-worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (e: MessageEvent<WorkerEvent>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      this._error = `the training worker failed: ${e.message}`;
    };
    this.reset();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.worker?.terminate();
    this.worker = null;
  }

  private send(command: Command): void {
    this.worker?.postMessage(command);
  }

  private receive(event: WorkerEvent): void {
    switch (event.type) {
      case "backend":
        this._backend = event;
        break;
      case "data":
        this._points = { x: event.x, y: event.y };
        break;
      case "progress":
        this._step = event.step;
        this._loss = event.loss;
        this._accuracy = event.accuracy;
        this._stepsPerSecond = event.stepsPerSecond;
        if (Number.isNaN(this.firstLoss) && Number.isFinite(event.loss)) this.firstLoss = event.loss;
        this._chart?.add(event.step, event.loss, event.accuracy);
        this.dataset.step = String(event.step);
        this.dataset.loss = String(event.loss);
        this.dataset.firstLoss = String(this.firstLoss);
        this.dataset.accuracy = String(event.accuracy);
        break;
      case "boundary":
        this._boundary = event;
        this.dataset.boundaryStep = String(event.step);
        break;
      case "state":
        this._running = event.running;
        break;
      case "error":
        this._error = event.message;
        break;
    }
  }

  private reset(): void {
    this._error = "";
    this._step = 0;
    this._boundary = null;
    this.firstLoss = Number.NaN;
    this._chart?.clear();
    this.send({ type: "reset", data: this._data, model: this._model });
  }

  private toggle(): void {
    this.send({ type: this._running ? "pause" : "play" });
  }

  private setModel(patch: Partial<PointModelConfig>): void {
    this._model = { ...this._model, ...patch };
    this.reset();
  }

  private setData(patch: Partial<DataConfig>): void {
    this._data = { ...this._data, ...patch };
    this.reset();
  }

  override render() {
    const b = this._backend;
    const archKey = Object.keys(ARCHITECTURES).find((k) => ARCHITECTURES[k].join() === this._model.hidden.join()) ?? "32 · 32";
    return html`
      <header>
        <div class="logo" aria-hidden="true">${CLASS_COLORS.slice(0, 3).map((c) => html`<i style="background:${c}"></i>`)}</div>
        <h1>Deep Learning Playground</h1>
        <div class="spacer"></div>
        <div class="rate" aria-live="polite">${this._running ? `${this._stepsPerSecond.toFixed(0)} steps/s` : ""}</div>
        <div class="badge ${b?.kind ?? ""}" title=${b?.fallbackReason ?? b?.description ?? ""} data-testid="backend">
          <span class="dot"></span>
          <span>${!b ? "Starting the engine…" : b.kind === "cpu" ? "CPU · no WebGPU" : b.description}</span>
        </div>
      </header>
      <main>
        <section class="card controls" aria-label="Experiment settings">
          <h2>Experiment</h2>
          <div class="buttons">
            <button class="primary" @click=${this.toggle} ?disabled=${!b} data-testid="play">${this._running ? "Pause" : "Train"}</button>
            <button @click=${() => this.send({ type: "step" })} ?disabled=${!b || this._running} title="One step">Step</button>
            <button @click=${this.reset} ?disabled=${!b} title="New weights">Reset</button>
          </div>
          <label>Optimizer
            <select @change=${(e: Event) => this.setModel({ optimizer: (e.target as HTMLSelectElement).value as "sgd" | "adam" })}>
              <option value="adam" ?selected=${this._model.optimizer === "adam"}>Adam</option>
              <option value="sgd" ?selected=${this._model.optimizer === "sgd"}>SGD + momentum 0.9</option>
            </select>
          </label>
          <label>Learning rate
            <select @change=${(e: Event) => this.setModel({ lr: Number((e.target as HTMLSelectElement).value) })}>
              ${LEARNING_RATES.map((lr) => html`<option value=${lr} ?selected=${lr === this._model.lr}>${lr}</option>`)}
            </select>
          </label>
          <label>Hidden layers
            <select @change=${(e: Event) => this.setModel({ hidden: ARCHITECTURES[(e.target as HTMLSelectElement).value] })}>
              ${Object.keys(ARCHITECTURES).map((k) => html`<option ?selected=${k === archKey}>${k}</option>`)}
            </select>
          </label>
          <label>Activation
            <select @change=${(e: Event) => this.setModel({ activation: (e.target as HTMLSelectElement).value as "relu" | "tanh" })}>
              <option value="relu" ?selected=${this._model.activation === "relu"}>ReLU</option>
              <option value="tanh" ?selected=${this._model.activation === "tanh"}>Tanh</option>
            </select>
          </label>
          <label>Noise · ${this._data.noise.toFixed(2)}
            <input type="range" min="0" max="0.6" step="0.05" .value=${String(this._data.noise)} @change=${(e: Event) => this.setData({ noise: Number((e.target as HTMLInputElement).value) })} />
          </label>
          <label>Classes
            <select @change=${(e: Event) => this.setData({ classes: Number((e.target as HTMLSelectElement).value) })}>
              ${[2, 3, 4, 5].map((c) => html`<option ?selected=${c === this._data.classes}>${c}</option>`)}
            </select>
          </label>
          ${b?.kind === "cpu" ? html`<p class="note">${b.fallbackReason ? `WebGPU is unavailable: ${b.fallbackReason}. ` : ""}Training runs on the CPU reference backend: correct, but many times slower.</p>` : nothing}
          ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
        </section>
        <section class="card" aria-label="Decision boundary">
          <h2>Spiral · decision boundary</h2>
          <dl-boundary-plot .points=${this._points} .boundary=${this._boundary}></dl-boundary-plot>
          <div class="legend">${Array.from({ length: this._data.classes }, (_, k) => html`<span><i style="background:${CLASS_COLORS[k]}"></i>class ${k}</span>`)}</div>
        </section>
        <section class="card" aria-label="Training progress">
          <h2>Training</h2>
          <div class="stats">
            <div class="stat"><small>step</small><b data-testid="step">${this._step}</b></div>
            <div class="stat"><small>loss</small><b data-testid="loss">${Number.isFinite(this._loss) ? this._loss.toFixed(4) : "–"}</b></div>
            <div class="stat"><small>accuracy</small><b>${Number.isFinite(this._accuracy) ? `${(this._accuracy * 100).toFixed(1)}%` : "–"}</b></div>
          </div>
          <dl-loss-chart></dl-loss-chart>
          <p class="note">
            A ${[2, ...this._model.hidden, this._data.classes].join("-")} MLP learns to separate the arms of the spiral.
            ${
              b?.kind === "cpu"
                ? "Every step runs forward, backward and the optimizer on the CPU reference backend, in a worker, while this page stays responsive."
                : "Every step runs forward, backward and the optimizer as WGSL kernels in one GPU submission, in a worker, while this page stays responsive."
            }
          </p>
        </section>
      </main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-app": App;
  }
}
