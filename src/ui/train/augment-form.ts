/**
 * <dl-augment-form>: image augmentation in the data panel. Each augmentation (shift, flip, rotation,
 * noise) has a switch and a slider for its amount; "Preview augmented batch" runs the augmentation
 * on the device on a batch of training images and shows each original above its augmented copy
 * (busy while the worker works). Fires `augment-change` and `augment-preview`.
 */
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { AugmentOptions } from "../../ops/augment";
import { fire } from "../events";
import type { AugmentedBatch } from "../state/train-slice";
import { theme } from "../theme";
import { imageUrls } from "./data-preview";

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

@customElement("dl-augment-form")
export class AugmentForm extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: grid;
        gap: 12px;
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
        font-variant-numeric: tabular-nums;
      }
      .augment input.off {
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
      .note {
        font-size: 12px;
        color: var(--muted);
        margin: 0;
      }
    `,
  ];

  /** The augmentation of image batches (training.augment); absent: none. */
  @property({ attribute: false }) augment?: AugmentOptions;
  /** A batch with the augmentation applied, beside the originals. */
  @property({ attribute: false }) augmented?: AugmentedBatch;
  /** A preview was asked for and has not come back. */
  @property({ type: Boolean }) busy = false;
  @property({ type: Boolean }) disabled = false;

  /** Values of sliders being dragged, shown before the change fires. */
  @state() private _draft: Record<string, number> = {};
  /** The amount each augmentation returns to when turned back on. */
  @state() private _amounts: Record<string, number> = Object.fromEntries(AUGMENTS.map((a) => [a.key, a.start]));

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("augment") && this.augment) {
      const known = Object.entries(this.augment).filter(([, v]) => typeof v === "number" && v > 0);
      if (known.length) this._amounts = { ...this._amounts, ...Object.fromEntries(known) };
    }
  }

  private set(key: keyof AugmentOptions, value: number): void {
    const next = { ...this.augment, [key]: value };
    const on = Object.values(next).some((v) => typeof v === "number" && v > 0);
    fire(this, "augment-change", { augment: on ? next : undefined });
  }

  override render() {
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
              <input type="checkbox" .checked=${on} ?disabled=${this.disabled} @change=${(e: Event) => this.set(g.key, (e.target as HTMLInputElement).checked ? this._amounts[g.key] : 0)} />
              ${g.label}
            </label>
            <input
              type="range"
              class=${on ? "" : "off"}
              aria-label=${`${g.label} amount`}
              aria-valuetext=${g.unit(amount)}
              title=${g.hint}
              min=${g.min}
              max=${g.max}
              step=${g.step}
              .value=${String(amount)}
              ?disabled=${!on || this.disabled}
              @input=${(e: Event) => {
                this._draft = { ...this._draft, [g.key]: Number((e.target as HTMLInputElement).value) };
              }}
              @change=${(e: Event) => {
                const v = Number((e.target as HTMLInputElement).value);
                this._draft = {};
                this._amounts = { ...this._amounts, [g.key]: v };
                this.set(g.key, v);
              }}
            />
            <output class=${on ? "" : "off"}>${g.unit(amount)}</output>
          `;
        })}
      </div>
      <button
        type="button"
        data-testid="augment-preview"
        ?disabled=${!anyOn || this.busy || this.disabled}
        aria-busy=${this.busy ? "true" : "false"}
        title=${anyOn ? "Run the augmentation on a batch of training images" : "Turn on an augmentation first"}
        @click=${() => fire(this, "augment-preview", { count: PREVIEW_COUNT })}
      >
        ${this.busy ? "Augmenting a batch on the device…" : "Preview augmented batch"}
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
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-augment-form": AugmentForm;
  }
  interface HTMLElementEventMap {
    /** The augmentation settings (undefined: none). */
    "augment-change": CustomEvent<{ augment: AugmentOptions | undefined }>;
    /** Asks the worker to augment `count` training images. */
    "augment-preview": CustomEvent<{ count: number }>;
  }
}
