/**
 * <dl-confusion-matrix>: how the test examples of each true class (rows) were classified (columns),
 * with counts, colours by the share of the row (green on the diagonal, red off it) and the class
 * names. Past six classes the cells get small: counts are shortened ("1.2k") in a smaller font, and
 * long class names are numbered in the row headers and the columns show the numbers. Each cell is a
 * button that opens the cell's examples below the matrix: the images of the prediction grid, and the
 * others fetched from the worker (it fires `examples-request` for the ones the page lacks; `examples`
 * holds those that came). A click on an image fires `inspect`. Tables have no images: their test
 * indices are listed.
 */
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, queryAll, state } from "lit/decorators.js";
import type { ExampleImages } from "../../worker/protocol";
import { fire } from "../events";
import { resultStyles } from "./base-styles";
import { hexToRgb, mix, type Rgb, readablePair, rgbCss } from "./colors";
import { cellCount, cellExamples, diagonalShare, rowFractions } from "./confusion";
import { RovingFocus } from "./grid-keys";
import "./pixel-image";
import { chwToRgba, type ImageShape } from "./pixels";
import { className, type TestGrid } from "./test-grid";
import { formatPercent } from "./ticks";

const CELL_BACKGROUND: Rgb = [23, 34, 58];
const RIGHT = hexToRgb("#22c55e");
const WRONG = hexToRgb("#f43f5e");

/** A cell's colour: green by its row share on the diagonal, red off it (small error shares boosted to stay visible). */
function cellColor(fraction: number, diagonal: boolean): Rgb {
  return diagonal ? mix(CELL_BACKGROUND, RIGHT, 0.12 + 0.78 * fraction) : mix(CELL_BACKGROUND, WRONG, fraction > 0 ? 0.15 + 0.8 * Math.sqrt(fraction) : 0);
}

@customElement("dl-confusion-matrix")
export class ConfusionMatrix extends LitElement {
  static override styles = [
    resultStyles,
    css`
      :host {
        container-type: inline-size;
      }
      .summary {
        margin-bottom: 8px;
        font-size: 13px;
        color: var(--muted);
      }
      .summary b {
        color: var(--text);
      }
      .scroll {
        overflow-x: auto;
      }
      table {
        width: 100%;
        table-layout: fixed;
        border-collapse: separate;
        border-spacing: 3px;
        font-size: 12px;
      }
      th {
        font-weight: 500;
        color: var(--muted);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      thead th {
        padding: 0 0 2px;
        text-align: center;
        font-size: 11px;
      }
      tbody th {
        text-align: right;
        padding-right: 4px;
      }
      th.corner {
        width: 56px;
      }
      .axis {
        font-size: 10px;
        font-weight: 600;
        letter-spacing: 0.08em;
        text-transform: uppercase;
        color: var(--muted);
      }
      td {
        padding: 0;
      }
      td button {
        width: 100%;
        min-width: 28px;
        height: 32px;
        padding: 0 2px;
        border-radius: 6px;
        border: 1px solid transparent;
        font-size: 12px;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      td button:hover {
        border-color: rgba(226, 232, 240, 0.6);
      }
      td button.zero {
        color: rgba(139, 154, 181, 0.45);
        font-weight: 400;
      }
      table.dense {
        border-spacing: 2px;
      }
      .dense th.corner {
        width: 44px;
      }
      .dense .axis {
        letter-spacing: 0.02em;
      }
      .dense.named th.corner {
        width: 64px;
      }
      .dense td button {
        min-width: 0;
        height: 24px;
        padding: 0;
        border-radius: 4px;
        font-size: 10px;
        letter-spacing: -0.03em;
        overflow: hidden;
      }
      @container (min-width: 480px) {
        .dense.named th.corner {
          width: 112px;
        }
        .dense td button {
          height: 30px;
          font-size: 12px;
          letter-spacing: normal;
        }
      }
      td button[aria-expanded="true"] {
        border-color: var(--text);
        box-shadow: 0 0 0 1px var(--text);
      }
      .examples {
        margin-top: 12px;
        padding: 12px;
        border-radius: 10px;
        background: var(--surface-2);
        border: 1px solid var(--border);
      }
      .examples header {
        display: flex;
        align-items: center;
        gap: 8px;
        margin-bottom: 10px;
        font-size: 13px;
      }
      .examples header button {
        margin-left: auto;
        padding: 2px 10px;
        font-size: 12px;
      }
      .images {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .images button {
        padding: 3px;
        border-radius: 8px;
        line-height: 0;
      }
      .images dl-pixel-image {
        width: 48px;
        border-radius: 5px;
      }
      .others {
        margin-top: 8px;
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        align-items: center;
        font-size: 12px;
        color: var(--muted);
      }
      .images .pending {
        display: grid;
        place-items: center;
        width: 48px;
        height: 48px;
        border-radius: 5px;
        background: var(--surface-2);
        color: var(--muted);
        font-size: 10px;
        line-height: 1;
      }
      .others span {
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** Counts: rows are the true class, columns the predicted one (TestReport.confusion). */
  @property({ attribute: false }) confusion: number[][] | null = null;
  /** Up to 32 test indices per cell, cell = true * classes + predicted (TestReport.cellExamples). */
  @property({ attribute: false }) cellExamples: Int32Array[] = [];
  /** Class names by index (numbers are shown when missing). */
  @property({ attribute: false }) classNames: string[] = [];
  /** Test images the page holds (TestReport.grid), shown when a cell that has them is opened. */
  @property({ attribute: false }) grid: TestGrid | null = null;
  /** Shape of one image of `grid`. */
  @property({ attribute: false }) shape: ImageShape | null = null;
  /** Test images fetched for opened cells, by test index. */
  @property({ attribute: false }) examples: ReadonlyMap<number, ExampleImages> = new Map();

  @state() private _open: { trueClass: number; predicted: number } | null = null;
  private readonly tabStop = new RovingFocus(this);
  @queryAll("td button") private _cells!: NodeListOf<HTMLButtonElement>;
  private fractions: number[][] = [];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("confusion")) {
      this.fractions = this.confusion ? rowFractions(this.confusion) : [];
      const n = this.confusion?.length ?? 0;
      if (this._open && (this._open.trueClass >= n || this._open.predicted >= n)) this._open = null;
      if (this.tabStop.index >= n * n) this.tabStop.index = 0;
    }
  }

  private indicesOf(trueClass: number, predicted: number): Int32Array {
    return this.cellExamples[trueClass * (this.confusion?.length ?? 0) + predicted] ?? new Int32Array(0);
  }

  private open(trueClass: number, predicted: number): void {
    const n = this.confusion?.length ?? 0;
    this.tabStop.index = trueClass * n + predicted;
    const same = this._open?.trueClass === trueClass && this._open.predicted === predicted;
    this._open = same ? null : { trueClass, predicted };
    if (same) return;
    if (!this.shape) return; // a table: no images to fetch
    const { other } = cellExamples(this.indicesOf(trueClass, predicted), this.grid?.indices);
    const missing = other.filter((i) => !this.examples.has(i));
    if (missing.length) fire(this, "examples-request", { indices: missing });
  }

  private onEscape(event: KeyboardEvent): void {
    if (event.key !== "Escape" || !this._open) return;
    this._open = null;
    this._cells[this.tabStop.index]?.focus();
  }

  private onKey(event: KeyboardEvent): void {
    const n = this.confusion?.length ?? 0;
    void this.tabStop.onKey(event, n * n, n, () => this._cells);
  }

  private cell(t: number, p: number, count: number) {
    const n = this.confusion?.length ?? 0;
    const fraction = this.fractions[t]?.[p] ?? 0;
    const { background: color, text } = readablePair(cellColor(fraction, t === p));
    const open = this._open?.trueClass === t && this._open.predicted === p;
    const names = this.classNames;
    const label = `true ${className(names, t)}, predicted ${className(names, p)}: ${count} (${formatPercent(fraction)} of the row)`;
    return html`<td>
      <button
        type="button"
        class=${count === 0 ? "zero" : ""}
        style="background:${rgbCss(color)};color:${count === 0 ? "" : text}"
        tabindex=${t * n + p === this.tabStop.index ? 0 : -1}
        aria-expanded=${open ? "true" : "false"}
        aria-label=${label}
        title=${label}
        data-true=${t}
        data-predicted=${p}
        @click=${() => this.open(t, p)}
      >
        ${cellCount(count)}
      </button>
    </td>`;
  }

  private renderExamples() {
    if (!this._open) return nothing;
    const { trueClass, predicted } = this._open;
    const names = this.classNames;
    const count = this.confusion?.[trueClass]?.[predicted] ?? 0;
    const indices = this.indicesOf(trueClass, predicted);
    const { grid, shape } = this;
    const { shown, other } = cellExamples(indices, shape ? grid?.indices : undefined);
    const slots = new Map(shown.map((s) => [s.index, s.slot]));
    const loaded = other.filter((i) => this.examples.has(i)).length;
    const image = (index: number) => {
      const slot = slots.get(index);
      const fetched = this.examples.get(index);
      if (!shape) return nothing;
      const rgba = slot !== undefined && grid ? chwToRgba(grid.pixels, slot, shape) : fetched ? chwToRgba(fetched.pixels, 0, shape) : null;
      return html`<button type="button" title="Test image ${index}" aria-label="Inspect test image ${index}" @click=${() => fire(this, "inspect", { index })}>
        ${rgba ? html`<dl-pixel-image .image=${{ rgba, width: shape.width, height: shape.height }}></dl-pixel-image>` : html`<span class="pending">#${index}</span>`}
      </button>`;
    };
    return html`<section class="examples" data-testid="confusion-examples" data-shown=${shown.length + loaded} data-other=${other.length - loaded} aria-live="polite">
      <header>
        <span>True <b>${className(names, trueClass)}</b>, predicted <b>${className(names, predicted)}</b>: ${count} ${count === 1 ? "example" : "examples"}${count > indices.length ? html` (the first ${indices.length} shown)` : nothing}</span>
        <button type="button" @click=${() => (this._open = null)}>Close</button>
      </header>
      ${shape && indices.length ? html`<div class="images">${Array.from(indices, image)}</div>` : nothing}
      ${
        !shape && indices.length
          ? html`<div class="others"><span>Test rows:</span>${Array.from(indices, (index) => html`<span>#${index}</span>`)}</div>`
          : nothing
      }
      ${indices.length === 0 ? html`<div class="others">No examples in this cell.</div>` : nothing}
    </section>`;
  }

  override render() {
    const m = this.confusion;
    if (!m || m.length === 0)
      return html`<div data-testid="confusion-matrix" data-classes="0"><div class="empty">The confusion matrix appears after the first evaluation.</div></div>`;
    const names = this.classNames;
    const dense = m.length > 6;
    const numbered = dense && m.some((_, k) => className(names, k).length > 2); // long names: the columns show numbers
    const head = (k: number) => (numbered ? String(k) : className(names, k));
    const rowHead = (k: number) => (numbered ? `${k} ${className(names, k)}` : className(names, k));
    return html`<div data-testid="confusion-matrix" data-classes=${m.length} @keydown=${this.onEscape}>
      <div class="summary"><b>${formatPercent(diagonalShare(m))}</b> on the diagonal · press a cell to see its examples</div>
      <div class="scroll">
        <table class="${dense ? "dense" : ""} ${numbered ? "named" : ""}" @keydown=${this.onKey}>
          <thead>
            <tr>
              <th class="corner"></th>
              <th class="axis" colspan=${m.length}>predicted →</th>
            </tr>
            <tr>
              <th class="axis corner">true ↓</th>
              ${m.map((_, p) => html`<th scope="col" title=${className(names, p)}>${head(p)}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${m.map(
              (row, t) => html`<tr>
                <th scope="row" title=${className(names, t)}>${rowHead(t)}</th>
                ${row.map((count, p) => this.cell(t, p, count))}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${this.renderExamples()}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-confusion-matrix": ConfusionMatrix;
  }
  interface HTMLElementEventMap {
    /** Test images an opened cell shows and the page does not hold yet. */
    "examples-request": CustomEvent<{ indices: number[] }>;
  }
}
