/**
 * <dl-transfer-study>: the guided transfer-learning experiment on the Race tab. A small CNN learns
 * five classes (digits 0-4), then a new task (the other five digits, or five classes of the other
 * image set) from a few labelled examples in four ways: from scratch, fine-tuning everything,
 * fine-tuning with the convolutions at a tenth of the learning rate, and with the convolutions
 * frozen. One chart of test accuracy against the number of labelled examples, a line per way, and
 * the numbers in a table. Settings: the image set pretrained on, the new task, the numbers of
 * labelled examples, the fine-tuning epochs and the pretraining examples.
 */
import { css, html, LitElement, nothing, svg } from "lit";
import { customElement } from "lit/decorators.js";
import { ARM_LABELS, describeTask, studyTask, TRANSFER_ARMS, type TransferArm, type TransferResult, type TransferTarget } from "../../train/transfer-study";
import { resultStyles, scoreTableStyles } from "../results/base-styles";
import { seriesColor } from "../results/colors";
import { StoreController } from "../state/store-controller";
import type { TransferState } from "../state/transfer-slice";
import { theme } from "../theme";
import { studyStyles } from "./study-styles";

/** The numbers of labelled examples a study may try, as the picker offers them. */
const SIZE_CHOICES = [
  [10, 25, 50],
  [25, 50, 100, 200],
  [50, 100, 200, 400],
];

const W = 420;
const H = 240;
const PAD = { left: 44, right: 12, top: 12, bottom: 34 };
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

@customElement("dl-transfer-study")
export class TransferStudyCard extends LitElement {
  static override styles = [
    theme,
    resultStyles,
    scoreTableStyles,
    studyStyles,
    css`
      .status {
        margin: 6px 0 10px;
        font-size: 12.5px;
      }
      .columns {
        grid-template-columns: minmax(280px, 1.2fr) minmax(260px, 1fr);
      }
      svg text {
        fill: var(--muted);
        font-size: 10.5px;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 14px;
        font-size: 12px;
        margin-top: 6px;
      }
      .legend i {
        display: inline-block;
        width: 14px;
        height: 3px;
        margin-right: 6px;
        vertical-align: middle;
      }
    `,
  ];

  private readonly store = new StoreController(this);

  /** Test accuracy against labelled examples (log scale), a line per arm. */
  private chart(results: TransferResult[], sizes: number[]) {
    const lo = Math.log(Math.min(...sizes));
    const hi = Math.log(Math.max(...sizes));
    const x = (n: number) => PAD.left + (hi > lo ? ((Math.log(n) - lo) / (hi - lo)) * (W - PAD.left - PAD.right) : (W - PAD.left - PAD.right) / 2);
    const accuracies = results.map((r) => r.accuracy);
    const bottom = Math.max(0, Math.floor((Math.min(...accuracies, 0.9) - 0.05) * 10) / 10);
    const y = (a: number) => PAD.top + ((1 - a) / (1 - bottom)) * (H - PAD.top - PAD.bottom);
    const ticks = Array.from({ length: Math.round((1 - bottom) * 10) + 1 }, (_, i) => bottom + i / 10);
    return html`<figure style="margin:0">
      <svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Test accuracy against the number of labelled examples, one line per way of learning">
        ${ticks.map(
          (t) => svg`<line x1=${PAD.left} x2=${W - PAD.right} y1=${y(t)} y2=${y(t)} stroke="rgba(148,163,184,0.15)"></line>
            <text x=${PAD.left - 6} y=${y(t) + 3.5} text-anchor="end">${Math.round(t * 100)}%</text>`,
        )}
        ${sizes.map((n) => svg`<text x=${x(n)} y=${H - PAD.bottom + 16} text-anchor="middle">${n}</text>`)}
        <text x=${(PAD.left + W - PAD.right) / 2} y=${H - 4} text-anchor="middle">labelled examples of the new task (log scale)</text>
        ${TRANSFER_ARMS.map((arm, k) => {
          const points = results.filter((r) => r.arm === arm).sort((a, b) => a.size - b.size);
          const color = seriesColor(k);
          return svg`<polyline fill="none" stroke=${color} stroke-width="2" points=${points.map((p) => `${x(p.size)},${y(p.accuracy)}`).join(" ")}></polyline>
            ${points.map((p) => svg`<circle cx=${x(p.size)} cy=${y(p.accuracy)} r="3.5" fill=${color}><title>${ARM_LABELS[arm]}, ${p.size} examples: ${pct(p.accuracy)}</title></circle>`)}`;
        })}
      </svg>
      <div class="legend">${TRANSFER_ARMS.map((arm, k) => html`<span><i style="background:${seriesColor(k)}"></i>${ARM_LABELS[arm]}</span>`)}</div>
    </figure>`;
  }

  /** The results by size (rows) and arm (columns), each row's best in bold. */
  private table(results: TransferResult[], sizes: number[]) {
    const at = (size: number, arm: TransferArm) => results.find((r) => r.size === size && r.arm === arm);
    return html`<div class="scroll" tabindex="0" role="region" aria-label="Transfer study results">
      <table data-testid="transfer-table" data-results=${results.length}>
        <thead>
          <tr>
            <th scope="col">Labelled</th>
            ${TRANSFER_ARMS.map((arm) => html`<th scope="col">${ARM_LABELS[arm]}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${sizes.map((size) => {
            const row = TRANSFER_ARMS.map((arm) => at(size, arm)?.accuracy ?? Number.NaN);
            const best = Math.max(...row.filter(Number.isFinite));
            return html`<tr>
              <th scope="row">${size}</th>
              ${row.map((a) => html`<td class=${a === best ? "best" : ""}>${Number.isFinite(a) ? pct(a) : "–"}</td>`)}
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }

  /** What runs now, the pretrained model's score, and how the last study ended. */
  private status(t: TransferState) {
    const parts = [];
    if (t.running) parts.push(html`<span data-testid="transfer-phase">Running: ${t.phase}</span>`);
    if (t.pretrained !== null)
      parts.push(html`pretrained model: <b data-testid="transfer-pretrained">${pct(t.pretrained)}</b> on the old classes' test examples`);
    if (!t.running && t.done && t.seconds !== null) parts.push(html`all ${t.results.length} runs in ${t.seconds.toFixed(1)} s`);
    if (!t.running && !t.done && t.results.length && !t.error) parts.push(html`stopped after ${t.results.length} runs`);
    return parts;
  }

  override render() {
    const store = this.store.store;
    if (!store) return nothing;
    const t = store.transfer.state;
    const s = t.study;
    const sizes = [...s.sizes].sort((a, b) => a - b);
    const set = (change: Parameters<typeof store.transfer.configure>[0]) => store.transfer.configure(change);
    const number = (label: string, value: number, min: number, max: number, apply: (v: number) => void, testid: string) =>
      html`<label>${label}<input type="number" data-testid=${testid} min=${min} max=${max} .value=${String(value)} ?disabled=${t.running}
        @change=${(e: Event) => {
          const v = Number((e.target as HTMLInputElement).value);
          if (Number.isInteger(v) && v >= min && v <= max) apply(v);
          else this.requestUpdate(); // puts the last good value back
        }} /></label>`;
    return html`<div data-testid="transfer-study" data-running=${t.running} data-done=${t.done}>
      <p>
        A small CNN first learns ${describeTask(studyTask(s, "old"))} from ${s.pretrainExamples.toLocaleString("en-US")} examples
        (pretraining). Then it learns ${describeTask(studyTask(s, "new"))} from only a few labelled examples, four ways: from scratch;
        starting from the pretrained layers and training them all; the same with the convolutions at a tenth of the learning rate; and with
        the convolutions frozen, so that only the layers above them train. Every way is scored on the same
        ${s.testExamples.toLocaleString("en-US")} test examples of the new task.
      </p>
      <div class="settings">
        <label>Pretrain on
          <select data-testid="transfer-dataset" ?disabled=${t.running} @change=${(e: Event) => set({ dataset: (e.target as HTMLSelectElement).value as "mnist" | "fashion-mnist" })}>
            <option value="mnist" ?selected=${s.dataset === "mnist"}>MNIST digits 0-4</option>
            <option value="fashion-mnist" ?selected=${s.dataset === "fashion-mnist"}>Fashion-MNIST classes 0-4</option>
          </select>
        </label>
        <label>New task
          <select data-testid="transfer-target" ?disabled=${t.running} @change=${(e: Event) => set({ target: (e.target as HTMLSelectElement).value as TransferTarget })}>
            <option value="otherClasses" ?selected=${s.target === "otherClasses"}>${describeTask(studyTask({ ...s, target: "otherClasses" }, "new"))}</option>
            <option value="otherDataset" ?selected=${s.target === "otherDataset"}>${describeTask(studyTask({ ...s, target: "otherDataset" }, "new"))}</option>
          </select>
        </label>
        <label>Labelled examples
          <select data-testid="transfer-sizes" ?disabled=${t.running} @change=${(e: Event) => set({ sizes: SIZE_CHOICES[Number((e.target as HTMLSelectElement).value)] })}>
            ${SIZE_CHOICES.map((c, i) => html`<option value=${i} ?selected=${c.join() === s.sizes.join()}>${c.join(", ")}</option>`)}
          </select>
        </label>
        ${number("Fine-tuning epochs", s.fineTuneEpochs, 1, 200, (v) => set({ fineTuneEpochs: v }), "transfer-epochs")}
        ${number("Pretraining examples", s.pretrainExamples, 100, 30000, (v) => set({ pretrainExamples: v }), "transfer-pretrain")}
        <button class=${t.running ? "" : "primary"} data-testid="transfer-start" @click=${() => (t.running ? store.transfer.stop() : store.transfer.start())}>
          ${t.running ? "Stop" : t.results.length ? "Run again" : "Run the study"}
        </button>
      </div>
      <div class="status" aria-live="polite">${this.status(t).map((part, i) => html`${i ? " · " : ""}${part}`)}</div>
      ${t.error ? html`<p class="error" role="alert" data-testid="transfer-error">${t.error}</p>` : nothing}
      ${t.results.length ? html`<div class="columns">${this.chart(t.results, sizes)}${this.table(t.results, sizes)}</div>` : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-transfer-study": TransferStudyCard;
  }
}
