/**
 * <dl-latent-plane>: an autoencoder's 2-D latent space. Each test image is a dot at its code,
 * coloured by its class, so the plane reads as a map of the digits; clicking anywhere asks the
 * decoder for the image at that point (`decode` event with the latent coordinates), marked with a
 * cross. Sets `data-points` and `data-picked`.
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import type { ReconstructionView } from "../../worker/generative-protocol";
import { fire } from "../events";
import { sizedContext, WidthController } from "../results/width-controller";

type Latent = NonNullable<ReconstructionView["latent"]>;

/** Ten distinct colours for the ten digits (or clothes), bright enough on the dark plot. */
const TEN_COLORS = ["#f97316", "#38bdf8", "#22c55e", "#f43f5e", "#a855f7", "#eab308", "#14b8a6", "#f472b6", "#94a3b8", "#84cc16"];
const classColor = (k: number) => TEN_COLORS[k % TEN_COLORS.length];

/** The latent coordinates of a click at (px, py) in a side×side plot of `bounds` (y up). */
export function latentAt(px: number, py: number, side: number, [x0, x1, y0, y1]: Latent["bounds"]): [number, number] {
  return [x0 + (px / side) * (x1 - x0), y1 - (py / side) * (y1 - y0)];
}

@customElement("dl-latent-plane")
export class LatentPlane extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    canvas {
      display: block;
      width: 100%;
      aspect-ratio: 1;
      cursor: crosshair;
      border-radius: 10px;
      border: 1px solid #24314d;
      background: #0e1627;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 10px;
      margin-top: 6px;
      font-size: 12px;
      color: #8b9ab5;
    }
    .legend i {
      display: inline-block;
      width: 9px;
      height: 9px;
      border-radius: 50%;
      margin-right: 4px;
    }
  `;

  @property({ attribute: false }) latent: Latent | null = null;
  /** The point last decoded, marked with a cross. */
  @property({ attribute: false }) picked: [number, number] | null = null;
  @query("canvas") private _canvas!: HTMLCanvasElement;
  private readonly size = new WidthController(this);

  private pick(e: MouseEvent): void {
    const l = this.latent;
    if (!l) return;
    const box = this._canvas.getBoundingClientRect();
    const latent = latentAt(e.clientX - box.left, e.clientY - box.top, box.width, l.bounds);
    fire(this, "decode", { latent });
  }

  protected override updated(): void {
    const l = this.latent;
    this.dataset.points = String(l ? l.labels.length : 0);
    if (this.picked) this.dataset.picked = this.picked.map((v) => v.toFixed(3)).join(",");
    if (!l || this.size.width === 0) return;
    const side = this.size.width;
    const ctx = sizedContext(this._canvas, side, side);
    if (!ctx) return;
    const [x0, x1, y0, y1] = l.bounds;
    const toPx = (x: number, y: number): [number, number] => [((x - x0) / (x1 - x0)) * side, ((y1 - y) / (y1 - y0)) * side];
    for (let i = 0; i < l.labels.length; i++) {
      const [x, y] = toPx(l.points[2 * i], l.points[2 * i + 1]);
      ctx.fillStyle = classColor(l.labels[i]);
      ctx.globalAlpha = 0.8;
      ctx.beginPath();
      ctx.arc(x, y, 2.4, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    if (this.picked) {
      const [x, y] = toPx(this.picked[0], this.picked[1]);
      ctx.strokeStyle = "#f8fafc";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(x - 8, y);
      ctx.lineTo(x + 8, y);
      ctx.moveTo(x, y - 8);
      ctx.lineTo(x, y + 8);
      ctx.stroke();
    }
  }

  override render() {
    const l = this.latent;
    return html`<canvas data-testid="latent-canvas" role="img" aria-label="The latent plane: test images at their codes, coloured by class; click to decode a point" @click=${this.pick}></canvas>
      ${l ? html`<div class="legend">${l.classNames.map((name, k) => html`<span><i style="background:${classColor(k)}"></i>${name}</span>`)}</div>` : nothing}`;
  }
}

declare global {
  interface HTMLElementEventMap {
    /** A point of the latent plane to decode. */
    decode: CustomEvent<{ latent: [number, number] }>;
  }
  interface HTMLElementTagNameMap {
    "dl-latent-plane": LatentPlane;
  }
}
