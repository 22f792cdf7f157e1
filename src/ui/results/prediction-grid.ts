/**
 * <dl-prediction-grid>: the first test images with what the model predicts for them: the predicted
 * class and its confidence under each image, mistakes ringed in red with the true label, and a
 * "mistakes only" filter. Choosing an image fires `inspect` so the page can ask for its feature maps.
 */
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, queryAll } from "lit/decorators.js";
import { resultStyles } from "./base-styles";
import { columnsOf, RovingFocus } from "./grid-keys";
import "./pixel-image";
import { fire } from "../events";
import { chwToRgba, type ImageShape, type RgbaImage } from "./pixels";
import { className, type TestGrid } from "./test-grid";
import { formatPercent } from "./ticks";

@customElement("dl-prediction-grid")
export class PredictionGrid extends LitElement {
  static override styles = [
    resultStyles,
    css`
      header {
        display: flex;
        align-items: center;
        gap: 12px;
        margin-bottom: 10px;
        font-size: 13px;
        color: var(--muted);
      }
      header b {
        color: var(--text);
        font-variant-numeric: tabular-nums;
      }
      header .bad {
        color: var(--bad);
      }
      header button {
        margin-left: auto;
        padding: 4px 12px;
        font-size: 12px;
        border-radius: 999px;
      }
      header button[aria-pressed="true"] {
        background: rgba(248, 113, 113, 0.15);
        border-color: var(--bad);
        color: #fecaca;
      }
      .tiles {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(68px, 1fr));
        gap: 8px;
      }
      .tile {
        position: relative;
        display: grid;
        gap: 4px;
        padding: 6px;
        border-radius: 10px;
        background: var(--surface-2);
        border: 1px solid transparent;
        text-align: center;
        font-weight: 500;
      }
      .tile dl-pixel-image {
        width: 100%;
        border-radius: 6px;
      }
      .tile.wrong dl-pixel-image {
        box-shadow: 0 0 0 2px var(--bad);
      }
      .tile[aria-current="true"] {
        border-color: var(--accent);
        background: rgba(56, 189, 248, 0.12);
      }
      .badge {
        position: absolute;
        top: 1px;
        right: 1px;
        width: 16px;
        height: 16px;
        border-radius: 50%;
        background: var(--bad);
        color: #0b1120;
        font-size: 11px;
        font-weight: 800;
        line-height: 16px;
      }
      .caption {
        display: flex;
        justify-content: center;
        align-items: baseline;
        gap: 4px;
        font-size: 12px;
        white-space: nowrap;
        overflow: hidden;
      }
      .caption .name {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .caption small {
        color: var(--muted);
        font-size: 10px;
        font-variant-numeric: tabular-nums;
      }
      .truth {
        font-size: 10px;
        color: #fca5a5;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .meter {
        height: 3px;
        border-radius: 2px;
        background: rgba(148, 163, 184, 0.15);
        overflow: hidden;
      }
      .meter i {
        display: block;
        height: 100%;
        background: var(--good);
      }
      .wrong .meter i {
        background: var(--bad);
      }
    `,
  ];

  /** Test images with their labels and predictions (TestReport.grid). */
  @property({ attribute: false }) grid: TestGrid | null = null;
  /** Shape of one image. */
  @property({ attribute: false }) shape: ImageShape | null = null;
  /** Class names by index (numbers are shown when missing). */
  @property({ attribute: false }) classNames: string[] = [];
  /** Test index of the highlighted image (the one whose feature maps are shown), or -1. */
  @property({ type: Number }) selected = -1;
  /** Show only the images the model gets wrong. */
  @property({ type: Boolean, attribute: "mistakes-only" }) mistakesOnly = false;

  private readonly tabStop = new RovingFocus(this);
  @queryAll(".tile") private _tiles!: NodeListOf<HTMLButtonElement>;
  private images: RgbaImage[] = [];
  /** Positions (in the grid) of the images shown. */
  private shown: number[] = [];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("grid") || changed.has("shape")) {
      const { grid, shape } = this;
      this.images =
        grid && shape ? Array.from(grid.labels, (_, i) => ({ rgba: chwToRgba(grid.pixels, i, shape), width: shape.width, height: shape.height })) : [];
    }
    const g = this.grid;
    const all = g && this.shape ? Array.from(g.labels, (_, i) => i) : [];
    this.shown = g && this.mistakesOnly ? all.filter((i) => g.labels[i] !== g.predictions[i]) : all;
    if (this.tabStop.index >= this.shown.length) this.tabStop.index = 0;
  }

  private onKey(event: KeyboardEvent, count: number): void {
    void this.tabStop.onKey(event, count, columnsOf(this._tiles), () => this._tiles);
  }

  private tile(g: TestGrid, slot: number, position: number) {
    const label = g.labels[slot];
    const predicted = g.predictions[slot];
    const wrong = label !== predicted;
    const index = g.indices[slot];
    const names = this.classNames;
    const confidence = g.confidence[slot];
    const description = `Test image ${index}: predicted ${className(names, predicted)} (${formatPercent(confidence)})${wrong ? `, wrong: it is ${className(names, label)}` : ", right"}`;
    return html`<button
      type="button"
      class="tile ${wrong ? "wrong" : ""}"
      data-index=${index}
      tabindex=${position === this.tabStop.index ? 0 : -1}
      aria-current=${index === this.selected ? "true" : "false"}
      aria-label=${description}
      title=${description}
      @click=${() => {
        this.tabStop.index = position;
        fire(this, "inspect", { index });
      }}
    >
      <dl-pixel-image .image=${this.images[slot]}></dl-pixel-image>
      ${wrong ? html`<span class="badge" aria-hidden="true">✕</span>` : nothing}
      <span class="caption"><span class="name">${className(names, predicted)}</span><small>${Math.round(100 * confidence)}%</small></span>
      <span class="meter" aria-hidden="true"><i style="width:${Math.round(100 * confidence)}%"></i></span>
      ${wrong ? html`<span class="truth">is ${className(names, label)}</span>` : nothing}
    </button>`;
  }

  override render() {
    const g = this.grid;
    const shown = this.shown;
    const total = g?.labels.length ?? 0;
    let mistakes = 0;
    for (let i = 0; i < total; i++) if (g && g.labels[i] !== g.predictions[i]) mistakes++;
    return html`<div data-testid="prediction-grid" data-count=${shown.length} data-mistakes=${mistakes}>
      <header>
        <span><b>${total - mistakes}</b> of <b>${total}</b> right · <b class=${mistakes ? "bad" : ""}>${mistakes}</b> ${mistakes === 1 ? "mistake" : "mistakes"}</span>
        <button type="button" aria-pressed=${String(this.mistakesOnly)} ?disabled=${!g} @click=${() => (this.mistakesOnly = !this.mistakesOnly)}>Mistakes only</button>
      </header>
      ${
        shown.length && g
          ? html`<div class="tiles" role="group" aria-label="Test predictions (arrow keys move, Enter inspects)" @keydown=${(e: KeyboardEvent) => this.onKey(e, shown.length)}>
              ${shown.map((slot, position) => this.tile(g, slot, position))}
            </div>`
          : html`<div class="empty">${g ? "No mistakes among these test images." : "Test predictions appear after the first evaluation."}</div>`
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-prediction-grid": PredictionGrid;
  }
}
