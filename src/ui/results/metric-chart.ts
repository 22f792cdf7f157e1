/**
 * <dl-metric-chart>: live training curves against the step. Loss mode: each batch faintly, its
 * debiased moving average, and the train and validation loss of each epoch, on a log scale.
 * Accuracy mode: train and validation accuracy per epoch. LR mode: the learning rate. After
 * `addSeries` it is a race chart instead: one colour per optimizer, overlaid, with a legend. It draws
 * a feed (a run's curves, kept by the store): everything in it when given, then each report as it
 * arrives; an `overlay` feed (the run before the last reset) is drawn as one faint line. Reports may
 * arrive at any rate; Chart.js redraws at most once per animation frame.
 */
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, query } from "lit/decorators.js";
import type { EpochReport, RaceEpoch, RaceProgress, StepBatch } from "../../worker/protocol";
import type { Feed, FeedChange } from "../state/feed";
import type { RaceCurveItem } from "../state/race-slice";
import type { TrainCurveItem } from "../state/train-slice";
import { resultStyles } from "./base-styles";
import type { AxisOptions } from "./line-plot";
import { type Line, type MetricMode, MetricSeries } from "./metric-series";
import { PlotController } from "./plot-controller";
import { formatMetric, formatPercent, formatShort } from "./ticks";

const AXES: Record<MetricMode, AxisOptions> = {
  loss: { title: "loss", log: true },
  accuracy: { title: "accuracy", min: 0, max: 1, format: (v) => `${Math.round(100 * v)}%` },
  lr: { title: "learning rate" },
};

const EMPTY: Record<MetricMode, string> = {
  loss: "The loss appears with the first training steps.",
  accuracy: "Accuracy appears after the first epoch.",
  lr: "The learning rate appears with the first training steps.",
};

@customElement("dl-metric-chart")
export class MetricChart extends LitElement {
  static override styles = [
    resultStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 240px;
      }
      .chart {
        display: flex;
        flex-direction: column;
        gap: 6px;
        flex: 1;
        min-height: 0;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 6px;
        min-height: 24px;
      }
      .legend button {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        padding: 2px 8px;
        border-radius: 999px;
        font-size: 12px;
        font-weight: 500;
        color: var(--text);
        background: transparent;
        border-color: transparent;
      }
      .legend button:hover {
        border-color: var(--border);
      }
      .legend button[aria-pressed="false"] {
        opacity: 0.4;
        text-decoration: line-through;
      }
      .swatch {
        width: 14px;
        height: 0;
        border-top: 2px solid;
      }
      .swatch.dot {
        width: 8px;
        height: 8px;
        border: 0;
        border-radius: 50%;
      }
      .value {
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      .note {
        margin-left: auto;
        align-self: center;
        font-size: 11px;
        color: var(--muted);
      }
      .box {
        flex: 1;
        min-height: 180px; /* a long legend (a 12-trial search) grows the chart, never squeezes the plot */
      }
    `,
  ];

  /** What the chart plots: "loss" (log scale), "accuracy" or "lr". Changing it clears the chart. */
  @property({ reflect: true }) mode: MetricMode = "loss";
  /** Smoothing of the moving average of batch losses, in [0, 1); applies from the next clear. */
  @property({ type: Number }) smoothing = 0.9;
  /** The curves to draw: a run's or a race's. */
  @property({ attribute: false }) feed: Feed<TrainCurveItem> | Feed<RaceCurveItem> | null = null;
  /** A previous run's curves, drawn faintly beneath. */
  @property({ attribute: false }) overlay: Feed<TrainCurveItem> | null = null;
  private unsubscribe: (() => void)[] = [];

  @query("canvas") private _canvas!: HTMLCanvasElement;
  private series = new MetricSeries("loss", 0.9);
  private readonly chart = new PlotController(this);

  /** Per-step losses (loss mode) or learning rates (lr mode) of the run. */
  addSteps(batch: StepBatch): void {
    this.current().addSteps(batch);
    this.changed();
  }

  /** An epoch's train and validation loss (loss mode) or accuracy (accuracy mode). */
  addEpoch(report: EpochReport): void {
    this.current().addEpoch(report);
    this.changed();
  }

  /** Adds a race entry with its own colour and legend item; returns its index (RaceProgress.entry). */
  addSeries(label: string): number {
    const entry = this.current().addSeries(label);
    this.chart.plot?.setLines(this.series.lines);
    this.changed();
    return entry;
  }

  /** Step losses of one race entry (loss mode). */
  addRaceSteps(progress: RaceProgress): void {
    this.current().addRaceSteps(progress);
    this.changed();
  }

  /** One race entry's epoch: validation loss (loss mode) or train and validation accuracy (accuracy mode). */
  addRaceEpoch(report: RaceEpoch): void {
    this.current().addRaceEpoch(report);
    this.changed();
  }

  /** Removes every point and race entry. */
  clear(): void {
    this.series = new MetricSeries(this.mode, this.smoothing);
    this.chart.plot?.setLines(this.series.lines);
    this.requestUpdate();
  }

  /** The series for the current mode (a mode change starts a new, empty one). */
  private current(): MetricSeries {
    if (this.series.mode !== this.mode) this.restart();
    return this.series;
  }

  /** New empty series for the mode, and a new plot (its axes depend on the mode) at the next update. */
  private restart(): void {
    this.chart.reset();
    this.series = new MetricSeries(this.mode, this.smoothing);
    this.requestUpdate();
  }

  private changed(): void {
    if (this.chart.plot) this.chart.plot.requestDraw();
    else this.requestUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("mode") && this.series.mode !== this.mode) this.restart();
    if (changed.has("feed") || changed.has("overlay") || changed.has("mode")) this.follow();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const stop of this.unsubscribe.splice(0)) stop();
  }

  /** Draws the feeds from their start and follows them. */
  private follow(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.clear();
    const feed = this.feed as Feed<TrainCurveItem | RaceCurveItem> | null;
    if (feed) {
      for (const item of feed.items) this.take(item);
      this.unsubscribe.push(feed.subscribe((change) => this.onChange(change)));
    }
    const overlay = this.overlay;
    if (overlay) {
      this.drawPrevious(overlay.items);
      this.unsubscribe.push(overlay.subscribe(() => this.drawPrevious(overlay.items)));
    }
  }

  private onChange(change: FeedChange<TrainCurveItem | RaceCurveItem>): void {
    if (change.kind === "clear") {
      const previous = this.overlay?.items;
      this.clear();
      if (previous) this.drawPrevious(previous);
    } else this.take(change.item);
  }

  private take(item: TrainCurveItem | RaceCurveItem): void {
    switch (item.kind) {
      case "steps":
        this.addSteps(item.batch);
        break;
      case "epoch":
        this.addEpoch(item.report);
        break;
      case "series":
        for (const label of item.labels) this.addSeries(label);
        break;
      case "race-steps":
        this.addRaceSteps(item.progress);
        break;
      case "race-epoch":
        this.addRaceEpoch(item.report);
        break;
      default:
        item satisfies never;
    }
  }

  private drawPrevious(items: readonly TrainCurveItem[]): void {
    const previous = new MetricSeries(this.mode, this.smoothing);
    for (const item of items)
      if (item.kind === "steps") previous.addSteps(item.batch);
      else previous.addEpoch(item.report);
    this.current().setPrevious(previous);
    this.chart.plot?.setLines(this.series.lines);
    this.changed();
  }

  protected override updated(): void {
    if (this.chart.plot || !this._canvas) return;
    this.chart.ensure(({ LinePlot }) => {
      const plot = new LinePlot(this._canvas, { x: { title: "step", min: 0, suggestedMax: 10 }, y: AXES[this.mode], drawn: () => this.requestUpdate() });
      plot.setLines(this.series.lines);
      return plot;
    });
  }

  private toggle(group: string): void {
    this.series.toggle(group);
    this.chart.plot?.setLines(this.series.lines);
    this.requestUpdate();
  }

  private latest(line: Line): string {
    const last = line.data[line.data.length - 1];
    if (!last) return "";
    return this.mode === "accuracy" ? formatPercent(last.y) : this.mode === "lr" ? formatShort(last.y) : formatMetric(last.y);
  }

  private legendItem(line: Line) {
    const dot = line.radius > 0 && line.dash.length === 0 && !this.series.isRace;
    return html`<button
      type="button"
      aria-pressed=${line.hidden ? "false" : "true"}
      title=${line.hidden ? `Show ${line.label}` : `Hide ${line.label}`}
      @click=${() => this.toggle(line.group)}
    >
      <span class="swatch ${dot ? "dot" : ""}" style=${dot ? `background:${line.color}` : `border-top-color:${line.color};border-top-style:${line.dash.length ? "dashed" : "solid"}`}></span>
      ${line.label}
      <span class="value">${this.latest(line)}</span>
    </button>`;
  }

  override render() {
    const s = this.series;
    const note = s.isRace && this.mode !== "lr" ? `solid: train${this.mode === "loss" ? " (smoothed)" : ""} · dashed: validation` : "";
    return html`<div class="chart" data-testid="metric-chart-${this.mode}" data-mode=${this.mode} data-series=${s.seriesCount} data-points=${s.pointCount}>
      <div class="legend" role="group" aria-label="Series (press to show or hide)">
        ${s.lines.filter((l) => l.legend && l.data.length > 0).map((l) => this.legendItem(l))}
        ${note ? html`<span class="note">${note}</span>` : nothing}
      </div>
      <div class="box ${s.pointCount === 0 ? "waiting" : ""}">
        <canvas role="img" aria-label=${`${AXES[this.mode].title} against training step`}></canvas>
        ${s.pointCount === 0 ? html`<div class="empty">${EMPTY[this.mode]}</div>` : nothing}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-metric-chart": MetricChart;
  }
}
