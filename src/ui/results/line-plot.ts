/**
 * The one place the results panel touches Chart.js (DESIGN §7): a line plot over `Line`s with no
 * animation, no parsing, normalized sorted data, decimation, the dark theme, and `update('none')` at
 * most once per animation frame. Elements describe axes and lines; this draws them.
 */
import { Chart, Decimation, Filler, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, type ScaleOptions, Tooltip } from "chart.js";
import { FrameThrottle } from "./frame-throttle";
import type { Line, XY } from "./metric-series";
import { formatShort } from "./ticks";

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Decimation, Filler);

/** One axis: its title, log or linear, fixed bounds, and how tick values read. */
export interface AxisOptions {
  title: string;
  log?: boolean;
  min?: number;
  max?: number;
  /** The axis reaches at least this far while the data do not (a step axis before many steps). */
  suggestedMax?: number;
  format?: (value: number) => string;
}

export interface PlotOptions {
  x: AxisOptions;
  y: AxisOptions;
  /** Formats a value in the tooltip (defaults to the y axis's format). */
  tooltip?: (value: number) => string;
  /** Called after every redraw (the element updates its data attributes there). */
  drawn?: () => void;
}

const GRID = "rgba(148, 163, 184, 0.1)";
const TICK = "#8b9ab5";
const FONT = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 11 };

/**
 * Tick labels of a log axis: only 1, 2 and 5 times a power of ten, so they never crowd, unless the
 * axis spans less than a decade (a loss that has barely moved), where every tick is labelled.
 */
function logTick(value: number, ticks: { value: number }[]): string {
  const values = ticks.map((t) => t.value).filter((v) => v > 0);
  if (values.length && Math.max(...values) / Math.min(...values) < 10) return String(Number(value.toPrecision(4)));
  const mantissa = Number((value / 10 ** Math.floor(Math.log10(value) + 1e-9)).toPrecision(3));
  return mantissa === 1 || mantissa === 2 || mantissa === 5 ? formatShort(value) : "";
}

function scale(axis: AxisOptions): ScaleOptions<"linear" | "logarithmic"> {
  // Chart.js's own labels suit linear axes (they share the tick step's precision); log axes keep 1-2-5.
  const format: ((v: number, ticks: { value: number }[]) => string) | undefined = axis.format ?? (axis.log ? logTick : undefined);
  return {
    type: axis.log ? "logarithmic" : "linear",
    min: axis.min,
    max: axis.max,
    suggestedMax: axis.suggestedMax,
    title: { display: true, text: axis.title, color: TICK, font: FONT },
    grid: { color: GRID },
    border: { color: "rgba(148, 163, 184, 0.25)" },
    ticks: {
      color: TICK,
      font: FONT,
      maxTicksLimit: 7,
      autoSkipPadding: 12,
      ...(format ? { callback: (v: number | string, _: number, ticks: { value: number }[]) => format(Number(v), ticks) } : {}),
    },
  } as ScaleOptions<"linear" | "logarithmic">;
}

/** A Chart.js line chart on `canvas`, drawing `Line` arrays in place; `requestDraw()` after changing them. */
export class LinePlot {
  private readonly chart: Chart<"line", XY[]>;
  private readonly throttle = new FrameThrottle(() => this.draw());

  constructor(
    canvas: HTMLCanvasElement,
    private readonly options: PlotOptions,
  ) {
    const tooltipFormat = options.tooltip ?? options.y.format ?? formatShort;
    this.chart = new Chart<"line", XY[]>(canvas, {
      type: "line",
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: "x",
        spanGaps: true,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        elements: { line: { tension: 0 }, point: { radius: 0, hoverRadius: 4 } },
        plugins: {
          decimation: { enabled: true, algorithm: "lttb", samples: 500, threshold: 1000 },
          legend: { display: false },
          tooltip: {
            backgroundColor: "rgba(11, 17, 32, 0.94)",
            borderColor: "#24314d",
            borderWidth: 1,
            titleColor: "#e2e8f0",
            bodyColor: "#cbd5e1",
            titleFont: FONT,
            bodyFont: FONT,
            padding: 8,
            callbacks: {
              title: (items) => (items.length ? `${options.x.title} ${formatShort(items[0].parsed.x ?? Number.NaN)}` : ""),
              label: (item) => ` ${item.dataset.label}: ${tooltipFormat(item.parsed.y ?? Number.NaN)}`,
            },
          },
        },
        scales: { x: scale(options.x), y: scale(options.y) },
      },
    });
  }

  /** Replaces the drawn lines (their `data` arrays are drawn in place) and schedules a redraw. */
  setLines(lines: readonly Line[]): void {
    this.chart.data.datasets = lines.map((l) => ({
      label: l.label,
      data: l.data,
      borderColor: l.color,
      backgroundColor: l.color,
      borderWidth: l.width,
      borderDash: l.dash,
      pointRadius: l.radius,
      pointHoverRadius: l.radius + 2,
      pointBorderWidth: 0,
      hidden: l.hidden,
      order: l.under ? 1 : 0,
      fill: false,
    }));
    this.requestDraw();
  }

  /** Fills the area under line `index` with `color` (the ROC curve). */
  fillUnder(index: number, color: string): void {
    const dataset = this.chart.data.datasets[index];
    if (!dataset) return;
    dataset.fill = "origin";
    dataset.backgroundColor = color;
    this.requestDraw();
  }

  /** Redraws on the next animation frame (once, however often this is called before it). */
  requestDraw(): void {
    this.throttle.request();
  }

  private draw(): void {
    this.chart.update("none");
    this.options.drawn?.();
  }

  destroy(): void {
    this.throttle.cancel();
    this.chart.destroy();
  }
}
