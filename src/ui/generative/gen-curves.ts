/**
 * <dl-gen-curves>: the live curves of a generative run against the iteration. A GAN: D's and G's
 * losses on one chart, D's accuracy on real and on generated examples on another (both near 50%
 * is the balance the game seeks; both near 100% means D has won). An autoencoder: the loss with
 * its reconstruction and (VAE) KL terms, from the feed the store keeps of the run.
 */
import { css, html, LitElement } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import type { GenerativeSteps } from "../../worker/generative-protocol";
import type { LinePlot } from "../results/line-plot";
import type { Line, XY } from "../results/metric-series";
import { loadLinePlot } from "../results/plot-controller";
import { formatPercent } from "../results/ticks";
import type { Feed } from "../state/feed";

/** Each series: its step-batch column, label and colour, and which chart it is on. */
const SERIES: Record<string, { label: string; color: string; chart: 0 | 1 }> = {
  dLoss: { label: "D loss", color: "#c084fc", chart: 0 },
  gLoss: { label: "G loss", color: "#38bdf8", chart: 0 },
  dRealAccuracy: { label: "D accuracy on real", color: "#34d399", chart: 1 },
  dFakeAccuracy: { label: "D accuracy on generated", color: "#c084fc", chart: 1 },
  loss: { label: "loss", color: "#38bdf8", chart: 0 },
  reconstruction: { label: "reconstruction", color: "#34d399", chart: 0 },
  kl: { label: "KL", color: "#f97316", chart: 0 },
};

const line = (label: string, color: string): Line => ({
  label,
  group: label,
  color,
  width: 1.6,
  dash: [],
  radius: 0,
  under: false,
  legend: true,
  hidden: false,
  data: [],
});

@customElement("dl-gen-curves")
export class GenCurves extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(260px, 1fr));
      gap: 14px;
    }
    .chart {
      height: 200px;
      position: relative;
    }
    .legend {
      display: flex;
      gap: 12px;
      font-size: 12px;
      color: #8b9ab5;
      margin-bottom: 4px;
    }
    .legend i {
      display: inline-block;
      width: 12px;
      height: 3px;
      border-radius: 2px;
      margin-right: 5px;
      vertical-align: 3px;
    }
  `;

  /** "gan" draws two charts (losses, D accuracy); an autoencoder one. */
  @property() kind: "gan" | "autoencoder" | "vae" = "gan";
  /** The run's iterations (kept by the store): drawn from the start, then as they come. */
  @property({ attribute: false }) feed: Feed<GenerativeSteps> | null = null;
  private unsubscribe: (() => void) | null = null;
  @query("#c0") private _c0!: HTMLCanvasElement;
  @query("#c1") private _c1!: HTMLCanvasElement;
  private plots: LinePlot[] = [];
  private lines = new Map<string, Line>();

  protected override firstUpdated(): void {
    this.build();
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has("kind") && changed.get("kind") !== undefined) this.build();
    else if (changed.has("feed") && changed.get("feed") !== undefined) this.follow();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.build();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const p of this.plots) p.destroy();
    this.plots = [];
  }

  /** Draws the feed from its start and follows it. */
  private follow(): void {
    this.unsubscribe?.();
    this.clear();
    const feed = this.feed;
    if (!feed) return;
    for (const batch of feed.items) this.addSteps(batch);
    this.unsubscribe = feed.subscribe((change) => (change.kind === "clear" ? this.clear() : this.addSteps(change.item)));
  }

  private addSteps(batch: GenerativeSteps): void {
    batch.names.forEach((name, k) => {
      const target = this.lines.get(name);
      if (!target) return;
      const column = batch.values[k];
      for (let i = 0; i < batch.steps.length; i++) if (Number.isFinite(column[i])) target.data.push({ x: batch.steps[i], y: column[i] } as XY);
    });
    for (const p of this.plots) p.requestDraw();
    this.dataset.points = String([...this.lines.values()].reduce((n, l) => n + l.data.length, 0));
  }

  private clear(): void {
    for (const l of this.lines.values()) l.data.length = 0;
    for (const p of this.plots) p.requestDraw();
    this.dataset.points = "0";
  }

  /** New plots for the kind (Chart.js loads with the first chart); the feed is drawn into them. */
  private build(): void {
    void loadLinePlot().then(({ LinePlot }) => {
      if (!this.isConnected) return;
      this.makePlots(LinePlot);
      this.follow();
    });
  }

  private makePlots(LinePlot: typeof import("../results/line-plot").LinePlot): void {
    for (const p of this.plots) p.destroy();
    const names =
      this.kind === "gan" ? ["dLoss", "gLoss", "dRealAccuracy", "dFakeAccuracy"] : this.kind === "vae" ? ["loss", "reconstruction", "kl"] : ["loss"];
    this.lines = new Map(names.map((n) => [n, line(SERIES[n].label, SERIES[n].color)]));
    const on = (chart: 0 | 1) => names.filter((n) => SERIES[n].chart === chart).map((n) => this.lines.get(n) as Line);
    const x = { title: "iteration" };
    this.plots = [new LinePlot(this._c0, { x, y: { title: this.kind === "gan" ? "loss" : "loss per example", log: this.kind !== "gan" } })];
    this.plots[0].setLines(on(0));
    if (this.kind === "gan") {
      this.plots.push(
        new LinePlot(this._c1, { x, y: { title: "D accuracy", min: 0, max: 1, format: (v) => `${Math.round(v * 100)}%` }, tooltip: formatPercent }),
      );
      this.plots[1].setLines(on(1));
    }
    this.requestUpdate();
  }

  private legend(chart: 0 | 1) {
    return [...this.lines.entries()]
      .filter(([n]) => SERIES[n].chart === chart)
      .map(([, l]) => html`<span><i style="background:${l.color}"></i>${l.label}</span>`);
  }

  override render() {
    return html`
      <div><div class="legend">${this.legend(0)}</div><div class="chart"><canvas id="c0" data-testid="gen-loss-chart"></canvas></div></div>
      <div ?hidden=${this.kind !== "gan"}><div class="legend">${this.legend(1)}</div><div class="chart"><canvas id="c1"></canvas></div></div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-gen-curves": GenCurves;
  }
}
