/**
 * <dl-generative-tab>: the Generative tab. Pick a GAN, autoencoder or VAE preset (or edit both
 * networks side by side), set the training knobs, and watch it learn: the 2-D GAN's plane with
 * D's heatmap, the points and G's arrows and the modes covered; an image GAN's live samples grid,
 * latent interpolation and D's verdict histograms; an autoencoder's reconstructions and clickable
 * latent plane. Curves of D and G (or the reconstruction) run below, and a health panel explains a
 * collapse or divergence with a suggestion and a rollback to the last good checkpoint.
 *
 * It draws the store's generative session and calls its intents (the store keeps the config in the
 * URL, the autosave and files, and talks to the worker). Loaded on the tab's first visit.
 */
import { html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property } from "lit/decorators.js";
import { IMAGE_DATASET_NAMES } from "../../data/image-datasets";
import { type GenerativeConfig, generativeDataShape } from "../../generative/config";
import { GENERATIVE_PRESETS } from "../../generative/presets";
import type { NetworkRole } from "../../generative/spec";
import { GAN_LOSSES, type GanLossName } from "../../generative/spec";
import { TARGET_NAMES } from "../../generative/targets";
import type { ModelSpec } from "../../nn/spec";
import "../builder/model-builder";
import { formatDuration } from "../results/ticks";
import type { GenerativeSlice } from "../state/generative-slice";
import { StoreController } from "../state/store-controller";
import { alertStyles, theme } from "../theme";
import { validateNumber } from "../train/hyperparams";
import "./gan-plane";
import { networks, pairProblem as pairProblemOf, presetOf } from "./generative-config";
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
  average: {
    label: "G weight average",
    min: 0,
    max: 0.9999,
    step: "0.001",
    hint: "Draw the samples with a running average of the generator's weights (decay d: 0.999 averages about the last 1,000 iterations; 0: the trained weights). Smooths out the generator's oscillation as it chases the discriminator.",
    testId: "gen-average",
  },
  noise: { label: "Input noise", min: 0, max: 1, step: "0.05", hint: "Standard deviation of the gaussian noise added to the inputs (denoising)" },
  beta: { label: "β (KL weight)", min: 0, max: 10, step: "0.1", hint: "Weight of the KL term" },
} satisfies Record<string, NumberSetting>;
const ROLE_LABELS: Record<NetworkRole, string> = { generator: "Generator", discriminator: "Discriminator", encoder: "Encoder", decoder: "Decoder" };

@customElement("dl-generative-tab")
export class GenerativeTab extends LitElement {
  static override styles = [theme, alertStyles, generativeStyles];

  /** Whether the tab is on show: the first showing builds the run. */
  @property({ type: Boolean }) active = false;

  private readonly store = new StoreController(this);

  private get gen(): GenerativeSlice | undefined {
    return this.store.store?.generative;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("active") && this.active) this.gen?.activate();
  }

  /** Facts the browser flows wait on, as attributes. */
  protected override updated(): void {
    const s = this.gen?.state;
    if (!s) return;
    const d = this.dataset;
    if (s.viewStep === null) delete d.viewStep;
    else d.viewStep = String(s.viewStep);
    if (s.modes) d.modes = String(s.modes.covered);
    else delete d.modes;
    if (s.health) d.health = s.health.status;
    else delete d.health;
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
      <input type="number" data-testid=${field.testId ?? nothing} min=${field.min} max=${field.max} step=${field.step} .value=${String(value)} ?disabled=${this.gen?.state.running} @change=${change} />
    </label>`;
  }

  private renderSettings(c: GenerativeConfig) {
    const g = this.gen as GenerativeSlice;
    const s = g.state;
    const spec = c.generative;
    const image = generativeDataShape(c.data).length === 3;
    const targets = image ? IMAGE_DATASET_NAMES : TARGET_NAMES;
    const locked = s.running;
    const setLr = (lr: number) => g.update((now) => ({ ...now, optimizer: { ...now.optimizer, lr } }));
    let settings: unknown[];
    if (spec.kind === "gan") {
      const dOptimizer = spec.discriminatorOptimizer ?? c.optimizer;
      settings = [
        html`<label>Loss
          <select data-testid="gen-loss" ?disabled=${locked} @change=${(e: Event) => g.setSpec({ loss: (e.target as HTMLSelectElement).value as GanLossName })}>
            ${GAN_LOSSES.map((l) => html`<option value=${l} ?selected=${l === (spec.loss ?? "nonSaturating")}>${LOSS_LABELS[l]}</option>`)}
          </select>
        </label>`,
        this.numberField(SETTINGS.dSteps, spec.dSteps ?? 1, (dSteps) => g.setSpec({ dSteps })),
        this.numberField({ ...SETTINGS.lr, label: "G learning rate", testId: "gen-lr-g" }, c.optimizer.lr, setLr),
        this.numberField({ ...SETTINGS.lr, label: "D learning rate", testId: "gen-lr-d" }, dOptimizer.lr, (lr) =>
          g.update((now) =>
            now.generative.kind === "gan"
              ? { ...now, generative: { ...now.generative, discriminatorOptimizer: { ...(now.generative.discriminatorOptimizer ?? now.optimizer), lr } } }
              : now,
          ),
        ),
        this.numberField(SETTINGS.labelSmoothing, spec.labelSmoothing ?? 0, (labelSmoothing) => g.setSpec({ labelSmoothing })),
        this.numberField(SETTINGS.average, spec.average ?? 0, (average) => g.setSpec({ average: average > 0 ? average : undefined })),
      ];
    } else
      settings = [
        this.numberField(SETTINGS.lr, c.optimizer.lr, setLr),
        this.numberField(SETTINGS.noise, spec.noise ?? 0, (noise) => g.setSpec({ noise })),
        spec.kind === "vae" ? this.numberField(SETTINGS.beta, spec.beta ?? 1, (beta) => g.setSpec({ beta })) : nothing,
      ];
    return html`
      <label>Data
        <select data-testid="gen-data" ?disabled=${locked} @change=${(e: Event) => g.setData((e.target as HTMLSelectElement).value)}>
          ${targets.map((t) => html`<option value=${t} ?selected=${t === c.data.name}>${TARGET_LABELS[t] ?? t}</option>`)}
        </select>
      </label>
      <div class="grid2">
        ${settings}
        <label>Batch size
          <select data-testid="gen-batch" ?disabled=${locked} @change=${(e: Event) => {
            const batchSize = Number((e.target as HTMLSelectElement).value);
            g.update((now) => ({ ...now, training: { ...now.training, batchSize } }));
          }}>
            ${[...new Set([...BATCH_SIZES, c.training.batchSize])].sort((a, b) => a - b).map((b) => html`<option value=${b} ?selected=${b === c.training.batchSize}>${b}</option>`)}
          </select>
        </label>
      </div>
    `;
  }

  private renderControls() {
    const g = this.gen as GenerativeSlice;
    const s = g.state;
    const canRollback = s.health?.checkpointStep != null && s.step > 0;
    return html`
      <div class="controls">
        <button class="primary play" data-testid="gen-play" ?disabled=${s.done || (!!g.blockedReason && !s.running)} title=${g.blockedReason ?? ""} @click=${() => g.control(s.running ? "pause" : "play")}>${s.running ? "Pause" : s.step > 0 ? "Resume" : "Train"}</button>
        <button data-testid="gen-step" ?disabled=${s.running || s.done || !!g.blockedReason} @click=${() => g.control("step")} title="One iteration">Step</button>
        <button data-testid="gen-reset" @click=${() => g.control("reset")} title="New weights from the seed">Reset</button>
        <button data-testid="gen-export" ?disabled=${!s.networks.length} @click=${() => g.exportWeights()} title="Download both networks' weights (safetensors) and a PyTorch script for each">Weights ↓</button>
        ${g.config.generative.kind === "gan" ? html`<button data-testid="gen-rollback" ?disabled=${!canRollback} @click=${() => g.control("rollback")} title="Back to the last checkpoint taken while training looked healthy">Roll back${canRollback ? ` to ${s.health?.checkpointStep}` : ""}</button>` : nothing}
      </div>
      <div class="status" aria-live="polite">
        <span>Iteration <b data-testid="gen-step-count">${s.step}</b></span>
        <span>Epoch <b>${s.epoch}</b></span>
        ${s.running ? html`<span>${s.rate.toFixed(s.rate < 10 ? 1 : 0)} it/s</span>` : nothing}
        ${
          s.iterationsPerEpoch
            ? html`<span class="estimate" data-testid="gen-estimate">${s.iterationsPerEpoch.toLocaleString("en-US")} iterations an epoch${s.rate > 0 ? html`: about ${formatDuration(s.iterationsPerEpoch / s.rate)} at this speed` : nothing}</span>`
            : nothing
        }
      </div>
      ${
        s.test
          ? html`<p class="test-score" data-testid="gen-test-score">Test reconstruction MSE <b>${s.test.mse.toFixed(4)}</b>: ${Math.round((100 * s.test.mse) / s.test.baselineMse)}% of always predicting the mean image${s.test.elbo === undefined ? "" : html`; test ELBO <b>${s.test.elbo.toFixed(1)}</b>`}</p>`
          : nothing
      }
      ${g.blockedReason ? html`<p class="error" role="alert" data-testid="gen-blocked">${g.blockedReason}</p>` : nothing}
      ${s.pausedBecause ? html`<p class="stale">${s.pausedBecause}</p>` : nothing}
      ${g.pending ? html`<p class="stale" data-testid="gen-stale">Your changes apply on reset; the run on screen trains the previous settings. <button @click=${() => g.control("reset")}>Reset now</button></p>` : nothing}
      ${s.done && s.reason && s.health?.status !== "diverged" ? html`<p class="stale">Finished: ${s.reason}.</p>` : nothing}
    `;
  }

  private renderHealth() {
    const g = this.gen as GenerativeSlice;
    const s = g.state;
    const h = s.health;
    if (!h || h.status === "ok" || g.config.generative.kind !== "gan")
      return g.config.generative.kind === "gan" && s.step > 0
        ? html`<div class="health ok" data-testid="gen-health"><b>Healthy</b><span>${h?.checkpointStep ? `Checkpoint kept at iteration ${h.checkpointStep}.` : "Watching for a collapse."}</span></div>`
        : nothing;
    return html`<div class="health bad" role="alert" data-testid="gen-health"><b>${h.title}</b><span>${h.message}</span>
      ${h.checkpointStep != null ? html`<button data-testid="gen-rollback-now" @click=${() => g.control("rollback")}>Roll back to iteration ${h.checkpointStep}</button>` : nothing}</div>`;
  }

  private renderView(c: GenerativeConfig) {
    const g = this.gen as GenerativeSlice;
    const s = g.state;
    const kind = c.generative.kind;
    if (kind === "gan" && generativeDataShape(c.data).length === 1)
      return html`
        <div class="plane-row">
          <div class="plane">${s.plane ? html`<dl-gan-plane data-testid="gan-plane" .view=${s.plane}></dl-gan-plane>` : html`<p class="empty">Building the networks…</p>`}</div>
          <div class="facts">
            <div class="fact"><small>Modes covered</small><b data-testid="modes-covered">${s.modes ? `${s.modes.covered} / ${s.modes.total}` : "–"}</b>
              <span>${s.modes ? `${Math.round(s.modes.nearShare * 100)}% of 2,000 samples within 3σ of a mode` : "Mixtures only (ring, grid)"}</span></div>
            <ul class="key">
              <li><i class="swatch real"></i>Real examples</li>
              <li><i class="swatch fake"></i>Generated samples</li>
              <li><i class="swatch arrow"></i>Where G's gradient pushes them</li>
              <li><i class="swatch heat"></i>D's verdict: green "real", purple "fake"</li>
            </ul>
          </div>
        </div>`;
    if (kind === "gan") {
      const v = s.samples;
      return html`
        <div class="images-row">
          <div><h3>Samples from a fixed batch of latents${c.generative.kind === "gan" && c.generative.average ? " (G's weight average)" : ""}</h3>${v ? html`<dl-image-grid data-testid="samples-grid" .strip=${v.samples} columns="6" label="Generated images"></dl-image-grid>` : html`<p class="empty">Building the networks…</p>`}</div>
          <div class="stack">
            <div><h3>Interpolating between two latents</h3>${v ? html`<dl-image-grid data-testid="interpolation" .strip=${v.interpolation} columns="10" label="Images along a line between two latent vectors"></dl-image-grid>` : nothing}</div>
            <div><h3>How real D finds them</h3>${v ? html`<dl-verdict-histogram data-testid="verdicts" .real=${v.dReal} .fake=${v.dFake}></dl-verdict-histogram>` : nothing}</div>
          </div>
        </div>`;
    }
    const r = s.reconstruction;
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
                <dl-latent-plane data-testid="latent-plane" .latent=${r.latent} .picked=${s.decoded?.latent ?? null}
                  @decode=${(e: CustomEvent<{ latent: [number, number] }>) => g.decode(e.detail.latent)}></dl-latent-plane>
                <div class="decoded">${s.decoded ? html`<dl-image-grid data-testid="decoded" .strip=${s.decoded.image} columns="1" label="The decoded image"></dl-image-grid><small>z = (${s.decoded.latent.map((v) => v.toFixed(2)).join(", ")})</small>` : html`<p class="empty">Click the plane</p>`}</div>
              </div>
            </div>`
            : nothing
        }
      </div>`;
  }

  private renderBuilders(c: GenerativeConfig) {
    const g = this.gen as GenerativeSlice;
    const s = g.state;
    const problem = pairProblemOf(c);
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
                <h3>${ROLE_LABELS[roles[i]]} <small>${s.networks[i] ? `${s.networks[i].totalParams.toLocaleString("en-US")} parameters` : ""}</small></h3>
                <dl-model-builder free-output ?images=${dataShape.length === 3} input-label=${i === 0 && spec.kind === "gan" ? "Latent z" : i === 1 && spec.kind !== "gan" ? "Code z" : "Data"}
                  .spec=${net} .inputShape=${inputs[i]} ?disabled=${s.running}
                  @spec-change=${(e: CustomEvent<{ spec: ModelSpec }>) => g.setNetwork(i, e.detail.spec)}></dl-model-builder>
              </div>`,
          )}
        </div>
      </section>
    `;
  }

  override render() {
    const g = this.gen;
    if (!g) return html`<p class="empty">Opening…</p>`;
    const s = g.state;
    const c = g.config;
    const preset = presetOf(c);
    const about = GENERATIVE_PRESETS.find((p) => p.id === preset)?.description ?? "Your own pair of networks.";
    return html`
      <div class="layout">
        <aside class="side">
          <section class="card">
            <h2>Generative model</h2>
            <label>Preset
              <select data-testid="gen-preset" ?disabled=${s.running} @change=${(e: Event) => g.pickPreset((e.target as HTMLSelectElement).value)}>
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
          ${s.error ? html`<div class="error" role="alert" data-testid="gen-error">${s.error}</div>` : nothing}
          <section class="card view">${this.renderView(c)}</section>
          <section class="card"><h2>Curves</h2><dl-gen-curves .kind=${c.generative.kind} .feed=${g.curves}></dl-gen-curves></section>
          ${this.renderBuilders(c)}
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-generative-tab": GenerativeTab;
  }
}
