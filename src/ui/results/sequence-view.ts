/**
 * <dl-sequence-view>: one test sequence seen from inside the model, from the worker's SequenceInside
 * report. The gradient by input step as bars on a log scale (through a plain RNN the early steps'
 * bars shrink by decades: the vanishing gradient); the first recurrent layer's hidden state as a
 * heatmap of units over steps (blue positive, orange negative); an LSTM's input, forget and output
 * gates (0 to 1) and cell state; each attention head's weights, query steps over key steps; and
 * the model's answer (a forecast beside the truth, class probabilities, or a label per step). The
 * steps are labelled with their tokens (or numbers).
 */
import { css, html, LitElement, nothing, svg } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { spell } from "../../data/spell";
import type { SequenceInside } from "../../worker/protocol";
import { fire } from "../events";
import { resultStyles } from "./base-styles";

/** Background of the cards, which the heatmaps fade into. */
const BASE = [15, 23, 42];
const BLUE = [59, 130, 246];
const ORANGE = [249, 115, 22];
const CYAN = [56, 189, 248];

const mix = (to: number[], k: number) => to.map((c, i) => Math.round(BASE[i] + (c - BASE[i]) * Math.max(0, Math.min(1, k))));

/**
 * A heatmap of `values` [rows, cols] (row-major) as a PNG data URL, one pixel per cell: diverging
 * (blue above 0, orange below, by |v| / max|v|) or sequential over [0, 1].
 */
function heatmapUrl(values: ArrayLike<number>, rows: number, cols: number, scale: "diverging" | "unit"): string {
  const canvas = document.createElement("canvas");
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext("2d");
  if (!ctx) return "";
  let peak = 0;
  for (let i = 0; i < rows * cols; i++) if (Number.isFinite(values[i])) peak = Math.max(peak, Math.abs(values[i]));
  const image = ctx.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const v = values[i];
    const rgb = scale === "unit" ? mix(CYAN, v) : mix(v >= 0 ? BLUE : ORANGE, peak ? Math.abs(v) / peak : 0);
    image.data.set([...rgb, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
  return canvas.toDataURL();
}

/** [T, U] (steps, units) as [U, T]: units down, steps across. */
function unitsOverSteps(values: ArrayLike<number>, steps: number, units: number, offset = 0): Float32Array {
  const out = new Float32Array(units * steps);
  for (let t = 0; t < steps; t++) for (let u = 0; u < units; u++) out[u * steps + t] = values[offset + t * units + u];
  return out;
}

const GATES = ["input gate", "forget gate", "output gate", "cell state"];

/** The width of a view of `steps` steps: whole pixels per step, from `least` to `most`, within `budget` where it can. */
const stepsWidth = (steps: number, budget: number, least: number, most: number) => Math.max(least, Math.min(most, Math.floor(budget / steps))) * steps;

/** The observed series, then the true continuation (line) and the forecast (dots), on one scale. */
function forecastChart(series: number[], truth: number[], predicted: number[]) {
  const [w, h] = [420, 90];
  const all = [...series, ...truth, ...predicted].filter(Number.isFinite);
  const [low, high] = [Math.min(...all), Math.max(...all)];
  const span = high - low || 1;
  const n = series.length + truth.length;
  const x = (t: number) => ((t / Math.max(n - 1, 1)) * (w - 8) + 4).toFixed(1);
  const y = (v: number) => (h - 6 - ((v - low) / span) * (h - 12)).toFixed(1);
  const line = (values: number[], from: number) => values.map((v, k) => `${x(from + k)},${y(v)}`).join(" ");
  return svg`<svg class="forecast" viewBox="0 0 ${w} ${h}" width=${w} height=${h} role="img" data-testid="forecast"
      aria-label="The series, its true continuation and the model's forecast">
    <polyline class="seen" points=${line(series, 0)} />
    <polyline class="truth" points=${line([series[series.length - 1], ...truth], series.length - 1)} />
    ${predicted.map((v, k) => svg`<circle cx=${x(series.length + k)} cy=${y(v)} r="3" />`)}
  </svg>`;
}

@customElement("dl-sequence-view")
export class SequenceView extends LitElement {
  static override styles = [
    resultStyles,
    css`
      :host {
        display: grid;
        gap: 14px;
        min-width: 0;
      }
      h3 {
        margin: 0 0 6px;
        font-size: 13px;
        font-weight: 600;
      }
      h3 small {
        font-weight: 400;
        color: var(--muted);
      }
      .maps {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
      }
      figure {
        margin: 0;
        min-width: 0;
      }
      figcaption {
        font-size: 11px;
        color: var(--muted);
        margin-top: 3px;
      }
      img.heat {
        display: block;
        image-rendering: pixelated;
        border-radius: 4px;
        border: 1px solid var(--border);
      }
      .axis {
        display: grid;
        font: 10px ui-monospace, "SF Mono", Menlo, Consolas, monospace;
        color: var(--muted);
        text-align: center;
        overflow: hidden;
      }
      .axis span {
        overflow: hidden;
        white-space: nowrap;
      }
      .bars {
        display: flex;
        align-items: flex-end;
        gap: 2px;
        height: 70px;
        border-bottom: 1px solid var(--border);
      }
      .bars span {
        flex: 1;
        background: var(--accent);
        border-radius: 2px 2px 0 0;
        min-height: 1px;
      }
      .note {
        font-size: 11.5px;
        color: var(--muted);
        margin: 4px 0 0;
      }
      p.example {
        display: flex;
        align-items: center;
        gap: 6px;
        flex-wrap: wrap;
      }
      p.example button.icon {
        padding: 0 8px;
        line-height: 20px;
        font-size: 14px;
      }
      .sampler {
        display: flex;
        align-items: center;
        gap: 12px;
        font-size: 12px;
        flex-wrap: wrap;
      }
      .sampler input {
        vertical-align: middle;
        width: 140px;
      }
      p.samples {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 12px;
        margin: 8px 0 0;
        font-size: 13px;
      }
      p.samples.text {
        flex-direction: column;
      }
      p.samples.text code,
      p.example code {
        overflow-wrap: anywhere;
      }
      p.samples.text code::before {
        content: "…";
        color: var(--muted);
      }
      .probs {
        display: grid;
        grid-template-columns: max-content minmax(80px, 260px) max-content;
        gap: 4px 8px;
        align-items: center;
        font-size: 12px;
      }
      .probs .bar {
        height: 8px;
        background: var(--surface-2);
        border-radius: 4px;
        overflow: hidden;
      }
      .probs .bar i {
        display: block;
        height: 100%;
        background: var(--muted);
      }
      .probs .bar i.true {
        background: var(--accent);
      }
      .probs .pct {
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      .steps {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 2px 8px;
        font-size: 12px;
        align-items: baseline;
      }
      .steps .label {
        color: var(--muted);
        font-size: 11px;
      }
      .steps code {
        font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace;
        letter-spacing: 0.08em;
      }
      .steps b {
        font-weight: 500;
      }
      .steps b.ok {
        color: var(--good, #34d399);
      }
      .steps b.miss {
        color: var(--bad, #f87171);
      }
      svg.forecast polyline {
        fill: none;
        stroke-width: 1.5;
      }
      svg.forecast polyline.seen {
        stroke: var(--muted);
      }
      svg.forecast polyline.truth {
        stroke: var(--accent);
      }
      svg.forecast circle {
        fill: var(--warn);
      }
    `,
  ];

  @property({ attribute: false }) report: SequenceInside | null = null;
  /** How many test sequences there are to step through. */
  @property({ type: Number }) tests = 1;
  /** A character model: offer names, or passages going on from a window of the text, sampled from it at a temperature. */
  @property({ attribute: false }) generates: "names" | "text" | null = null;
  /** The names or passages drawn last. */
  @property({ attribute: false }) samples: { temperature: number; step: number; names: string[] } | null = null;
  @state() private _temperature = 0.8;

  /** Names or passages drawn from the model at a temperature: low gives safe, common text; high, wild. */
  private sampler() {
    const s = this.samples;
    const what = this.generates === "text" ? "text" : "names";
    return html`<h3>${what === "text" ? "Text" : "Names"} from the model <small>one character at a time from the model's scores, softened by the temperature</small></h3>
      <div class="sampler">
        <label>temperature <b>${this._temperature.toFixed(1)}</b>
          <input type="range" min="0.1" max="2" step="0.1" .value=${String(this._temperature)} data-testid="temperature"
            @input=${(e: Event) => (this._temperature = Number((e.target as HTMLInputElement).value))} />
        </label>
        <button data-testid="sample" @click=${() => fire(this, "sample-request", { temperature: this._temperature, count: what === "text" ? 2 : 12 })}>Sample ${what}</button>
      </div>
      ${
        s
          ? html`<p class="samples ${what}" data-testid="samples">${s.names.map((n) => html`<code>${n || "(empty)"}</code>`)}</p>
            <p class="note">At temperature ${s.temperature.toFixed(1)}, after step ${s.step.toLocaleString("en-US")}.</p>`
          : nothing
      }`;
  }

  /** Step labels under a map `width` pixels wide. */
  private axis(steps: string[], width: number) {
    return html`<div class="axis" style="width:${width}px;grid-template-columns:repeat(${steps.length}, minmax(0, 1fr))" aria-hidden="true">
      ${steps.map((s) => html`<span>${s === " " ? "·" : s}</span>`)}
    </div>`;
  }

  private gradient(r: SequenceInside) {
    const g = Array.from(r.gradient);
    const positive = g.filter((v) => v > 0);
    if (!positive.length) return html`<p class="note">The gradient by step appears once the loss depends on the inputs.</p>`;
    const [low, high] = [Math.min(...positive), Math.max(...positive)];
    const decades = Math.max(Math.log10(high / low), 1e-9);
    const width = stepsWidth(g.length, 600, 3, 16);
    const ratio = g[0] > 0 && g[g.length - 1] > 0 ? g[0] / g[g.length - 1] : Number.NaN;
    return html`
      <h3>Gradient by input step <small>|∂loss/∂x<sub>t</sub>| over 32 test sequences, log scale, ${low.toExponential(1)} to ${high.toExponential(1)}</small></h3>
      <div class="bars" style="width:${width}px;gap:${width / g.length >= 8 ? 2 : 1}px" data-testid="step-gradients" role="img"
        aria-label=${`Gradient by step, from ${g[0].toExponential(1)} at the first step to ${g[g.length - 1].toExponential(1)} at the last`}>
        ${g.map((v) => html`<span style="height:${v > 0 ? (8 + (92 * Math.log10(v / low)) / decades).toFixed(1) : 0}%" title=${v.toExponential(2)}></span>`)}
      </div>
      ${this.axis(r.steps, width)}
      ${Number.isFinite(ratio) ? html`<p class="note">The first step moves the loss ${ratio >= 1 ? `${ratio.toPrecision(2)}×` : `1/${(1 / ratio).toPrecision(2)} as much as`} the last.</p>` : nothing}
    `;
  }

  private hiddenState(r: SequenceInside) {
    const h = r.hidden;
    if (!h) return nothing;
    const T = r.steps.length;
    /** A units-over-steps map `width` wide, at most 120 pixels tall. */
    const map = (values: ArrayLike<number>, units: number, scale: "diverging" | "unit", label: string, width: number, testid?: string) => html`<figure>
      <img class="heat" data-testid=${testid ?? nothing} alt=${label} src=${heatmapUrl(values, units, T, scale)} width=${width} height=${Math.min(120, Math.max(units * 3, 24))} />
      ${this.axis(r.steps, width)}
      <figcaption>${label}</figcaption>
    </figure>`;
    const wide = stepsWidth(T, 600, 2, 16);
    const narrow = stepsWidth(T, 280, 2, 10);
    const gates = r.gates;
    return html`
      <h3>Hidden state <small>${h.layer}: ${h.units} units (rows) × ${T} steps</small></h3>
      <div class="maps">${map(unitsOverSteps(h.values, T, h.units), h.units, "diverging", "hidden state h", wide, "hidden-state")}</div>
      ${
        gates
          ? html`<h3>LSTM gates <small>what each unit lets in, keeps and lets out at each step (dark 0, bright 1)</small></h3>
            <div class="maps" data-testid="lstm-gates">
              ${GATES.map((name, g) => map(unitsOverSteps(gates.values, T, gates.units, g * T * gates.units), gates.units, g < 3 ? "unit" : "diverging", name, narrow))}
            </div>`
          : nothing
      }
    `;
  }

  private attention(r: SequenceInside) {
    const a = r.attention;
    if (!a) return nothing;
    const T = r.steps.length;
    const cell = stepsWidth(T, 280, 2, 14) / T;
    return html`
      <h3>Attention <small>${a.layer}: each row is a step (query) spreading its attention over the steps (keys)</small></h3>
      <div class="maps" data-testid="attention-maps">
        ${Array.from(
          { length: a.heads },
          (_, head) => html`<figure>
            <img class="heat" alt=${`attention of head ${head + 1}`} src=${heatmapUrl(a.values.subarray(head * T * T, (head + 1) * T * T), T, T, "unit")} width=${T * cell} height=${T * cell} />
            ${this.axis(r.steps, T * cell)}
            <figcaption>head ${head + 1}</figcaption>
          </figure>`,
        )}
      </div>
    `;
  }

  /** What the model answers for the example: a forecast beside the truth, class probabilities, or labels per step. */
  private output(r: SequenceInside) {
    const o = r.output;
    if (o.kind === "class") {
      const ranked = o.probabilities
        .map((p, c) => ({ p, c }))
        .sort((a, b) => b.p - a.p)
        .slice(0, 5);
      return html`<h3>Prediction <small>the model's probability for each class; the true one marked ✓</small></h3>
        <div class="probs" data-testid="sequence-prediction">
          ${ranked.map(
            ({ p, c }) => html`<span class="name">${o.classNames[c] ?? c}${c === o.truth ? " ✓" : ""}</span>
              <span class="bar"><i style="width:${(100 * p).toFixed(1)}%" class=${c === o.truth ? "true" : ""}></i></span>
              <span class="pct">${(100 * p).toFixed(1)}%</span>`,
          )}
        </div>`;
    }
    if (o.kind === "steps") {
      const right = o.predicted.filter((p, t) => p === o.truth[t]).length;
      return html`<h3>Prediction <small>a label per step: ${right} of ${o.truth.length} right</small></h3>
        <div class="steps" data-testid="sequence-prediction">
          <span class="label">predicted</span><code>${o.predicted.map((p, t) => html`<b class=${p === o.truth[t] ? "ok" : "miss"}>${p}</b>`)}</code>
          <span class="label">true</span><code>${o.truth.map((p) => html`<b>${p}</b>`)}</code>
        </div>`;
    }
    const format = (values: number[]) => values.map((v) => v.toFixed(2)).join(", ");
    return html`<h3>Prediction <small>true ${format(o.truth)} · predicted ${format(o.predicted)}</small></h3>
      ${o.continues ? forecastChart(o.series, o.truth, o.predicted) : nothing}`;
  }

  override render() {
    const r = this.report;
    if (!r) return html`<p class="note">The view inside the sequence appears with the first report.</p>`;
    return html`
      <p class="note example">
        <button class="icon" aria-label="The previous test sequence" ?disabled=${r.index === 0} data-testid="sequence-previous"
          @click=${() => fire(this, "sequence-example", { index: r.index - 1 })}>‹</button>
        <button class="icon" aria-label="The next test sequence" ?disabled=${r.index + 1 >= this.tests} data-testid="sequence-next"
          @click=${() => fire(this, "sequence-example", { index: r.index + 1 })}>›</button>
        Test sequence <b data-testid="sequence-index">${r.index + 1}</b> at step ${r.step.toLocaleString("en-US")}${
          r.steps.some((s) => !/^\d+$/.test(s)) ? html`: <code>${spell(r.steps)}</code>` : nothing
        }</p>
      ${this.generates !== null ? html`<div>${this.sampler()}</div>` : nothing}
      <div>${this.output(r)}</div>
      <div>${this.gradient(r)}</div>
      ${r.hidden ? html`<div>${this.hiddenState(r)}</div>` : nothing}
      ${r.attention ? html`<div>${this.attention(r)}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-sequence-view": SequenceView;
  }
  interface HTMLElementEventMap {
    /** Names or passages sampled from the character model at this temperature, please. */
    "sample-request": CustomEvent<{ temperature: number; count: number }>;
    /** Show this test sequence inside the model. */
    "sequence-example": CustomEvent<{ index: number }>;
  }
}
