/**
 * <dl-race-tab>: races on networks. The user lists up to twelve entries, each an optimizer (with
 * its learning rate and momentum) and a model: the Train tab's, or one of the builder's presets for
 * the data (an architecture race: RNN vs LSTM vs GRU vs transformer on a sequence task, MLPs of
 * different shapes, CNNs); or generates them: the folds of a 5-fold cross-validation, the members of
 * an ensemble (with bagging), or the trials of a hyper-parameter search. The worker trains every
 * entry in lock-step; entries of the same model start from the same weights. Overlaid loss and
 * accuracy curves and a final table show who wins, with each mode's summary: the folds' mean ± std,
 * the ensemble against its mean member (and every member's boundary beside the ensemble's on 2-D
 * data), the best trial with a button that applies it. Below it, <dl-surface-race> runs the
 * optimizers on classic 2-D surfaces. It draws the store's race session and calls its intents.
 * Loaded on the tab's first visit.
 */
import { css, html, LitElement, nothing, svg } from "lit";
import { customElement } from "lit/decorators.js";
import type { ModelSpec } from "../../nn/spec";
import { OPTIMIZERS, type OptimizerConfig } from "../../train/config";
import { defaultOptimizer, OPTIMIZER_LABELS, type OptimizerName } from "../../train/settings";
import type { RaceBoundaries, RaceEnsemble, RaceEntry, RaceEpoch } from "../../worker/protocol";
import { matchPreset, presetSpec, presetsFor } from "../builder/model-presets";
import "../results/index";
import { applyTrial, SEARCHABLE, type Searchable } from "../../train/search";
import { SERIES_COLORS } from "../results/colors";
import { chwToRgba } from "../results/pixels";
import { defaultRace, MAX_RACE_ENTRIES } from "../state/experiment";
import { StoreController } from "../state/store-controller";
import {
  architectureEntries,
  bestTrial,
  crossValidationSummary,
  describeEntry,
  foldEntries,
  isCrossValidation,
  isEnsemble,
  isLossRace,
  isSearch,
  lossEntries,
  memberEntries,
  raceEntry,
  searchEntries,
  trialScores,
} from "./race-entries";
import "./surface-race";
import "./boosting";
import "./transfer-study";
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
      .cv {
        margin-top: 8px;
      }
      .folds {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 14px;
      }
      .fold {
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      .cv-summary {
        margin: 12px 0 0;
        font-size: 14px;
      }
      .split-votes h3 {
        margin: 14px 0 8px;
        font-size: 13px;
      }
      .split-votes h3 small {
        font-weight: 400;
        color: var(--muted);
      }
      .split-grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(96px, 1fr));
        gap: 10px;
      }
      .split-grid figure {
        margin: 0;
        display: grid;
        justify-items: center;
        gap: 4px;
        font-size: 11px;
      }
      .split-grid figcaption {
        display: grid;
        justify-items: center;
        gap: 2px;
      }
      .split-grid .votes {
        display: flex;
        flex-wrap: wrap;
        justify-content: center;
        gap: 2px;
      }
      .split-grid .votes i {
        font-style: normal;
        padding: 0 4px;
        border-radius: 4px;
        background: rgba(148, 163, 184, 0.12);
      }
      .split-grid .right {
        color: var(--good);
      }
      .split-grid .wrong {
        color: var(--bad);
      }
      .trials {
        margin: 0 0 4px;
        padding: 0;
        list-style: none;
        display: grid;
        gap: 4px;
        font-size: 12.5px;
      }
      .trials li {
        display: flex;
        align-items: center;
        gap: 8px;
      }
      .settings {
        display: flex;
        flex-wrap: wrap;
        gap: 16px;
        margin-top: 10px;
      }
      .settings figure {
        margin: 0;
      }
      .settings svg text {
        font-size: 10px;
        fill: var(--muted);
      }
      .settings svg .axis {
        stroke: var(--border);
      }
      .settings figcaption {
        font-size: 12px;
        color: var(--muted);
      }
      button.apply {
        margin-left: 10px;
        font-size: 12px;
        padding: 3px 10px;
      }
      .boundaries {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
        gap: 12px;
      }
      .boundaries figure {
        margin: 0;
        min-width: 0;
      }
      .boundaries figure.ensemble {
        grid-column: span 2;
        grid-row: span 2;
      }
      .boundaries figcaption {
        font-size: 12px;
        color: var(--muted);
        margin-top: 4px;
      }
      h2 small {
        font-weight: 400;
        text-transform: none;
        letter-spacing: 0;
        color: var(--muted);
      }
      .cv-summary small {
        display: block;
        color: var(--muted);
        font-size: 12px;
        margin-top: 2px;
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

  /** k-fold cross-validation of the Train tab's model and optimizer: one entry per fold. */
  private crossValidate(k: number): void {
    const optimizer = this.store.store?.experiment?.config.optimizer;
    if (optimizer) this.change(foldEntries(k, optimizer));
  }

  /** An ensemble of 5 members of the Train tab's model and optimizer, each from its own seed (and bootstrap sample). */
  private ensembleOf(bagging: boolean): void {
    const optimizer = this.store.store?.experiment?.config.optimizer;
    if (optimizer) this.change(memberEntries(5, optimizer, bagging));
  }

  /** The Train tab's model and optimizer under each loss that fits the task. */
  private raceLosses(): void {
    const store = this.store.store;
    const optimizer = store?.experiment?.config.optimizer;
    if (store && optimizer) this.change(lossEntries(store.train.task, optimizer));
  }

  /** A hyper-parameter search: the config's, or a grid around the Train tab's settings. */
  private search(): void {
    const config = this.store.store?.experiment?.config;
    if (config) this.change(searchEntries(config));
  }

  /** The best trial's settings into the Train tab's config. */
  private applyBest(index: number): void {
    const store = this.store.store;
    const config = store?.experiment?.config;
    const trial = this.entries[index]?.trial;
    if (!store || !config || !trial) return;
    store.train.setConfig(applyTrial(config, trial));
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

  /** A cross-validation's folds or an ensemble's members: how many, and the model and optimizer they share. */
  private renderGroup(kind: "folds" | "members") {
    const o = this.entries[0].optimizer;
    const name = kind === "folds" ? "fold" : "member";
    return html`
      <div class="entry">
        <span></span>
        <span class="name">${this.entries.length} ${kind} · the Train tab's model · ${describeEntry(o)}</span>
        <span></span>
      </div>
      <p class="note folds" data-testid="race-${kind}">
        ${this.entries.map((_, i) => html`<span class="fold"><span class="swatch" style="background:${SERIES_COLORS[i % SERIES_COLORS.length]}"></span>${name} ${i + 1}</span>`)}
      </p>
    `;
  }

  /** A search's trials: each one's settings, in its colour. */
  private renderTrials() {
    return html`<ol class="trials" data-testid="race-trials">
      ${this.entries.map((entry, i) => html`<li><span class="swatch" style="background:${SERIES_COLORS[i % SERIES_COLORS.length]}"></span>${entry.label}</li>`)}
    </ol>`;
  }

  /** The best trial, a button that applies it, and each searched setting's scores. */
  private renderSearch(epochs: RaceEpoch[]) {
    const scores = trialScores(this.entries.length, epochs);
    const best = bestTrial(scores);
    if (best < 0) return html`<p class="note" data-testid="search-best">The best trial appears once every trial has trained an epoch.</p>`;
    const show = (v: number) => (scores.metric === "accuracy" ? `${(100 * v).toFixed(1)}%` : v.toPrecision(3));
    const searched = SEARCHABLE.filter((k) => this.entries.some((e) => e.trial?.[k] !== undefined));
    return html`
      <p class="cv-summary" data-testid="search-best" data-best=${best}>
        Best trial: <b>${this.entries[best].label}</b> — validation ${scores.metric} ${show(scores.best[best])}
        <button class="apply" data-testid="search-apply" ?disabled=${this.running} @click=${() => this.applyBest(best)}>Apply to the Train tab</button>
        <small>each trial's best epoch on the validation split</small>
      </p>
      <div class="settings" data-testid="search-plots">${searched.map((key) => this.settingPlot(key, scores))}</div>
    `;
  }

  /** One searched setting: each trial's score above its value (the values evenly spaced, as a grid lists them). */
  private settingPlot(key: Searchable, scores: { metric: "accuracy" | "loss"; best: number[] }) {
    const points = this.entries.map((e, i) => ({ x: e.trial?.[key] as number, y: scores.best[i], i })).filter((p) => Number.isFinite(p.y) && p.x !== undefined);
    const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
    const ys = points.map((p) => p.y);
    const [low, high] = [Math.min(...ys), Math.max(...ys)];
    const [w, h] = [180, 110];
    const xAt = (v: number) => 16 + (xs.length > 1 ? (xs.indexOf(v) / (xs.length - 1)) * (w - 32) : (w - 32) / 2);
    const yAt = (v: number) => h - 22 - (high > low ? ((v - low) / (high - low)) * (h - 34) : (h - 34) / 2);
    const name = { lr: "learning rate", weightDecay: "weight decay", batchSize: "batch size", width: "width", dropout: "dropout" }[key];
    return html`<figure>
      <svg viewBox="0 0 ${w} ${h}" width=${w} height=${h} role="img" aria-label=${`validation ${scores.metric} against ${name}`}>
        <line x1="8" y1=${h - 16} x2=${w - 8} y2=${h - 16} class="axis"></line>
        ${xs.map((v) => svg`<text x=${xAt(v)} y=${h - 4} text-anchor="middle">${v}</text>`)}
        ${points.map((p) => svg`<circle cx=${xAt(p.x)} cy=${yAt(p.y)} r="4" fill=${SERIES_COLORS[p.i % SERIES_COLORS.length]}><title>${this.entries[p.i].label}: ${p.y}</title></circle>`)}
      </svg>
      <figcaption>validation ${scores.metric} by ${name}</figcaption>
    </figure>`;
  }

  /** The members combined on the validation split after the last epoch. */
  private renderEnsemble(e: RaceEnsemble | undefined) {
    if (!e || e.epoch === 0) return html`<p class="note" data-testid="ensemble-summary">The ensemble's scores appear after the first epoch.</p>`;
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    return html`<p class="cv-summary" data-testid="ensemble-summary" data-soft=${e.soft} data-mean=${e.meanMember}>
      Ensemble validation accuracy: soft vote <b>${pct(e.soft)}</b> · hard vote ${pct(e.hard)} · weighted ${pct(e.weighted)} — the mean member
      ${pct(e.meanMember)}
      <small>at epoch ${e.epoch}; the members disagree on ${pct(e.disagreement)} of the validation examples</small>
    </p>
    ${e.splitVotes ? this.renderSplitVotes(e.splitVotes) : nothing}`;
  }

  /** Images: the validation examples the members split on most, each member's vote and the soft vote's answer. */
  private renderSplitVotes(split: NonNullable<RaceEnsemble["splitVotes"]>) {
    const { images, votes, ensemble } = split;
    const members = votes.length / images.indices.length;
    const preview = this.store.store?.train.state.preview;
    const names = preview?.kind === "images" ? preview.classNames : [];
    const name = (k: number) => names[k] ?? String(k);
    return html`<div class="split-votes" data-testid="split-votes" data-count=${images.indices.length}>
      <h3>Where the members split <small>validation examples, the most divided first: each member's vote, then the soft vote's</small></h3>
      <div class="split-grid">
        ${Array.from(images.indices, (_, k) => {
          const label = images.labels[k];
          const own = Array.from(votes.subarray(k * members, (k + 1) * members));
          const answer = ensemble[k];
          return html`<figure>
            <dl-pixel-image .image=${{ rgba: chwToRgba(images.pixels, k, images), width: images.width, height: images.height }} label="validation example, a ${name(label)}"></dl-pixel-image>
            <figcaption>
              <span class="truth">${name(label)}</span>
              <span class="votes">${own.map((v) => html`<i class=${v === label ? "right" : "wrong"} title="a member votes ${name(v)}">${name(v)}</i>`)}</span>
              <span class="answer ${answer === label ? "right" : "wrong"}">→ ${name(answer)} ${answer === label ? "✓" : "✗"}</span>
            </figcaption>
          </figure>`;
        })}
      </div>
    </div>`;
  }

  /** 2-D data: each member's decision boundary beside the ensemble's. */
  private renderBoundaries(b: RaceBoundaries) {
    const preview = this.store.store?.train.state.preview ?? null;
    return html`<section class="card wide" data-testid="ensemble-boundaries">
      <h2>Members and the ensemble <small>decision boundaries at step ${b.step.toLocaleString("en-US")}; the ensemble's is the mean of the members' probabilities</small></h2>
      <div class="boundaries">
        ${b.members.map((m, i) => html`<figure><dl-boundary-plot compact .boundary=${m} .data=${preview}></dl-boundary-plot><figcaption>member ${i + 1}</figcaption></figure>`)}
        <figure class="ensemble"><dl-boundary-plot .boundary=${b.ensemble} .data=${preview}></dl-boundary-plot><figcaption>the ensemble (soft vote)</figcaption></figure>
      </div>
    </section>`;
  }

  /** Mean ± std of the folds' held-out scores. */
  private renderSummary(epochs: RaceEpoch[]) {
    const s = crossValidationSummary(this.entries.length, epochs);
    if (!s) return html`<p class="note" data-testid="cv-summary">The cross-validated score appears once every fold has trained an epoch.</p>`;
    const show = (v: number) => (s.metric === "accuracy" ? `${(100 * v).toFixed(1)}%` : v.toPrecision(3));
    return html`<p class="cv-summary" data-testid="cv-summary" data-mean=${s.mean} data-std=${s.std}>
      Cross-validated ${s.metric === "accuracy" ? "accuracy" : "validation loss"}: <b>${show(s.mean)} ± ${show(s.std)}</b>
      <small>mean ± standard deviation over ${this.entries.length} folds at epoch ${s.epoch}, each scored on the fold it held out</small>
    </p>`;
  }

  override render() {
    const store = this.store.store;
    const e = store?.experiment;
    if (!store || !e) return nothing;
    const r = store.race.state;
    const started = r.started;
    const architectures = this.entries.some((entry) => entry.model);
    const folds = isCrossValidation(this.entries);
    const members = isEnsemble(this.entries);
    const trials = isSearch(this.entries);
    const losses = isLossRace(this.entries);
    const grouped = folds || members || trials || losses; // generated together: listed together
    const heading = losses
      ? "Losses in the race"
      : folds
        ? "Cross-validation folds"
        : members
          ? "Ensemble members"
          : trials
            ? "Search trials"
            : architectures
              ? "Architectures in the race"
              : "Optimizers in the race";
    const regression = store.train.task === "regression";
    return html`
      <div class="side">
        <section class="card" aria-label="Entries in the race">
          <h2>${heading}</h2>
          ${trials || losses ? this.renderTrials() : grouped ? this.renderGroup(folds ? "folds" : "members") : this.entries.map((entry, i) => this.renderEntry(entry, i))}
          <div class="buttons">
            ${this.entries.length < MAX_RACE_ENTRIES && !grouped ? html`<button ?disabled=${this.running} @click=${this.add} data-testid="race-add">+ Add an entry</button>` : nothing}
            ${
              architectures || grouped
                ? html`<button ?disabled=${this.running} @click=${this.raceOptimizers} data-testid="race-optimizers">Race optimizers</button>`
                : html`<button ?disabled=${this.running} @click=${this.raceArchitectures} data-testid="race-architectures"
                    title="One entry per model preset for ${e.config.data.name}, all with the Train tab's optimizer">Race architectures</button>`
            }
          </div>
          ${
            grouped
              ? nothing
              : html`<div class="buttons cv">
                  <button ?disabled=${this.running} @click=${() => this.crossValidate(5)} data-testid="race-cross-validate"
                    title="Train the Train tab's model on 5 folds of the training and validation data, each scored on the fold it holds out">Cross-validate (5 folds)</button>
                </div>
                <div class="buttons cv">
                  <button ?disabled=${this.running} @click=${() => this.ensembleOf(false)} data-testid="race-ensemble"
                    title="5 copies of the Train tab's model, each from its own initial weights, combined by voting">Ensemble of 5</button>
                  <button ?disabled=${this.running} @click=${() => this.ensembleOf(true)} data-testid="race-bagging"
                    title="5 copies, each trained on its own bootstrap sample of the training data (bagging)">Bagging (5)</button>
                </div>
                <div class="buttons cv">
                  <button ?disabled=${this.running} @click=${this.raceLosses} data-testid="race-losses"
                    title="The Train tab's model and optimizer under each loss that fits the task, same weights, same batches">Race losses</button>
                  <button ?disabled=${this.running} @click=${this.search} data-testid="race-search"
                    title="${e.config.search ? "The config's search" : "A grid of learning rate × weight decay (× width) around the Train tab's settings"}, every trial side by side">Search hyper-parameters</button>
                </div>`
          }
        </section>
        <section class="card">
          <div class="buttons">
            <button class="primary" data-testid="race-start" ?disabled=${!!store.train.blockedReason && !r.running} title=${store.train.blockedReason ?? ""}
              @click=${() => this.control(r.running ? "pause" : started && !r.finished ? "play" : "start")}>
              ${r.running ? "Pause" : started && !r.finished ? "Resume" : "Start race"}
            </button>
            ${started ? html`<button @click=${() => this.control("start")} ?disabled=${r.running}>Restart</button>` : nothing}
          </div>
          <p class="note" style="margin-top:12px" data-testid="race-note">
            ${
              losses
                ? html`Each entry trains the Train tab's model with its own loss, from the same initial weights, on the same batches in
                    the same order. The losses measure different things on different scales, so compare the accuracy curves and the
                    table's scores, not the heights of the loss curves.`
                : trials
                  ? html`A hyper-parameter search: each trial trains the Train tab's model with its own settings, all in lock-step on
                    the same data, and is scored on the validation split (never the test split). The best trial's settings can be
                    applied to the Train tab.`
                  : members
                    ? html`An ensemble: each member trains the Train tab's model from its own initial weights${
                        this.entries[0].member?.bagging
                          ? ", on its own bootstrap sample of the training data (bagging: about 63% of the examples, some twice)"
                          : ""
                      }, in lock-step. After each epoch the members are combined on the validation split: soft voting (the mean of their
                    probabilities), hard voting (the most predicted class) and weighted averaging (weights from their validation accuracy).`
                    : folds
                      ? html`k-fold cross-validation: the training and validation data are cut into ${this.entries.length} folds
                    (stratified by class); each entry trains the Train tab's model on all folds but one and is scored on the one it
                    holds out, from the same initial weights, in lock-step. Scaling is fitted on each entry's own training folds. The
                    test split is not used.`
                      : architectures
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
        <section class="card wide"><h2>Results</h2><dl-race-table .labels=${r.labels} .epochs=${r.epochs} .finished=${r.finished}></dl-race-table>${
          folds && r.started
            ? this.renderSummary(r.epochs)
            : members && r.started
              ? this.renderEnsemble(r.ensemble.at(-1))
              : trials && r.started
                ? this.renderSearch(r.epochs)
                : nothing
        }</section>
        ${members && r.boundaries ? this.renderBoundaries(r.boundaries) : nothing}
        ${regression ? nothing : html`<section class="card wide"><h2>Boosting</h2><dl-boosting></dl-boosting></section>`}
        <section class="card wide"><h2>Transfer learning: what pretraining buys</h2><dl-transfer-study></dl-transfer-study></section>
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
