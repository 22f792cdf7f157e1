/**
 * <dl-layer-stats>: the health of each parameter tensor. Gradient norms as horizontal bars on a log
 * scale (vanishing or exploding gradients stand out by decades), and the distribution of each
 * tensor's weights as a small histogram, with its range and norm, and whether its units differ
 * (all identical after a zero or constant initialisation: the symmetry problem).
 */
import { css, html, LitElement, nothing, svg } from "lit";
import { customElement, property } from "lit/decorators.js";
import type { InsideReport } from "../../worker/protocol";
import { resultStyles } from "./base-styles";
import { histogramBars, logFraction, valueToX } from "./histogram";
import { formatMetric, formatShort, logDecades } from "./ticks";

type LayerReport = InsideReport["layers"][number];

const HIST_WIDTH = 160;
const HIST_HEIGHT = 44;

@customElement("dl-layer-stats")
export class LayerStats extends LitElement {
  static override styles = [
    resultStyles,
    css`
      h3 {
        margin: 0 0 8px;
        font-size: 13px;
        font-weight: 600;
      }
      h3 small {
        font-weight: 400;
        color: var(--muted);
      }
      section + section {
        margin-top: 18px;
      }
      .rows {
        display: grid;
        grid-template-columns: max-content 1fr 64px;
        gap: 5px 10px;
        align-items: center;
        font-size: 12px;
      }
      .name {
        font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace;
        font-size: 11.5px;
        color: var(--muted);
      }
      .track {
        position: relative;
        height: 12px;
        border-radius: 3px;
        background: rgba(148, 163, 184, 0.08);
      }
      .track i {
        position: absolute;
        left: 0;
        top: 0;
        bottom: 0;
        border-radius: 3px;
        background: linear-gradient(90deg, rgba(56, 189, 248, 0.35), #38bdf8);
      }
      .track.bias i {
        background: linear-gradient(90deg, rgba(167, 139, 250, 0.35), #a78bfa);
      }
      .value {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .value.bad {
        color: var(--bad);
      }
      .value.muted,
      .pending {
        color: var(--muted);
      }
      .pending {
        margin: -4px 0 8px;
        font-size: 12px;
      }
      .axis {
        position: relative;
        height: 14px;
        font-size: 10px;
        color: var(--muted);
      }
      .axis span {
        position: absolute;
        transform: translateX(-50%);
      }
      .units {
        margin-top: 2px;
        font-size: 11px;
        color: var(--muted);
      }
      .units.symmetric {
        color: var(--warn);
        font-weight: 600;
      }
      .multiples {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
        gap: 10px;
      }
      figure {
        margin: 0;
        padding: 8px 10px;
        border-radius: 10px;
        background: var(--surface-2);
      }
      figcaption {
        display: flex;
        justify-content: space-between;
        gap: 8px;
        font-size: 11.5px;
        margin-bottom: 4px;
      }
      figcaption span:last-child {
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      svg {
        display: block;
        width: 100%;
        height: 44px;
      }
      .range {
        display: flex;
        justify-content: space-between;
        font-size: 10px;
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** Gradient norms and weight histograms of every parameter tensor (InsideReport). */
  @property({ attribute: false }) inside: InsideReport | null = null;

  /** Before the first step (step 0) the worker has no gradients: their norms are NaN, shown as "–". */
  private gradients(layers: LayerReport[], step: number) {
    const pending = step === 0;
    const decades = logDecades(layers.map((l) => l.gradNorm));
    return html`<section data-testid="grad-norms" data-layers=${layers.length}>
      <h3>Gradient norms <small>per parameter tensor, log scale</small></h3>
      ${pending ? html`<p class="pending" data-testid="grad-pending">Gradients appear after the first training step.</p>` : nothing}
      <div class="rows">
        ${layers.map((l) => {
          const bad = !pending && !Number.isFinite(l.gradNorm);
          const width = Number.isFinite(l.gradNorm) ? 100 * logFraction(l.gradNorm, decades) : 0;
          const value = pending ? "–" : bad ? String(l.gradNorm) : formatShort(l.gradNorm);
          return html`<span class="name">${l.name}</span>
            <span class="track ${l.name.endsWith("bias") ? "bias" : ""}" role="img" aria-label="${l.name} gradient norm ${pending ? "not computed yet" : formatMetric(l.gradNorm)}"><i style="width:${width}%"></i></span>
            <span class="value ${bad ? "bad" : ""} ${pending ? "muted" : ""}">${value}</span>`;
        })}
        ${
          pending
            ? nothing
            : html`<span></span>
              <div class="axis" aria-hidden="true">${decades.map((d, i) => html`<span style="left:${(100 * i) / (decades.length - 1)}%">${formatShort(d)}</span>`)}</div>
              <span></span>`
        }
      </div>
    </section>`;
  }

  private histogram(l: LayerReport) {
    const { min, max, counts } = l.histogram;
    const bars = histogramBars(counts, min, max, HIST_WIDTH, HIST_HEIGHT);
    const zero = valueToX(0, min, max, HIST_WIDTH);
    return html`<figure>
      <figcaption><span class="name">${l.name}</span><span title="weight norm">‖w‖ ${formatShort(l.weightNorm)}</span></figcaption>
      <svg viewBox="0 0 ${HIST_WIDTH} ${HIST_HEIGHT}" preserveAspectRatio="none" role="img" aria-label="Histogram of ${l.name} from ${formatShort(min)} to ${formatShort(max)}">
        ${bars.map((b) => svg`<rect x=${b.x + 0.3} y=${b.y} width=${Math.max(0, b.width - 0.6)} height=${b.height} fill=${l.name.endsWith("bias") ? "#a78bfa" : "#38bdf8"}><title>${formatShort(b.from)} … ${formatShort(b.to)}: ${b.count}</title></rect>`)}
        ${zero === null ? nothing : svg`<line x1=${zero} x2=${zero} y1="0" y2=${HIST_HEIGHT} stroke="rgba(226,232,240,0.45)" stroke-width="1" stroke-dasharray="2 2" vector-effect="non-scaling-stroke"></line>`}
      </svg>
      <div class="range"><span>${formatShort(min)}</span><span>${formatShort(max)}</span></div>
      ${this.units(l)}
    </figure>`;
  }

  /** Units that are copies of each other (a symmetric initialisation) are called out: they cannot learn different features. */
  private units(l: LayerReport) {
    const u = l.units;
    if (!u || u.count < 2) return nothing;
    if (u.distinct === u.count) return html`<div class="units" data-testid="units-${l.name}">${u.count} units, all different</div>`;
    return html`<div class="units symmetric" data-testid="units-${l.name}" title="Units that start equal get equal gradients and stay equal: random initialisation breaks the symmetry">
      ${u.distinct === 1 ? `all ${u.count} units identical` : `${u.count} units, only ${u.distinct} different`}
    </div>`;
  }

  override render() {
    const layers = this.inside?.layers ?? [];
    if (layers.length === 0)
      return html`<div data-testid="layer-stats" data-layers="0"><div class="empty">Layer statistics appear after the first training steps.</div></div>`;
    return html`<div data-testid="layer-stats" data-layers=${layers.length} data-step=${this.inside?.step ?? 0}>
      ${this.gradients(layers, this.inside?.step ?? 0)}
      <section data-testid="weight-histograms" data-layers=${layers.length}>
        <h3>Weights <small>distribution per tensor</small></h3>
        <div class="multiples">${layers.map((l) => this.histogram(l))}</div>
      </section>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-layer-stats": LayerStats;
  }
}
