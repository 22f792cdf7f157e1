/**
 * <dl-data-panel>: the sidebar's data section. Picks the dataset (2-D sets, Iris, your CSV, MNIST
 * and Fashion-MNIST), sets its size, noise, split and seed, takes a CSV upload (validated here with
 * parseCsv so its errors show inline, naming the row and column), toggles image augmentation, and
 * shows the worker's preview. It only edits configs and fires events; the app talks to the worker.
 */
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { parseCsv } from "../data/csv";
import type { AugmentOptions } from "../ops/augment";
import type { DataConfig } from "../train/config";
import type { DatasetPreview } from "../worker/protocol";
import { imageUrls } from "./data-preview";
import "./data-preview";
import { panelControls, theme } from "./theme";

type DataName = DataConfig["name"];
type Kind = "points" | "images" | "iris" | "csv";

interface DatasetInfo {
  name: DataName;
  label: string;
  description: string;
  kind: Kind;
  /** The generator's default noise (points only). */
  noise?: number;
  /** Default class count, for the generators that take one. */
  classes?: number;
}

/** The picker's groups, in menu order, each dataset with one line on what it is. */
const GROUPS: { group: string; sets: DatasetInfo[] }[] = [
  {
    group: "2-D classification",
    sets: [
      { name: "circle", label: "Circle", description: "A disc inside a ring: two classes", kind: "points", noise: 0 },
      { name: "xor", label: "XOR", description: "Four quadrants; opposite corners share a class", kind: "points", noise: 0 },
      { name: "gaussian", label: "Gaussian", description: "Two overlapping gaussian blobs", kind: "points", noise: 0.15 },
      { name: "spiral", label: "Spiral", description: "Interleaved spiral arms, one per class", kind: "points", noise: 0.2, classes: 3 },
      { name: "moons", label: "Moons", description: "Two interleaving half circles", kind: "points", noise: 0.1 },
      { name: "ring", label: "Rings", description: "Concentric rings, one per class", kind: "points", noise: 0.05, classes: 2 },
    ],
  },
  {
    group: "2-D regression",
    sets: [
      { name: "plane", label: "Plane", description: "A tilted plane: target = ½·x₁ + ½·x₂", kind: "points", noise: 0 },
      { name: "multi-gaussian", label: "Multi-gaussian", description: "Six gaussian bumps of alternating sign", kind: "points", noise: 0 },
    ],
  },
  {
    group: "Tables",
    sets: [
      { name: "iris", label: "Iris", description: "150 flowers, 4 measurements, 3 species", kind: "iris" },
      { name: "csv", label: "Your CSV", description: "Numeric feature columns and one label column", kind: "csv" },
    ],
  },
  {
    group: "Images",
    sets: [
      { name: "mnist", label: "MNIST", description: "Handwritten digits, 28×28 grey, 10 classes", kind: "images" },
      { name: "fashion-mnist", label: "Fashion-MNIST", description: "Clothes and shoes, 28×28 grey, 10 classes", kind: "images" },
    ],
  },
];

const INFO = new Map(GROUPS.flatMap((g) => g.sets.map((s) => [s.name, s] as const)));

/** Sizes offered for the image splits (blank: the whole split). */
const TRAIN_LIMITS = [1000, 5000, 10000, 20000];
const TEST_LIMITS = [500, 1000, 2000, 5000];
const VAL_RATIOS = [0, 0.1, 0.2];

/** Largest CSV file taken (it travels in the config). */
const MAX_CSV_BYTES = 5 * 1024 * 1024;

/** Images in an augmentation preview. */
const PREVIEW_COUNT = 12;

/** The augmentations: option, its label, its slider and the amount it starts at when turned on. */
const AUGMENTS: {
  key: keyof AugmentOptions;
  label: string;
  hint: string;
  min: number;
  max: number;
  step: number;
  start: number;
  unit: (v: number) => string;
}[] = [
  { key: "maxShift", label: "Shift", hint: "Moves each image up to this many pixels each way", min: 1, max: 6, step: 1, start: 2, unit: (v) => `±${v} px` },
  {
    key: "flipProbability",
    label: "Flip",
    hint: "Mirrors left-right with this probability (right for clothes, wrong for digits)",
    min: 0.1,
    max: 1,
    step: 0.1,
    start: 0.5,
    unit: (v) => `${Math.round(v * 100)}%`,
  },
  {
    key: "maxRotationDegrees",
    label: "Rotation",
    hint: "Turns each image up to this many degrees either way",
    min: 1,
    max: 45,
    step: 1,
    start: 10,
    unit: (v) => `±${v}°`,
  },
  {
    key: "noiseStd",
    label: "Noise",
    hint: "Adds gaussian noise of this standard deviation to the pixels (0–1)",
    min: 0.01,
    max: 0.5,
    step: 0.01,
    start: 0.1,
    unit: (v) => `σ ${v.toFixed(2)}`,
  },
];

/** The config of dataset `name` with its defaults, keeping `seed`. */
function defaultData(name: DataName, seed: number): DataConfig {
  const info = INFO.get(name);
  if (info?.kind === "points")
    return { name, points: 300, noise: info.noise, ...(info.classes ? { classes: info.classes } : {}), trainRatio: 0.8, seed } as DataConfig;
  if (info?.kind === "images") return { name, trainLimit: 10000, testLimit: 2000, valRatio: 0.1, seed } as DataConfig;
  return { name, trainRatio: 0.8, seed } as DataConfig;
}

/** The header's column names as the file spells them (first non-blank line, the most frequent of , ; tab). */
function headerNames(text: string): string[] {
  const line =
    text
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/)
      .find((l) => l.trim() !== "") ?? "";
  const delimiter = [",", ";", "\t"].reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best), ",");
  return line.split(delimiter).map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
}

/** What parsing an uploaded table found: a one-line summary, or the parser's message. */
interface CsvCheck {
  text: string;
  file: string;
  /** The header's names, when the file has a header (empty otherwise). */
  columns: string[];
  label?: string;
  summary?: string;
  error?: string;
}

function checkCsv(text: string, file: string, label?: string): CsvCheck {
  const names = headerNames(text);
  try {
    const ds = parseCsv(text, { label });
    const header = ds.featureNames?.every((f) => names.includes(f)) ?? false;
    const columns = header ? names : [];
    const chosen = label ?? (header ? names.find((n) => !ds.featureNames?.includes(n)) : undefined);
    const target = ds.task === "classification" ? `${ds.classes} classes` : "regression";
    return { text, file, columns, label: chosen, summary: `${ds.n.toLocaleString("en-US")} rows · ${ds.featureNames?.length} features · ${target}` };
  } catch (e) {
    const message = (e as Error).message.replace(/^csv: /, "");
    const columns = names.length > 1 ? names : [];
    return { text, file, columns, label: label ?? columns.at(-1), error: message.charAt(0).toUpperCase() + message.slice(1) };
  }
}

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
      .pair {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        gap: 10px;
      }
      .drop {
        display: grid;
        place-items: center;
        gap: 2px;
        padding: 14px 10px;
        border: 1.5px dashed var(--border);
        border-radius: 10px;
        text-align: center;
        cursor: pointer;
        color: var(--muted);
        font-size: 12.5px;
      }
      .drop b {
        color: var(--text);
        font-weight: 600;
        font-size: 13px;
      }
      .drop:hover,
      .drop.over {
        border-color: var(--accent);
        background: rgba(56, 189, 248, 0.06);
      }
      .drop:focus-within {
        outline: 2px solid var(--accent);
        outline-offset: 2px;
      }
      .drop input {
        position: absolute;
        width: 1px;
        height: 1px;
        opacity: 0;
        pointer-events: none;
      }
      .ok {
        font-size: 12px;
        color: var(--good);
        margin: 0;
      }
      .error {
        font-size: 12px;
        color: var(--bad);
        margin: 0;
        line-height: 1.45;
        padding: 8px 10px;
        border-radius: 8px;
        background: rgba(248, 113, 113, 0.08);
        border: 1px solid rgba(248, 113, 113, 0.35);
        overflow-wrap: anywhere;
      }
      .note {
        font-size: 12px;
        color: var(--muted);
        margin: 0;
      }
      h3 {
        margin: 4px 0 0;
        font-size: 12px;
        font-weight: 600;
        letter-spacing: 0.06em;
        text-transform: uppercase;
        color: var(--muted);
      }
      .augment {
        display: grid;
        grid-template-columns: auto 1fr auto;
        align-items: center;
        gap: 8px 10px;
        font-size: 13px;
      }
      .augment label.toggle {
        display: flex;
        align-items: center;
        gap: 7px;
        color: var(--text);
      }
      .augment input[type="checkbox"] {
        accent-color: var(--accent);
        margin: 0;
      }
      .augment input[type="range"] {
        width: 100%;
        min-width: 0;
      }
      .augment output {
        min-width: 56px;
        text-align: right;
        color: var(--muted);
      }
      .augment .off {
        opacity: 0.45;
      }
      .pairs {
        display: grid;
        grid-template-columns: repeat(6, 1fr);
        gap: 4px;
      }
      .pairs img {
        display: block;
        width: 100%;
        aspect-ratio: 1;
        image-rendering: pixelated;
        border-radius: 3px;
        background: #000;
      }
      .pairs div {
        display: grid;
        gap: 2px;
      }
      .pairs div img:last-child {
        outline: 1px solid var(--accent);
      }
    `,
  ];

  /** The data part of the experiment config. */
  @property({ attribute: false }) config: DataConfig = { name: "spiral" };
  /** The augmentation of image batches (training.augment); absent: none. */
  @property({ attribute: false }) augment?: AugmentOptions;
  /** The worker's preview of the current data. */
  @property({ attribute: false }) preview?: DatasetPreview;
  /** A batch with the augmentation applied, beside the originals (uint8, [count, channels, height, width]). */
  @property({ attribute: false }) augmented?: { channels: number; height: number; width: number; pixels: Uint8Array; originals: Uint8Array };
  /** Locks every control (while training). */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** Values of sliders being dragged, shown before the change fires. */
  @state() private _draft: Record<string, number> = {};
  @state() private _csv: CsvCheck | null = null;
  /** "Your CSV" is picked but no valid table is loaded yet, so the config still names the last dataset. */
  @state() private _csvPending = false;
  @state() private _over = false;
  /** The amount each augmentation returns to when turned back on. */
  @state() private _amounts: Record<string, number> = Object.fromEntries(AUGMENTS.map((a) => [a.key, a.start]));

  protected override willUpdate(changed: PropertyValues<this>): void {
    const c = this.config;
    if (changed.has("config") && JSON.stringify(changed.get("config")) !== JSON.stringify(c)) this._csvPending = false;
    if (changed.has("config") && c.name === "csv" && c.text && c.text !== this._csv?.text) this._csv = checkCsv(c.text, "uploaded table", c.label);
    if (changed.has("augment") && this.augment) {
      const known = Object.entries(this.augment).filter(([, v]) => typeof v === "number" && v > 0);
      if (known.length) this._amounts = { ...this._amounts, ...Object.fromEntries(known) };
    }
  }

  private emitData(data: DataConfig): void {
    this.dispatchEvent(new CustomEvent("data-change", { detail: { data }, bubbles: true, composed: true }));
  }

  private patch(values: Record<string, number | undefined>): void {
    this._draft = {};
    this.emitData({ ...this.config, ...values } as DataConfig);
  }

  private pick(name: DataName): void {
    this._draft = {};
    this._csvPending = false;
    const csv = this._csv;
    if (name !== "csv") this.emitData(defaultData(name, this.config.seed ?? 1));
    else if (csv && !csv.error) this.emitData({ name: "csv", text: csv.text, label: csv.label, trainRatio: 0.8, seed: this.config.seed ?? 1 });
    else this._csvPending = true;
  }

  private async load(file: File | undefined): Promise<void> {
    if (!file) return;
    if (file.size > MAX_CSV_BYTES) {
      this._csv = {
        text: "",
        file: file.name,
        columns: [],
        error: `${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MB; the playground takes tables up to ${MAX_CSV_BYTES / 2 ** 20} MB`,
      };
      return;
    }
    this.useCsv(checkCsv(await file.text(), file.name));
  }

  private useCsv(check: CsvCheck): void {
    this._csv = check;
    const c = this.config as { trainRatio?: number; seed?: number };
    if (!check.error) this.emitData({ name: "csv", text: check.text, label: check.label, trainRatio: c.trainRatio ?? 0.8, seed: c.seed ?? 1 });
  }

  private drop(e: DragEvent): void {
    e.preventDefault();
    this._over = false;
    if (!this.disabled) this.load(e.dataTransfer?.files[0]);
  }

  private setAugment(key: keyof AugmentOptions, value: number): void {
    const next = { ...this.augment, [key]: value };
    const on = Object.values(next).some((v) => typeof v === "number" && v > 0);
    this.dispatchEvent(new CustomEvent("augment-change", { detail: { augment: on ? next : undefined }, bubbles: true, composed: true }));
  }

  /** A labelled range input that shows its value while dragged and fires on release. */
  private slider(key: string, label: string, value: number, min: number, max: number, step: number, show: (v: number) => string) {
    const shown = this._draft[key] ?? value;
    return html`<label>
      <span class="row"><span>${label}</span><output>${show(shown)}</output></span>
      <input
        type="range"
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
      (v) => `${Math.round(v * 100)}% train · ${Math.round((1 - v) * 100)}% test`,
    );
  }

  private seed() {
    const seed = this.config.seed ?? 1;
    return html`<label>
      Seed
      <span class="seed">
        <input
          type="number"
          min="0"
          step="1"
          .value=${String(seed)}
          @change=${(e: Event) => {
            const v = Number((e.target as HTMLInputElement).value);
            if (Number.isInteger(v) && v >= 0) this.patch({ seed: v });
          }}
        />
        <button class="icon" type="button" title="A new random seed" aria-label="New random seed" @click=${() => this.patch({ seed: Math.floor(Math.random() * 100000) })}>⟳</button>
      </span>
    </label>`;
  }

  private renderPoints(c: Extract<DataConfig, { points?: number }>, info: DatasetInfo) {
    return html`
      ${this.slider("points", "Points", c.points ?? 300, 50, 2000, 50, String)}
      ${this.slider("noise", "Noise", c.noise ?? info.noise ?? 0, 0, 0.5, 0.01, (v) => v.toFixed(2))}
      ${info.classes ? this.slider("classes", "Classes", c.classes ?? info.classes, 2, 6, 1, String) : nothing}
      ${this.ratio(c)}
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
      <label>
        Validation
        <select @change=${(e: Event) => this.patch({ valRatio: Number((e.target as HTMLSelectElement).value) })}>
          ${VAL_RATIOS.map((r) => html`<option value=${r} ?selected=${(c.valRatio ?? 0) === r}>${r ? `${r * 100}% of train` : "none (test split)"}</option>`)}
        </select>
      </label>
      ${this.renderAugment()}
    `;
  }

  private renderCsv(c: Extract<DataConfig, { name: "csv" }>) {
    const csv = this._csv;
    const loaded = !this._csvPending;
    return html`
      <label
        class="drop ${this._over ? "over" : ""}"
        @dragover=${(e: DragEvent) => {
          e.preventDefault();
          this._over = true;
        }}
        @dragleave=${() => {
          this._over = false;
        }}
        @drop=${this.drop}
      >
        <b>${csv?.file ?? "Choose a CSV file"}</b>
        <span>${csv ? "drop or click to replace" : "or drop one here · header row, numeric columns"}</span>
        <input
          type="file"
          accept=".csv,.tsv,.txt,text/csv"
          data-testid="csv-upload"
          aria-describedby="csv-status"
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            this.load(input.files?.[0]).finally(() => {
              input.value = "";
            });
          }}
        />
      </label>
      <div id="csv-status" aria-live="polite">
        ${csv?.error ? html`<p class="error" role="alert">${csv.error}</p>` : csv?.summary ? html`<p class="ok">✓ ${csv.summary}</p>` : nothing}
      </div>
      ${
        csv && csv.columns.length > 1
          ? html`<label>
            Label column
            <select @change=${(e: Event) => csv && this.useCsv(checkCsv(csv.text, csv.file, (e.target as HTMLSelectElement).value))}>
              ${csv.columns.map((n) => html`<option ?selected=${n === csv.label}>${n}</option>`)}
            </select>
          </label>`
          : csv?.summary
            ? html`<p class="note">No header row: the last column is the label.</p>`
            : nothing
      }
      ${loaded ? this.ratio(c) : nothing}
    `;
  }

  private renderAugment() {
    const a = this.augment ?? {};
    const anyOn = AUGMENTS.some((g) => (a[g.key] ?? 0) > 0);
    const batch = this.augmented;
    const urls = batch ? imageUrls(batch.pixels, batch.channels, batch.height, batch.width, PREVIEW_COUNT) : [];
    const originals = batch ? imageUrls(batch.originals, batch.channels, batch.height, batch.width, PREVIEW_COUNT) : [];
    return html`
      <h3>Augmentation</h3>
      <div class="augment">
        ${AUGMENTS.map((g) => {
          const on = (a[g.key] ?? 0) > 0;
          const amount = this._draft[g.key] ?? (on ? (a[g.key] as number) : this._amounts[g.key]);
          return html`
            <label class="toggle" title=${g.hint}>
              <input type="checkbox" .checked=${on} @change=${(e: Event) => this.setAugment(g.key, (e.target as HTMLInputElement).checked ? this._amounts[g.key] : 0)} />
              ${g.label}
            </label>
            <input
              type="range"
              class=${on ? "" : "off"}
              aria-label=${`${g.label} amount`}
              title=${g.hint}
              min=${g.min}
              max=${g.max}
              step=${g.step}
              .value=${String(amount)}
              ?disabled=${!on}
              @input=${(e: Event) => {
                this._draft = { ...this._draft, [g.key]: Number((e.target as HTMLInputElement).value) };
              }}
              @change=${(e: Event) => {
                const v = Number((e.target as HTMLInputElement).value);
                this._draft = {};
                this._amounts = { ...this._amounts, [g.key]: v };
                this.setAugment(g.key, v);
              }}
            />
            <output class=${on ? "" : "off"}>${g.unit(amount)}</output>
          `;
        })}
      </div>
      <button
        type="button"
        data-testid="augment-preview"
        ?disabled=${!anyOn}
        title=${anyOn ? "Run the augmentation on a batch of training images" : "Turn on an augmentation first"}
        @click=${() => this.dispatchEvent(new CustomEvent("augment-preview", { detail: { count: PREVIEW_COUNT }, bubbles: true, composed: true }))}
      >
        Preview augmented batch
      </button>
      ${
        urls.length
          ? html`<div class="pairs" role="list" aria-label="Original images above their augmented versions">
              ${urls.map((url, i) => html`<div role="listitem"><img src=${originals[i]} alt="original" /><img src=${url} alt="augmented" /></div>`)}
            </div>
            <p class="note">Each original above its augmented copy.</p>`
          : nothing
      }
    `;
  }

  override render() {
    const c = this.config;
    const name = this._csvPending ? "csv" : c.name;
    const info = INFO.get(name);
    return html`
      <fieldset ?disabled=${this.disabled}>
        <label>
          Dataset
          <select data-testid="dataset" aria-describedby="dataset-description" @change=${(e: Event) => this.pick((e.target as HTMLSelectElement).value as DataName)}>
            ${GROUPS.map(
              (g) => html`<optgroup label=${g.group}>
                ${g.sets.map((s) => html`<option value=${s.name} title=${s.description} ?selected=${s.name === name}>${s.label}</option>`)}
              </optgroup>`,
            )}
          </select>
        </label>
        <p class="description" id="dataset-description">${info?.description}</p>
        ${this._csvPending ? nothing : html`<dl-data-preview .preview=${this.preview}></dl-data-preview>`}
        ${info?.kind === "points" ? this.renderPoints(c as Extract<DataConfig, { points?: number }>, info) : nothing}
        ${info?.kind === "images" ? this.renderImages(c as Extract<DataConfig, { trainLimit?: number }>) : nothing}
        ${info?.kind === "iris" ? this.ratio(c as { trainRatio?: number }) : nothing}
        ${info?.kind === "csv" ? this.renderCsv(c as Extract<DataConfig, { name: "csv" }>) : nothing}
        ${this._csvPending ? nothing : this.seed()}
      </fieldset>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-data-panel": DataPanel;
  }
}
