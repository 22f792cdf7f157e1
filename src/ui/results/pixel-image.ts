/**
 * <dl-pixel-image>: one small RGBA image (a test digit, a filter, a feature map) on a canvas at its
 * own resolution, scaled up by CSS with crisp square pixels. Size it with the host's width/height.
 */
import { css, html, LitElement } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import type { RgbaImage } from "./pixels";

@customElement("dl-pixel-image")
export class PixelImage extends LitElement {
  static override styles = css`
    :host {
      display: block;
      width: 56px;
      aspect-ratio: 1;
    }
    canvas {
      display: block;
      width: 100%;
      height: 100%;
      image-rendering: pixelated;
      border-radius: inherit;
    }
  `;

  /** The pixels to show. */
  @property({ attribute: false }) image: RgbaImage | null = null;
  /** Accessible description; the image is decorative when empty. */
  @property() label = "";

  @query("canvas") private _canvas!: HTMLCanvasElement;

  protected override updated(): void {
    const image = this.image;
    if (!image) return;
    this._canvas.width = image.width;
    this._canvas.height = image.height;
    this._canvas.getContext("2d")?.putImageData(new ImageData(image.rgba, image.width, image.height), 0, 0);
  }

  override render() {
    return this.label ? html`<canvas role="img" aria-label=${this.label}></canvas>` : html`<canvas aria-hidden="true"></canvas>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-pixel-image": PixelImage;
  }
}
