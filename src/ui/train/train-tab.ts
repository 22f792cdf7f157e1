/**
 * <dl-train-tab>: the Train tab. It draws the Train session of the store (data, training settings
 * and controls, the model builder, the results) and turns what its elements report into the store's
 * intents. On a phone the controls also sit in a bar fixed to the bottom of the screen, so that Train
 * and the latest numbers stay in reach while the page scrolls through the results.
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement } from "lit/decorators.js";
import { optimizerStateValues } from "../../nn/resources";
import { StoreController } from "../state/store-controller";
import type { TrainState } from "../state/train-slice";
import { alertStyles, theme } from "../theme";
import { sentence } from "../words";
import "./data-panel";
import "./init-weights";
import "../builder/model-builder";
import "../results/results-view";
import { formatMetric } from "../results/ticks";
import "./run-controls";
import "./training-panel";

@customElement("dl-train-tab")
export class TrainTab extends LitElement {
  static override styles = [
    theme,
    alertStyles,
    css`
      main {
        display: grid;
        grid-template-columns: 290px 400px minmax(0, 1fr);
        gap: 16px;
        padding: 16px 24px 28px;
        align-items: start;
      }
      .side {
        display: grid;
        gap: 16px;
      }
      .results {
        display: grid;
        gap: 12px;
        min-width: 0;
      }
      .mobile-bar {
        display: none;
      }
      .lost {
        display: grid;
        gap: 10px;
        padding: 14px 16px;
        border-radius: 12px;
        border: 1px solid #92400e;
        background: #241a0b;
        color: #fde68a;
        font-size: 13.5px;
        line-height: 1.5;
      }
      .lost h3 {
        margin: 0;
        font-size: 15px;
        color: #fef3c7;
      }
      .lost p {
        margin: 0;
      }
      .lost .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
      }
      @media (max-width: 1360px) {
        main {
          grid-template-columns: 300px minmax(0, 1fr);
        }
        .results {
          grid-column: 1 / -1;
        }
      }
      @media (max-width: 800px) {
        main {
          grid-template-columns: minmax(0, 1fr);
          padding: 12px 12px 84px;
        }
        .mobile-bar {
          position: fixed;
          left: 0;
          right: 0;
          bottom: 0;
          z-index: 10;
          display: flex;
          align-items: center;
          gap: 10px;
          padding: 10px 14px;
          background: #0d1527;
          border-top: 1px solid var(--border);
          font-size: 13px;
          font-variant-numeric: tabular-nums;
        }
        .mobile-bar span {
          flex: 1;
          color: var(--muted);
        }
        .mobile-bar b {
          color: var(--text);
        }
      }
    `,
  ];

  private readonly store = new StoreController(this);

  /** The lost-device notice: what happened, what is kept, and one click to go on. */
  private renderLost(lost: NonNullable<TrainState["deviceLost"]>) {
    const store = this.store.store;
    const from =
      lost.savedStep !== null
        ? html`Training goes on from step <b>${lost.savedStep.toLocaleString("en-US")}</b>, the last point the page saved (weights, optimizer state and curves).`
        : html`No weights had been saved yet, so training starts again from step 0.`;
    return html`<section class="lost" role="alert" data-testid="device-lost">
      <h3>The GPU stopped responding</h3>
      <p>The browser lost the GPU device (${lost.reason.replace(/\.$/, "")}). Your data, model, settings and curves are kept. ${from}</p>
      <div class="actions">
        ${lost.gpu ? html`<button class="primary" data-testid="continue-gpu" @click=${() => store?.continueAfterLoss("webgpu")}>Continue on a new GPU device</button>` : nothing}
        <button class=${lost.gpu ? "" : "primary"} data-testid="continue-cpu" @click=${() => store?.continueAfterLoss("wasm")}>Continue on the CPU (WebAssembly)</button>
      </div>
    </section>`;
  }

  override render() {
    const store = this.store.store;
    const e = store?.experiment;
    if (!store || !e) return nothing;
    const train = store.train;
    const s = train.state;
    const c = e.config;
    const blocked = train.blockedReason;
    const accuracy = s.test?.accuracy ?? s.valAccuracy;
    return html`
      <main>
        <aside class="side">
          <section class="card run" aria-label="Run"><h2>Run</h2>
            <dl-run-controls .session=${s} .epochs=${c.training.epochs} .pending=${train.pending} .blocked=${blocked}
              @control=${(ev: HTMLElementEventMap["control"]) => train.control(ev.detail.action)}></dl-run-controls>
          </section>
          <section class="card"><h2>Data</h2>
            <dl-data-panel .config=${c.data} .augment=${c.training.augment} .preview=${s.preview ?? undefined} .augmented=${s.augmented ?? undefined}
              ?augment-busy=${s.augmentBusy} .csvProblem=${s.csvProblem} ?disabled=${s.status === "running"}
              @data-change=${(ev: HTMLElementEventMap["data-change"]) => train.setData(ev.detail.data)}
              @csv-change=${(ev: HTMLElementEventMap["csv-change"]) => (ev.detail.data ? train.setData(ev.detail.data) : train.setCsvProblem(ev.detail.problem))}
              @augment-change=${(ev: HTMLElementEventMap["augment-change"]) => train.setAugment(ev.detail.augment)}
              @augment-preview=${(ev: HTMLElementEventMap["augment-preview"]) => train.previewAugment(ev.detail.count)}></dl-data-panel>
          </section>
          <section class="card"><h2>Training</h2>
            <dl-training-panel .config=${c} .session=${s} .classes=${train.classCount}
              @config-change=${(ev: HTMLElementEventMap["config-change"]) => train.updateConfig(ev.detail.update)}></dl-training-panel>
          </section>
        </aside>
        <section class="card builder" aria-label="Model"><h2>Model · ${s.layers.length ? `${s.layers.length} layers` : "the model"}</h2>
          <dl-model-builder data-testid="train-builder" .spec=${c.model} .inputShape=${train.inputShape} .outputSize=${train.outputSize} .task=${train.task} .sequence=${train.sequenceData} ?disabled=${s.status === "running"}
            .training=${{ batchSize: c.training.batchSize, stateValues: optimizerStateValues(c.optimizer), budget: train.memoryBudget }}
            @spec-change=${(ev: HTMLElementEventMap["spec-change"]) => train.setModel(ev.detail.spec)}></dl-model-builder>
          <dl-init-weights .status=${s.initWeights} ?disabled=${s.status === "running"}
            @weights-file=${(ev: HTMLElementEventMap["weights-file"]) => train.startFromWeights(ev.detail.name, ev.detail.bytes)}
            @weights-forget=${() => train.forgetWeights()}></dl-init-weights>
        </section>
        <div class="results">
          ${s.deviceLost ? this.renderLost(s.deviceLost) : nothing}
          ${s.error ? html`<div class="error" role="alert" data-testid="error">${sentence(s.error)}</div>` : nothing}
          <dl-results .session=${s} .curves=${train.curves} .previous=${train.previous} ?regression=${train.task === "regression"}
            @inspect=${(ev: HTMLElementEventMap["inspect"]) => train.inspect(ev.detail.index)}
            @examples-request=${(ev: HTMLElementEventMap["examples-request"]) => train.requestExamples(ev.detail.indices)}
            @sample-request=${(ev: HTMLElementEventMap["sample-request"]) => train.requestSamples(ev.detail.temperature, ev.detail.count)}
            @sequence-example=${(ev: HTMLElementEventMap["sequence-example"]) => train.inspectSequence(ev.detail.index)}></dl-results>
        </div>
      </main>
      <div class="mobile-bar" aria-label="Training controls">
        <button class="primary" ?disabled=${s.status === "done" || (!!blocked && s.status !== "running")} title=${blocked ?? ""}
          @click=${() => train.control("toggle")}>${s.status === "running" ? "Pause" : s.step ? "Resume" : "Train"}</button>
        <span>step <b>${s.step.toLocaleString("en-US")}</b> · loss <b>${formatMetric(s.loss)}</b>${train.task === "classification" && Number.isFinite(accuracy) ? html` · test <b>${(100 * accuracy).toFixed(1)}%</b>` : nothing}</span>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-train-tab": TrainTab;
  }
}
