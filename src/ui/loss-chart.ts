/**
 * <dl-loss-chart>: the training loss (log scale: each mini-batch faintly, and its exponential moving
 * average) and accuracy against steps, drawn by Chart.js with DESIGN §7's settings (no animation, no
 * parsing, decimation) and redrawn at most once per frame.
 */
import { Chart, Decimation, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from "chart.js";
import { css, html, LitElement } from "lit";
import { customElement, query } from "lit/decorators.js";
import { theme } from "./theme";

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, Decimation);

interface XY {
  x: number;
  y: number;
}

@customElement("dl-loss-chart")
export class LossChart extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        position: relative;
        height: 260px;
      }
    `,
  ];

  @query("canvas") private _canvas!: HTMLCanvasElement;
  private chart: Chart<"line", XY[]> | null = null;
  private readonly loss: XY[] = [];
  private readonly smoothed: XY[] = [];
  private readonly accuracy: XY[] = [];
  private average = Number.NaN;
  private frame = 0;

  override render() {
    return html`<canvas role="img" aria-label="Loss and accuracy over training steps"></canvas>`;
  }

  override firstUpdated(): void {
    const grid = "rgba(148, 163, 184, 0.12)";
    const ticks = { color: "#8b9ab5", font: { size: 11 } };
    this.chart = new Chart(this._canvas, {
      type: "line",
      data: {
        datasets: [
          { label: "loss (batch)", data: this.loss, borderColor: "rgba(56, 189, 248, 0.28)", borderWidth: 1, pointRadius: 0, yAxisID: "y", tension: 0 },
          { label: "loss (average)", data: this.smoothed, borderColor: "#38bdf8", borderWidth: 2, pointRadius: 0, yAxisID: "y", tension: 0 },
          { label: "accuracy", data: this.accuracy, borderColor: "#34d399", borderWidth: 2, pointRadius: 0, yAxisID: "accuracy", tension: 0 },
        ],
      },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        plugins: {
          decimation: { enabled: true, algorithm: "lttb", samples: 400 },
          legend: { labels: { color: "#cbd5e1", boxWidth: 12, boxHeight: 2 } },
          tooltip: { enabled: true },
        },
        scales: {
          x: { type: "linear", title: { display: true, text: "step", color: "#8b9ab5" }, grid: { color: grid }, ticks },
          y: { type: "logarithmic", title: { display: true, text: "cross-entropy", color: "#8b9ab5" }, grid: { color: grid }, ticks },
          accuracy: { type: "linear", position: "right", min: 0, max: 1, grid: { drawOnChartArea: false }, ticks },
        },
      },
    });
  }

  /** Adds a point; the chart redraws on the next animation frame. */
  add(step: number, loss: number, accuracy: number): void {
    if (Number.isFinite(loss)) {
      this.average = Number.isNaN(this.average) ? loss : 0.9 * this.average + 0.1 * loss;
      this.loss.push({ x: step, y: loss });
      this.smoothed.push({ x: step, y: this.average });
    }
    this.accuracy.push({ x: step, y: accuracy });
    if (!this.frame)
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.chart?.update("none");
      });
  }

  clear(): void {
    this.loss.length = 0;
    this.smoothed.length = 0;
    this.accuracy.length = 0;
    this.average = Number.NaN;
    this.chart?.update("none");
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.frame);
    this.chart?.destroy();
    this.chart = null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-loss-chart": LossChart;
  }
}
