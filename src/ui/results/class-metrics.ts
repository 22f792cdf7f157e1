/**
 * <dl-class-metrics>: the test split's scores per class, beside the confusion matrix they come from:
 * precision, recall (= sensitivity), specificity, F1 and support, and their macro averages (every
 * class weighed alike), each with what it answers in a tooltip.
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement, property } from "lit/decorators.js";
import { perClassScores } from "../../train/metrics/per-class";
import { resultStyles, scoreTableStyles } from "./base-styles";
import { classColor } from "./colors";

const COLUMNS = [
  ["precision", "Precision", "Of the examples predicted as this class, the share that are: TP / (TP + FP)"],
  ["recall", "Recall (sensitivity)", "Of the examples of this class, the share found: TP / (TP + FN)"],
  ["specificity", "Specificity", "Of the examples of other classes, the share not predicted as this one: TN / (TN + FP)"],
  ["f1", "F1", "The harmonic mean of precision and recall"],
] as const;

@customElement("dl-class-metrics")
export class ClassMetrics extends LitElement {
  static override styles = [
    resultStyles,
    scoreTableStyles,
    css`
      td:first-child {
        text-align: left;
      }
      tr.macro td {
        font-weight: 600;
        border-bottom: none;
      }
      .dot {
        display: inline-block;
        width: 8px;
        height: 8px;
        border-radius: 50%;
        margin-right: 6px;
      }
    `,
  ];

  /** Rows: true class; columns: predicted class (the test report's). */
  @property({ attribute: false }) confusion: number[][] | null = null;
  @property({ attribute: false }) classNames: string[] = [];

  override render() {
    const m = this.confusion;
    if (!m?.length) return nothing;
    const { classes, macro } = perClassScores(m);
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    return html`<div class="scroll" tabindex="0" role="region" aria-label="Scores by class">
      <table data-testid="class-metrics" data-classes=${classes.length}>
        <thead>
          <tr>
            <th scope="col">Class</th>
            ${COLUMNS.map(([, label, hint]) => html`<th scope="col" title=${hint}>${label}</th>`)}
            <th scope="col" title="How many test examples are of this class">Support</th>
          </tr>
        </thead>
        <tbody>
          ${classes.map(
            (c, i) => html`<tr>
              <td><span class="dot" style="background:${classColor(i)}"></span>${this.classNames[i] ?? `class ${i}`}</td>
              ${COLUMNS.map(([key]) => html`<td>${pct(c[key])}</td>`)}
              <td>${c.support.toLocaleString("en-US")}</td>
            </tr>`,
          )}
          <tr class="macro">
            <td title="The mean over the classes, each weighed alike">Macro average</td>
            ${COLUMNS.map(([key]) => html`<td>${pct(macro[key])}</td>`)}
            <td>${classes.reduce((n, c) => n + c.support, 0).toLocaleString("en-US")}</td>
          </tr>
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-class-metrics": ClassMetrics;
  }
}
