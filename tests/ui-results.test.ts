/**
 * The pure helpers behind the playground's results panel (src/ui/results/): colour maps, the
 * debiased moving average, axis ticks and labels, RGBA conversion, histogram layout, contour
 * tracing, confusion-matrix numbers, the race summary, keyboard movement, frame throttling and the
 * metric chart's series. Node only; the elements themselves are looked at in the browser.
 */
import { describe, expect, it } from "vitest";
import {
  blendClasses,
  contrastRatio,
  diverging,
  hexToRgb,
  luminance,
  PLOT_BACKGROUND,
  readablePair,
  readableText,
  rgbCss,
  SERIES_COLORS,
  sequential,
  seriesColor,
} from "../src/ui/results/colors";
import { cellCount, cellExamples, diagonalShare, rowFractions } from "../src/ui/results/confusion";
import { boundaryLines, zeroCrossings } from "../src/ui/results/contour";
import { Ema } from "../src/ui/results/ema";
import { FrameThrottle } from "../src/ui/results/frame-throttle";
import { columnsOf, moveInGrid } from "../src/ui/results/grid-keys";
import { histogramBars, logFraction, valueToX } from "../src/ui/results/histogram";
import { MAX_LINE_POINTS, MetricSeries } from "../src/ui/results/metric-series";
import { absMax, boundaryToRgba, chwToRgba, filterRgbToRgba, rangeToRgba, signedToRgba, surfaceToRgba, valueRange } from "../src/ui/results/pixels";
import { raceWinner, summarizeRace } from "../src/ui/results/race-summary";
import { className } from "../src/ui/results/test-grid";
import { formatDuration, formatMetric, formatPercent, formatShort, logDecades, niceTicks } from "../src/ui/results/ticks";
import type { BoundaryReport, RaceEpoch } from "../src/worker/protocol";
import { balancedAccuracy } from "../src/worker/reports";

const pixel = (rgba: Uint8ClampedArray, i: number) => Array.from(rgba.slice(4 * i, 4 * i + 4));

describe("colour maps", () => {
  it("parses and prints colours, clamping and rounding", () => {
    expect(hexToRgb("#38bdf8")).toEqual([56, 189, 248]);
    expect(rgbCss([300, -4, 12.6])).toBe("rgb(255, 0, 13)");
    expect(rgbCss([1, 2, 3], 0.5)).toBe("rgba(1, 2, 3, 0.5)");
    expect(seriesColor(SERIES_COLORS.length + 1)).toBe(SERIES_COLORS[1]);
    expect(className(["cat", "dog"], 1)).toBe("dog");
    expect(className([], 7)).toBe("7");
  });

  it("blends class colours by probability and fades unsure cells to the background", () => {
    const colors = [hexToRgb("#ff0000"), hexToRgb("#0000ff")];
    const certain = blendClasses([1, 0], 0, 2, colors, 0.2, 0.6);
    expect(certain[0]).toBeCloseTo(PLOT_BACKGROUND[0] + (255 - PLOT_BACKGROUND[0]) * 0.6);
    expect(certain[2]).toBeCloseTo(PLOT_BACKGROUND[2] * 0.4);
    const unsure = blendClasses([0.5, 0.5], 0, 2, colors, 0.2, 0.6);
    expect(unsure[0]).toBeCloseTo(PLOT_BACKGROUND[0] + (127.5 - PLOT_BACKGROUND[0]) * 0.2);
    expect(unsure[2]).toBeCloseTo(PLOT_BACKGROUND[2] + (127.5 - PLOT_BACKGROUND[2]) * 0.2);
    // Offsets pick the right cell of a [cells, classes] array.
    expect(blendClasses([0, 1, 1, 0], 2, 2, colors)).toEqual(blendClasses([1, 0], 0, 2, colors));
  });

  it("maps signed values through a diverging scale and clamps", () => {
    expect(diverging(0)).toEqual(diverging(Number.NaN));
    expect(diverging(-1)[2]).toBeGreaterThan(diverging(-1)[0]); // blue end
    expect(diverging(1)[0]).toBeGreaterThan(diverging(1)[2]); // orange end
    expect(diverging(5)).toEqual(diverging(1));
    expect(luminance(diverging(0))).toBeLessThan(luminance(diverging(1)));
  });

  it("orders the sequential map from dark to bright", () => {
    const steps = [0, 0.25, 0.5, 0.75, 1].map((t) => luminance(sequential(t)));
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThan(steps[i - 1]);
    expect(sequential(-1)).toEqual(sequential(0));
    expect(sequential(2)).toEqual(sequential(1));
  });
});

describe("Ema", () => {
  it("is debiased: the first value comes back unchanged, then it smooths", () => {
    const e = new Ema(0.9);
    expect(e.value).toBeNaN();
    expect(e.push(2)).toBeCloseTo(2);
    expect(e.push(Number.NaN)).toBeCloseTo(2);
    const v = e.push(4);
    expect(v).toBeCloseTo((0.9 * 0.1 * 2 + 0.1 * 4) / (1 - 0.81));
    e.reset();
    expect(e.value).toBeNaN();
  });

  it("rejects smoothing outside [0, 1)", () => {
    expect(() => new Ema(1)).toThrow(RangeError);
    expect(new Ema(0).push(3)).toBe(3);
  });
});

describe("ticks and labels", () => {
  it("chooses 1-2-5 steps inside the range", () => {
    expect(niceTicks(-1.2, 1.2, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-6, 6, 4)).toEqual([-6, -4, -2, 0, 2, 4, 6]);
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceTicks(0, Number.NaN)).toEqual([]);
  });

  it("spans positive values with whole decades", () => {
    expect(logDecades([0.003, 0.2, 0, Number.NaN])).toEqual([0.001, 0.01, 0.1, 1]);
    expect(logDecades([5, 5])).toEqual([1, 10]);
    expect(logDecades([0, -1])).toEqual([1]);
  });

  it("formats short labels and metrics", () => {
    expect(formatShort(0)).toBe("0");
    expect(formatShort(0.25)).toBe("0.25");
    expect(formatShort(12345)).toBe("12.3k");
    expect(formatShort(0.0003)).toBe("3e-4");
    expect(formatShort(Number.POSITIVE_INFINITY)).toBe("—");
    expect(formatMetric(0.042134)).toBe("0.04213");
    expect(formatMetric(0.00001234)).toBe("1.23e-5");
    expect(formatPercent(0.9731)).toBe("97.3%");
    expect(formatPercent(Number.NaN)).toBe("—");
  });

  it("writes a diverged loss short (no 22-digit numbers) and durations in words", () => {
    expect(formatMetric(4.757655e20)).toBe("4.76e+20");
    expect(formatMetric(123456)).toBe("1.23e+5");
    expect(formatMetric(12345)).toBe("12350");
    expect(formatDuration(0.42)).toBe("0.42 s");
    expect(formatDuration(42.4)).toBe("42 s");
    expect(formatDuration(600)).toBe("10 min");
    expect(formatDuration(4800)).toBe("80 min");
    expect(formatDuration(3600 * 5 + 60 * 20)).toBe("5 h 20 min");
    expect(formatDuration(Number.NaN)).toBe("—");
  });
});

describe("readable text", () => {
  it("computes WCAG contrast and picks the text colour that reaches 4.5:1 on the confusion matrix's cells", () => {
    expect(contrastRatio([255, 255, 255], [0, 0, 0])).toBeCloseTo(21, 6);
    expect(contrastRatio([119, 119, 119], [255, 255, 255])).toBeCloseTo(4.48, 2);
    const red = hexToRgb("#e93e5c");
    expect(readableText(red)).toBe("#0b1120");
    expect(contrastRatio(red, hexToRgb(readableText(red)))).toBeGreaterThanOrEqual(4.5);
    expect(readableText(hexToRgb("#17223a"))).toBe("#f1f5f9");
    const green = hexToRgb("#1e8750"); // neither text colour reaches 4.5:1 on it
    expect(Math.max(contrastRatio(green, hexToRgb("#0b1120")), contrastRatio(green, hexToRgb("#f1f5f9")))).toBeLessThan(4.5);
    const pair = readablePair(green);
    expect(contrastRatio(pair.background, hexToRgb(pair.text))).toBeGreaterThanOrEqual(4.5);
    expect(readablePair(red).background).toEqual(red);
  });
});

describe("RGBA conversion", () => {
  it("reads channel-first images: grey for one channel, RGB for three", () => {
    const grey = new Uint8Array([1, 2, 3, 4, 9, 8, 7, 6]); // two 1×2×2 images
    expect(pixel(chwToRgba(grey, 1, { channels: 1, height: 2, width: 2 }), 0)).toEqual([9, 9, 9, 255]);
    const rgb = new Uint8Array([10, 11, 20, 21, 30, 31]); // one 3×1×2 image
    const out = chwToRgba(rgb, 0, { channels: 3, height: 1, width: 2 });
    expect(pixel(out, 0)).toEqual([10, 20, 30, 255]);
    expect(pixel(out, 1)).toEqual([11, 21, 31, 255]);
  });

  it("finds ranges, skipping non-finite values", () => {
    expect(valueRange([3, Number.NaN, -2, 5], 1, 2)).toEqual([-2, -2]);
    expect(valueRange([])).toEqual([0, 0]);
    expect(absMax([-4, 3])).toBe(4);
  });

  it("colours signed values, ranges, RGB filters and boundaries", () => {
    const signed = signedToRgba([0, -2, 2], 0, 3, 2);
    expect(pixel(signed, 0).slice(0, 3)).toEqual(diverging(0).map(Math.round));
    expect(pixel(signed, 1).slice(0, 3)).toEqual(diverging(-1).map(Math.round));
    const range = rangeToRgba([0, 1, 2], 0, 3, 0, 2);
    expect(pixel(range, 2).slice(0, 3)).toEqual(sequential(1).map(Math.round));
    const filter = filterRgbToRgba([0, 1, 2, 3, 4, 5], 0, 2); // R=[0,1] G=[2,3] B=[4,5]
    expect(pixel(filter, 0)).toEqual([0, 102, 204, 255]);
    expect(pixel(filter, 1)).toEqual([51, 153, 255, 255]);
    const report: BoundaryReport = { step: 1, size: 1, extent: 1, classes: 2, values: new Float32Array([0.9, 0.1]) };
    const colors = [hexToRgb("#ff0000"), hexToRgb("#0000ff")];
    expect(pixel(boundaryToRgba(report, colors), 0).slice(0, 3)).toEqual(blendClasses(report.values, 0, 2, colors).map(Math.round));
    const surface: BoundaryReport = { step: 1, size: 1, extent: 1, classes: 1, values: new Float32Array([-3]) };
    expect(pixel(surfaceToRgba(surface, 3), 0).slice(0, 3)).toEqual(diverging(-1).map(Math.round));
  });
});

describe("histogram layout", () => {
  it("fills the box with the tallest bar full height", () => {
    const bars = histogramBars([1, 4, 2, 0], -1, 1, 100, 40);
    expect(bars.map((b) => b.height)).toEqual([10, 40, 20, 0]);
    expect(bars.map((b) => b.y)).toEqual([30, 0, 20, 40]);
    expect(bars[1]).toMatchObject({ x: 25, width: 25, from: -0.5, to: 0, count: 4 });
    expect(histogramBars([0, 0], 0, 1, 10, 10).every((b) => b.height === 0)).toBe(true);
  });

  it("places values on linear and log axes", () => {
    expect(valueToX(0, -1, 3, 100)).toBe(25);
    expect(valueToX(5, -1, 3, 100)).toBeNull();
    expect(valueToX(0, 1, 1, 100)).toBeNull();
    expect(logFraction(0.01, [0.001, 0.01, 0.1, 1])).toBeCloseTo(1 / 3);
    expect(logFraction(0, [0.001, 1])).toBe(0);
    expect(logFraction(100, [0.001, 1])).toBe(1);
  });
});

describe("decision edges", () => {
  it("interpolates the zero crossing between cell centres", () => {
    // Columns: -1, 1 on both rows: one vertical edge halfway between columns 0 and 1.
    expect(zeroCrossings([-1, 1, -1, 1], 2)).toEqual([0.5, 0, 0.5, 1]);
    expect(zeroCrossings([1, 1, 1, 1], 2)).toEqual([]);
    // -1 and 3: the crossing is a quarter of the way.
    expect(zeroCrossings([-1, 3, -1, 3], 2)).toEqual([0.25, 0, 0.25, 1]);
  });

  it("splits saddles into two segments by the centre's sign", () => {
    const segments = zeroCrossings([1, -1, -1, 1], 2);
    expect(segments).toHaveLength(8);
  });

  it("traces class regions of a probability grid (two classes once)", () => {
    // 2×2 grid, class 0 on the left column.
    const probs = [0.9, 0.1, 0.2, 0.8, 0.9, 0.1, 0.2, 0.8];
    const lines = boundaryLines(probs, 2, 2);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBeCloseTo(0.8 / 1.4);
    expect(boundaryLines(probs, 2, 1)).toEqual([]);
    // Three classes: each class contributes its own edges.
    const three = [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1];
    expect(boundaryLines(three, 2, 3).length).toBeGreaterThan(0);
  });
});

describe("confusion numbers", () => {
  it("normalises rows and measures the diagonal", () => {
    expect(
      rowFractions([
        [3, 1],
        [0, 0],
      ]),
    ).toEqual([
      [0.75, 0.25],
      [0, 0],
    ]);
    expect(
      diagonalShare([
        [3, 1],
        [2, 4],
      ]),
    ).toBeCloseTo(0.7);
    expect(diagonalShare([])).toBeNaN();
  });

  it("shortens counts to fit a cell", () => {
    expect([0, 196, 999, 1000, 1234, 9949, 9950, 12_345, 123_456].map(cellCount)).toEqual(["0", "196", "999", "1k", "1.2k", "9.9k", "10k", "12k", "123k"]);
  });

  it("splits a cell's examples by whether their image is at hand", () => {
    const split = cellExamples(new Int32Array([5, 9, 12]), new Int32Array([1, 9, 5]));
    expect(split.shown).toEqual([
      { index: 5, slot: 2 },
      { index: 9, slot: 1 },
    ]);
    expect(split.other).toEqual([12]);
    expect(cellExamples([4], undefined)).toEqual({ shown: [], other: [4] });
  });
});

describe("race summary", () => {
  const epoch = (entry: number, e: number, valLoss: number, valAccuracy: number): RaceEpoch => ({
    entry,
    epoch: e,
    step: 10 * e,
    train: { loss: valLoss * 0.9, accuracy: valAccuracy },
    val: { loss: valLoss, accuracy: valAccuracy },
  });

  it("takes the last epoch's numbers and the best epoch by validation accuracy", () => {
    const rows = summarizeRace(["SGD", "Adam", "RMSProp"], [epoch(1, 2, 0.3, 0.9), epoch(0, 1, 0.8, 0.6), epoch(1, 1, 0.4, 0.92), epoch(0, 2, 0.7, 0.7)]);
    expect(rows[0]).toMatchObject({ label: "SGD", epochs: 2, valLoss: 0.7, valAccuracy: 0.7, bestEpoch: 2 });
    expect(rows[1]).toMatchObject({ epochs: 2, valLoss: 0.3, valAccuracy: 0.9, bestEpoch: 1 });
    expect(rows[1].trainLoss).toBeCloseTo(0.27);
    expect(rows[2]).toMatchObject({ epochs: 0, bestEpoch: 0 });
    expect(rows[2].valLoss).toBeNaN();
    expect(raceWinner(rows)).toBe(1);
  });

  it("falls back to the validation loss without accuracy", () => {
    const rows = summarizeRace(["a", "b"], [epoch(0, 1, 0.5, Number.NaN), epoch(1, 1, 0.2, Number.NaN), epoch(1, 2, 0.3, Number.NaN)]);
    expect(rows[1].bestEpoch).toBe(1);
    expect(raceWinner(rows)).toBe(1);
    expect(raceWinner(summarizeRace(["a"], []))).toBe(-1);
  });

  it("breaks a tie on accuracy by balanced accuracy (the rare class), before the loss", () => {
    const scored = (entry: number, loss: number, balancedAccuracy: number): RaceEpoch => ({
      ...epoch(entry, 1, loss, 0.95),
      val: { loss, accuracy: 0.95, balancedAccuracy },
    });
    const rows = summarizeRace(["plain", "balanced"], [scored(0, 0.1, 0.6), scored(1, 0.4, 0.9)]);
    expect(rows[1].valBalancedAccuracy).toBe(0.9);
    expect(raceWinner(rows)).toBe(1);
  });

  it("balanced accuracy is the mean recall over the classes present", () => {
    // recalls: 90/100, 5/10; the third class has no examples
    expect(
      balancedAccuracy([
        [90, 10, 0],
        [5, 5, 0],
        [0, 0, 0],
      ]),
    ).toBeCloseTo((0.9 + 0.5) / 2, 12);
  });
});

describe("grid keys", () => {
  it("moves with arrows, Home and End, staying inside", () => {
    expect(moveInGrid("ArrowRight", 2, 9, 3)).toBe(3);
    expect(moveInGrid("ArrowLeft", 0, 9, 3)).toBe(0);
    expect(moveInGrid("ArrowDown", 4, 9, 3)).toBe(7);
    expect(moveInGrid("ArrowDown", 7, 9, 3)).toBe(7);
    expect(moveInGrid("ArrowUp", 1, 9, 3)).toBe(1);
    expect(moveInGrid("End", 1, 9, 3)).toBe(8);
    expect(moveInGrid("Home", 5, 9, 3)).toBe(0);
    expect(moveInGrid("a", 5, 9, 3)).toBeNull();
  });

  it("counts the columns of a wrapped layout", () => {
    expect(columnsOf([{ offsetTop: 0 }, { offsetTop: 0 }, { offsetTop: 0 }, { offsetTop: 80 }])).toBe(3);
    expect(columnsOf([])).toBe(1);
  });
});

describe("FrameThrottle", () => {
  it("runs once per frame however often it is asked", () => {
    const frames: (() => void)[] = [];
    let runs = 0;
    const t = new FrameThrottle(
      () => runs++,
      (cb) => frames.push(cb),
      () => frames.pop(),
    );
    t.request();
    t.request();
    t.request();
    expect(frames).toHaveLength(1);
    expect(t.pending).toBe(true);
    frames.shift()?.();
    expect(runs).toBe(1);
    t.request();
    t.cancel();
    expect(frames).toHaveLength(0);
    expect(t.pending).toBe(false);
  });
});

describe("MetricSeries", () => {
  const steps = (from: number, losses: number[], lr = 0.1) => ({
    steps: Int32Array.from(losses, (_, i) => from + i),
    losses: Float32Array.from(losses),
    lrs: Float32Array.from(losses, () => lr),
    stepsPerSecond: 100,
    epoch: 1,
  });

  it("draws batch losses, their moving average and the epochs' losses on a log scale", () => {
    const s = new MetricSeries("loss", 0.5);
    s.addSteps(steps(1, [1, 0.5, Number.NaN, 0, 0.25]));
    const [smooth, val, train, batch] = s.lines;
    expect(batch.data.map((p) => p.x)).toEqual([1, 2, 5]); // NaN and 0 cannot go on a log scale
    expect(smooth.data[0].y).toBeCloseTo(1);
    expect(smooth.data).toHaveLength(3);
    expect(batch.under).toBe(true);
    s.addEpoch({ epoch: 1, step: 5, lr: 0.1, train: { loss: 0.3, accuracy: 0.9 }, val: { loss: 0.4, accuracy: 0.8 }, seconds: 1 });
    expect(val.data).toEqual([{ x: 5, y: expect.closeTo(0.4) }]);
    expect(train.data).toHaveLength(1);
    expect(s.seriesCount).toBe(4);
    expect(s.pointCount).toBe(8);
    // A step that goes back is dropped, keeping the data sorted.
    s.addSteps(steps(3, [0.1]));
    expect(batch.data).toHaveLength(3);
    s.clear();
    expect(s.pointCount).toBe(0);
  });

  it("keeps a long run's lines to a few thousand points, in the arrays the chart holds, newest point kept", () => {
    const s = new MetricSeries("lr");
    const [lr] = s.lines;
    const held = lr.data; // Chart.js draws this very array
    const total = 10 * MAX_LINE_POINTS + 7;
    for (let from = 1; from <= total; from += 1000)
      s.addSteps(
        steps(
          from,
          Array.from({ length: Math.min(1000, total - from + 1) }, () => 1),
          0.5,
        ),
      );
    expect(lr.data).toBe(held);
    expect(held.length).toBeLessThanOrEqual(MAX_LINE_POINTS);
    expect(held.length).toBeGreaterThan(MAX_LINE_POINTS / 2);
    expect(held[0].x).toBe(1);
    expect(held[held.length - 1].x).toBe(total);
    for (let i = 1; i < held.length; i++) expect(held[i].x).toBeGreaterThan(held[i - 1].x);
  });

  it("draws accuracy per epoch and the learning rate per step", () => {
    const a = new MetricSeries("accuracy");
    a.addSteps(steps(1, [1]));
    a.addEpoch({ epoch: 1, step: 10, lr: 0.1, train: { loss: 0.3, accuracy: 0.9 }, val: { loss: 0.4, accuracy: 0.8 }, seconds: 1 });
    expect(a.lines.map((l) => l.data.length)).toEqual([1, 1]);
    expect(a.lines[1].data[0].y).toBeCloseTo(0.8);
    const lr = new MetricSeries("lr");
    lr.addSteps(steps(1, [1, 2], 0.01));
    expect(lr.lines[0].data.map((p) => p.y)).toEqual([expect.closeTo(0.01), expect.closeTo(0.01)]);
  });

  it("overlays race entries with their own colours, the faint lines beneath", () => {
    const s = new MetricSeries("loss");
    expect(s.addSeries("SGD")).toBe(0);
    expect(s.addSeries("Adam")).toBe(1);
    expect(s.isRace).toBe(true);
    expect(s.lines.filter((l) => l.legend).map((l) => [l.label, l.color])).toEqual([
      ["SGD", SERIES_COLORS[0]],
      ["Adam", SERIES_COLORS[1]],
    ]);
    expect(s.lines.slice(-2).every((l) => l.under)).toBe(true);
    s.addRaceSteps({ entry: 1, steps: Int32Array.of(1, 2), losses: Float32Array.of(1, 0.5) });
    s.addRaceEpoch({ entry: 0, epoch: 1, step: 2, train: { loss: 0.5, accuracy: 0.8 }, val: { loss: 0.6, accuracy: 0.7 } });
    expect(s.seriesCount).toBe(2);
    expect(s.toggle("race-1")).toBe(true);
    expect(s.lines.filter((l) => l.group === "race-1").every((l) => l.hidden)).toBe(true);
    expect(s.toggle("race-1")).toBe(false);

    const acc = new MetricSeries("accuracy");
    acc.addSeries("SGD");
    acc.addRaceEpoch({ entry: 0, epoch: 1, step: 2, train: { loss: 0.5, accuracy: 0.8 }, val: { loss: 0.6, accuracy: 0.7 } });
    expect(acc.lines.map((l) => l.data[0]?.y)).toEqual([expect.closeTo(0.7), expect.closeTo(0.8)]);
    expect(acc.seriesCount).toBe(1);
  });
});
