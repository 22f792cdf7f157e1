/**
 * <dl-generative-view>: the Generative tab. Pick a GAN, autoencoder or VAE preset (or edit both
 * networks side by side), set the training knobs, and watch it learn: the 2-D GAN's plane with
 * D's heatmap, the points and G's arrows and the modes covered; an image GAN's live samples grid,
 * latent interpolation and D's verdict histograms; an autoencoder's reconstructions and clickable
 * latent plane. Curves of D and G (or the reconstruction) run below, and a health panel explains a
 * collapse or divergence with a suggestion and a rollback to the last good checkpoint.
 *
 * The element owns the tab's view state; the app stores the config (URL, autosave, files) and
 * forwards the worker's gen-* events to receive() and this element's `gen-command`s to the worker.
 * It fires `generative-change` with each edited config.
 */
import { html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import { IMAGE_DATASET_NAMES } from "../../data/image-datasets";
import { type GenerativeConfig, generativeDataShape } from "../../generative/config";
import { GAN_LOSSES, type GanLossName } from "../../generative/losses";
import { GENERATIVE_PRESETS } from "../../generative/presets";
import type { GenerativeSpec, NetworkRole } from "../../generative/spec";
import { TARGET_NAMES } from "../../generative/targets";
import type { ModelSpec } from "../../nn/spec";
import type { GenerativeCommand, GenerativeEvent, ImageStrip, NetworkView, PlaneView, ReconstructionView, SamplesView } from "../../worker/generative-protocol";
import "../model-builder";
import { validateNumber } from "../hyperparams";
import { downloadBlob } from "../state/experiment-file";
import { theme } from "../theme";
import type { GenCurves } from "./gen-curves";
import "./gan-plane";
import { networks, pairProblem, presetOf } from "./generative-config";
import "./gen-curves";
import { generativeStyles } from "./generative-styles";
import "./image-grid";
import "./latent-plane";
import "./verdict-histogram";

const LOSS_LABELS: Record<GanLossName, string> = {
  minimax: "Minimax (original)",
  nonSaturating: "Non-saturating",
  leastSquares: "Least squares (LSGAN)",
  hinge: "Hinge",
};
const TARGET_LABELS: Record<string, string> = {
  "gaussian-ring": "Ring of 8 gaussians",
  "gaussian-grid": "5×5 grid of gaussians",
  moons: "Two moons",
  spiral: "Spiral",
  mnist: "MNIST digits",
  "fashion-mnist": "Fashion-MNIST",
};
const BATCH_SIZES = [16, 32, 64, 128, 256];

/** A numeric setting: its label and bounds (for validateNumber), the input's step, a tooltip, a test id. */
interface NumberSetting {
  label: string;
  min: number;
  max: number;
  integer?: boolean;
  step: string;
  hint?: string;
  testId?: string;
}

const SETTINGS = {
  dSteps: { label: "D steps per G step", min: 1, max: 5, integer: true, step: "1", hint: "Discriminator steps per generator step" },
  lr: { label: "Learning rate", min: 1e-6, max: 1, step: "any" },
  labelSmoothing: { label: "Label smoothing", min: 0, max: 0.5, step: "0.05", hint: "One-sided: real examples are labelled 1 − s" },
  noise: { label: "Input noise", min: 0, max: 1, step: "0.05", hint: "Standard deviation of the gaussian noise added to the inputs (denoising)" },
  beta: { label: "β (KL weight)", min: 0, max: 10, step: "0.1", hint: "Weight of the KL term" },
} satisfies Record<string, NumberSetting>;
const ROLE_LABELS: Record<NetworkRole, string> = { generator: "Generator", discriminator: "Discriminator", encoder: "Encoder", decoder: "Decoder" };

@customElement("dl-generative-view")
export class GenerativeView extends LitElement {
  static override styles = [theme, generativeStyles];

  @property({ attribute: false }) config: GenerativeConfig | null = null;
  /** Whether the tab is on show: the first showing loads the model. */
  @property({ type: Boolean }) active = false;
  /** A problem the worker reported (shown above the views). */
  @property() error = "";

  @state() private _networks: NetworkView[] = [];
  @state() private _plane: PlaneView | null = null;
  @state() private _samples: SamplesView | null = null;
  @state() private _reconstruction: ReconstructionView | null = null;
  @state() private _decoded: { latent: [number, number]; image: ImageStrip } | null = null;
  @state() private _health: Extract<GenerativeEvent, { type: "gen-health" }> | null = null;
  @state() private _running = false;
  @state() private _done = false;
  @state() private _doneReason = "";
  @state() private _step = 0;
  @state() private _epoch = 0;
  @state() private _rate = 0;
  @state() private _stale = false;
  @state() private _modes: { covered: number; total: number; nearShare: number } | null = null;
  /** An autoencoder's test scores after the last epoch. */
  @state() private _test: { mse: number; baselineMse: number; elbo?: number } | null = null;
  @query("dl-gen-curves") private curves?: GenCurves;
  private loaded = false;
  /** The config of the run in the worker, as JSON. */
  private loadedJson = "";
  private loadTimer: ReturnType<typeof setTimeout> | undefined;

  get running(): boolean {
    return this._running;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.active || !this.config) return;
    if (!this.loaded) this.load();
    // A config from outside (an opened file or link) replaces the run; this element's own edits
    // schedule their reload (or wait for a reset) themselves.
    else if (changed.has("config") && this.loadTimer === undefined && !this._stale && JSON.stringify(this.config) !== this.loadedJson) this.load();
  }

  /** Takes one of the worker's gen-* events. */
  receive(event: GenerativeEvent): void {
    switch (event.type) {
      case "gen-model":
        this._networks = event.networks;
        break;
      case "gen-steps": {
        this.curves?.addSteps(event);
        this._step = event.steps[event.steps.length - 1] ?? this._step;
        this._epoch = event.epoch;
        this._rate = event.stepsPerSecond;
        break;
      }
      case "gen-epoch":
        if (event.modes) this._modes = event.modes;
        if (event.test) this._test = event.test;
        break;
      case "gen-plane":
        this._plane = event;
        if (event.modes) this._modes = event.modes;
        this.dataset.viewStep = String(event.step);
        break;
      case "gen-samples":
        this._samples = event;
        this.dataset.viewStep = String(event.step);
        break;
      case "gen-reconstruction":
        this._reconstruction = event;
        this.dataset.viewStep = String(event.step);
        break;
      case "gen-decoded":
        this._decoded = event;
        break;
      case "gen-exported":
        for (const f of event.files)
          downloadBlob(new Blob([f.contents as BlobPart], { type: f.name.endsWith(".py") ? "text/x-python" : "application/octet-stream" }), f.name);
        break;
      case "gen-health":
        this._health = event;
        this.dataset.health = event.status;
        break;
      case "gen-state":
        this._running = event.running;
        this._done = event.done;
        this._doneReason = event.reason ?? "";
        break;
    }
    if (this._modes) this.dataset.modes = String(this._modes.covered);
  }

  private send(command: GenerativeCommand): void {
    this.dispatchEvent(new CustomEvent("gen-command", { detail: command, bubbles: true, composed: true }));
  }

  /** Builds a fresh run from the config: new weights, empty views and curves. */
  private load(): void {
    clearTimeout(this.loadTimer);
    this.loadTimer = undefined;
    const config = this.config;
    if (!config || pairProblem(config)) return;
    this.loaded = true;
    this.loadedJson = JSON.stringify(config);
    this._plane = null;
    this._samples = null;
    this._reconstruction = null;
    this._decoded = null;
    this._health = null;
    this._modes = null;
    this._test = null;
    this._running = false;
    this._done = false;
    this._doneReason = "";
    this._step = 0;
    this._epoch = 0;
    this._stale = false;
    this.curves?.clear();
    delete this.dataset.viewStep;
    delete this.dataset.modes;
    delete this.dataset.health;
    this.send({ type: "gen-load", config });
  }

  private change(config: GenerativeConfig): void {
    this.dispatchEvent(new CustomEvent("generative-change", { detail: { config }, bubbles: true, composed: true }));
    this.config = config;
    if (this._step > 0 && !this._done) {
      this._stale = true;
      return;
    }
    clearTimeout(this.loadTimer);
    this.loadTimer = setTimeout(() => this.load(), 250);
  }

  private control(action: "play" | "pause" | "step" | "reset" | "rollback"): void {
    if (action === "reset") {
      this.load();
      return;
    }
    // A pending or deferred reload goes first: the worker handles commands in order.
    if ((action === "play" || action === "step") && (this._stale || this.loadTimer !== undefined || !this.loaded)) this.load();
    this.send({ type: `gen-${action}` });
  }

  private pickPreset(id: string): void {
    const preset = GENERATIVE_PRESETS.find((p) => p.id === id);
    if (preset) this.change(structuredClone(preset.config));
  }

  private setData(name: string): void {
    const c = this.config;
    if (!c) return;
    const data = (IMAGE_DATASET_NAMES as readonly string[]).includes(name) ? { name, seed: 1 } : { name, points: 10_000, seed: 1 };
    this.change({ ...c, name: `${name}-${c.generative.kind}`, data: data as GenerativeConfig["data"] });
  }

  private setSpec(patch: Partial<GenerativeSpec>): void {
    const c = this.config;
    if (c) this.change({ ...c, generative: { ...c.generative, ...patch } as GenerativeSpec });
  }

  private setNetwork(index: number, spec: ModelSpec): void {
    const c = this.config;
    if (!c || JSON.stringify(spec) === JSON.stringify(networks(c.generative)[index])) return;
    const roles = c.generative.kind === "gan" ? ["generator", "discriminator"] : ["encoder", "decoder"];
    this.setSpec({ [roles[index]]: spec } as Partial<GenerativeSpec>);
  }

  /**
   * A number input for one setting, checked the way the Train tab checks its fields (validateNumber);
   * a valid value goes to `apply`, an invalid one is reported on the input and changes nothing.
   */
  private numberField(field: NumberSetting, value: number | undefined, apply: (value: number) => void) {
    const change = (e: Event) => {
      const input = e.target as HTMLInputElement;
      const checked = validateNumber(field, input.value);
      input.setCustomValidity(typeof checked === "string" ? checked : "");
      if (typeof checked === "string") input.reportValidity();
      else apply(checked);
    };
    return html`<label title=${field.hint ?? ""}>${field.label}
      <input type="number" data-testid=${field.testId ?? nothing} min=${field.min} max=${field.max} step=${field.step} .value=${String(value)} ?disabled=${this._running} @change=${change} />
    </label>`;
  }

  private renderSettings(c: GenerativeConfig) {
    const spec = c.generative;
    const image = generativeDataShape(c.data).length === 3;
    const targets = image ? IMAGE_DATASET_NAMES : TARGET_NAMES;
    const locked = this._running;
    const setLr = (lr: number) => this.change({ ...c, optimizer: { ...c.optimizer, lr } });
    let settings: unknown[];
    if (spec.kind === "gan") {
      const dOptimizer = spec.discriminatorOptimizer ?? c.optimizer;
      settings = [
        html`<label>Loss
          <select data-testid="gen-loss" ?disabled=${locked} @change=${(e: Event) => this.setSpec({ loss: (e.target as HTMLSelectElement).value as GanLossName })}>
            ${GAN_LOSSES.map((l) => html`<option value=${l} ?selected=${l === (spec.loss ?? "nonSaturating")}>${LOSS_LABELS[l]}</option>`)}
          </select>
        </label>`,
        this.numberField(SETTINGS.dSteps, spec.dSteps ?? 1, (dSteps) => this.setSpec({ dSteps })),
        this.numberField({ ...SETTINGS.lr, label: "G learning rate", testId: "gen-lr-g" }, c.optimizer.lr, setLr),
        this.numberField({ ...SETTINGS.lr, label: "D learning rate", testId: "gen-lr-d" }, dOptimizer.lr, (lr) =>
          this.setSpec({ discriminatorOptimizer: { ...dOptimizer, lr } }),
        ),
        this.numberField(SETTINGS.labelSmoothing, spec.labelSmoothing ?? 0, (labelSmoothing) => this.setSpec({ labelSmoothing })),
      ];
    } else
      settings = [
        this.numberField(SETTINGS.lr, c.optimizer.lr, setLr),
        this.numberField(SETTINGS.noise, spec.noise ?? 0, (noise) => this.setSpec({ noise })),
        spec.kind === "vae" ? this.numberField(SETTINGS.beta, spec.beta ?? 1, (beta) => this.setSpec({ beta })) : nothing,
      ];
    return html`
      <label>Data
        <select data-testid="gen-data" ?disabled=${locked} @change=${(e: Event) => this.setData((e.target as HTMLSelectElement).value)}>
          ${targets.map((t) => html`<option value=${t} ?selected=${t === c.data.name}>${TARGET_LABELS[t] ?? t}</option>`)}
        </select>
      </label>
      <div class="grid2">
        ${settings}
        <label>Batch size
          <select data-testid="gen-batch" ?disabled=${locked} @change=${(e: Event) => this.change({ ...c, training: { ...c.training, batchSize: Number((e.target as HTMLSelectElement).value) } })}>
            ${[...new Set([...BATCH_SIZES, c.training.batchSize])].sort((a, b) => a - b).map((b) => html`<option value=${b} ?selected=${b === c.training.batchSize}>${b}</option>`)}
          </select>
        </label>
      </div>
    `;
  }

  private renderControls() {
    const canRollback = this._health?.checkpointStep != null && this._step > 0;
    return html`
      <div class="controls">
        <button class="primary play" data-testid="gen-play" ?disabled=${this._done} @click=${() => this.control(this._running ? "pause" : "play")}>${this._running ? "Pause" : this._step > 0 ? "Resume" : "Train"}</button>
        <button data-testid="gen-step" ?disabled=${this._running || this._done} @click=${() => this.control("step")} title="One iteration">Step</button>
        <button data-testid="gen-reset" @click=${() => this.control("reset")} title="New weights from the seed">Reset</button>
        <button data-testid="gen-export" ?disabled=${!this._networks.length} @click=${() => this.send({ type: "gen-export" })} title="Download both networks' weights (safetensors) and a PyTorch script for each">Weights ↓</button>
        ${this.config?.generative.kind === "gan" ? html`<button data-testid="gen-rollback" ?disabled=${!canRollback} @click=${() => this.control("rollback")} title="Back to the last checkpoint taken while training looked healthy">Roll back${canRollback ? ` to ${this._health?.checkpointStep}` : ""}</button>` : nothing}
      </div>
      <div class="status" aria-live="polite">
        <span>Iteration <b data-testid="gen-step-count">${this._step}</b></span>
        <span>Epoch <b>${this._epoch}</b></span>
        ${this._running ? html`<span>${this._rate.toFixed(this._rate < 10 ? 1 : 0)} it/s</span>` : nothing}
      </div>
      ${
        this._test
          ? html`<p class="test-score" data-testid="gen-test-score">Test reconstruction MSE <b>${this._test.mse.toFixed(4)}</b>: ${Math.round((100 * this._test.mse) / this._test.baselineMse)}% of always predicting the mean image${this._test.elbo === undefined ? "" : html`; test ELBO <b>${this._test.elbo.toFixed(1)}</b>`}</p>`
          : nothing
      }
      ${this._stale ? html`<p class="stale">Your changes apply on reset. <button @click=${() => this.load()}>Reset now</button></p>` : nothing}
      ${this._done && this._doneReason && this._health?.status !== "diverged" ? html`<p class="stale">Finished: ${this._doneReason}.</p>` : nothing}
    `;
  }

  private renderHealth() {
    const h = this._health;
    if (!h || h.status === "ok" || this.config?.generative.kind !== "gan")
      return this.config?.generative.kind === "gan" && this._step > 0
        ? html`<div class="health ok" data-testid="gen-health"><b>Healthy</b><span>${h?.checkpointStep ? `Checkpoint kept at iteration ${h.checkpointStep}.` : "Watching for a collapse."}</span></div>`
        : nothing;
    return html`<div class="health bad" role="alert" data-testid="gen-health"><b>${h.title}</b><span>${h.message}</span>
      ${h.checkpointStep != null ? html`<button data-testid="gen-rollback-now" @click=${() => this.control("rollback")}>Roll back to iteration ${h.checkpointStep}</button>` : nothing}</div>`;
  }

  private renderView(c: GenerativeConfig) {
    const kind = c.generative.kind;
    if (kind === "gan" && generativeDataShape(c.data).length === 1)
      return html`
        <div class="plane-row">
          <div class="plane">${this._plane ? html`<dl-gan-plane data-testid="gan-plane" .view=${this._plane}></dl-gan-plane>` : html`<p class="empty">Building the networks…</p>`}</div>
          <div class="facts">
            <div class="fact"><small>Modes covered</small><b data-testid="modes-covered">${this._modes ? `${this._modes.covered} / ${this._modes.total}` : "–"}</b>
              <span>${this._modes ? `${Math.round(this._modes.nearShare * 100)}% of 2,000 samples within 3σ of a mode` : "Mixtures only (ring, grid)"}</span></div>
            <ul class="key">
              <li><i class="swatch real"></i>Real examples</li>
              <li><i class="swatch fake"></i>Generated samples</li>
              <li><i class="swatch arrow"></i>Where G's gradient pushes them</li>
              <li><i class="swatch heat"></i>D's verdict: green "real", purple "fake"</li>
            </ul>
          </div>
        </div>`;
    if (kind === "gan") {
      const s = this._samples;
      return html`
        <div class="images-row">
          <div><h3>Samples from a fixed batch of latents</h3>${s ? html`<dl-image-grid data-testid="samples-grid" .strip=${s.samples} columns="6" label="Generated images"></dl-image-grid>` : html`<p class="empty">Building the networks…</p>`}</div>
          <div class="stack">
            <div><h3>Interpolating between two latents</h3>${s ? html`<dl-image-grid data-testid="interpolation" .strip=${s.interpolation} columns="10" label="Images along a line between two latent vectors"></dl-image-grid>` : nothing}</div>
            <div><h3>How real D finds them</h3>${s ? html`<dl-verdict-histogram data-testid="verdicts" .real=${s.dReal} .fake=${s.dFake}></dl-verdict-histogram>` : nothing}</div>
          </div>
        </div>`;
    }
    const r = this._reconstruction;
    if (!r) return html`<p class="empty">Building the networks…</p>`;
    return html`
      <div class="images-row">
        <div class="stack">
          ${r.noisy ? html`<div><h3>Noisy input</h3><dl-image-grid .strip=${r.noisy} columns="10" label="Noisy inputs"></dl-image-grid></div>` : nothing}
          <div><h3>${r.noisy ? "Clean target" : "Input"}</h3><dl-image-grid data-testid="ae-inputs" .strip=${r.inputs} columns="10" label="Test images"></dl-image-grid></div>
          <div><h3>Reconstruction</h3><dl-image-grid data-testid="ae-outputs" .strip=${r.outputs} columns="10" label="Reconstructions"></dl-image-grid></div>
          ${r.prior ? html`<div><h3>Samples from the prior N(0, I)</h3><dl-image-grid data-testid="vae-prior" .strip=${r.prior} columns="10" label="Decoded samples of the prior"></dl-image-grid></div>` : nothing}
        </div>
        ${
          r.latent
            ? html`<div class="latent">
              <h3>Latent plane · click to decode</h3>
              <div class="latent-row">
                <dl-latent-plane data-testid="latent-plane" .latent=${r.latent} .picked=${this._decoded?.latent ?? null}
                  @decode=${(e: CustomEvent<{ latent: [number, number] }>) => this.send({ type: "gen-decode", latent: e.detail.latent })}></dl-latent-plane>
                <div class="decoded">${this._decoded ? html`<dl-image-grid data-testid="decoded" .strip=${this._decoded.image} columns="1" label="The decoded image"></dl-image-grid><small>z = (${this._decoded.latent.map((v) => v.toFixed(2)).join(", ")})</small>` : html`<p class="empty">Click the plane</p>`}</div>
              </div>
            </div>`
            : nothing
        }
      </div>`;
  }

  private renderBuilders(c: GenerativeConfig) {
    const problem = pairProblem(c);
    const dataShape = generativeDataShape(c.data);
    const spec = c.generative;
    const code = spec.kind === "vae" ? 2 * spec.latent : spec.latent;
    const roles: NetworkRole[] = spec.kind === "gan" ? ["generator", "discriminator"] : ["encoder", "decoder"];
    const inputs = spec.kind === "gan" ? [[spec.latent], dataShape] : [dataShape, [spec.latent]];
    const outputs = spec.kind === "gan" ? [dataShape, [1]] : [[code], dataShape];
    return html`
      <section class="card builders" aria-label="The two networks">
        <h2>Networks · ${spec.kind === "gan" ? "generator and discriminator" : "encoder and decoder"}</h2>
        ${problem ? html`<p class="pair-error" role="alert" data-testid="pair-error">${problem}</p>` : html`<p class="pair-ok">The pair fits: ${roles.map((r, i) => `${ROLE_LABELS[r].toLowerCase()} ${inputs[i].join("×")} → ${outputs[i].join("×")}`).join(", ")}.</p>`}
        <div class="pair">
          ${networks(spec).map(
            (net, i) => html`
              <div class="network" data-testid="network-${roles[i]}">
                <h3>${ROLE_LABELS[roles[i]]} <small>${this._networks[i] ? `${this._networks[i].totalParams.toLocaleString("en-US")} parameters` : ""}</small></h3>
                <dl-model-builder free-output ?images=${dataShape.length === 3} input-label=${i === 0 && spec.kind === "gan" ? "Latent z" : i === 1 && spec.kind !== "gan" ? "Code z" : "Data"}
                  .spec=${net} .inputShape=${inputs[i]} ?disabled=${this._running}
                  @spec-change=${(e: CustomEvent<{ spec: ModelSpec }>) => this.setNetwork(i, e.detail.spec)}></dl-model-builder>
              </div>`,
          )}
        </div>
      </section>
    `;
  }

  override render() {
    const c = this.config;
    if (!c) return html`<p class="empty">Opening…</p>`;
    const preset = presetOf(c);
    const about = GENERATIVE_PRESETS.find((p) => p.id === preset)?.description ?? "Your own pair of networks.";
    return html`
      <div class="layout">
        <aside class="side">
          <section class="card">
            <h2>Generative model</h2>
            <label>Preset
              <select data-testid="gen-preset" ?disabled=${this._running} @change=${(e: Event) => this.pickPreset((e.target as HTMLSelectElement).value)}>
                ${preset ? nothing : html`<option value="" selected disabled>Custom</option>`}
                ${GENERATIVE_PRESETS.map((p) => html`<option value=${p.id} ?selected=${p.id === preset}>${p.label}</option>`)}
              </select>
            </label>
            <p class="about">${about}</p>
            ${this.renderSettings(c)}
          </section>
          <section class="card">
            <h2>Training</h2>
            ${this.renderControls()}
            ${this.renderHealth()}
          </section>
        </aside>
        <div class="main">
          ${this.error ? html`<div class="error" role="alert" data-testid="gen-error">${this.error}</div>` : nothing}
          <section class="card view">${this.renderView(c)}</section>
          <section class="card"><h2>Curves</h2><dl-gen-curves .kind=${c.generative.kind}></dl-gen-curves></section>
          ${this.renderBuilders(c)}
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-generative-view": GenerativeView;
  }
}
