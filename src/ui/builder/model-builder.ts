/**
 * <dl-model-builder>: the model as a list of layer rows to add, insert, reorder, remove and edit, each
 * showing its output shape and parameter count live. The first invalid layer says why in the engine's
 * words (with a one-click fix where there is an obvious one) and the rows below it are greyed until it
 * is fixed. Presets are offered for the data's kind (points or images).
 *
 * The output layer is managed: the model's last layer is always a Linear with `outputSize` units (one
 * score per class, or the predicted value) that cannot be moved or removed. A spec that arrives
 * without it, or sized for another task, is fitted (fitOutput). `spec-change` fires after each edit,
 * when a spec is fitted, and when new data (`inputShape`) make the model valid or invalid. The element
 * draws no card of its own: the page puts it in one.
 *
 * With `free-output` (the networks of a generative pair) no layer is managed: every row edits, the
 * classifier presets are hidden, `input-label` names the input ("Latent z"), and `images` offers
 * the image layers even for a vector input (a generator turns a latent vector into an image).
 *
 * Test ids: `preset`, `add-layer` (adds before the output layer), `add-<kind id>` in the add menu
 * (`add-linear`, `add-relu`...), `layer-input`, `layer-<path>` rows (0-based; "2.1" is inside the
 * block at 2; the output row also carries `data-output`), `insert-<path>`, `move-up-<path>`,
 * `move-down-<path>`, `remove-<path>`, `field-<path>-<setting>`, `add-layer-<path>` (inside a residual
 * block), `layer-error`, `fix-flatten`, `total-params`, `init`, `builder-locked` (the read-only note).
 */
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { ifDefined } from "lit/directives/if-defined.js";
import type { InitScheme } from "../../nn/init";
import { checkTrainingMemory, formatBytes, type MemoryBudget } from "../../nn/resources";
import { summarizeModel } from "../../nn/shapes";
import { LAYERS_WITH_WEIGHTS, type LayerSpec, type ModelSpec } from "../../nn/spec";
import { fire } from "../events";
import { type Field, fieldsOf, GROUP_COLORS, INIT_OPTIONS, kindOf, type LayerKind } from "./layer-catalog";
import "./layer-menu";
import { theme } from "../theme";
import { builderStyles } from "./model-builder-styles";
import {
  addLayer,
  analyzeModel,
  fitOutput,
  formatCompact,
  formatCount,
  formatShape,
  getLayer,
  type LayerPath,
  layerNumber,
  type ModelAnalysis,
  moveLayer,
  pathKey,
  removeLayer,
  shapeAt,
  updateLayer,
} from "./model-edit";
import { dataKind, matchPreset, presetSpec, presetsFor, type SequenceData } from "./model-presets";

/** The detail of `spec-change`: the new model and whether it builds for the data. */
export interface SpecChangeDetail {
  spec: ModelSpec;
  valid: boolean;
}

/** The tint of the input and output rows. */
const IO_COLOR = "#34d399";

const BADGES: Record<string, string> = {
  linear: "FC",
  conv2d: "Cv",
  convTranspose2d: "CT",
  maxPool2d: "Mx",
  avgPool2d: "Av",
  adaptiveAvgPool2d: "GA",
  batchNorm: "BN",
  layerNorm: "LN",
  dropout: "Dr",
  flatten: "Fl",
  unflatten: "Uf",
  residual: "+",
  upsample: "Up",
  embedding: "Em",
  rnn: "RN",
  lstm: "LS",
  gru: "GR",
  conv1d: "C1",
  maxPool1d: "M1",
  avgPool1d: "A1",
  positional: "PE",
  attention: "At",
  transformer: "Tr",
  lastStep: "Ls",
  meanOverTime: "Mt",
};

const ICONS = {
  plus: html`<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 3v10M3 8h10" /></svg>`,
  up: html`<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 13V3M4 7l4-4 4 4" /></svg>`,
  down: html`<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 3v10M4 9l4 4 4-4" /></svg>`,
  remove: html`<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 4l8 8M12 4l-8 8" /></svg>`,
  lock: html`<svg viewBox="0 0 16 16" aria-hidden="true"><rect x="3.5" y="7" width="9" height="6.5" rx="1.5" /><path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" /></svg>`,
  warn: html`<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 2l6.5 11.5h-13z" /><path d="M8 6.5v3.2M8 11.6v.2" /></svg>`,
};

/** Lexicographic order of paths is reading order: [2] < [2, 0] < [2, 1] < [3]; a block precedes its layers. */
function compare(a: LayerPath, b: LayerPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

const describeInput = (shape: number[], sequence: SequenceData | null) =>
  sequence?.vocab
    ? `${shape[0]} tokens of ${sequence.vocab}`
    : shape.length === 2
      ? `${shape[0]} steps × ${shape[1]}`
      : shape.length === 3
        ? `image, ${shape[0]} ${shape[0] === 1 ? "channel" : "channels"}`
        : `${shape[0]} ${shape[0] === 1 ? "feature" : "features"}`;

@customElement("dl-model-builder")
export class ModelBuilder extends LitElement {
  static override styles = [theme, builderStyles];

  /** The model being edited; every edit replaces it (never mutates it) and fires `spec-change`. */
  @property({ attribute: false }) spec: ModelSpec = { layers: [] };
  /** Per-example input shape of the data: [features], or [channels, height, width] for images. */
  @property({ attribute: false }) inputShape: number[] = [2];
  /** Units of the managed output layer: the number of classes, or 1 for regression. */
  @property({ type: Number }) outputSize = 2;
  /** What the output layer predicts; changes only its wording. */
  @property() task: "classification" | "regression" = "classification";
  /** Shows the model read-only, with a hint to pause or reset (while training). */
  @property({ type: Boolean, reflect: true }) disabled = false;
  /** No managed output layer and no presets: every layer is the user's (a generative pair's networks). */
  @property({ type: Boolean, attribute: "free-output" }) freeOutput = false;
  /** The input row's name (default "Input"). */
  @property({ attribute: "input-label" }) inputLabel = "Input";
  /** Offer the image layers (convolutions, pooling) whatever the input's rank. */
  @property({ type: Boolean }) images = false;
  /** Sequence data (its vocabulary, 0 for steps of numbers, and whether every step has a label): sequence layers and presets. */
  @property({ attribute: false }) sequence: SequenceData | null = null;
  /** How the model trains, for the memory estimate under the total (none: no estimate). */
  @property({ attribute: false }) training: { batchSize: number; stateValues: number; budget: MemoryBudget } | null = null;

  /** The open add-layer menu: where it inserts, and the test id of the button that opened it. */
  @state() private _menu: { at: LayerPath; anchor: string } | null = null;
  private analysis: ModelAnalysis = analyzeModel(this.spec, this.inputShape);
  /** The validity last reported, so new data that flip it are reported too. */
  private reportedValid = true;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener("pointerdown", this.closeOutside);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener("pointerdown", this.closeOutside);
  }

  private readonly closeOutside = (e: PointerEvent) => {
    if (this._menu && !e.composedPath().includes(this)) this._menu = null;
  };

  override willUpdate(changed: PropertyValues<this>): void {
    const fitted = this.freeOutput ? this.spec : fitOutput(this.spec, this.outputSize);
    const refit = fitted !== this.spec;
    this.spec = fitted;
    if (changed.has("spec") || changed.has("inputShape") || changed.has("outputSize") || refit) this.analysis = analyzeModel(this.spec, this.inputShape);
    const flipped = this.hasUpdated && changed.has("inputShape") && (this.analysis.error === null) !== this.reportedValid;
    if (refit || flipped) this.fire();
    if (this.disabled) this._menu = null;
  }

  private fire(): void {
    const detail: SpecChangeDetail = { spec: this.spec, valid: this.analysis.error === null };
    this.reportedValid = detail.valid;
    fire(this, "spec-change", detail);
  }

  /** Applies an edit and reports it; `focus` then picks the control to keep the keyboard user's place. */
  /** The parameters in frozen layers (and those inside blocks), as "4,800 frozen · 1,011 trained" under the total. */
  private frozenNote(layers: LayerSpec[], at: number[]) {
    const count = (list: LayerSpec[], path: number[]): number =>
      list.reduce((n, l, i) => {
        const here = [...path, i];
        if ((l as { frozen?: boolean }).frozen) return n + (this.analysis.layers.get(pathKey(here))?.params ?? 0);
        return n + (l.type === "residual" ? count(l.layers, here) : 0);
      }, 0);
    const frozen = count(layers, at);
    const total = this.analysis.totalParams;
    if (!frozen || total === null) return nothing;
    return html`<small data-testid="frozen-params" data-frozen=${frozen}>${formatCount(frozen)} frozen · ${formatCount(total - frozen)} trained</small>`;
  }

  private commit(next: ModelSpec, focus?: () => HTMLElement | null): void {
    if (this.disabled) return;
    this.spec = next;
    this.analysis = analyzeModel(next, this.inputShape);
    this.fire();
    if (focus) this.updateComplete.then(() => focus()?.focus());
  }

  private byTestId(id: string): HTMLElement | null {
    return this.renderRoot.querySelector(`[data-testid="${CSS.escape(id)}"]`);
  }

  private add(kind: LayerKind): void {
    if (!this._menu) return;
    const { at } = this._menu;
    this._menu = null;
    const key = pathKey(at);
    this.commit(addLayer(this.spec, at, kind.create(shapeAt(this.analysis, at, this.inputShape))), () => {
      const row = this.byTestId(`layer-${key}`);
      return row?.querySelector<HTMLElement>(":scope > .head > .fields :is(input, select)") ?? this.byTestId(`remove-${key}`);
    });
  }

  private moveAt(path: LayerPath, delta: -1 | 1): void {
    const moved = [...path.slice(0, -1), path.at(-1)! + delta];
    const key = pathKey(moved);
    this.commit(moveLayer(this.spec, path, delta), () => {
      const same = this.byTestId(`${delta < 0 ? "move-up" : "move-down"}-${key}`) as HTMLButtonElement | null;
      return same && !same.disabled ? same : this.byTestId(`${delta < 0 ? "move-down" : "move-up"}-${key}`);
    });
  }

  private removeAt(path: LayerPath): void {
    const key = pathKey(path);
    this.commit(removeLayer(this.spec, path), () => {
      const next = this.byTestId(`remove-${key}`) as HTMLButtonElement | null;
      return next && !next.disabled ? next : this.byTestId(path.length > 1 ? `add-layer-${pathKey(path.slice(0, -1))}` : "add-layer");
    });
  }

  private toggleMenu(at: LayerPath, anchor: string): void {
    if (this._menu?.anchor === anchor) {
      this._menu = null;
      return;
    }
    this._menu = { at, anchor }; // the menu focuses its first entry
  }

  private closeMenu(): void {
    const anchor = this._menu?.anchor;
    this._menu = null;
    if (anchor) this.updateComplete.then(() => this.byTestId(anchor)?.focus());
  }

  private loadPreset(e: Event): void {
    const preset = presetsFor(this.inputShape, this.sequence).find((p) => p.id === (e.target as HTMLSelectElement).value);
    if (preset) this.commit({ ...presetSpec(preset, this.outputSize), ...(this.spec.init ? { init: this.spec.init } : {}) });
  }

  private setInit(e: Event): void {
    const value = (e.target as HTMLSelectElement).value as InitScheme;
    const { init: _, ...rest } = this.spec;
    this.commit(value === "default" ? rest : { ...rest, init: value });
  }

  /** A select's options, with the current value added when it is not one of them (a spec from a file). */
  private options(f: Field, current: unknown): { value: number | string; label: string }[] {
    const options = f.options ?? [];
    return current === undefined || options.some((o) => o.value === current)
      ? options
      : [...options, { value: current as number | string, label: String(current) }];
  }

  private setField(path: LayerPath, f: Field, target: HTMLInputElement | HTMLSelectElement): void {
    const current = (getLayer(this.spec, path) as Record<string, unknown>)[f.name];
    let value: unknown;
    if (f.kind === "checkbox") value = (target as HTMLInputElement).checked;
    else if (f.kind === "select") value = this.options(f, current).find((o) => String(o.value) === target.value)?.value;
    else if (target.value.trim() === "") {
      if (f.required) {
        target.value = String(current ?? ""); // a required setting cannot be left empty
        return;
      }
    } else value = Number(target.value);
    const patch: Record<string, unknown> = { [f.name]: value === f.fallback ? undefined : value };
    if (f.name === "fn") {
      patch.slope = undefined; // slope and alpha mean different things per function
      patch.approximate = undefined; // GELU's alone
    }
    this.commit(updateLayer(this.spec, path, patch));
  }

  override render() {
    const { spec, analysis } = this;
    // With a free output every layer is a row and "Add layer" appends; else the last is the managed output.
    const last = this.freeOutput ? spec.layers.length : spec.layers.length - 1;
    const presets = presetsFor(this.inputShape, this.sequence);
    const match = matchPreset(spec, this.inputShape, this.outputSize, this.sequence);
    const error = analysis.error;
    return html`
      ${this.freeOutput ? nothing : this.toolbar(match, presets)}
      ${this.disabled ? html`<p class="locked" data-testid="builder-locked">${ICONS.lock}Training is running: pause or reset it to edit the model.</p>` : nothing}
      ${error && !error.path ? html`<p class="error model" role="alert" data-testid="layer-error">${ICONS.warn}${error.message}</p>` : nothing}
      <ol class="layers" aria-label="Layers, from input to output">
        <li class="row io" data-testid="layer-input" style="--tint:${IO_COLOR}">
          <div class="head">
            <span class="badge" aria-hidden="true">In</span>
            <span class="num"></span>
            <span class="name">${this.inputLabel} ${this.freeOutput ? nothing : html`<small>${describeInput(this.inputShape, this.sequence)}</small>`}</span>
            <span class="shape" title="Shape of one example">${formatShape(this.inputShape)}</span>
            <span class="params"></span>
          </div>
        </li>
        ${last === 0 ? html`<li class="empty">${this.freeOutput ? "No layers yet: add the first one." : "No hidden layers: a linear model. Add layers to learn curved boundaries."}</li>` : nothing}
        ${spec.layers.slice(0, last).map((layer, i) => this.row(layer, [i], last))}
        ${this.freeOutput ? nothing : this.outputRow(last)}
      </ol>
      <div class="add">
        <button
          class="add-button"
          data-testid="add-layer"
          aria-expanded=${this._menu?.anchor === "add-layer"}
          ?disabled=${this.disabled}
          @click=${() => this.toggleMenu([last], "add-layer")}
        >${ICONS.plus}Add layer</button>
      </div>
      ${this._menu?.anchor === "add-layer" ? this.menu(this._menu.at) : nothing}
      <div class="footer">
        <div class="total">
          <small>Total parameters</small>
          <b data-testid="total-params">${analysis.totalParams === null ? "–" : formatCount(analysis.totalParams)}</b>
          ${this.frozenNote(spec.layers, [])}
        </div>
        ${error ? html`<span class="invalid" role="status">${error.path ? `Fix layer ${layerNumber(error.path)} to train` : "Fix the model to train"}</span>` : this.memory(spec)}
        <label class="init">
          <span>Initialisation</span>
          <select data-testid="init" ?disabled=${this.disabled} @change=${this.setInit}>
            ${INIT_OPTIONS.map((o) => html`<option value=${o.value} ?selected=${o.value === (spec.init ?? "default")}>${o.label}</option>`)}
          </select>
        </label>
      </div>
    `;
  }

  /** The memory training the model needs at the batch size, from its shapes (src/nn/resources.ts), or why it does not fit. */
  private memory(spec: ModelSpec) {
    const t = this.training;
    if (!t) return nothing;
    let summary: ReturnType<typeof summarizeModel>;
    try {
      summary = summarizeModel(spec, this.inputShape);
    } catch {
      return nothing;
    }
    try {
      const e = checkTrainingMemory(summary, this.inputShape, t.batchSize, t.stateValues, t.budget);
      const title = `Weights, gradients and optimizer state ${formatBytes(e.weightBytes)}; activations of a batch of ${t.batchSize} (kept for the backward pass) ${formatBytes(e.activationBytes)}`;
      return html`<div class="total memory" title=${title}><small>Memory to train</small><b data-testid="memory">${formatBytes(e.totalBytes)}</b></div>`;
    } catch (e) {
      return html`<span class="invalid" role="status" data-testid="memory-problem">${(e as Error).message}</span>`;
    }
  }

  private toolbar(match: ReturnType<typeof matchPreset>, presets: ReturnType<typeof presetsFor>): TemplateResult {
    return html`
      <div class="toolbar">
        <label class="preset">
          <span>Preset</span>
          <select data-testid="preset" ?disabled=${this.disabled} @change=${this.loadPreset}>
            ${match ? nothing : html`<option value="" selected disabled>Custom model</option>`}
            ${presets.map((p) => html`<option value=${p.id} ?selected=${p.id === match?.id}>${p.label}</option>`)}
          </select>
        </label>
        <p class="about">${match?.description ?? "Your own model: edit any layer, or start again from a preset."}</p>
      </div>
    `;
  }

  /** The add menu as a list item, when the button with test id `anchor` opened it. */
  private menuSlot(anchor: string): TemplateResult | typeof nothing {
    return this._menu?.anchor === anchor ? html`<li class="menu-slot">${this.menu(this._menu.at)}</li>` : nothing;
  }

  private menu(at: LayerPath): TemplateResult {
    const where =
      at.length > 1
        ? `in block ${layerNumber(at.slice(0, -1))}`
        : this.freeOutput && at[0] === this.spec.layers.length
          ? "at the end"
          : at[0] === this.spec.layers.length - 1 && !this.freeOutput
            ? "before the output"
            : `after layer ${at[0]}`;
    return html`<dl-layer-menu
      .input=${shapeAt(this.analysis, at, this.inputShape)}
      where=${where}
      ?images=${this.images || dataKind(this.inputShape) === "images"}
      ?sequences=${this.sequence !== null}
      @pick=${(e: CustomEvent<LayerKind>) => this.add(e.detail)}
      @menu-close=${this.closeMenu}
    ></dl-layer-menu>`;
  }

  private row(layer: LayerSpec, path: LayerPath, siblings: number): TemplateResult {
    const key = pathKey(path);
    const kind = kindOf(layer);
    const status = this.analysis.layers.get(key);
    const error = this.analysis.error;
    const here = error?.path && pathKey(error.path) === key ? error : null;
    const greyed = !status && !here && error?.path && compare(path, error.path) > 0;
    const index = path.at(-1)!;
    const label = `layer ${layerNumber(path)} (${kind.label})`;
    const after = [...path.slice(0, -1), index + 1];
    const block = layer.type === "residual" ? layer : null;
    const inner = block?.layers ?? [];
    const [fn, ...rest] = layer.type === "activation" ? fieldsOf(layer) : [undefined, ...fieldsOf(layer)]; // an activation's function replaces its name
    const fields = rest as Field[];
    const innerParams = inner.reduce((sum, _, j) => sum + (this.analysis.layers.get(pathKey([...path, j]))?.params ?? 0), 0);
    const frozen = (layer as { frozen?: boolean }).frozen === true;
    return html`
      <li class="row ${here ? "invalid" : ""} ${greyed ? "greyed" : ""} ${block ? "block" : ""} ${frozen ? "frozen" : ""}" data-testid="layer-${key}" style="--tint:${GROUP_COLORS[kind.group]}">
        <div class="head">
          <span class="badge" aria-hidden="true">${BADGES[kind.id] ?? "ƒ"}</span>
          <span class="num">${layerNumber(path)}</span>
          ${
            fn
              ? html`<span class="name">${this.field(layer, path, fn, `Function of ${label}`)}</span>`
              : html`<span class="name" title=${kind.description}>${kind.label}${
                  frozen ? html` <span class="frozen-tag" title="Frozen: training leaves these weights as they are">${ICONS.lock}frozen</span>` : nothing
                }</span>`
          }
          <span class="shape" title="Output shape of one example">${status ? formatShape(status.outputShape) : "–"}</span>
          ${this.params(status?.params)}
          ${fields.length ? html`<div class="fields">${fields.map((f) => this.field(layer, path, f))}</div>` : nothing}
          <span class="actions">
            ${
              LAYERS_WITH_WEIGHTS.has(layer.type)
                ? html`<button class="icon freeze" data-testid="freeze-${key}" aria-pressed=${frozen} aria-label="${frozen ? "Unfreeze" : "Freeze"} ${label}"
                    title=${frozen ? "Frozen: training leaves these weights as they are. Press to train them again" : "Freeze: keep these weights as they are while training (transfer learning)"}
                    ?disabled=${this.disabled} @click=${() => this.commit(updateLayer(this.spec, path, { frozen: frozen ? undefined : true }))}>${ICONS.lock}</button>`
                : nothing
            }
            <button class="icon" data-testid="insert-${key}" aria-label="Insert a layer after ${label}" title="Insert a layer below"
              aria-expanded=${this._menu?.anchor === `insert-${key}`} ?disabled=${this.disabled} @click=${() => this.toggleMenu(after, `insert-${key}`)}>${ICONS.plus}</button>
            <button class="icon" data-testid="move-up-${key}" aria-label="Move ${label} up" title="Move up"
              ?disabled=${this.disabled || index === 0} @click=${() => this.moveAt(path, -1)}>${ICONS.up}</button>
            <button class="icon" data-testid="move-down-${key}" aria-label="Move ${label} down" title="Move down"
              ?disabled=${this.disabled || index === siblings - 1} @click=${() => this.moveAt(path, 1)}>${ICONS.down}</button>
            <button class="icon danger" data-testid="remove-${key}" aria-label="Remove ${label}"
              title=${path.length > 1 && siblings === 1 ? "A residual block needs at least one layer" : "Remove"}
              ?disabled=${this.disabled || (path.length > 1 && siblings === 1)} @click=${() => this.removeAt(path)}>${ICONS.remove}</button>
          </span>
        </div>
        ${here ? this.errorLine(path) : nothing}
        ${
          block
            ? html`
              <p class="skip">
                Skip connection: ${status && status.params > innerParams ? `1×1 projection, ${formatCount(status.params - innerParams)} parameters (the block changes the shape)` : "identity (added as is)"}
              </p>
              <ol class="layers inner" aria-label="Layers inside residual block ${layerNumber(path)}">
                ${inner.map((l, j) => this.row(l, [...path, j], inner.length))}
                ${this.menuSlot(`add-layer-${key}`)}
              </ol>
              <button class="add-button small" data-testid="add-layer-${key}" aria-expanded=${this._menu?.anchor === `add-layer-${key}`}
                ?disabled=${this.disabled} @click=${() => this.toggleMenu([...path, inner.length], `add-layer-${key}`)}>${ICONS.plus}Add to block</button>
            `
            : nothing
        }
      </li>
      ${this.menuSlot(`insert-${key}`)}
    `;
  }

  private outputRow(index: number): TemplateResult {
    const path = [index];
    const status = this.analysis.layers.get(pathKey(path));
    const error = this.analysis.error;
    const here = error?.path && pathKey(error.path) === pathKey(path);
    const n = this.outputSize;
    const what =
      this.task === "regression"
        ? n === 1
          ? "the predicted value"
          : "one predicted value per target"
        : n === 1
          ? "one score for the positive class"
          : "one score per class; the loss applies softmax";
    return html`
      <li class="row output ${here ? "invalid" : ""} ${!status && !here ? "greyed" : ""}" data-testid="layer-${index}" data-output style="--tint:${IO_COLOR}">
        <div class="head">
          <span class="badge" aria-hidden="true">Out</span>
          <span class="num">${index + 1}</span>
          <span class="name" title="Every output is a weighted sum of all inputs plus a bias">Output · Linear</span>
          <span class="shape" title="Output shape of one example">${status ? formatShape(status.outputShape) : "–"}</span>
          ${this.params(status?.params)}
          <p class="fields note">${n} ${n === 1 ? "unit" : "units"}: ${what}.</p>
          <span class="actions locked-icon" title="The output layer follows the task: its units are set by the data">${ICONS.lock}</span>
        </div>
        ${here ? this.errorLine(path) : nothing}
      </li>
    `;
  }

  /** A row's parameter count, abbreviated past 9,999 ("61.7k") with the exact count in the tooltip. */
  private params(count: number | undefined): TemplateResult {
    return html`<span class="params" title=${count === undefined ? "Parameters" : `${formatCount(count)} parameters`}>${count === undefined ? "" : formatCompact(count)}</span>`;
  }

  private errorLine(path: LayerPath): TemplateResult {
    const error = this.analysis.error!;
    const flatten = getLayer(this.spec, path)?.type === "linear" && error.input && error.input.length !== 1;
    return html`
      <p class="error" role="alert" data-testid="layer-error">
        ${ICONS.warn}<span>${error.detail}</span>
        ${flatten ? html`<button class="fix" data-testid="fix-flatten" ?disabled=${this.disabled} @click=${() => this.commit(addLayer(this.spec, path, { type: "flatten" }), () => this.byTestId(`remove-${pathKey(path)}`))}>Insert Flatten above</button>` : nothing}
      </p>
    `;
  }

  /** The editor of setting `f`; `inline` (an accessible name) draws a select without its visible label. */
  private field(layer: LayerSpec, path: LayerPath, f: Field, inline?: string): TemplateResult {
    const current = (layer as Record<string, unknown>)[f.name];
    const shown = current ?? f.fallback;
    const id = `field-${pathKey(path)}-${f.name}`;
    const change = (e: Event) => this.setField(path, f, e.target as HTMLInputElement | HTMLSelectElement);
    if (f.kind === "checkbox")
      return html`<label class="field check" title=${f.hint}>
        <input type="checkbox" data-testid=${id} .checked=${shown === true} ?disabled=${this.disabled} @change=${change} /><span>${f.label}</span>
      </label>`;
    const options = () => this.options(f, current).map((o) => html`<option value=${o.value} ?selected=${o.value === shown}>${o.label}</option>`);
    if (f.kind === "select" && inline)
      return html`<select class="inline" data-testid=${id} aria-label=${inline} title=${f.hint} ?disabled=${this.disabled} @change=${change}>${options()}</select>`;
    if (f.kind === "select")
      return html`<label class="field" title=${f.hint}>
        <span>${f.label}</span>
        <select data-testid=${id} ?disabled=${this.disabled} @change=${change}>
          ${options()}
        </select>
      </label>`;
    return html`<label class="field" title=${f.hint}>
      <span>${f.label}</span>
      <input type="number" data-testid=${id} .value=${shown === undefined ? "" : String(shown)} placeholder=${f.placeholder ?? ""}
        min=${ifDefined(f.min)} max=${ifDefined(f.max)} step=${f.step ?? "any"} ?required=${f.required} ?disabled=${this.disabled} @change=${change} />
    </label>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-model-builder": ModelBuilder;
  }
  interface HTMLElementEventMap {
    /** The edited (or fitted) model, and whether it builds for the data. */
    "spec-change": CustomEvent<SpecChangeDetail>;
  }
}
