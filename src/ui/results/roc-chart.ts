/**
 * <dl-roc-chart>: the ROC curve of a binary classifier on the test set (true positive rate against
 * false positive rate over every threshold), the chance diagonal, and the area under the curve in
 * the title.
 */
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import type { TestReport } from "../../worker/protocol";
import { resultStyles } from "./base-styles";
import type { LinePlot } from "./line-plot";
import type { Line, XY } from "./metric-series";
import { PlotController } from "./plot-controller";

/** The ROC part of a TestReport. */
export type Roc = NonNullable<TestReport["roc"]>;

const percent = (v: number) => `${Math.round(100 * v)}%`;

function rocLines(roc: Roc | null): Line[] {
  const curve: XY[] = [];
  if (roc) for (let i = 0; i < roc.fpr.length; i++) curve.push({ x: roc.fpr[i], y: roc.tpr[i] });
  const style = { dash: [], radius: 0, under: false, legend: true, hidden: false };
  return [
    { ...style, label: "ROC", group: "roc", color: "#38bdf8", width: 2.25, data: curve },
    {
      ...style,
      label: "chance",
      group: "chance",
      color: "rgba(148, 163, 184, 0.55)",
      width: 1,
      dash: [4, 4],
      under: true,
      data: [
        { x: 0, y: 0 },
        { x: 1, y: 1 },
      ],
    },
  ];
}

@customElement("dl-roc-chart")
export class RocChart extends LitElement {
  static override styles = [
    resultStyles,
    css`
      h3 {
        margin: 0 0 6px;
        font-size: 13px;
        font-weight: 500;
        color: var(--muted);
      }
      h3 b {
        color: var(--text);
        font-size: 15px;
        font-variant-numeric: tabular-nums;
      }
      .box {
        aspect-ratio: 1.1;
      }
    `,
  ];

  /** False and true positive rates over the thresholds, and the area under the curve (TestReport.roc). */
  @property({ attribute: false }) roc: Roc | null = null;
  /** Name of the positive class, for the chart's accessible description. */
  @property() positive = "class 1";

  @query("canvas") private _canvas!: HTMLCanvasElement;
  private readonly chart = new PlotController(this);

  protected override updated(changed: PropertyValues<this>): void {
    const plot = this.chart.plot;
    if (plot) {
      if (changed.has("roc")) this.draw(plot);
      return;
    }
    this.chart.ensure(({ LinePlot }) => {
      const made = new LinePlot(this._canvas, {
        x: { title: "false positive rate", min: 0, max: 1, format: percent },
        y: { title: "true positive rate", min: 0, max: 1, format: percent },
      });
      this.draw(made);
      return made;
    });
  }

  private draw(plot: LinePlot): void {
    plot.setLines(rocLines(this.roc));
    plot.fillUnder(0, "rgba(56, 189, 248, 0.12)");
  }

  override render() {
    const roc = this.roc;
    return html`<div data-testid="roc-chart" data-points=${roc?.fpr.length ?? 0} data-auc=${roc ? roc.auc.toFixed(4) : ""}>
      <h3>ROC curve · AUC <b>${roc ? roc.auc.toFixed(3) : "—"}</b></h3>
      <div class="box ${roc ? "" : "waiting"}">
        <canvas role="img" aria-label=${roc ? `ROC curve of ${this.positive} against the rest, area under the curve ${roc.auc.toFixed(3)}` : "ROC curve (no data yet)"}></canvas>
        ${roc ? nothing : html`<div class="empty">The ROC curve appears after the first evaluation.</div>`}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-roc-chart": RocChart;
  }
}
