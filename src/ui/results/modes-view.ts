/**
 * <dl-modes-view>: the same inputs through the model in train mode and in eval mode, for a model
 * with dropout or batch norm. The validation accuracy in each (every train-mode pass draws other
 * dropout masks, so there is a spread), the class probabilities of the validation example the model
 * is least sure of (the eval mode's as a bar, each train-mode pass's as a dot: the spread is the
 * noise dropout adds), and for * 2-D data both decision boundaries side by side.
 */
import { css, html, LitElement, nothing, svg } from "lit";
import { customElement, property } from "lit/decorators.js";
import type { DatasetPreview, ModesReport } from "../../worker/protocol";
import { resultStyles } from "./base-styles";
import "./boundary-plot";
import { classColor } from "./colors";

type PointsPreview = Extract<DatasetPreview, { kind: "points" }>;

const ROW = 22;
const LABEL = 90;
const WIDTH = 360;

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

@customElement("dl-modes-view")
export class ModesView extends LitElement {
  static override styles = [
    resultStyles,
    css`
      p {
        margin: 0 0 10px;
        color: var(--muted);
        font-size: 12.5px;
        line-height: 1.5;
      }
      .scores {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 28px;
        margin-bottom: 12px;
      }
      .scores b {
        font-size: 20px;
        font-variant-numeric: tabular-nums;
      }
      .scores small {
        display: block;
        color: var(--muted);
      }
      .columns {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
        gap: 14px;
        align-items: start;
        margin-bottom: 14px;
      }
      figure.example {
        max-width: 420px;
      }
      figure {
        margin: 0;
      }
      figcaption {
        margin-top: 4px;
        text-align: center;
        color: var(--muted);
        font-size: 12px;
      }
      svg text {
        fill: var(--muted);
        font-size: 11px;
      }
      .key {
        display: flex;
        gap: 14px;
        font-size: 11.5px;
        color: var(--muted);
        margin-top: 4px;
      }
      .key i {
        display: inline-block;
        width: 10px;
        height: 10px;
        margin-right: 5px;
        vertical-align: -1px;
      }
    `,
  ];

  @property({ attribute: false }) report: ModesReport | null = null;
  @property({ attribute: false }) classNames: string[] = [];
  /** 2-D data: the points drawn under both boundaries. */
  @property({ attribute: false }) points: PointsPreview | null = null;

  /** One row per class: the eval-mode probability as a bar, each train-mode pass's as a dot. */
  private example(r: ModesReport) {
    const classes = r.example.eval.length;
    const passes = r.trainAccuracies.length;
    const x = (p: number) => LABEL + p * (WIDTH - LABEL - 10);
    const name = (k: number) => this.classNames[k] ?? `class ${k}`;
    return html`<figure class="example">
      <svg viewBox="0 0 ${WIDTH} ${classes * ROW + 16}" role="img" aria-label="Class probabilities of validation example ${r.example.index + 1} in eval mode and in ${passes} train-mode passes">
        ${Array.from({ length: classes }, (_, k) => {
          const y = k * ROW;
          const dots = Array.from({ length: passes }, (_, p) => r.example.train[p * classes + k]);
          return svg`<text x="0" y=${y + 14}>${name(k)}${k === r.example.label ? " ✓" : ""}</text>
            <rect x=${LABEL} y=${y + 4} width=${x(1) - LABEL} height="12" fill="rgba(148,163,184,0.12)" rx="2"></rect>
            <rect x=${LABEL} y=${y + 4} width=${x(r.example.eval[k]) - LABEL} height="12" fill=${classColor(k)} opacity="0.85" rx="2"><title>eval mode: ${pct(r.example.eval[k])}</title></rect>
            ${dots.map((d, p) => svg`<circle cx=${x(d)} cy=${y + 10} r="3.2" fill="#fbbf24" stroke="#0f172a" stroke-width="0.8"><title>train-mode pass ${p + 1}: ${pct(d)}</title></circle>`)}`;
        })}
        ${[0, 0.5, 1].map((t) => svg`<text x=${x(t)} y=${classes * ROW + 12} text-anchor="middle">${t}</text>`)}
      </svg>
      <div class="key"><span><i style="background:var(--muted)"></i>bar: eval mode</span><span><i style="background:#fbbf24;border-radius:50%"></i>dot: each train-mode pass</span></div>
      <figcaption>
        Validation example ${r.example.index + 1}, the one the model is least sure of${r.example.point ? " (ringed on both maps)" : ""}, its class ✓: the
        probability of each class, in eval mode and in each train-mode pass
      </figcaption>
    </figure>`;
  }

  override render() {
    const r = this.report;
    if (!r) return nothing;
    const mean = r.trainAccuracies.reduce((a, b) => a + b, 0) / r.trainAccuracies.length;
    const what = r.layers.join(" and ");
    // How far apart the train-mode passes put the shown example's probability of its own class.
    const classes = r.example.eval.length;
    const own = Array.from({ length: r.trainAccuracies.length }, (_, p) => r.example.train[p * classes + r.example.label]);
    const spread = Math.max(...own) - Math.min(...own);
    return html`<div data-testid="modes-view" data-eval=${r.evalAccuracy} data-train=${mean} data-spread=${spread} data-step=${r.step}>
      <p>
        This model has ${what}, which ${r.layers.length > 1 ? "behave" : "behaves"} differently while training.
        ${r.layers.includes("dropout") ? "In train mode dropout zeroes a random share of the units (scaling the rest up); in eval mode it passes everything. " : ""}
        ${r.layers.includes("batch norm") ? "In train mode batch norm normalises with the statistics of the batch; in eval mode with its running averages. " : ""}
        Test scores and predictions use eval mode; the training loss is measured in train mode.
      </p>
      <div class="scores">
        <div><small>eval mode</small><b data-testid="modes-eval">${pct(r.evalAccuracy)}</b></div>
        <div><small>train mode, mean of ${r.trainAccuracies.length} passes</small><b data-testid="modes-train">${pct(mean)}</b></div>
        <div><small>train-mode passes, lowest – highest</small><b>${pct(Math.min(...r.trainAccuracies))} – ${pct(Math.max(...r.trainAccuracies))}</b></div>
      </div>
      <p>Validation accuracy on ${r.examples} examples, in batches of the training batch size, at step ${r.step.toLocaleString("en-US")}.</p>
      ${
        r.boundaries && this.points
          ? html`<div class="columns">
              <figure><dl-boundary-plot .boundary=${r.boundaries.eval} .data=${this.points} .marked=${r.example.point ?? null}></dl-boundary-plot><figcaption>eval mode</figcaption></figure>
              <figure><dl-boundary-plot .boundary=${r.boundaries.train} .data=${this.points} .marked=${r.example.point ?? null}></dl-boundary-plot><figcaption>train mode: one dropout mask per grid point, the grid as the batch</figcaption></figure>
            </div>`
          : nothing
      }
      ${this.example(r)}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-modes-view": ModesView;
  }
}
