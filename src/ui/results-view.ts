/**
 * <dl-results>: the Train tab's results, laid out for the data at hand. Every dataset gets the
 * headline numbers, the loss, accuracy and learning-rate curves and the per-layer statistics; 2-D
 * data adds the live decision boundary; images add the prediction grid, the confusion matrix, the
 * first-layer filters and feature maps; tables add the confusion matrix; binary tasks add the ROC
 * curve. It only renders what the app hands it (the worker's reports).
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import type { BoundaryReport, DatasetPreview, EpochReport, FeatureMapsReport, InsideReport, StepBatch, TestReport } from "../worker/protocol";
import "./results/index";
import type { ImageShape, MetricChart } from "./results/index";
import { theme } from "./theme";

const percent = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "–" : `${(v * 100).toFixed(1)}%`);
const fixed = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "–" : v < 0.001 ? v.toExponential(2) : v.toFixed(4));

@customElement("dl-results")
export class ResultsView extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: grid;
        gap: 16px;
        align-content: start;
        min-width: 0;
      }
      .stats {
        display: grid;
        grid-template-columns: repeat(5, minmax(0, 1fr));
        gap: 10px;
      }
      .stat {
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 12px;
        padding: 10px 14px;
      }
      .stat small {
        display: block;
        color: var(--muted);
        font-size: 11.5px;
        letter-spacing: 0.04em;
        text-transform: uppercase;
      }
      .stat b {
        display: block;
        font-size: 21px;
        font-weight: 650;
        font-variant-numeric: tabular-nums;
        margin-top: 2px;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 1fr));
        gap: 16px;
        align-items: start;
      }
      .wide {
        grid-column: 1 / -1;
      }
      .card {
        min-width: 0;
      }
      @media (max-width: 1280px) {
        .grid {
          grid-template-columns: minmax(0, 1fr);
        }
        .stats {
          grid-template-columns: repeat(3, minmax(0, 1fr));
        }
      }
    `,
  ];

  /** The data being trained on (decides the layout; images and names come from it). */
  @property({ attribute: false }) preview: DatasetPreview | null = null;
  @property({ attribute: false }) boundary: BoundaryReport | null = null;
  @property({ attribute: false }) test: TestReport | null = null;
  @property({ attribute: false }) inside: InsideReport | null = null;
  @property({ attribute: false }) featureMaps: FeatureMapsReport | null = null;
  /** Latest numbers for the headline row. */
  @property({ attribute: false }) latest: { step: number; epoch: number; loss: number; valLoss: number; valAccuracy: number } = {
    step: 0,
    epoch: 0,
    loss: Number.NaN,
    valLoss: Number.NaN,
    valAccuracy: Number.NaN,
  };
  /** Whether the model is a regression (no accuracy, no confusion matrix). */
  @property({ type: Boolean }) regression = false;

  @query("dl-metric-chart[mode=loss]") private lossChart?: MetricChart;
  @query("dl-metric-chart[mode=accuracy]") private accuracyChart?: MetricChart;
  @query("dl-metric-chart[mode=lr]") private lrChart?: MetricChart;

  addSteps(batch: StepBatch): void {
    this.lossChart?.addSteps(batch);
    this.lrChart?.addSteps(batch);
  }

  addEpoch(report: EpochReport): void {
    this.lossChart?.addEpoch(report);
    this.accuracyChart?.addEpoch(report);
  }

  clear(): void {
    this.lossChart?.clear();
    this.accuracyChart?.clear();
    this.lrChart?.clear();
  }

  private get shape(): ImageShape | null {
    const p = this.preview;
    return p?.kind === "images" ? { channels: p.channels, height: p.height, width: p.width } : null;
  }

  private get classNames(): string[] {
    const p = this.preview;
    if (!p) return [];
    if (p.kind === "points") return Array.from({ length: p.classes }, (_, k) => `class ${k}`);
    return p.classNames;
  }

  override render() {
    const p = this.preview;
    const t = this.test;
    const l = this.latest;
    return html`
      <div class="stats" aria-live="polite">
        <div class="stat"><small>step</small><b data-testid="step">${l.step.toLocaleString("en-US")}</b></div>
        <div class="stat"><small>epoch</small><b>${l.epoch}</b></div>
        <div class="stat"><small>train loss</small><b data-testid="loss">${fixed(l.loss)}</b></div>
        <div class="stat"><small>${this.regression ? "test loss" : "test accuracy"}</small><b data-testid="test-accuracy">${this.regression ? fixed(t?.loss ?? l.valLoss) : percent(t?.accuracy ?? l.valAccuracy)}</b></div>
        <div class="stat"><small>${this.regression ? "val loss" : "test F1 (macro)"}</small><b>${this.regression ? fixed(l.valLoss) : percent(t?.f1)}</b></div>
      </div>
      <div class="grid">
        ${p?.kind === "points" ? html`<section class="card"><h2>Decision boundary</h2><dl-boundary-plot .boundary=${this.boundary} .data=${p}></dl-boundary-plot></section>` : nothing}
        <section class="card"><h2>Loss</h2><dl-metric-chart mode="loss"></dl-metric-chart></section>
        ${this.regression ? nothing : html`<section class="card"><h2>Accuracy</h2><dl-metric-chart mode="accuracy"></dl-metric-chart></section>`}
        <section class="card"><h2>Learning rate</h2><dl-metric-chart mode="lr"></dl-metric-chart></section>
        ${
          p?.kind === "images"
            ? html`<section class="card wide"><h2>Test predictions</h2>
                <dl-prediction-grid .grid=${t?.grid ?? null} .shape=${this.shape} .classNames=${this.classNames} .selected=${this.featureMaps?.index ?? -1}></dl-prediction-grid>
              </section>`
            : nothing
        }
        ${
          !this.regression && p
            ? html`<section class="card ${this.classNames.length > 4 ? "wide" : ""}"><h2>Confusion matrix</h2>
                <dl-confusion-matrix .confusion=${t?.confusion ?? null} .cellExamples=${t?.cellExamples ?? []} .classNames=${this.classNames} .grid=${t?.grid ?? null} .shape=${this.shape}></dl-confusion-matrix>
              </section>`
            : nothing
        }
        ${t?.roc ? html`<section class="card"><h2>ROC</h2><dl-roc-chart .roc=${t.roc} .positive=${this.classNames[1] ?? "class 1"}></dl-roc-chart></section>` : nothing}
        ${
          p?.kind === "images"
            ? html`<section class="card wide"><h2>Inside the network</h2>
                <dl-filter-view .filters=${this.inside?.filters ?? null} .maps=${this.featureMaps} .grid=${t?.grid ?? null} .shape=${this.shape} .classNames=${this.classNames}></dl-filter-view>
              </section>`
            : nothing
        }
        <section class="card wide"><h2>Layers</h2><dl-layer-stats .inside=${this.inside}></dl-layer-stats></section>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-results": ResultsView;
  }
}
