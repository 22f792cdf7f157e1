/**
 * <dl-data-panel>: the sidebar's data section. Picks the dataset (the catalog's: 2-D sets, Iris,
 * your CSV, MNIST and Fashion-MNIST), sets its size, noise, split and seed, and shows the worker's
 * preview; the CSV upload (dl-csv-upload) and the image augmentation (dl-augment-form) are elements
 * of their own. It only edits configs and fires events; the store talks to the worker.
 */
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { DATASETS, type DataName, type DatasetFacts, datasetFacts, defaultDataConfig, defaultValRatio } from "../../data/catalog";
import { SCALINGS, type ScalingKind } from "../../data/scaling";
import type { AugmentOptions } from "../../ops/augment";
import type { DataConfig } from "../../train/config";
import type { DatasetPreview } from "../../worker/protocol";
import { fire } from "../events";
import type { AugmentedBatch } from "../state/train-slice";
import { panelControls, theme } from "../theme";
import "./augment-form";
import "./csv-upload";
import "./data-preview";

/** The picker's groups, in menu order. */
const GROUPS = [...new Set(DATASETS.map((d) => d.group))].map((group) => ({ group, sets: DATASETS.filter((d) => d.group === group) }));

/** Sizes offered for the image splits (blank: the whole split). */
const TRAIN_LIMITS = [1000, 5000, 10000, 20000];
const TEST_LIMITS = [500, 1000, 2000, 5000];
const VAL_RATIOS = [0.1, 0.2, 0.3];

@customElement("dl-data-panel")
export class DataPanel extends LitElement {
  static override styles = [
    theme,
    panelControls,
    css`
      :host {
        display: block;
      }
      fieldset {
        border: 0;
        margin: 0;
        padding: 0;
        min-width: 0;
        display: grid;
        gap: 12px;
      }
      fieldset > * {
        min-width: 0;
      }
      .description {
        font-size: 12px;
        color: var(--muted);
        margin: -6px 0 0;
      }
      output {
        font-size: 12.5px;
      }
      .hint {
        font-size: 11.5px;
        color: var(--muted);
        line-height: 1.4;
      }
      .pair {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        gap: 10px;
      }
      .seed-field {
        display: grid;
        gap: 6px;
      }
    `,
  ];

  /** The data part of the experiment config. */
  @property({ attribute: false }) config: DataConfig = { name: "spiral" };
  /** The augmentation of image batches (training.augment); absent: none. */
  @property({ attribute: false }) augment?: AugmentOptions;
  /** The worker's preview of the current data. */
  @property({ attribute: false }) preview?: DatasetPreview;
  /** A batch with the augmentation applied, beside the originals. */
  @property({ attribute: false }) augmented?: AugmentedBatch;
  /** An augmentation preview is under way. */
  @property({ type: Boolean, attribute: "augment-busy" }) augmentBusy = false;
  /** "Your CSV" is picked without a usable table: what is wrong (the picker then shows "Your CSV"). */
  @property({ attribute: false }) csvProblem: string | null = null;
  /** Locks every control (while training). */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** Values of sliders being dragged, shown before the change fires. */
  @state() private _draft: Record<string, number> = {};
  /** "Your CSV" was picked, and neither another pick nor a new dataset from elsewhere has followed. */
  @state() private _csvPicked = false;

  override willUpdate(changed: PropertyValues<this>): void {
    // A dataset chosen elsewhere (a link, a file, a table that parsed) is what the picker shows.
    const before = changed.get("config") as DataConfig | undefined;
    if (before && before.name !== this.config.name) this._csvPicked = false;
  }

  private emitData(data: DataConfig): void {
    fire(this, "data-change", { data });
  }

  private patch(values: Record<string, number | string | undefined>): void {
    this._draft = {};
    this.emitData({ ...this.config, ...values } as DataConfig);
  }

  private pick(name: DataName): void {
    this._draft = {};
    this._csvPicked = name === "csv";
    if (name !== "csv") this.emitData(defaultDataConfig(name, this.config.seed ?? 1));
  }

  /** The dataset the picker shows: "Your CSV" while one is picked but not usable. */
  private get shown(): DataName {
    return this.csvProblem !== null || this._csvPicked ? "csv" : this.config.name;
  }

  /** A labelled range input that shows its value while dragged and fires on release. */
  private slider(key: string, label: string, value: number, min: number, max: number, step: number, show: (v: number) => string) {
    const shown = this._draft[key] ?? value;
    return html`<label>
      <span class="row"><span>${label}</span><output>${show(shown)}</output></span>
      <input
        type="range"
        aria-label=${label}
        aria-valuetext=${show(shown)}
        min=${min}
        max=${max}
        step=${step}
        .value=${String(shown)}
        @input=${(e: Event) => {
          this._draft = { ...this._draft, [key]: Number((e.target as HTMLInputElement).value) };
        }}
        @change=${(e: Event) => this.patch({ [key]: Number((e.target as HTMLInputElement).value) })}
      />
    </label>`;
  }

  private ratio(c: { trainRatio?: number }) {
    return this.slider(
      "trainRatio",
      "Train split",
      c.trainRatio ?? 0.8,
      0.5,
      0.95,
      0.05,
      (v) => `${Math.round(v * 100)}% train and validation · ${Math.round((1 - v) * 100)}% test`,
    );
  }

  /** Whether and how a table's or the points' features are scaled (fitted on the training split). */
  private scaling() {
    const scale = (this.config as { scale?: ScalingKind }).scale ?? "none";
    const labels: Record<ScalingKind, string> = { none: "None (as they are)", standard: "Standardise (z-score)", minmax: "Min-max to [0, 1]" };
    return html`<label>
      Scale inputs
      <select data-testid="scale" @change=${(e: Event) => this.patch({ scale: (e.target as HTMLSelectElement).value as ScalingKind })}>
        ${SCALINGS.map((k) => html`<option value=${k} ?selected=${k === scale}>${labels[k]}</option>`)}
      </select>
    </label>`;
  }

  /** How much of the training data is held out for validation (never the test split). */
  private validation() {
    const c = this.config;
    const ratio = c.valRatio ?? defaultValRatio(c.name);
    return html`<label>
      Validation
      <select data-testid="val-ratio" aria-describedby="val-note" @change=${(e: Event) => this.patch({ valRatio: Number((e.target as HTMLSelectElement).value) })}>
        ${[...new Set([...VAL_RATIOS, ratio])]
          .sort((a, b) => a - b)
          .map((r) => html`<option value=${r} ?selected=${ratio === r}>${Math.round(r * 100)}% of the training data</option>`)}
      </select>
      <small id="val-note" class="hint">Held out of training: the curves, early stopping and "restore best" watch it. The test split is only scored.</small>
    </label>`;
  }

  private seed() {
    const seed = this.config.seed ?? 1;
    return html`<div class="seed-field">
      <label for="data-seed">Data seed</label>
      <span class="seed">
        <input
          id="data-seed"
          type="number"
          min="0"
          step="1"
          title="Seeds the generated points and the split"
          .value=${String(seed)}
          @change=${(e: Event) => {
            const v = Number((e.target as HTMLInputElement).value);
            if (Number.isInteger(v) && v >= 0) this.patch({ seed: v });
          }}
        />
        <button class="icon" type="button" title="A new random seed" aria-label="New random data seed" @click=${() => this.patch({ seed: Math.floor(Math.random() * 100000) })}>⟳</button>
      </span>
    </div>`;
  }

  private renderPoints(c: Extract<DataConfig, { points?: number }>, facts: DatasetFacts) {
    const defaults = facts.defaults as { noise?: number; classes?: number };
    return html`
      ${this.slider("points", "Points", c.points ?? 300, 50, 2000, 50, String)}
      ${this.slider("noise", "Noise", c.noise ?? defaults.noise ?? 0, 0, 0.5, 0.01, (v) => v.toFixed(2))}
      ${defaults.classes ? this.slider("classes", "Classes", c.classes ?? defaults.classes, 2, 6, 1, String) : nothing}
      ${facts.task === "classification" ? this.slider("lastClassShare", "Rare last class", c.lastClassShare ?? 1, 0.05, 1, 0.05, (v) => (v >= 1 ? "off" : `${Math.round(v * 100)}% kept`)) : nothing}
      ${this.ratio(c)}
    `;
  }

  /** A generated sequence set's settings: its length and size, and what the set itself varies. */
  private renderSequences(c: DataConfig) {
    const o = c as { examples?: number; length?: number; horizon?: number; noise?: number; symbols?: number };
    const facts = datasetFacts(c.name);
    const length = o.length ?? facts.inputShape?.[0] ?? 10;
    const lengths: Record<string, [number, number, number]> = { adding: [5, 100, 5], sines: [10, 100, 5], brackets: [4, 40, 2], reverse: [4, 30, 1] };
    const range = lengths[c.name];
    if (!range) return nothing; // the names: their length is the longest name's
    return html`
      ${this.slider("length", "Length (steps)", length, range[0], range[1], range[2], String)}
      ${this.slider("examples", "Examples", o.examples ?? 2000, 200, 8000, 200, (v) => v.toLocaleString("en-US"))}
      ${c.name === "sines" ? this.slider("horizon", "Steps to forecast", o.horizon ?? 1, 1, 10, 1, String) : nothing}
      ${c.name === "sines" ? this.slider("noise", "Noise", o.noise ?? 0.05, 0, 0.5, 0.01, (v) => v.toFixed(2)) : nothing}
      ${c.name === "reverse" ? this.slider("symbols", "Symbols", o.symbols ?? 8, 2, 26, 1, String) : nothing}
    `;
  }

  private renderImages(c: Extract<DataConfig, { trainLimit?: number }>) {
    const limit = (key: "trainLimit" | "testLimit", label: string, sizes: number[], all: string) => html`<label>
      ${label}
      <select @change=${(e: Event) => this.patch({ [key]: Number((e.target as HTMLSelectElement).value) || undefined })}>
        ${sizes.map((n) => html`<option value=${n} ?selected=${c[key] === n}>${n.toLocaleString("en-US")}</option>`)}
        <option value="" ?selected=${c[key] === undefined}>${all}</option>
      </select>
    </label>`;
    return html`
      <div class="pair">${limit("trainLimit", "Train images", TRAIN_LIMITS, "all 60,000")} ${limit("testLimit", "Test images", TEST_LIMITS, "all 10,000")}</div>
      <dl-augment-form .augment=${this.augment} .augmented=${this.augmented} ?busy=${this.augmentBusy} ?disabled=${this.disabled}></dl-augment-form>
    `;
  }

  private renderCsv() {
    const data = this.config.name === "csv" ? this.config : null;
    return html`
      <dl-csv-upload .data=${data} ?disabled=${this.disabled}></dl-csv-upload>
      ${data && this.csvProblem === null ? this.ratio(data) : nothing}
    `;
  }

  override render() {
    const c = this.config;
    const name = this.shown;
    const facts = datasetFacts(name);
    const usable = name === c.name;
    return html`
      <fieldset ?disabled=${this.disabled}>
        <label>
          Dataset
          <select data-testid="dataset" aria-describedby="dataset-description" .value=${name} @change=${(e: Event) => this.pick((e.target as HTMLSelectElement).value as DataName)}>
            ${GROUPS.map(
              (g) => html`<optgroup label=${g.group}>
                ${g.sets.map((s) => html`<option value=${s.name} title=${s.description} ?selected=${s.name === name}>${s.label}</option>`)}
              </optgroup>`,
            )}
          </select>
        </label>
        <p class="description" id="dataset-description">${facts.description}</p>
        ${usable ? html`<dl-data-preview .preview=${this.preview}></dl-data-preview>` : nothing}
        ${facts.family === "points" && usable ? this.renderPoints(c as Extract<DataConfig, { points?: number }>, facts) : nothing}
        ${facts.family === "images" && usable ? this.renderImages(c as Extract<DataConfig, { trainLimit?: number }>) : nothing}
        ${facts.family === "sequences" && usable ? this.renderSequences(c) : nothing}
        ${name === "iris" ? this.ratio(c as { trainRatio?: number }) : nothing}
        ${name === "csv" ? this.renderCsv() : nothing}
        ${usable && (facts.family === "points" || facts.family === "table") && (name !== "csv" || this.csvProblem === null) ? this.scaling() : nothing}
        ${usable && (name !== "csv" || this.csvProblem === null) ? this.validation() : nothing}
        ${usable ? this.seed() : nothing}
      </fieldset>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-data-panel": DataPanel;
  }
  interface HTMLElementEventMap {
    /** The data config picked or edited. */
    "data-change": CustomEvent<{ data: DataConfig }>;
  }
}
