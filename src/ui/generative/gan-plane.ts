/**
 * <dl-gan-plane>: the 2-D GAN, GAN Lab's picture and more. The background is the discriminator's
 * verdict over the plane (green where it says "real", purple where it says "fake"); green dots are
 * real examples, purple dots generated ones; each white arrow shows where the generator's loss
 * pushes that sample next; rings mark the target's modes. Sets `data-step` and `data-signature`
 * (changes whenever the heatmap, points or arrows move).
 */
import { css, html, LitElement } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import type { PlaneView } from "../../worker/generative-protocol";
import { mix, PLOT_BACKGROUND, type Rgb } from "../results/colors";
import { sizedContext, WidthController } from "../results/width-controller";
import { signature } from "./canvas";

export const REAL_COLOR: Rgb = [52, 211, 153];
export const FAKE_COLOR: Rgb = [192, 132, 252];
const css3 = ([r, g, b]: Rgb, a = 1) => `rgba(${r}, ${g}, ${b}, ${a})`;

/** The heatmap's RGBA: D's realness in [0, 1] from purple (fake) through the background to green (real). */
export function heatRgba(heat: Float32Array, size: number): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    const t = heat[i];
    const colour = t >= 0.5 ? mix(PLOT_BACKGROUND, REAL_COLOR, (t - 0.5) * 1.1) : mix(PLOT_BACKGROUND, FAKE_COLOR, (0.5 - t) * 1.1);
    rgba.set([colour[0], colour[1], colour[2], 255], i * 4);
  }
  return rgba;
}

@customElement("dl-gan-plane")
export class GanPlane extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
    }
    canvas {
      display: block;
      width: 100%;
      aspect-ratio: 1;
      border-radius: 10px;
      border: 1px solid #24314d;
    }
  `;

  @property({ attribute: false }) view: PlaneView | null = null;
  @query("canvas") private _canvas!: HTMLCanvasElement;
  private readonly size = new WidthController(this);

  protected override updated(): void {
    const v = this.view;
    if (!v || this.size.width === 0) return;
    this.dataset.step = String(v.step);
    this.dataset.signature = signature(v.heat, v.fake, v.arrows);
    const side = this.size.width;
    const ctx = sizedContext(this._canvas, side, side);
    if (!ctx) return;
    const toPx = (x: number, y: number): [number, number] => [((x + v.extent) / (2 * v.extent)) * side, ((v.extent - y) / (2 * v.extent)) * side];
    // D's verdict, smoothed from its grid.
    const heat = document.createElement("canvas");
    heat.width = v.size;
    heat.height = v.size;
    heat.getContext("2d")?.putImageData(new ImageData(heatRgba(v.heat, v.size), v.size, v.size), 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(heat, 0, 0, side, side);
    // The target's modes.
    ctx.strokeStyle = "rgba(226, 232, 240, 0.35)";
    ctx.lineWidth = 1;
    for (let i = 0; v.centres && i < v.centres.length; i += 2) {
      const [x, y] = toPx(v.centres[i], v.centres[i + 1]);
      ctx.beginPath();
      ctx.arc(x, y, side / 40, 0, 2 * Math.PI);
      ctx.stroke();
    }
    const dot = (points: Float32Array, colour: Rgb, radius: number, outline: string) => {
      ctx.fillStyle = css3(colour, 0.9);
      ctx.strokeStyle = outline;
      for (let i = 0; i < points.length; i += 2) {
        const [x, y] = toPx(points[i], points[i + 1]);
        ctx.beginPath();
        ctx.arc(x, y, radius, 0, 2 * Math.PI);
        ctx.fill();
        if (outline) ctx.stroke();
      }
    };
    dot(v.real, REAL_COLOR, 2, "");
    ctx.lineWidth = 0.75;
    dot(v.fake, FAKE_COLOR, 2.6, "rgba(11, 17, 32, 0.8)");
    this.drawArrows(ctx, v, toPx);
  }

  /** G's gradient arrows, scaled so the longest is a twelfth of the plane. */
  private drawArrows(ctx: CanvasRenderingContext2D, v: PlaneView, toPx: (x: number, y: number) => [number, number]): void {
    let longest = 0;
    for (let i = 0; i < v.arrows.length; i += 2) longest = Math.max(longest, Math.hypot(v.arrows[i], v.arrows[i + 1]));
    if (!(longest > 0)) return;
    const scale = (v.extent * 2) / 12 / longest;
    ctx.strokeStyle = "rgba(241, 245, 249, 0.85)";
    ctx.fillStyle = "rgba(241, 245, 249, 0.85)";
    ctx.lineWidth = 1.2;
    for (let i = 0; i < v.arrows.length; i += 2) {
      const [x0, y0] = toPx(v.fake[i], v.fake[i + 1]);
      const [x1, y1] = toPx(v.fake[i] + v.arrows[i] * scale, v.fake[i + 1] + v.arrows[i + 1] * scale);
      const length = Math.hypot(x1 - x0, y1 - y0);
      if (length < 1.5) continue;
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
      const head = Math.min(5, length / 2);
      const angle = Math.atan2(y1 - y0, x1 - x0);
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - head * Math.cos(angle - 0.45), y1 - head * Math.sin(angle - 0.45));
      ctx.lineTo(x1 - head * Math.cos(angle + 0.45), y1 - head * Math.sin(angle + 0.45));
      ctx.closePath();
      ctx.fill();
    }
  }

  override render() {
    return html`<canvas role="img" aria-label="The 2-D GAN: the discriminator's verdict as a heatmap, real points in green, generated points in purple, arrows where the generator moves them"></canvas>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-gan-plane": GanPlane;
  }
}
