/**
 * <dl-data-preview>: what the chosen dataset looks like, from the DatasetPreview the worker posts.
 * 2-D points as a scatter (train filled, test outlined; classes in CLASS_COLORS, a regression
 * target on a diverging scale), images as a grid of crisp upscaled thumbnails with their class
 * names, tables as their first rows with the label column, sequences as their first examples (text,
 * or a line over time) with their targets. Also exports the thumbnail helper the
 * data panel uses for its augmented batch.
 */
import { css, html, LitElement, nothing, type PropertyValues, svg } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import type { Scaling } from "../../data/scaling";
import type { DatasetPreview } from "../../worker/protocol";
import { resultStyles } from "../results/base-styles";
import { sizedContext } from "../results/width-controller";
import { CLASS_COLORS } from "../theme";

type PointsPreview = Extract<DatasetPreview, { kind: "points" }>;
type ImagesPreview = Extract<DatasetPreview, { kind: "images" }>;
type TablePreview = Extract<DatasetPreview, { kind: "table" }>;
type SequencesPreview = Extract<DatasetPreview, { kind: "sequences" }>;

/** Images shown in the grid, and table rows shown. */
const MAX_IMAGES = 24;
const MAX_ROWS = 8;

const thumbnails = new WeakMap<Uint8Array, string[]>();

/**
 * PNG data URLs of the images in `pixels` (uint8, [count, channels, height, width]; 1 channel is
 * grey, 3 are RGB), at most `limit`; cached per pixel array.
 */
export function imageUrls(pixels: Uint8Array, channels: number, height: number, width: number, limit = MAX_IMAGES): string[] {
  const plane = height * width;
  const count = Math.min(limit, Math.floor(pixels.length / (channels * plane)));
  const cached = thumbnails.get(pixels);
  if (cached?.length === count) return cached;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  if (!ctx) return [];
  const image = ctx.createImageData(width, height);
  const urls: string[] = [];
  for (let n = 0; n < count; n++) {
    const offset = n * channels * plane;
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) image.data[4 * i + c] = pixels[offset + (channels === 3 ? c * plane : 0) + i];
      image.data[4 * i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
    urls.push(canvas.toDataURL());
  }
  thumbnails.set(pixels, urls);
  return urls;
}

/** A series as a small line over its steps (the first feature), scaled to its own range; `marks` as dots. */
function sparkline(values: number[], marks: number[]) {
  const [w, h] = [160, 28];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low || 1;
  const at = (t: number) => [(t / Math.max(values.length - 1, 1)) * w, h - 3 - ((values[t] - low) / span) * (h - 6)];
  const points = values
    .map((_, t) =>
      at(t)
        .map((v) => v.toFixed(1))
        .join(","),
    )
    .join(" ");
  const label = `A series of ${values.length} steps${marks.length ? `, steps ${marks.join(" and ")} marked` : ""}`;
  return svg`<svg class="spark" viewBox="0 0 ${w} ${h}" width=${w} height=${h} role="img" aria-label=${label}>
    <polyline points=${points} />${marks.map((t) => svg`<circle cx=${at(t)[0].toFixed(1)} cy=${at(t)[1].toFixed(1)} r="3" />`)}
  </svg>`;
}

/** The diverging colour of a regression target t in [-1, 1]: orange below zero, blue above. */
function targetColor(t: number): string {
  const k = Math.max(-1, Math.min(1, t));
  const [r, g, b] = k < 0 ? [249, 115, 22] : [59, 130, 246];
  const a = 0.25 + 0.75 * Math.abs(k);
  return `rgba(${r},${g},${b},${a.toFixed(3)})`;
}

/** Decimals that show a column's values (at most 3), so each column lines up. */
function decimals(values: number[]): number {
  return Math.max(0, ...values.map((v) => Math.min(3, String(Number(v.toFixed(3))).split(".")[1]?.length ?? 0)));
}
const count = (n: number) => n.toLocaleString("en-US");

/** "standardised (z-score), fitted on the training split" or "scaled to [0, 1] (min-max), ...". */
const scalingWords = (s: Scaling) =>
  `${s.kind === "standard" ? "standardised (z-score: minus the mean, over the standard deviation)" : "scaled to [0, 1] (min-max)"}, fitted on the training split only`;

/** "3,600 train · 400 validation · 1,000 test": validation is held out of the training data, the test split only scored. */
const splitSizes = (p: { trainSize: number; valSize: number; testSize: number }) =>
  `${count(p.trainSize)} train · ${count(p.valSize)} validation · ${count(p.testSize)} test`;

@customElement("dl-data-preview")
export class DataPreview extends LitElement {
  static override styles = [
    resultStyles,
    css`
      canvas.scatter {
        display: block;
        width: 100%;
        aspect-ratio: 1;
        background: #0d1527;
        border-radius: 10px;
        border: 1px solid var(--border);
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 12px;
        margin-top: 8px;
        font-size: 11.5px;
        color: var(--muted);
      }
      .legend i {
        display: inline-block;
        width: 8px;
        height: 8px;
        border-radius: 50%;
        margin-right: 5px;
        vertical-align: 0;
      }
      .legend i.hollow {
        background: transparent !important;
        border: 1.5px solid var(--muted);
        width: 5px;
        height: 5px;
      }
      .ramp {
        display: inline-block;
        width: 70px;
        height: 8px;
        border-radius: 4px;
        vertical-align: -1px;
        margin: 0 5px;
        background: linear-gradient(90deg, #f97316, #17223a, #3b82f6);
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(6, 1fr);
        gap: 6px 4px;
      }
      figure {
        margin: 0;
        min-width: 0;
      }
      figure img {
        display: block;
        width: 100%;
        aspect-ratio: 1;
        image-rendering: pixelated;
        border-radius: 4px;
        background: #000;
      }
      figcaption {
        font-size: 10px;
        color: var(--muted);
        text-align: center;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        margin-top: 2px;
      }
      .table {
        overflow-x: auto;
        border: 1px solid var(--border);
        border-radius: 10px;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 11px;
        font-variant-numeric: tabular-nums;
      }
      th,
      td {
        padding: 4px 4px;
        text-align: right;
        white-space: nowrap;
      }
      th {
        font-size: 10.5px;
        white-space: normal;
        vertical-align: bottom;
        line-height: 1.2;
        color: var(--muted);
        font-weight: 600;
        background: var(--surface-2);
        position: sticky;
        top: 0;
      }
      tr + tr td {
        border-top: 1px solid #1b2740;
      }
      th.label,
      td.label {
        text-align: left;
      }
      td.label span {
        display: inline-block;
        width: 7px;
        height: 7px;
        border-radius: 50%;
        margin-right: 5px;
      }
      .meta {
        font-size: 11.5px;
        color: var(--muted);
        margin-top: 8px;
      }
      .scaling .toggle {
        display: inline-flex;
        gap: 2px;
        margin-left: 6px;
        vertical-align: middle;
      }
      .scaling .toggle button {
        padding: 1px 8px;
        font-size: 11px;
      }
      .scaling .toggle button[aria-pressed="true"] {
        background: var(--accent);
        color: var(--bg);
      }
      ol.sequences {
        list-style: none;
        margin: 0;
        padding: 8px 10px;
        display: grid;
        gap: 6px;
        border: 1px solid var(--border);
        border-radius: 10px;
        background: var(--surface-2);
      }
      ol.sequences li {
        display: flex;
        align-items: center;
        gap: 8px;
        min-width: 0;
        font-size: 12px;
      }
      ol.sequences code {
        font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      code.tokens {
        color: var(--text);
        letter-spacing: 0.04em;
      }
      code.target {
        color: var(--accent);
        flex: 1;
        min-width: 0;
      }
      .arrow {
        color: var(--muted);
        flex: none;
      }
      svg.spark {
        flex: none;
      }
      svg.spark circle {
        fill: var(--warn);
      }
      svg.spark polyline {
        fill: none;
        stroke: var(--accent);
        stroke-width: 1.5;
        stroke-linejoin: round;
      }
      .empty {
        aspect-ratio: 2;
        font-size: 12.5px;
      }
    `,
  ];

  /** What to show; nothing yet shows a placeholder. */
  @property({ attribute: false }) preview?: DatasetPreview;
  /** A scaled table shows its rows as they were before scaling. */
  @state() private _raw = false;

  @query("canvas.scatter") private _canvas?: HTMLCanvasElement;

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has("preview") && this.preview?.kind === "points") this.drawPoints(this.preview);
  }

  private drawPoints(p: PointsPreview): void {
    const canvas = this._canvas;
    if (!canvas) return;
    const size = canvas.clientWidth || 264;
    const ctx = sizedContext(canvas, size, size);
    if (!ctx) return;
    let extent = 1.2;
    for (const xs of [p.trainX, p.testX]) for (const v of xs) if (Number.isFinite(v)) extent = Math.max(extent, Math.abs(v) * 1.05);
    const px = (v: number) => ((v + extent) / (2 * extent)) * size;
    ctx.clearRect(0, 0, size, size);
    ctx.strokeStyle = "#1b2740";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(px(0), 0);
    ctx.lineTo(px(0), size);
    ctx.moveTo(0, px(0));
    ctx.lineTo(size, px(0));
    ctx.stroke();
    let scale = 1e-9;
    for (const ys of [p.trainY, p.testY]) for (const y of ys) scale = Math.max(scale, Math.abs(y));
    const color = (y: number) => (p.task === "regression" ? targetColor(y / scale) : CLASS_COLORS[y % CLASS_COLORS.length]);
    const radius = p.trainY.length + p.testY.length > 800 ? 2.2 : 3;
    const draw = (xs: Float32Array, ys: Float32Array | Int32Array, filled: boolean) => {
      for (let i = 0; i < ys.length; i++) {
        ctx.beginPath();
        ctx.arc(px(xs[2 * i]), size - px(xs[2 * i + 1]), radius, 0, 2 * Math.PI);
        if (filled) {
          ctx.fillStyle = color(ys[i]);
          ctx.fill();
        } else {
          ctx.strokeStyle = color(ys[i]);
          ctx.lineWidth = 1.5;
          ctx.stroke();
        }
      }
    };
    draw(p.trainX, p.trainY, true);
    draw(p.testX, p.testY, false);
  }

  /** Points of each class over the splits: imbalanced data shows itself. */
  private classCounts(p: PointsPreview): number[] {
    const counts = new Array<number>(p.classes).fill(0);
    for (const y of [p.trainY, p.testY]) for (const c of y) counts[c]++;
    return counts;
  }

  private renderPoints(p: PointsPreview) {
    const train = p.trainY.length;
    const test = p.testY.length;
    return html`
      <canvas class="scatter" role="img" aria-label=${`Scatter plot of ${train} training and ${test} test points`}></canvas>
      <div class="legend">
        ${
          p.task === "regression"
            ? html`<span>target −<span class="ramp"></span>+</span>`
            : this.classCounts(p).map(
                (n, k) =>
                  html`<span data-testid="class-count-${k}"><i style="background:${CLASS_COLORS[k % CLASS_COLORS.length]}"></i>class ${k} · ${count(n)}</span>`,
              )
        }
        <span><i style="background:var(--muted)"></i>train ${count(train)}</span>
        <span><i class="hollow"></i>test ${count(test)}</span>
      </div>
      ${p.scaling ? html`<div class="meta" data-testid="scaling-note">Coordinates ${scalingWords(p.scaling)}.</div>` : nothing}
    `;
  }

  private renderImages(p: ImagesPreview) {
    const urls = imageUrls(p.pixels, p.channels, p.height, p.width);
    return html`
      <div class="grid" role="list" aria-label="Training images">
        ${urls.map((url, i) => {
          const name = p.classNames[p.labels[i]] ?? String(p.labels[i]);
          return html`<figure role="listitem"><img src=${url} alt=${name} title=${name} /><figcaption>${name}</figcaption></figure>`;
        })}
      </div>
      <div class="meta">${splitSizes(p)} · ${p.width}×${p.height}${p.channels === 3 ? " RGB" : ""}</div>
    `;
  }

  private renderTable(p: TablePreview) {
    const features = p.rows[0]?.length ?? p.columns.length;
    const headers = p.columns.slice(0, features);
    const labelName = p.columns[features] ?? "label";
    const classification = p.classNames.length > 0;
    const raw = this._raw && p.scaling !== null;
    // Rows arrive scaled; "before" undoes the scaling: x = x' · scale + shift.
    const shown = p.rows
      .slice(0, MAX_ROWS)
      .map((row) => (raw && p.scaling ? row.map((v, c) => v * (p.scaling as Scaling).scale[c] + (p.scaling as Scaling).shift[c]) : row));
    const places = headers.map((_, c) => decimals(shown.map((r) => r[c])));
    const labelPlaces = decimals(p.labels.slice(0, MAX_ROWS));
    return html`
      <div class="table" tabindex="0" role="region" aria-label="First rows of the table">
        <table>
          <thead>
            <tr>${headers.map((c) => html`<th scope="col" title=${c}>${c.replaceAll("_", " ")}</th>`)}<th scope="col" class="label">${labelName}</th></tr>
          </thead>
          <tbody>
            ${shown.map(
              (row, i) => html`<tr>
                ${row.map((v, c) => html`<td>${v.toFixed(places[c])}</td>`)}
                <td class="label">
                  ${
                    classification
                      ? html`<span style="background:${CLASS_COLORS[p.labels[i] % CLASS_COLORS.length]}"></span>${p.classNames[p.labels[i]] ?? p.labels[i]}`
                      : p.labels[i].toFixed(labelPlaces)
                  }
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${
        p.scaling
          ? html`<div class="meta scaling" data-testid="scaling-note">
              Features ${scalingWords(p.scaling)}.
              <span class="toggle" role="group" aria-label="Show the rows">
                <button type="button" aria-pressed=${!raw} data-testid="show-scaled" @click=${() => (this._raw = false)}>after</button>
                <button type="button" aria-pressed=${raw} data-testid="show-raw" @click=${() => (this._raw = true)}>before</button>
              </span>
            </div>`
          : nothing
      }
      <div class="meta">
        ${count(p.trainSize + p.valSize + p.testSize)} rows · ${features} features · ${classification ? `${p.classNames.length} classes` : "regression"} ·
        ${splitSizes(p)}
      </div>
    `;
  }

  /** A few examples: text for tokens, a line over time for numbers; each with its target. */
  private renderSequences(p: SequencesPreview) {
    const [T, F] = p.inputShape;
    const regression = p.classNames.length === 0;
    const input = F === undefined ? `${T} tokens` : `${T} steps × ${F} ${F === 1 ? "value" : "values"}`;
    const task = regression
      ? `predict ${p.targetDim === 1 ? "a value" : `${p.targetDim} values`}`
      : p.perStep
        ? "a label per step"
        : `${p.classNames.length} classes`;
    return html`
      <ol class="sequences" aria-label="Training examples">
        ${p.examples.map(
          (e) => html`<li>
            ${e.text !== undefined ? html`<code class="tokens">${e.text}</code>` : sparkline(e.values ?? [], e.marks ?? [])}
            <span class="arrow" aria-hidden="true">→</span>
            <code class="target">${e.target}</code>
          </li>`,
        )}
      </ol>
      <div class="meta">${input} · ${task} · ${splitSizes(p)}</div>
    `;
  }

  override render() {
    const p = this.preview;
    if (!p) return html`<div class="empty">Preparing the data…</div>`;
    if (p.kind === "points") return this.renderPoints(p);
    if (p.kind === "sequences") return this.renderSequences(p);
    return p.kind === "images" ? this.renderImages(p) : this.renderTable(p);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-data-preview": DataPreview;
  }
}
