/**
 * <dl-race-table>: a race's scoreboard. One row per entry (optimizer, architecture, fold, member, trial or loss; its colour matching the
 * race charts' legend): the last epoch's train loss, validation loss, accuracy and balanced accuracy, and the epoch
 * where validation was best out of those run; the winning row is highlighted and the best value of each column bold.
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement, property } from "lit/decorators.js";
import type { RaceEpoch } from "../../worker/protocol";
import { resultStyles, scoreTableStyles } from "./base-styles";
import { seriesColor } from "./colors";
import { type RaceRow, raceWinner, summarizeRace } from "./race-summary";
import { formatMetric, formatPercent } from "./ticks";

/** Index of the row with the smallest (or largest) finite value of a column, -1 when none. */
function bestOf(rows: RaceRow[], value: (r: RaceRow) => number, largest: boolean): number {
  let best = -1;
  rows.forEach((r, i) => {
    const v = value(r);
    if (Number.isFinite(v) && (best < 0 || (largest ? v > value(rows[best]) : v < value(rows[best])))) best = i;
  });
  return best;
}

@customElement("dl-race-table")
export class RaceTable extends LitElement {
  static override styles = [
    resultStyles,
    scoreTableStyles,
    css`
      tbody th {
        font-size: 13px;
        font-weight: 600;
        letter-spacing: 0;
        text-transform: none;
        padding: 8px 10px;
        border-bottom-color: rgba(36, 49, 77, 0.6);
      }
      tr.winner th,
      tr.winner td {
        background: rgba(52, 211, 153, 0.09);
        color: var(--text);
      }
      tr.winner th {
        box-shadow: inset 3px 0 0 var(--good);
      }
      td small {
        color: var(--muted);
      }
      td.best {
        font-weight: 700;
        color: var(--text);
      }
      .who {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 8px;
        font-weight: 600;
        color: var(--text);
      }
      .name {
        white-space: nowrap;
      }
      .swatch {
        display: inline-block;
        width: 10px;
        height: 10px;
        margin-right: 4px;
        border-radius: 3px;
      }
      .badge {
        font-size: 10px;
        font-weight: 700;
        letter-spacing: 0.06em;
        text-transform: uppercase;
        padding: 2px 7px;
        border-radius: 999px;
        background: rgba(52, 211, 153, 0.18);
        color: var(--good);
      }
    `,
  ];

  /** The race entries' labels, in entry order (the order of the chart's series). */
  @property({ attribute: false }) labels: string[] = [];
  /** Every RaceEpoch reported so far, in any order. */
  @property({ attribute: false }) epochs: RaceEpoch[] = [];
  /** The race has ended: the leader is marked the winner. */
  @property({ type: Boolean }) finished = false;

  override render() {
    if (this.labels.length === 0) return html`<div data-testid="race-table" data-rows="0" data-winner="-1"><div class="empty">No race yet.</div></div>`;
    const rows = summarizeRace(this.labels, this.epochs);
    const winner = raceWinner(rows);
    const hasAccuracy = rows.some((r) => Number.isFinite(r.valAccuracy));
    const best = {
      train: bestOf(rows, (r) => r.trainLoss, false),
      val: bestOf(rows, (r) => r.valLoss, false),
      accuracy: bestOf(rows, (r) => r.valAccuracy, true),
      balanced: bestOf(rows, (r) => r.valBalancedAccuracy, true),
    };
    const cell = (text: string, isBest: boolean) => html`<td class=${isBest ? "best" : ""}>${text}</td>`;
    return html`<div data-testid="race-table" data-rows=${rows.length} data-winner=${winner}>
      <div class="scroll" tabindex="0" role="region" aria-label="Race results"><table>
        <thead>
          <tr>
            <th scope="col">Entry</th>
            <th scope="col">Train loss</th>
            <th scope="col">Val loss</th>
            ${
              hasAccuracy
                ? html`<th scope="col">Val acc.</th>
                    <th scope="col" title="Balanced accuracy: the mean of the classes' recalls, in which a rare class counts as much as a common one">Val bal. acc.</th>`
                : nothing
            }
            <th scope="col">Best epoch</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r, i) => html`<tr class=${i === winner ? "winner" : ""} aria-current=${i === winner ? "true" : "false"}>
              <th scope="row">
                <span class="who"
                  ><span class="name"><span class="swatch" style="background:${seriesColor(i)}"></span> ${r.label}</span>
                  ${i === winner ? html`<span class="badge">${this.finished ? "winner" : "leading"}</span>` : nothing}</span
                >
              </th>
              ${cell(formatMetric(r.trainLoss), i === best.train)} ${cell(formatMetric(r.valLoss), i === best.val)}
              ${hasAccuracy ? html`${cell(formatPercent(r.valAccuracy), i === best.accuracy)} ${cell(formatPercent(r.valBalancedAccuracy), i === best.balanced)}` : nothing} <td title="best epoch of the epochs run">${r.bestEpoch ? html`${r.bestEpoch} <small>/ ${r.epochs}</small>` : "—"}</td>
            </tr>`,
          )}
        </tbody>
      </table></div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-race-table": RaceTable;
  }
}
