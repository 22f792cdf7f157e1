/**
 * <dl-race-tab>: races on networks. The user lists up to six entries, each an optimizer (with its
 * learning rate and momentum) and a model: the Train tab's, or one of the builder's presets for the
 * data (an architecture race: RNN vs LSTM vs GRU vs transformer on a sequence task, MLPs of
 * different shapes, CNNs). The worker trains every entry on the Train tab's data in the same batch
 * order, in lock-step; entries of the same model start from the same weights. Overlaid loss and
 * accuracy curves and a final table show who wins. Below it, <dl-surface-race> runs the optimizers
 * on classic 2-D surfaces. It draws the store's race session and calls its intents. Loaded on the
 * tab's first visit.
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement } from "lit/decorators.js";
import type { ModelSpec } from "../../nn/spec";
import { OPTIMIZERS, type OptimizerConfig } from "../../train/config";
import { defaultOptimizer, OPTIMIZER_LABELS, type OptimizerName } from "../../train/settings";
import type { RaceEntry } from "../../worker/protocol";
import { matchPreset, presetSpec, presetsFor } from "../builder/model-presets";
import "../results/index";
import { SERIES_COLORS } from "../results/colors";
import { defaultRace, MAX_RACE_ENTRIES } from "../state/experiment";
import { StoreController } from "../state/store-controller";
import { architectureEntries, raceEntry } from "./race-entries";
import "./surface-race";
import { alertStyles, theme } from "../theme";

const hasMomentum = (name: OptimizerName) => name === "sgd" || name === "rmsprop";

@customElement("dl-race-tab")
export class RaceTab extends LitElement {
  static override styles = [
    theme,
    alertStyles,
    css`
      :host {
        display: grid;
        grid-template-columns: 360px minmax(0, 1fr);
        gap: 18px;
        padding: 20px 24px;
        align-items: start;
      }
      .side {
        display: grid;
        gap: 14px;
      }
      .entry {
        display: grid;
        grid-template-columns: 10px 1fr auto;
        gap: 8px 10px;
        align-items: center;
        padding: 10px 0;
        border-top: 1px solid var(--border);
      }
      .entry:first-of-type {
        border-top: none;
      }
      .swatch {
        width: 10px;
        height: 10px;
        border-radius: 50%;
      }
      .fields {
        display: grid;
        grid-template-columns: 1.4fr 1fr 1fr;
        gap: 8px;
        grid-column: 2 / 4;
      }
      .fields .model {
        grid-column: 1 / -1;
      }
      .fields label {
        gap: 4px;
        font-size: 12px;
      }
      .fields select,
      .fields input {
        width: 100%;
        box-sizing: border-box;
        min-width: 0;
      }
      .name {
        font-size: 13.5px;
        font-weight: 600;
      }
      button.icon {
        padding: 4px 9px;
        font-size: 13px;
      }
      .buttons {
        display: flex;
        gap: 8px;
      }
      .buttons button {
        flex: 1;
      }
      .note {
        font-size: 12.5px;
        color: var(--muted);
        line-height: 1.5;
        margin: 0;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 1fr));
        gap: 16px;
        min-width: 0;
      }
      .wide {
        grid-column: 1 / -1;
      }
      @media (max-width: 1100px) {
        :host,
        .charts {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      @media (max-width: 600px) {
        :host {
          padding: 12px;
        }
        .fields {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        }
      }
    `,
  ];

  private readonly store = new StoreController(this);

  private get entries(): RaceEntry[] {
    return this.store.store?.experiment?.race ?? [];
  }

  private get running(): boolean {
    return this.store.store?.race.state.running ?? false;
  }

  private change(entries: RaceEntry[]): void {
    this.store.store?.race.setEntries(entries);
  }

  private control(action: "start" | "play" | "pause"): void {
    this.store.store?.race.control(action);
  }

  /** The Train tab's data as the builder sees it: the presets that fit, and the output size. */
  private get data() {
    const train = this.store.store?.train;
    const inputShape = train?.inputShape ?? [2];
    const sequence = train?.sequenceData ?? null;
    const outputSize = train?.outputSize ?? 1;
    return { presets: presetsFor(inputShape, sequence), outputSize, preset: (model: ModelSpec) => matchPreset(model, inputShape, outputSize, sequence) };
  }

  /** Entry `index` with a new optimizer or model (undefined model: the Train tab's). */
  private edit(index: number, optimizer: OptimizerConfig, model = this.entries[index].model): void {
    const preset = model && this.data.preset(model);
    this.change(this.entries.map((e, i) => (i === index ? raceEntry(optimizer, model, preset) : e)));
  }

  private setModel(index: number, presetId: string): void {
    const { presets, outputSize } = this.data;
    const preset = presets.find((p) => p.id === presetId);
    this.edit(index, this.entries[index].optimizer, preset ? presetSpec(preset, outputSize) : undefined);
  }

  private setName(index: number, name: OptimizerName): void {
    const old = this.entries[index].optimizer;
    const fresh = defaultOptimizer(name);
    const next: OptimizerConfig = { ...fresh, lr: old.lr };
    if (hasMomentum(name) && typeof old.momentum === "number") next.momentum = old.momentum;
    this.edit(index, next);
  }

  private setNumber(index: number, key: "lr" | "momentum", text: string): void {
    const value = Number(text);
    const ok = key === "lr" ? value > 0 && value <= 10 : value >= 0 && value < 1;
    if (!Number.isFinite(value) || !ok) {
      this.requestUpdate(); // puts the last good value back in the box
      return;
    }
    this.edit(index, { ...this.entries[index].optimizer, [key]: value });
  }

  private add(): void {
    this.change([...this.entries, raceEntry({ name: "rmsprop", lr: 0.01 })]);
  }

  /** Every preset that fits the data, each with the Train tab's optimizer. */
  private raceArchitectures(): void {
    const optimizer = this.store.store?.experiment?.config.optimizer;
    const { presets, outputSize } = this.data;
    if (optimizer) this.change(architectureEntries(presets, outputSize, optimizer, MAX_RACE_ENTRIES));
  }

  /** Back to racing optimizers: the default entries on the Train tab's model. */
  private raceOptimizers(): void {
    this.change(defaultRace());
  }

  private renderEntry(entry: RaceEntry, index: number) {
    const o = entry.optimizer;
    const { presets, preset } = this.data;
    const chosen = entry.model ? (preset(entry.model)?.id ?? "custom") : "";
    return html`
      <div class="entry" data-testid="race-entry-${index}">
        <span class="swatch" style="background:${SERIES_COLORS[index % SERIES_COLORS.length]}"></span>
        <span class="name">${entry.label}</span>
        <button class="icon" aria-label="Remove ${entry.label} from the race" ?disabled=${this.running || this.entries.length <= 1} @click=${() => this.change(this.entries.filter((_, i) => i !== index))}>✕</button>
        <div class="fields">
          <label class="model">Model
            <select data-testid="race-model-${index}" ?disabled=${this.running} @change=${(e: Event) => this.setModel(index, (e.target as HTMLSelectElement).value)}>
              <option value="" ?selected=${chosen === ""}>The Train tab's model</option>
              ${presets.map((p) => html`<option value=${p.id} ?selected=${p.id === chosen}>${p.label}</option>`)}
              ${chosen === "custom" ? html`<option value="custom" selected disabled>A custom model</option>` : nothing}
            </select>
          </label>
          <label>Optimizer
            <select ?disabled=${this.running} @change=${(e: Event) => this.setName(index, (e.target as HTMLSelectElement).value as OptimizerName)}>
              ${OPTIMIZERS.map((name) => html`<option value=${name} ?selected=${name === o.name}>${OPTIMIZER_LABELS[name]}</option>`)}
            </select>
          </label>
          <label>Learning rate
            <input type="number" min="0" step="any" .value=${String(o.lr)} ?disabled=${this.running} @change=${(e: Event) => this.setNumber(index, "lr", (e.target as HTMLInputElement).value)} />
          </label>
          ${
            hasMomentum(o.name)
              ? html`<label>Momentum
                  <input type="number" min="0" max="0.999" step="0.05" .value=${String(o.momentum ?? 0)} ?disabled=${this.running} @change=${(e: Event) => this.setNumber(index, "momentum", (e.target as HTMLInputElement).value)} />
                </label>`
              : html`<span></span>`
          }
        </div>
      </div>
    `;
  }

  override render() {
    const store = this.store.store;
    const e = store?.experiment;
    if (!store || !e) return nothing;
    const r = store.race.state;
    const started = r.started;
    const architectures = this.entries.some((entry) => entry.model);
    const regression = store.train.task === "regression";
    return html`
      <div class="side">
        <section class="card" aria-label="Entries in the race">
          <h2>${architectures ? "Architectures" : "Optimizers"} in the race</h2>
          ${this.entries.map((entry, i) => this.renderEntry(entry, i))}
          <div class="buttons">
            ${this.entries.length < MAX_RACE_ENTRIES ? html`<button ?disabled=${this.running} @click=${this.add} data-testid="race-add">+ Add an entry</button>` : nothing}
            ${
              architectures
                ? html`<button ?disabled=${this.running} @click=${this.raceOptimizers} data-testid="race-optimizers">Race optimizers</button>`
                : html`<button ?disabled=${this.running} @click=${this.raceArchitectures} data-testid="race-architectures"
                    title="One entry per model preset for ${e.config.data.name}, all with the Train tab's optimizer">Race architectures</button>`
            }
          </div>
        </section>
        <section class="card">
          <div class="buttons">
            <button class="primary" data-testid="race-start" ?disabled=${!!store.train.blockedReason && !r.running} title=${store.train.blockedReason ?? ""}
              @click=${() => this.control(r.running ? "pause" : started && !r.finished ? "play" : "start")}>
              ${r.running ? "Pause" : started && !r.finished ? "Resume" : "Start race"}
            </button>
            ${started ? html`<button @click=${() => this.control("start")} ?disabled=${r.running}>Restart</button>` : nothing}
          </div>
          <p class="note" style="margin-top:12px">
            ${
              architectures
                ? html`Each entry trains its model on ${e.config.data.name}, on the same batches in the same order, one step each in
                    turn, so the curves differ only by the architecture and the optimizer. Entries of the same model start from the
                    same initial weights.`
                : html`Each optimizer trains the Train tab's model on ${e.config.data.name} from the same initial weights, on the
                    same batches in the same order, one step each in turn, so the curves differ only by the optimizer.`
            }
          </p>
          ${store.train.blockedReason ? html`<p class="stale">The race trains the Train tab's model: ${store.train.blockedReason}</p>` : nothing}
          ${r.pausedBecause ? html`<p class="stale" data-testid="race-paused-because">${r.pausedBecause}</p>` : nothing}
          ${r.error ? html`<p class="error" role="alert" data-testid="race-error">${r.error}</p>` : nothing}
        </section>
      </div>
      <div class="charts">
        <section class="card ${regression ? "wide" : ""}"><h2>Race: loss</h2><dl-metric-chart mode="loss" .feed=${store.race.curves}></dl-metric-chart></section>
        ${regression ? nothing : html`<section class="card"><h2>Race: accuracy</h2><dl-metric-chart mode="accuracy" .feed=${store.race.curves}></dl-metric-chart></section>`}
        <section class="card wide"><h2>Results</h2><dl-race-table .labels=${r.labels} .epochs=${r.epochs} .finished=${r.finished}></dl-race-table></section>
        <section class="card wide"><h2>Optimizers on classic surfaces</h2><dl-surface-race></dl-surface-race></section>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-race-tab": RaceTab;
  }
}
