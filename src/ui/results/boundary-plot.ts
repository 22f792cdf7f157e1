/**
 * <dl-boundary-plot>: what a 2-D model has learnt, live. Classification: each cell of the grid tints
 * with the class colours weighted by the model's probabilities (paler where it is unsure), the
 * decision edges traced on top. Regression: the prediction on a diverging colour scale. Training
 * points are filled, test points outlined, coloured by their label on the same scale. Drawn on a
 * canvas at the device's pixel ratio, with light axis ticks.
 */
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import type { BoundaryReport, DatasetPreview } from "../../worker/protocol";
import { theme } from "../theme";
import { classColor, diverging, hexToRgb, rgbCss } from "./colors";
import { boundaryLines } from "./contour";
import { absMax, boundaryToRgba, surfaceToRgba } from "./pixels";
import { formatShort, niceTicks } from "./ticks";
import { sizedContext, WidthController } from "./width-controller";

type PointsPreview = Extract<DatasetPreview, { kind: "points" }>;

/** Room for tick labels around the plotted square, in CSS pixels. */
const MARGIN = { left: 30, right: 8, top: 8, bottom: 22 };

@customElement("dl-boundary-plot")
export class BoundaryPlot extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        font-size: 12px;
      }
      canvas {
        display: block;
        width: 100%;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px 14px;
        margin-top: 8px;
        color: var(--muted);
      }
      .legend span {
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      .dot {
        width: 9px;
        height: 9px;
        border-radius: 50%;
        box-sizing: border-box;
      }
      .ring {
        background: transparent;
        border: 2px solid #cbd5e1;
      }
      .bar {
        width: 90px;
        height: 8px;
        border-radius: 4px;
      }
      button {
        font-size: 12px;
        font-weight: 500;
        border-radius: 999px;
        padding: 2px 10px;
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      button[aria-pressed="false"] {
        opacity: 0.45;
      }
      .spacer {
        flex: 1;
      }
    `,
  ];

  /** The model's output over the plane (class probabilities, or the prediction for regression). */
  @property({ attribute: false }) boundary: BoundaryReport | null = null;
  /** The dataset; its points are drawn (other kinds of preview are ignored). */
  @property({ attribute: false }) data: DatasetPreview | null = null;
  /** Draw the training points. */
  @property({ type: Boolean, attribute: "show-train" }) showTrain = true;
  /** Draw the test points. */
  @property({ type: Boolean, attribute: "show-test" }) showTest = true;
  /**
   * A weight per training point (boosting's example weights, summing to 1): each point's area grows
   * with its weight against the uniform 1/n, so the examples the next round will see most stand out.
   */
  @property({ attribute: false }) pointWeights: Float32Array | null = null;
  /** One point to ring, drawn over the others (the example a figure beside the plot is about). */
  @property({ attribute: false }) marked: [number, number] | null = null;
  /** Small multiples: no legend under the plot (the figure around it says what it shows). */
  @property({ type: Boolean }) compact = false;

  @query("canvas") private _canvas!: HTMLCanvasElement;
  @query("[data-testid]") private _root!: HTMLElement;
  private heatmap: HTMLCanvasElement | null = null;
  private edges: number[] = [];
  private readonly size = new WidthController(this);

  private get points(): PointsPreview | null {
    return this.data?.kind === "points" ? this.data : null;
  }

  private get regression(): boolean {
    return this.points?.task === "regression" || this.boundary?.classes === 1;
  }

  /** Half-width of the plotted square: the boundary's, else just beyond the furthest point. */
  private get extent(): number {
    if (this.boundary) return this.boundary.extent;
    const p = this.points;
    const far = p ? Math.max(absMax(p.trainX), absMax(p.testX)) : 0;
    return far > 0 ? Math.ceil(far * 11) / 10 : 1;
  }

  /** Colour scale of regression targets and predictions: ±this. */
  private get scale(): number {
    const p = this.points;
    const targets = p ? Math.max(absMax(p.trainY), absMax(p.testY)) : 0;
    return targets > 0 ? targets : this.boundary ? absMax(this.boundary.values) || 1 : 1;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("boundary") || changed.has("data")) this.heatmap = this.boundary ? this.paintHeatmap(this.boundary) : null;
    if (changed.has("boundary"))
      this.edges = this.boundary && !this.regression ? boundaryLines(this.boundary.values, this.boundary.size, this.boundary.classes) : [];
  }

  protected override updated(): void {
    this.draw();
  }

  private paintHeatmap(b: BoundaryReport): HTMLCanvasElement {
    const canvas = document.createElement("canvas");
    canvas.width = b.size;
    canvas.height = b.size;
    const rgba = this.regression
      ? surfaceToRgba(b, this.scale)
      : boundaryToRgba(
          b,
          Array.from({ length: b.classes }, (_, k) => hexToRgb(classColor(k))),
        );
    canvas.getContext("2d")?.putImageData(new ImageData(rgba, b.size, b.size), 0, 0);
    return canvas;
  }

  private draw(): void {
    const width = this.size.width;
    if (!width || !this._canvas) return;
    const side = Math.max(40, width - MARGIN.left - MARGIN.right);
    const height = side + MARGIN.top + MARGIN.bottom;
    this._canvas.style.height = `${height}px`;
    const ctx = sizedContext(this._canvas, width, height);
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    ctx.save();
    ctx.translate(MARGIN.left, MARGIN.top);
    this.drawBackground(ctx, side);
    this.drawTicks(ctx, side);
    this.drawEdges(ctx, side);
    this._root.dataset.points = String(this.drawPoints(ctx, side));
    this.drawMarked(ctx, side);
    ctx.restore();
  }

  private drawBackground(ctx: CanvasRenderingContext2D, side: number): void {
    ctx.save();
    ctx.beginPath();
    ctx.roundRect(0, 0, side, side, 8);
    ctx.clip();
    ctx.fillStyle = "#0e1627";
    ctx.fillRect(0, 0, side, side);
    if (this.heatmap) {
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(this.heatmap, 0, 0, side, side);
    }
    ctx.restore();
  }

  private drawTicks(ctx: CanvasRenderingContext2D, side: number): void {
    const e = this.extent;
    const ticks = niceTicks(-e, e, 4);
    const toPx = (v: number) => ((v + e) / (2 * e)) * side;
    ctx.font = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    ctx.fillStyle = "#8b9ab5";
    ctx.lineWidth = 1;
    for (const t of ticks) {
      const p = toPx(t);
      ctx.strokeStyle = t === 0 ? "rgba(226, 232, 240, 0.22)" : "rgba(226, 232, 240, 0.08)";
      ctx.beginPath();
      ctx.moveTo(Math.round(p) + 0.5, 0);
      ctx.lineTo(Math.round(p) + 0.5, side);
      ctx.moveTo(0, Math.round(side - p) + 0.5);
      ctx.lineTo(side, Math.round(side - p) + 0.5);
      ctx.stroke();
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.fillText(formatShort(t), p, side + 6);
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.fillText(formatShort(t), -6, side - p);
    }
  }

  private drawEdges(ctx: CanvasRenderingContext2D, side: number): void {
    const b = this.boundary;
    if (!b || this.edges.length === 0) return;
    const cell = side / b.size;
    ctx.beginPath();
    for (let i = 0; i < this.edges.length; i += 4) {
      ctx.moveTo((this.edges[i] + 0.5) * cell, (this.edges[i + 1] + 0.5) * cell);
      ctx.lineTo((this.edges[i + 2] + 0.5) * cell, (this.edges[i + 3] + 0.5) * cell);
    }
    ctx.strokeStyle = "rgba(241, 245, 249, 0.7)";
    ctx.lineWidth = 1.25;
    ctx.lineJoin = "round";
    ctx.stroke();
  }

  private pointColor(label: number): string {
    return this.regression ? rgbCss(diverging(label / this.scale)) : classColor(label);
  }

  /** Draws the visible points (train filled, test as rings); returns how many. */
  private drawPoints(ctx: CanvasRenderingContext2D, side: number): number {
    const p = this.points;
    if (!p) return 0;
    const e = this.extent;
    const radius = Math.max(2.5, Math.min(4.5, side / 110));
    const at = (x: Float32Array, i: number): [number, number] => [((x[2 * i] + e) / (2 * e)) * side, ((e - x[2 * i + 1]) / (2 * e)) * side];
    // Regression colours fade to the dark neutral near 0, so their points get a light outline.
    const outline = this.regression ? "rgba(241, 245, 249, 0.75)" : "rgba(11, 17, 32, 0.85)";
    let drawn = 0;
    const weights = this.pointWeights?.length === p.trainY.length ? this.pointWeights : null;
    // Area against the uniform weight 1/n: a point weighing 4/n is twice as wide; clamped to stay visible and bounded.
    const trainRadius = (i: number) => (weights ? radius * Math.min(4, Math.max(0.45, Math.sqrt(weights[i] * weights.length))) : radius);
    if (this.showTrain)
      for (let i = 0; i < p.trainY.length; i++) {
        const [px, py] = at(p.trainX, i);
        ctx.beginPath();
        ctx.arc(px, py, trainRadius(i), 0, 2 * Math.PI);
        ctx.fillStyle = this.pointColor(p.trainY[i]);
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = outline;
        ctx.stroke();
        drawn++;
      }
    if (this.showTest)
      for (let i = 0; i < p.testY.length; i++) {
        const [px, py] = at(p.testX, i);
        ctx.beginPath();
        ctx.arc(px, py, radius, 0, 2 * Math.PI);
        ctx.fillStyle = "rgba(11, 17, 32, 0.75)";
        ctx.fill();
        ctx.lineWidth = 1.75;
        ctx.strokeStyle = this.pointColor(p.testY[i]);
        ctx.stroke();
        if (this.regression) {
          ctx.beginPath();
          ctx.arc(px, py, radius + 1.4, 0, 2 * Math.PI);
          ctx.lineWidth = 1;
          ctx.strokeStyle = outline;
          ctx.stroke();
        }
        drawn++;
      }
    return drawn;
  }

  /** Rings the marked point: an amber ring on a dark halo, visible over any colour. */
  private drawMarked(ctx: CanvasRenderingContext2D, side: number): void {
    const m = this.marked;
    this._root.dataset.marked = m ? m.join(",") : "";
    if (!m) return;
    const e = this.extent;
    const [px, py] = [((m[0] + e) / (2 * e)) * side, ((e - m[1]) / (2 * e)) * side];
    for (const [width, colour] of [
      [4.5, "rgba(11, 17, 32, 0.9)"],
      [2, "#fbbf24"],
    ] as const) {
      ctx.beginPath();
      ctx.arc(px, py, 9, 0, 2 * Math.PI);
      ctx.lineWidth = width;
      ctx.strokeStyle = colour;
      ctx.stroke();
    }
  }

  private legend() {
    const p = this.points;
    if (!p) return nothing;
    const classes = this.regression
      ? html`<span
          ><span>${formatShort(-this.scale)}</span
          ><span class="bar" style="background:linear-gradient(90deg, ${rgbCss(diverging(-1))}, ${rgbCss(diverging(0))}, ${rgbCss(diverging(1))})"></span
          ><span>${formatShort(this.scale)}</span></span
        >`
      : Array.from({ length: p.classes }, (_, k) => html`<span><span class="dot" style="background:${classColor(k)}"></span>class ${k}</span>`);
    return html`<div class="legend">
      ${classes}
      <span class="spacer"></span>
      <button type="button" aria-pressed=${String(this.showTrain)} @click=${() => (this.showTrain = !this.showTrain)}>
        <span class="dot" style="background:#cbd5e1"></span>train ${p.trainY.length}
      </button>
      <button type="button" aria-pressed=${String(this.showTest)} @click=${() => (this.showTest = !this.showTest)}>
        <span class="dot ring"></span>test ${p.testY.length}
      </button>
    </div>`;
  }

  override render() {
    const task = this.regression ? "regression" : "classification";
    const label = this.regression
      ? "The model's prediction over the plane with the data points"
      : "Decision boundary of the model with the training and test points";
    return html`<div data-testid="boundary-plot" data-task=${task} data-step=${this.boundary?.step ?? -1}>
      <canvas role="img" aria-label=${label}></canvas>
      ${this.compact ? nothing : this.legend()}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-boundary-plot": BoundaryPlot;
  }
}
