/**
 * The data behind a metric chart, DOM-free: which lines a mode draws (loss, accuracy or learning
 * rate; one run or a race of several optimizers), their colours and styles, and the points each
 * report adds. The chart element hands these lines to Chart.js as they are, so the arrays here are
 * the ones drawn.
 */
import type { EpochReport, RaceEpoch, RaceProgress, StepBatch } from "../../worker/protocol";
import { hexToRgb, rgbCss, seriesColor } from "./colors";
import { Ema } from "./ema";

/** What a chart shows: the loss (log scale), the accuracy, or the learning rate, against the step. */
export type MetricMode = "loss" | "accuracy" | "lr";

/** A point in Chart.js's parsed form (x: step). */
export interface XY {
  x: number;
  y: number;
}

/** One drawn line and its style. */
export interface Line {
  label: string;
  /** Lines sharing a group are shown and hidden together (a race entry, or a single line). */
  group: string;
  color: string;
  width: number;
  dash: number[];
  /** Point radius: 0 for per-step lines, a dot for per-epoch ones. */
  radius: number;
  /** Drawn beneath the others (the faint per-batch losses). */
  under: boolean;
  /** Has an entry in the legend. */
  legend: boolean;
  hidden: boolean;
  data: XY[];
}

const TRAIN = "#38bdf8";
const PREVIOUS = "#94a3b8";
const VALIDATION = "#fbbf24";
const LEARNING_RATE = "#a78bfa";

function line(label: string, color: string, style: Partial<Line> = {}): Line {
  return { label, group: label, color, width: 2, dash: [], radius: 0, under: false, legend: true, hidden: false, data: [], ...style };
}

const faint = (hex: string, alpha: number) => rgbCss(hexToRgb(hex), alpha);

/** The lines of one race entry in a mode, and the smoothing of its step losses. */
interface RaceLines {
  ema: Ema;
  smooth?: Line;
  raw?: Line;
  val: Line;
  train?: Line;
}

/** The points of a metric chart for one run (`addSteps`, `addEpoch`) or a race (`addSeries`, `addRaceSteps`, `addRaceEpoch`). */
export class MetricSeries {
  /** The lines in drawing-priority order (first on top), legend order too. */
  lines: Line[] = [];
  private ema: Ema;
  private single: Partial<Record<"smooth" | "val" | "train" | "batch" | "lr", Line>> = {};
  private race: RaceLines[] = [];

  constructor(
    readonly mode: MetricMode,
    readonly smoothing = 0.9,
  ) {
    this.ema = new Ema(smoothing);
    this.clear();
  }

  /** True once `addSeries` has turned this into a race chart. */
  get isRace(): boolean {
    return this.race.length > 0;
  }

  /** How many series have at least one point (race entries in a race, lines otherwise). */
  get seriesCount(): number {
    if (this.isRace) return this.race.filter((r) => [r.smooth, r.raw, r.val, r.train].some((l) => l && l.data.length > 0)).length;
    return this.lines.filter((l) => l.data.length > 0).length;
  }

  /** Points held over all lines (before Chart.js's decimation). */
  get pointCount(): number {
    return this.lines.reduce((n, l) => n + l.data.length, 0);
  }

  /** Empties every line and goes back to a single run with this mode's lines. */
  clear(): void {
    this.ema.reset();
    this.race = [];
    if (this.mode === "loss") {
      this.single = {
        smooth: line("train (smoothed)", TRAIN),
        val: line("validation", VALIDATION, { radius: 3 }),
        train: line("train (epoch)", "#7dd3fc", { width: 1.5, dash: [5, 4], radius: 3 }),
        batch: line("batch", faint(TRAIN, 0.3), { width: 1, under: true }),
      };
    } else if (this.mode === "accuracy") {
      this.single = { train: line("train", TRAIN, { radius: 3 }), val: line("validation", VALIDATION, { radius: 3 }) };
    } else {
      this.single = { lr: line("learning rate", LEARNING_RATE) };
    }
    this.lines = Object.values(this.single) as Line[];
  }

  /** Per-step losses (loss mode) or learning rates (lr mode) of a single run. */
  addSteps(batch: StepBatch): void {
    const { batch: raw, smooth, lr } = this.single;
    for (let i = 0; i < batch.steps.length; i++) {
      const x = batch.steps[i];
      if (this.mode === "lr") push(lr, x, batch.lrs[i], false);
      else if (this.mode === "loss" && push(raw, x, batch.losses[i], true)) push(smooth, x, this.ema.push(batch.losses[i]), true);
    }
  }

  /** The epoch's train and validation loss or accuracy of a single run, at its step. */
  addEpoch(report: EpochReport): void {
    const key = this.mode === "accuracy" ? "accuracy" : "loss";
    if (this.mode === "lr") return;
    push(this.single.train, report.step, report.train[key], this.mode === "loss");
    push(this.single.val, report.step, report.val[key], this.mode === "loss");
  }

  /**
   * The run before the last reset, as one faint line beneath the others (its smoothed loss, its
   * validation accuracy, or its learning rate), for comparing a setting before and after.
   */
  setPrevious(previous: MetricSeries): void {
    const source = previous.single[this.mode === "loss" ? "smooth" : this.mode === "accuracy" ? "val" : "lr"];
    this.lines = this.lines.filter((l) => l.group !== "previous");
    if (!source?.data.length) return;
    const faded = line("previous run", faint(PREVIOUS, 0.55), { group: "previous", width: 1.5, dash: [2, 3], radius: 0, under: true, data: source.data });
    this.lines.push(faded);
  }

  /** Adds a race entry named `label` (the first call turns the chart into a race); returns its index. */
  addSeries(label: string): number {
    if (!this.isRace) this.lines = [];
    const entry = this.race.length;
    const color = seriesColor(entry);
    const group = `race-${entry}`;
    const lines: RaceLines = { ema: new Ema(this.smoothing), val: line(label, color, { group, radius: 3 }) };
    if (this.mode === "loss") {
      lines.smooth = line(label, color, { group });
      lines.val = line(`${label} (validation)`, color, { group, dash: [5, 4], radius: 3, width: 1.5, legend: false });
      lines.raw = line(`${label} (batch)`, faint(color, 0.16), { group, width: 1, under: true, legend: false });
    } else if (this.mode === "accuracy") {
      // As in the loss chart: solid for train, dashed for validation.
      lines.train = line(label, color, { group, radius: 2 });
      lines.val = line(`${label} (validation)`, color, { group, dash: [5, 4], radius: 3, width: 1.5, legend: false });
    }
    this.race.push(lines);
    const top = [lines.smooth, lines.val, lines.train].filter((l): l is Line => l !== undefined);
    this.lines = [...this.lines.filter((l) => !l.under), ...top, ...this.lines.filter((l) => l.under), ...(lines.raw ? [lines.raw] : [])];
    return entry;
  }

  /** Step losses of one race entry (loss mode). */
  addRaceSteps(progress: RaceProgress): void {
    const r = this.race[progress.entry];
    if (!r?.raw || !r.smooth) return;
    for (let i = 0; i < progress.steps.length; i++) {
      const x = progress.steps[i];
      if (push(r.raw, x, progress.losses[i], true)) push(r.smooth, x, r.ema.push(progress.losses[i]), true);
    }
  }

  /** One race entry's epoch: validation loss (loss mode) or train and validation accuracy (accuracy mode). */
  addRaceEpoch(report: RaceEpoch): void {
    const r = this.race[report.entry];
    if (!r || this.mode === "lr") return;
    const key = this.mode === "accuracy" ? "accuracy" : "loss";
    push(r.val, report.step, report.val[key], this.mode === "loss");
    if (r.train) push(r.train, report.step, report.train[key], false);
  }

  /** Shows or hides every line of a legend group; returns the group's new hidden state. */
  toggle(group: string): boolean {
    const members = this.lines.filter((l) => l.group === group);
    const hidden = !members.every((l) => l.hidden);
    for (const l of members) l.hidden = hidden;
    return hidden;
  }
}

/**
 * The most points a line keeps: past it, every other point is dropped (once per doubling, so adding
 * stays O(1) on average), so a run of a million steps holds a few thousand points (the chart draws
 * ~500 after Chart.js's decimation anyway; a screen has fewer pixels than this).
 */
export const MAX_LINE_POINTS = 4000;

/** Drops every other point in place (the chart holds this very array), keeping the first and the newest. */
function halve(points: { x: number; y: number }[]): void {
  let kept = 0;
  for (let i = 0; i < points.length; i += 2) points[kept++] = points[i];
  if (points.length % 2 === 0) points[kept++] = points[points.length - 1];
  points.length = kept;
}

/**
 * Appends (x, y) when y is finite (and positive on a log scale) and x moves forward; a step that
 * goes back (a restarted run) is dropped rather than breaking the sorted order Chart.js relies on.
 */
function push(target: Line | undefined, x: number, y: number, log: boolean): boolean {
  if (!target || !Number.isFinite(y) || (log && y <= 0)) return false;
  const last = target.data[target.data.length - 1];
  if (last && x <= last.x) return false;
  target.data.push({ x, y });
  if (target.data.length > MAX_LINE_POINTS) halve(target.data);
  return true;
}
