/**
 * <dl-results>: the Train tab's results, laid out for the data at hand. Every dataset gets the
 * headline numbers, the loss, accuracy and learning-rate curves (with the previous run faintly
 * beneath) and the per-layer statistics; 2-D data adds the live decision boundary (or, for a
 * regression, the predicted surface); images add the prediction grid, the confusion matrix, the
 * first-layer filters and feature maps; tables add the confusion matrix; binary tasks add the ROC
 * curve. It draws the Train session the tab hands it.
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { Feed } from "../state/feed";
import type { TrainCurveItem, TrainState } from "../state/train-slice";
import { theme } from "../theme";
import "./index";
import type { ImageShape } from "./index";
import { formatMetric, formatPercent } from "./ticks";

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
      .roc-class {
        display: flex;
        align-items: center;
        gap: 8px;
        font-size: 12px;
        margin-bottom: 8px;
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

  /** The Train session: the preview, the reports and the latest numbers. */
  @property({ attribute: false }) session!: TrainState;
  /** The run's curves. */
  @property({ attribute: false }) curves: Feed<TrainCurveItem> | null = null;
  /** The run before the last reset, drawn faintly. */
  @property({ attribute: false }) previous: Feed<TrainCurveItem> | null = null;
  /** Whether the model is a regression (no accuracy, no confusion matrix). */
  @property({ type: Boolean }) regression = false;
  /** The class the one-vs-rest ROC shows (more than two classes). */
  @state() private _rocClass = 0;

  private get shape(): ImageShape | null {
    const p = this.session.preview;
    return p?.kind === "images" ? { channels: p.channels, height: p.height, width: p.width } : null;
  }

  private get classNames(): string[] {
    const p = this.session.preview;
    if (!p) return [];
    if (p.kind === "points") return Array.from({ length: p.classes }, (_, k) => `class ${k}`);
    return p.classNames;
  }

  /** More than two classes: the ROC of one class against the rest, the class picked here. */
  private oneVsRest(curves: NonNullable<NonNullable<TrainState["test"]>["rocByClass"]>) {
    const c = Math.min(this._rocClass, curves.length - 1);
    const name = (k: number) => this.classNames[k] ?? `class ${k}`;
    const roc = curves[c];
    return html`<section class="card"><h2>ROC, one class against the rest</h2>
      <label class="roc-class">Class
        <select data-testid="roc-class" @change=${(e: Event) => (this._rocClass = Number((e.target as HTMLSelectElement).value))}>
          ${curves.map((r, k) => html`<option value=${k} ?selected=${k === c} ?disabled=${!r}>${name(k)}${r ? ` · AUC ${r.auc.toFixed(3)}` : " (not in the test split)"}</option>`)}
        </select>
      </label>
      ${roc ? html`<dl-roc-chart .roc=${roc} .positive=${name(c)}></dl-roc-chart>` : nothing}
    </section>`;
  }

  override render() {
    const s = this.session;
    const p = s.preview;
    const t = s.test;
    return html`
      <div class="stats" aria-live="off">
        <div class="stat"><small>step</small><b data-testid="step">${s.step.toLocaleString("en-US")}</b></div>
        <div class="stat"><small>epoch</small><b>${s.epoch}</b></div>
        <div class="stat"><small>train loss</small><b data-testid="loss" title=${String(s.loss)}>${formatMetric(s.loss)}</b></div>
        <div class="stat"><small>${this.regression ? "test loss" : "test accuracy"}</small><b data-testid="test-accuracy">${this.regression ? formatMetric(t?.loss ?? s.valLoss) : formatPercent(t?.accuracy ?? s.valAccuracy)}</b></div>
        <div class="stat"><small>${this.regression ? "val loss" : "test F1 (macro)"}</small><b>${this.regression ? formatMetric(s.valLoss) : formatPercent(t?.f1 ?? Number.NaN)}</b></div>
      </div>
      <div class="grid">
        ${p?.kind === "points" ? html`<section class="card"><h2>${this.regression ? "Predicted surface" : "Decision boundary"}</h2><dl-boundary-plot .boundary=${s.boundary} .data=${p}></dl-boundary-plot></section>` : nothing}
        <section class="card"><h2>Loss</h2><dl-metric-chart mode="loss" .feed=${this.curves} .overlay=${this.previous}></dl-metric-chart></section>
        ${this.regression ? nothing : html`<section class="card"><h2>Accuracy</h2><dl-metric-chart mode="accuracy" .feed=${this.curves} .overlay=${this.previous}></dl-metric-chart></section>`}
        <section class="card"><h2>Learning rate</h2><dl-metric-chart mode="lr" .feed=${this.curves} .overlay=${this.previous}></dl-metric-chart></section>
        ${
          p?.kind === "images"
            ? html`<section class="card wide"><h2>Test predictions</h2>
                <dl-prediction-grid .grid=${t?.grid ?? null} .shape=${this.shape} .classNames=${this.classNames} .selected=${s.featureMaps?.index ?? -1}></dl-prediction-grid>
              </section>`
            : nothing
        }
        ${
          !this.regression && p
            ? html`<section class="card ${this.classNames.length > 4 ? "wide" : ""}"><h2>Confusion matrix</h2>
                <dl-confusion-matrix .confusion=${t?.confusion ?? null} .cellExamples=${t?.cellExamples ?? []} .classNames=${this.classNames} .grid=${t?.grid ?? null} .shape=${this.shape} .examples=${s.examples}></dl-confusion-matrix>
              </section>
              <section class="card ${this.classNames.length > 4 ? "wide" : ""}"><h2>Scores by class</h2>
                <dl-class-metrics .confusion=${t?.confusion ?? null} .classNames=${this.classNames}></dl-class-metrics>
              </section>`
            : nothing
        }
        ${t?.roc ? html`<section class="card"><h2>ROC</h2><dl-roc-chart .roc=${t.roc} .positive=${this.classNames[1] ?? "class 1"}></dl-roc-chart></section>` : nothing}
        ${t?.rocByClass ? this.oneVsRest(t.rocByClass) : nothing}
        ${
          p?.kind === "images"
            ? html`<section class="card wide"><h2>Inside the network</h2>
                <dl-filter-view .filters=${s.inside?.filters ?? null} .maps=${s.featureMaps} .grid=${t?.grid ?? null} .shape=${this.shape} .classNames=${this.classNames}></dl-filter-view>
              </section>`
            : nothing
        }
        ${
          p?.kind === "sequences"
            ? html`<section class="card wide"><h2>Inside the sequence</h2><dl-sequence-view .report=${s.inside?.sequence ?? null} .generates=${p.generates} .samples=${s.samples} .tests=${p.testSize}></dl-sequence-view></section>`
            : nothing
        }
        ${
          s.modes
            ? html`<section class="card wide"><h2>Train mode vs eval mode</h2>
                <dl-modes-view .report=${s.modes} .classNames=${this.classNames} .points=${p?.kind === "points" ? p : null}></dl-modes-view>
              </section>`
            : nothing
        }
        <section class="card wide"><h2>Layers</h2><dl-layer-stats .inside=${s.inside}></dl-layer-stats></section>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-results": ResultsView;
  }
}
