/**
 * <dl-image-grid>: a strip of grey images (generated samples, an interpolation, reconstructions)
 * drawn as tiles of one canvas at their own resolution, scaled up by CSS with crisp pixels.
 * `columns` tiles per row; the host's width sets the size. Sets `data-count` and `data-signature`
 * (which changes with the pixels).
 */
import { css, html, LitElement } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import type { ImageStrip } from "../../worker/generative-protocol";
import { signature } from "./canvas";

/** Grey levels of `strip` tiled `columns` per row with a 1-pixel gap, as RGBA. */
export function tileStrip(strip: ImageStrip, columns: number): { rgba: Uint8ClampedArray<ArrayBuffer>; width: number; height: number } {
  const { count, height: h, width: w, pixels } = strip;
  const cols = Math.max(1, Math.min(columns, count));
  const rows = Math.max(1, Math.ceil(count / cols));
  const width = cols * (w + 1) - 1;
  const height = rows * (h + 1) - 1;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 0; // gaps stay transparent
  for (let k = 0; k < count; k++) {
    const x0 = (k % cols) * (w + 1);
    const y0 = Math.floor(k / cols) * (h + 1);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v = pixels[k * w * h + y * w + x];
        const o = ((y0 + y) * width + x0 + x) * 4;
        rgba[o] = v;
        rgba[o + 1] = v;
        rgba[o + 2] = v;
        rgba[o + 3] = 255;
      }
  }
  return { rgba, width, height };
}

@customElement("dl-image-grid")
export class ImageGrid extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    canvas {
      display: block;
      width: 100%;
      image-rendering: pixelated;
      border-radius: 6px;
    }
  `;

  @property({ attribute: false }) strip: ImageStrip | null = null;
  /** Tiles per row. */
  @property({ type: Number }) columns = 6;
  /** What the images are, for screen readers. */
  @property() label = "";

  @query("canvas") private _canvas!: HTMLCanvasElement;

  protected override updated(): void {
    const strip = this.strip;
    this.dataset.count = String(strip?.count ?? 0);
    if (!strip) return;
    this.dataset.signature = signature(strip.pixels);
    const { rgba, width, height } = tileStrip(strip, this.columns);
    this._canvas.width = width;
    this._canvas.height = height;
    this._canvas.getContext("2d")?.putImageData(new ImageData(rgba, width, height), 0, 0);
  }

  override render() {
    return html`<canvas role="img" aria-label=${this.label}></canvas>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-image-grid": ImageGrid;
  }
}
