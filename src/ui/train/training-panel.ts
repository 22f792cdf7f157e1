/**
 * <dl-training-panel>: the sidebar's training settings: the optimizer and its settings (PyTorch's
 * defaults), the learning-rate schedule, batch size, epochs, L1/L2, dropout, early stopping,
 * gradient clipping and the seed (the run's buttons are dl-run-controls). Settings marked ⚡ apply to
 * the running model at once (the store sends them); it fires `config-change` and never talks to the
 * worker itself.
 *
 * Dropout is a property of the model, not of training: the one slider here sets the rate of every
 * Dropout layer in the model spec (so the builder shows the same numbers), and with no Dropout layer
 * it says to add one in the model builder.
 */
import { css, html, LitElement, nothing, svg } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { ExperimentConfig, TrainingConfig } from "../../train/config";
import { OPTIMIZERS, SCHEDULERS } from "../../train/config";
import { CLASSIFICATION_LOSSES, isClassification, LOSS_HINTS, LOSS_LABELS, type LossName, REGRESSION_LOSSES, WEIGHTED_LOSSES } from "../../train/loss-names";
import {
  allowed,
  type BooleanField,
  defaultOptimizer,
  defaultSchedule,
  EARLY_STOPPING_DEFAULT,
  type NumberField,
  OPTIMIZER_FIELDS,
  OPTIMIZER_LABELS,
  type OptimizerName,
  type PairField,
  SCHEDULES,
  type ScheduleName,
  setOptimizerField,
} from "../../train/settings";
import { fitOutput } from "../builder/model-edit";
import { fire } from "../events";
import type { ConfigUpdate, TrainState } from "../state/train-slice";
import { alertStyles, panelControls, theme } from "../theme";
import { modelDropout, validateNumber, withDropout } from "./hyperparams";

const BATCH_SIZES = [8, 16, 32, 64, 128, 256, 512];

type Limits = Pick<NumberField, "label" | "min" | "max" | "integer">;

const EPOCHS: Limits = { label: "Epochs", min: 1, max: 10000, integer: true };
const PENALTY = (label: string): Limits => ({ label, min: 0, max: 1 });
const CLIP: Limits = { label: "Clip threshold", min: 1e-6, max: 1e6 };
const PATIENCE: Limits = { label: "Patience", min: 1, max: 1000, integer: true };
const MIN_DELTA: Limits = { label: "Min delta", min: 0, max: 10 };
const SEED: Limits = { label: "Seed", min: 0, max: 2 ** 31 - 1, integer: true };

/** Decades the learning-rate slider spans (log10). */
const LR_RANGE = [-5, 1];

const bolt = svg`<svg class="bolt" viewBox="0 0 10 14" aria-hidden="true"><path d="M6 0 0 8h4l-1 6 6-8H5z" fill="currentColor"/></svg>`;

const plain = (v: number) => String(Number(v.toPrecision(6)));

@customElement("dl-training-panel")
export class TrainingPanel extends LitElement {
  static override styles = [
    theme,
    panelControls,
    alertStyles,
    css`
      small.hint {
        color: var(--muted);
        font-size: 11.5px;
        font-weight: 400;
        line-height: 1.4;
      }
      :host {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 12px;
      }
      h3 {
        margin: 6px 0 -2px;
        font-size: 12px;
        font-weight: 600;
        letter-spacing: 0.06em;
        text-transform: uppercase;
        color: var(--muted);
        display: flex;
        justify-content: space-between;
        align-items: center;
      }
      .grid {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        gap: 10px;
      }
      .grid > .wide {
        grid-column: 1 / -1;
      }
      label {
        gap: 4px;
        font-size: 12.5px;
        min-width: 0;
      }
      label > span.name {
        display: inline-flex;
        align-items: center;
        gap: 4px;
      }
      input[type="number"],
      select {
        min-width: 0;
        width: 100%;
        box-sizing: border-box;
        padding: 6px 8px;
        font-size: 13px;
        font-variant-numeric: tabular-nums;
      }
      input[aria-invalid="true"] {
        border-color: var(--bad);
      }
      .lr {
        display: flex;
        align-items: center;
        gap: 8px;
      }
      .lr input[type="range"] {
        flex: 1;
        min-width: 0;
      }
      .lr input[type="number"] {
        width: 92px;
        flex: none;
      }
      label.check {
        display: flex;
        align-items: center;
        gap: 7px;
        color: var(--text);
        font-size: 13px;
      }
      label.check input {
        accent-color: var(--accent);
        margin: 0;
      }
      label.check.disabled {
        opacity: 0.5;
      }
      .bolt {
        width: 8px;
        height: 11px;
        color: var(--accent);
        flex: none;
      }
      .note {
        font-size: 12px;
        color: var(--muted);
        margin: 0;
        line-height: 1.45;
      }
      .error {
        font-size: 11.5px;
        color: var(--bad);
        line-height: 1.35;
      }
      .seed-field {
        display: grid;
        gap: 4px;
      }
      .legend {
        display: flex;
        align-items: center;
        gap: 6px;
        font-size: 11.5px;
        color: var(--muted);
        border-top: 1px solid var(--border);
        padding-top: 10px;
      }
    `,
  ];

  /** The experiment being edited. */
  @property({ attribute: false }) config!: ExperimentConfig;
  /** The Train session (whether the optimizer on screen is the one training decides the ⚡ marks). */
  @property({ attribute: false }) session!: TrainState;
  /** The data's classes (null for regression): which losses fit, and the output size a loss change needs. */
  @property({ attribute: false }) classes: number | null = null;

  /** Messages of fields holding a value that was not applied, by field id. */
  @state() private _errors: Record<string, string> = {};
  /** The learning rate while its slider is dragged. */
  @state() private _lrDraft: number | null = null;
  @state() private _dropoutDraft: number | null = null;

  /**
   * The losses that fit the task, each with what it does: cross-entropy, multi-margin (hinge) and,
   * for two classes, binary cross-entropy on one logit (the output layer becomes one unit); MSE, L1
   * and Huber for regression. A change reloads the run (the loss is not a live setting). Losses that
   * take class weights get a second picker: none, or "balanced" for imbalanced data.
   */
  private renderLoss(c: ExperimentConfig) {
    const classes = this.classes ?? 0;
    const options = (isClassification(c.loss) ? CLASSIFICATION_LOSSES : REGRESSION_LOSSES).filter((l) => l !== "bceWithLogits" || classes === 2);
    return html`<label class="wide">
      Loss
      <select data-testid="loss-picker" @change=${(e: Event) => {
        const loss = (e.target as HTMLSelectElement).value as LossName;
        this.changeConfig((now) => {
          const { classWeights, ...training } = now.training;
          return {
            ...now,
            loss,
            training: WEIGHTED_LOSSES.includes(loss) && classWeights ? { ...training, classWeights } : training,
            ...(loss === "bceWithLogits" || now.loss === "bceWithLogits" ? { model: fitOutput(now.model, loss === "bceWithLogits" ? 1 : classes) } : {}),
          };
        });
      }}>
        ${options.map((l) => html`<option value=${l} ?selected=${c.loss === l} title=${LOSS_HINTS[l]}>${LOSS_LABELS[l]}</option>`)}
      </select>
      <small class="hint">${LOSS_HINTS[c.loss]}</small>
    </label>
    ${WEIGHTED_LOSSES.includes(c.loss) ? this.renderClassWeights(c) : nothing}`;
  }

  /** None, "balanced" (each class's weight n / (C n_c) from the training split), or the list a loaded config brought. */
  private renderClassWeights(c: ExperimentConfig) {
    const weights = c.training.classWeights;
    return html`<label class="wide">
      Class weights
      <select data-testid="class-weights" @change=${(e: Event) => {
        const value = (e.target as HTMLSelectElement).value;
        if (value !== "custom") this.setTraining({ classWeights: value === "balanced" ? "balanced" : undefined });
      }}>
        <option value="none" ?selected=${!weights}>None: every example counts the same</option>
        <option value="balanced" ?selected=${weights === "balanced"}>Balanced: rare classes weigh more</option>
        ${Array.isArray(weights) ? html`<option value="custom" selected>${weights.map((w) => +w.toFixed(3)).join(", ")} (from the config)</option>` : nothing}
      </select>
      <small class="hint">
        Balanced weighs class c by n / (classes × n<sub>c</sub>) from the training split, so each class counts as much in the loss however rare it is: recall on
        rare classes goes up, usually at some cost in precision.
      </small>
    </label>`;
  }

  /**
   * Asks for a change of the experiment. The change is a function of the config as the store holds
   * it when the change lands, not of the copy this panel drew: two quick edits (before the panel is
   * drawn again) must both count.
   */
  private changeConfig(change: ConfigUpdate): void {
    fire(this, "config-change", { update: change });
  }

  /** Whether the optimizer fields act on the running session now (not after a pending switch of optimizer). */
  private get optimizerLive(): boolean {
    const loaded = this.session.loaded;
    return !loaded || this.session.step === 0 || loaded.optimizer.name === this.config.optimizer.name;
  }

  private setTraining(patch: Partial<TrainingConfig>): void {
    this.changeConfig((c) => {
      const training = { ...c.training, ...patch };
      for (const key of Object.keys(patch) as (keyof TrainingConfig)[]) if (patch[key] === undefined) delete training[key];
      return { ...c, training };
    });
  }

  /** Validates a typed number; applies it, or keeps it and shows why not. */
  private commit(id: string, limits: Limits, text: string, apply: (v: number) => void): void {
    const v = validateNumber(limits, text);
    const { [id]: _, ...rest } = this._errors;
    if (typeof v === "string") {
      this._errors = { ...rest, [id]: v };
      return;
    }
    this._errors = rest;
    apply(v);
  }

  private number(
    id: string,
    limits: Limits,
    value: number | undefined,
    apply: (v: number) => void,
    options: { hint?: string; live?: boolean; testid?: string; placeholder?: string } = {},
  ) {
    return html`<label title=${options.hint ?? ""}>
      <span class="name">${limits.label}${options.live ? bolt : nothing}</span>
      <input
        type="number"
        step=${limits.integer ? 1 : "any"}
        min=${limits.min}
        max=${limits.max}
        placeholder=${options.placeholder ?? ""}
        data-testid=${options.testid ?? nothing}
        aria-invalid=${id in this._errors ? "true" : "false"}
        aria-describedby=${id in this._errors ? `error-${id}` : nothing}
        .value=${value === undefined ? "" : plain(value)}
        @change=${(e: Event) => this.commit(id, limits, (e.target as HTMLInputElement).value, apply)}
      />
      ${this.error(id)}
    </label>`;
  }

  /** The message of a field holding a value that was not applied. */
  private error(id: string) {
    return id in this._errors ? html`<span class="error" id=${`error-${id}`} role="alert">${this._errors[id]}</span>` : nothing;
  }

  private renderLr(field: NumberField) {
    const lr = this._lrDraft ?? this.config.optimizer.lr;
    const setLr = (v: number) => this.changeConfig((c) => ({ ...c, optimizer: { ...c.optimizer, lr: v } }));
    return html`<label class="wide" title=${field.hint}>
      <span class="name">${field.label}${this.optimizerLive ? bolt : nothing}</span>
      <span class="lr">
        <input
          type="range"
          aria-label="Learning rate (log scale)"
          aria-valuetext=${plain(lr)}
          min=${LR_RANGE[0]}
          max=${LR_RANGE[1]}
          step="0.1"
          .value=${String(Math.log10(lr))}
          @input=${(e: Event) => {
            this._lrDraft = Number((10 ** Number((e.target as HTMLInputElement).value)).toPrecision(2));
          }}
          @change=${() => {
            const v = this._lrDraft;
            this._lrDraft = null;
            if (v !== null) setLr(v);
          }}
        />
        <input
          type="number"
          step="any"
          min=${field.min}
          max=${field.max}
          data-testid="lr"
          aria-label=${field.label}
          aria-invalid=${"opt.lr" in this._errors ? "true" : "false"}
          aria-describedby=${"opt.lr" in this._errors ? "error-opt.lr" : nothing}
          .value=${plain(lr)}
          @change=${(e: Event) => this.commit("opt.lr", field, (e.target as HTMLInputElement).value, setLr)}
        />
      </span>
      ${this.error("opt.lr")}
    </label>`;
  }

  private renderOptimizerField(field: NumberField | BooleanField | PairField) {
    const o = this.config.optimizer;
    const set = (v: number | boolean | number[]) => this.changeConfig((c) => ({ ...c, optimizer: setOptimizerField(c.optimizer, field.key, v) }));
    if (field.kind === "number") {
      if (field.key === "lr") return this.renderLr(field);
      return this.number(`opt.${field.key}`, field, (o[field.key] as number | undefined) ?? field.default, set, {
        hint: field.hint,
        live: field.live && this.optimizerLive,
      });
    }
    if (field.kind === "pair") {
      const pairOf = (opt: typeof o) => (Array.isArray(opt[field.key]) ? opt[field.key] : field.default) as number[];
      const pair = pairOf(o);
      const setPairEntry = (i: number, v: number) =>
        this.changeConfig((c) => ({
          ...c,
          optimizer: setOptimizerField(
            c.optimizer,
            field.key,
            pairOf(c.optimizer).map((p, j) => (j === i ? v : p)),
          ),
        }));
      return field.labels.map((label, i) =>
        this.number(`opt.${field.key}.${i}`, { ...field, label }, pair[i], (v) => setPairEntry(i, v), {
          hint: field.hint,
          live: this.optimizerLive,
        }),
      );
    }
    const ok = allowed(field, o);
    return html`<label class="check wide ${ok ? "" : "disabled"}" title=${ok ? field.hint : (field.requires?.why ?? "")}>
      <input type="checkbox" .checked=${o[field.key] === true} ?disabled=${!ok} @change=${(e: Event) => set((e.target as HTMLInputElement).checked)} />
      ${field.label}
    </label>`;
  }

  private renderSchedule() {
    const s = this.config.scheduler;
    const info = s ? SCHEDULES[s.name] : undefined;
    return html`
      <label class="wide">
        Schedule
        <select
          aria-describedby="schedule-description"
          @change=${(e: Event) => {
            const name = (e.target as HTMLSelectElement).value;
            this.changeConfig((c) => ({ ...c, scheduler: name ? defaultSchedule(name as ScheduleName) : undefined }));
          }}
        >
          <option value="" ?selected=${!s}>Constant</option>
          ${SCHEDULERS.map((n) => html`<option value=${n} ?selected=${s?.name === n}>${SCHEDULES[n].label}</option>`)}
        </select>
      </label>
      ${info ? html`<p class="note wide" id="schedule-description">${info.description}</p>` : nothing}
      ${
        s && info
          ? info.fields.map((f) =>
              this.number(
                `sched.${f.key}`,
                f,
                (s[f.key] as number | undefined) ?? f.default,
                (v) => this.changeConfig((c) => (c.scheduler ? { ...c, scheduler: { ...c.scheduler, [f.key]: v } } : c)),
                { hint: f.hint, placeholder: f.blank },
              ),
            )
          : nothing
      }
    `;
  }

  private renderDropout() {
    const rates = modelDropout(this.config.model);
    if (!rates.length) return html`<p class="note wide">No Dropout layer in the model: add one in the model builder to use dropout.</p>`;
    const p = this._dropoutDraft ?? rates[0];
    const mixed = this._dropoutDraft === null && rates.some((r) => r !== rates[0]);
    return html`<label class="wide" title="Sets the rate of every Dropout layer in the model; applies on reset">
      <span class="row"><span>Dropout · ${rates.length} layer${rates.length > 1 ? "s" : ""}</span><output>${mixed ? "mixed" : p.toFixed(2)}</output></span>
      <input
        type="range"
        min="0"
        max="0.9"
        step="0.05"
        .value=${String(p)}
        @input=${(e: Event) => {
          this._dropoutDraft = Number((e.target as HTMLInputElement).value);
        }}
        @change=${(e: Event) => {
          this._dropoutDraft = null;
          const rate = Number((e.target as HTMLInputElement).value);
          this.changeConfig((c) => ({ ...c, model: withDropout(c.model, rate) }));
        }}
      />
    </label>`;
  }

  private renderEarlyStopping() {
    const es = this.config.training.earlyStopping;
    const set = (patch: object) =>
      this.changeConfig((c) => ({ ...c, training: { ...c.training, earlyStopping: { ...EARLY_STOPPING_DEFAULT, ...c.training.earlyStopping, ...patch } } }));
    return html`
      <label class="check wide" title="Stop when the validation score stops improving">
        <input type="checkbox" .checked=${!!es} @change=${(e: Event) => this.setTraining({ earlyStopping: (e.target as HTMLInputElement).checked ? { ...EARLY_STOPPING_DEFAULT } : undefined })} />
        Early stopping
      </label>
      ${
        es
          ? html`
            ${this.number("es.patience", PATIENCE, es.patience, (v) => set({ patience: v }), { hint: "Epochs without improvement before stopping" })}
            ${this.number("es.minDelta", MIN_DELTA, es.minDelta ?? 0, (v) => set({ minDelta: v }), { hint: "Smallest change that counts as an improvement" })}
            <label>
              Watch
              <select @change=${(e: Event) => set({ monitor: (e.target as HTMLSelectElement).value })}>
                <option value="valLoss" ?selected=${(es.monitor ?? "valLoss") === "valLoss"}>val loss</option>
                <option value="valAccuracy" ?selected=${es.monitor === "valAccuracy"}>val accuracy</option>
              </select>
            </label>
            <label class="check" title="Put back the weights of the best epoch when stopping">
              <input type="checkbox" .checked=${es.restoreBest ?? true} @change=${(e: Event) => set({ restoreBest: (e.target as HTMLInputElement).checked })} />
              Restore best
            </label>
          `
          : nothing
      }
    `;
  }

  private renderClipping() {
    const t = this.config.training;
    const mode = t.clipGradNorm !== undefined ? "norm" : t.clipGradValue !== undefined ? "value" : "";
    const amount = t.clipGradNorm ?? t.clipGradValue ?? 1;
    const apply = (m: string, v: number) => this.setTraining({ clipGradNorm: m === "norm" ? v : undefined, clipGradValue: m === "value" ? v : undefined });
    return html`
      <label title="Limit the gradient before each update">
        Clip gradients
        <select @change=${(e: Event) => apply((e.target as HTMLSelectElement).value, amount)}>
          <option value="" ?selected=${mode === ""}>off</option>
          <option value="norm" ?selected=${mode === "norm"}>by norm</option>
          <option value="value" ?selected=${mode === "value"}>by value</option>
        </select>
      </label>
      ${mode ? this.number("clip", CLIP, amount, (v) => apply(mode, v), { hint: mode === "norm" ? "Largest global gradient norm" : "Largest absolute gradient entry" }) : nothing}
    `;
  }

  override render() {
    const c = this.config;
    const t = c.training;
    const reg = c.regularization ?? {};
    const setReg = (key: "l1" | "l2", v: number) => this.changeConfig((now) => ({ ...now, regularization: { ...now.regularization, [key]: v } }));
    const sizes = BATCH_SIZES.includes(t.batchSize) ? BATCH_SIZES : [...BATCH_SIZES, t.batchSize].sort((a, b) => a - b);
    return html`
      <div class="grid">
        <h3 class="wide">Loss</h3>
        ${this.renderLoss(c)}
        <h3 class="wide">Optimizer</h3>
        <label class="wide">
          Algorithm
          <select data-testid="optimizer" @change=${(e: Event) => {
            const name = (e.target as HTMLSelectElement).value as OptimizerName;
            this.changeConfig((now) => ({ ...now, optimizer: defaultOptimizer(name) }));
          }}>
            ${OPTIMIZERS.map((n) => html`<option value=${n} ?selected=${c.optimizer.name === n}>${OPTIMIZER_LABELS[n]}</option>`)}
          </select>
        </label>
        ${OPTIMIZER_FIELDS[c.optimizer.name].map((f) => this.renderOptimizerField(f))}

        <h3 class="wide">Learning-rate schedule</h3>
        ${this.renderSchedule()}

        <h3 class="wide">Batches</h3>
        <label>
          Batch size
          <select data-testid="batch-size" @change=${(e: Event) => this.setTraining({ batchSize: Number((e.target as HTMLSelectElement).value) })}>
            ${sizes.map((n) => html`<option value=${n} ?selected=${n === t.batchSize}>${n}</option>`)}
          </select>
        </label>
        ${this.number("epochs", EPOCHS, t.epochs, (v) => this.setTraining({ epochs: v }), { testid: "epochs", hint: "Passes over the training set" })}

        <h3 class="wide">Regularization</h3>
        ${this.number("l1", PENALTY("L1"), reg.l1 ?? 0, (v) => setReg("l1", v), { live: true, hint: "Adds l1 · sign(w) to each gradient (lasso)" })}
        ${this.number("l2", PENALTY("L2"), reg.l2 ?? 0, (v) => setReg("l2", v), { live: true, hint: "Adds l2 · w to each gradient (ridge)" })}
        ${this.renderDropout()}
        ${this.renderEarlyStopping()}
        ${this.renderClipping()}

        <div class="wide seed-field">
          <label for="seed">Seed</label>
          <span class="seed">
            <input
              id="seed"
              type="number"
              min="0"
              step="1"
              title="Seeds the initial weights, dropout and batch order"
              aria-invalid=${"seed" in this._errors ? "true" : "false"}
              aria-describedby=${"seed" in this._errors ? "error-seed" : nothing}
              .value=${String(t.seed ?? 1)}
              @change=${(e: Event) => this.commit("seed", SEED, (e.target as HTMLInputElement).value, (v) => this.setTraining({ seed: v }))}
            />
            <button class="icon" title="A new random seed" aria-label="New random seed" @click=${() => this.setTraining({ seed: Math.floor(Math.random() * 100000) })}>⟳</button>
          </span>
          ${this.error("seed")}
        </div>
      </div>
      <div class="legend">${bolt} applies while training; the rest on reset</div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-training-panel": TrainingPanel;
  }
  interface HTMLElementEventMap {
    /** An edited setting (the whole config with it). */
    "config-change": CustomEvent<{ update: ConfigUpdate }>;
  }
}
