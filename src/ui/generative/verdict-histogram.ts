/**
 * <dl-verdict-histogram>: how real the discriminator finds real images (green) and generated ones
 * (purple), as two overlaid histograms over [0, 1]. Early on the two overlap; a discriminator that
 * has won pushes them to opposite ends; at the game's balance both sit near the middle.
 */
import { css, html, LitElement } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import { histogramBars } from "../results/histogram";
import { sizedContext, WidthController } from "../results/width-controller";
import { FAKE_COLOR, REAL_COLOR } from "./gan-plane";

const HEIGHT = 120;
const AXIS = 18;

@customElement("dl-verdict-histogram")
export class VerdictHistogram extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    canvas {
      display: block;
      width: 100%;
      height: ${HEIGHT}px;
    }
    .legend {
      display: flex;
      gap: 14px;
      font-size: 12px;
      color: #8b9ab5;
      margin-top: 4px;
    }
    .legend i {
      display: inline-block;
      width: 10px;
      height: 10px;
      border-radius: 3px;
      margin-right: 5px;
      vertical-align: -1px;
    }
  `;

  @property({ attribute: false }) real: Int32Array | null = null;
  @property({ attribute: false }) fake: Int32Array | null = null;
  @query("canvas") private _canvas!: HTMLCanvasElement;
  private readonly size = new WidthController(this);

  protected override updated(): void {
    if (!this.real || !this.fake || this.size.width === 0) return;
    const ctx = sizedContext(this._canvas, this.size.width, HEIGHT);
    if (!ctx) return;
    const plot = HEIGHT - AXIS;
    for (const [counts, [r, g, b]] of [
      [this.real, REAL_COLOR],
      [this.fake, FAKE_COLOR],
    ] as const) {
      ctx.fillStyle = `rgba(${r}, ${g}, ${b}, 0.55)`;
      for (const bar of histogramBars(counts, 0, 1, this.size.width, plot - 4)) ctx.fillRect(bar.x + 1, bar.y + 4, Math.max(1, bar.width - 2), bar.height);
    }
    ctx.fillStyle = "#8b9ab5";
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "bottom";
    ctx.textAlign = "left";
    ctx.fillText("D says fake (0)", 0, HEIGHT);
    ctx.textAlign = "center";
    ctx.fillText("0.5", this.size.width / 2, HEIGHT);
    ctx.textAlign = "right";
    ctx.fillText("D says real (1)", this.size.width, HEIGHT);
    ctx.strokeStyle = "rgba(148, 163, 184, 0.25)";
    ctx.beginPath();
    ctx.moveTo(0, plot + 0.5);
    ctx.lineTo(this.size.width, plot + 0.5);
    ctx.stroke();
  }

  override render() {
    return html`<canvas role="img" aria-label="Histograms of the discriminator's verdict on real and generated images"></canvas>
      <div class="legend"><span><i style="background:rgb(${REAL_COLOR.join(",")})"></i>D(real images)</span><span><i style="background:rgb(${FAKE_COLOR.join(",")})"></i>D(generated)</span></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-verdict-histogram": VerdictHistogram;
  }
}
