/**
 * <dl-boundary-plot>: the decision boundary of a 2-D classifier as a tinted heatmap (each cell
 * blends the class colours by the model's probabilities), with the data points on top.
 */
import { css, html, LitElement, type PropertyValues } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import { CLASS_COLORS, theme } from "./theme";

export interface Boundary {
  size: number;
  extent: number;
  classes: number;
  /** [size * size, classes], rows from the top. */
  probabilities: Float32Array;
}

export interface Points {
  x: Float32Array;
  y: Int32Array;
}

const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));

@customElement("dl-boundary-plot")
export class BoundaryPlot extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      canvas {
        width: 100%;
        aspect-ratio: 1;
        border-radius: 10px;
        display: block;
        background: #0e1627;
      }
    `,
  ];

  /** Points to draw, coordinates in [-extent, extent]. */
  @property({ attribute: false }) points: Points | null = null;
  /** Model probabilities over the plane. */
  @property({ attribute: false }) boundary: Boundary | null = null;
  /** Half-width of the plotted square. */
  @property({ type: Number }) extent = 1.2;

  @query("canvas") private _canvas!: HTMLCanvasElement;

  override render() {
    return html`<canvas width="560" height="560" role="img" aria-label="Decision boundary and training points"></canvas>`;
  }

  protected override updated(_: PropertyValues): void {
    this.draw();
  }

  private draw(): void {
    const ctx = this._canvas.getContext("2d");
    if (!ctx) return;
    const { width, height } = this._canvas;
    ctx.clearRect(0, 0, width, height);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    if (this.boundary) ctx.drawImage(this.heatmap(this.boundary), 0, 0, width, height);
    this.grid(ctx, width, height);
    if (this.points) this.dots(ctx, width, height, this.points);
  }

  /** One pixel per grid cell, colour = probability-weighted class colours, darker where unsure. */
  private heatmap(b: Boundary): HTMLCanvasElement {
    const cells = document.createElement("canvas");
    cells.width = b.size;
    cells.height = b.size;
    const c = cells.getContext("2d") as CanvasRenderingContext2D;
    const image = c.createImageData(b.size, b.size);
    const colors = CLASS_COLORS.slice(0, b.classes).map(rgb);
    for (let i = 0; i < b.size * b.size; i++) {
      let r = 0;
      let g = 0;
      let bl = 0;
      let top = 0;
      for (let k = 0; k < b.classes; k++) {
        const p = b.probabilities[i * b.classes + k];
        r += p * colors[k][0];
        g += p * colors[k][1];
        bl += p * colors[k][2];
        top = Math.max(top, p);
      }
      const confidence = (top - 1 / b.classes) / (1 - 1 / b.classes);
      const mix = 0.18 + 0.32 * confidence;
      image.data.set([14 + (r - 14) * mix, 22 + (g - 22) * mix, 39 + (bl - 39) * mix, 255], i * 4);
    }
    c.putImageData(image, 0, 0);
    return cells;
  }

  private grid(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    ctx.strokeStyle = "rgba(148, 163, 184, 0.12)";
    ctx.lineWidth = 1;
    for (let k = 1; k < 4; k++) {
      const x = (k * width) / 4;
      const y = (k * height) / 4;
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, height);
      ctx.moveTo(0, y);
      ctx.lineTo(width, y);
      ctx.stroke();
    }
  }

  private dots(ctx: CanvasRenderingContext2D, width: number, height: number, p: Points): void {
    const e = this.extent;
    for (let i = 0; i < p.y.length; i++) {
      const px = ((p.x[2 * i] + e) / (2 * e)) * width;
      const py = ((e - p.x[2 * i + 1]) / (2 * e)) * height;
      ctx.beginPath();
      ctx.arc(px, py, 4.5, 0, 2 * Math.PI);
      ctx.fillStyle = CLASS_COLORS[p.y[i] % CLASS_COLORS.length];
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
      ctx.stroke();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-boundary-plot": BoundaryPlot;
  }
}
