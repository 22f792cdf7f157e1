/**
 * Honest validation and input scaling: every dataset gets a validation split held out of its
 * training data (never the test split), and tables and points can be standardised or min-max
 * scaled with statistics fitted on the training split only (the values below are what
 * scikit-learn's StandardScaler and MinMaxScaler give for the same columns).
 */
import { describe, expect, it } from "vitest";
import { DATA_NAMES, defaultDataConfig, defaultValRatio } from "../src/data/catalog";
import type { Dataset } from "../src/data/dataset";
import { applyScaling, fitScaling } from "../src/data/scaling";
import { exportPyTorchScript } from "../src/io/pytorch-export";
import { type DataConfig, parseConfig } from "../src/train/config";
import { exportPurpose } from "../src/train/experiment";
import { makeData } from "../src/train/make";
import { defaultConfigFor } from "../src/ui/state/experiment";

const table = (rows: number[][]): Dataset => ({
  name: "t",
  task: "classification",
  inputShape: [rows[0].length],
  x: Float32Array.from(rows.flat()),
  y: new Int32Array(rows.length),
  n: rows.length,
  classes: 2,
});

const rowsOf = (ds: Dataset) => Array.from({ length: ds.n }, (_, i) => Array.from(ds.x.subarray(i * ds.inputShape[0], (i + 1) * ds.inputShape[0])).join(","));

describe("scaling", () => {
  const train = table([
    [1, 10, 5],
    [2, 20, 5],
    [3, 30, 5],
    [4, 60, 5],
  ]);

  it("standardises with the training split's mean and population standard deviation (StandardScaler)", () => {
    const s = fitScaling(train, "standard");
    // StandardScaler().fit(X): mean_ [2.5, 30, 5], scale_ [1.11803399, 18.70828693, 1] (a constant column keeps 1)
    expect(s.shift).toEqual([2.5, 30, 5]);
    expect(s.scale[0]).toBeCloseTo(1.11803399, 7);
    expect(s.scale[1]).toBeCloseTo(18.70828693, 6);
    expect(s.scale[2]).toBe(1);
    const scaled = applyScaling(train, s);
    expect(scaled.scaling).toBe(s);
    // transform(X)[:, 0]: [-1.34164079, -0.4472136, 0.4472136, 1.34164079]
    expect(Array.from({ length: 4 }, (_, i) => scaled.x[i * 3])).toEqual([-1.34164079, -0.4472136, 0.4472136, 1.34164079].map((v) => expect.closeTo(v, 6)));
    expect(Array.from({ length: 4 }, (_, i) => scaled.x[i * 3 + 2])).toEqual([0, 0, 0, 0]);
  });

  it("min-max scales the training split to [0, 1] and applies the same shift and scale elsewhere (MinMaxScaler)", () => {
    const s = fitScaling(train, "minmax");
    expect(s).toEqual({ kind: "minmax", shift: [1, 10, 5], scale: [3, 50, 1] });
    const test = applyScaling(table([[7, 0, 6]]), s);
    expect(Array.from(test.x)).toEqual([2, Math.fround(-0.2), 1]); // outside [0, 1]: the test split does not move the fit
  });

  it("refuses pixels and a mismatched table", () => {
    const pixels = { ...train, x: new Uint8Array(12) };
    expect(() => fitScaling(pixels, "standard")).toThrow(/pixel data/);
    expect(() => applyScaling(table([[1, 2]]), fitScaling(train, "standard"))).toThrow(/the scaling has 3 features, "t" has 2/);
  });
});

describe("validation", () => {
  it("every dataset's default config holds out a validation split of its training data", async () => {
    for (const name of DATA_NAMES.filter((n) => n !== "csv" && n !== "mnist" && n !== "fashion-mnist")) {
      const splits = await makeData({ ...defaultDataConfig(name), ...(name === "moby-dick" ? { examples: 300 } : {}) } as DataConfig);
      const held = splits.val.n / (splits.train.n + splits.val.n);
      const ratio = (defaultDataConfig(name) as { valRatio?: number }).valRatio ?? defaultValRatio(name);
      expect(Math.abs(held - ratio), name).toBeLessThan(0.02);
    }
    const mnist = await makeData({ name: "mnist", trainLimit: 200, testLimit: 50 });
    expect([mnist.train.n, mnist.val.n, mnist.test.n]).toEqual([180, 20, 50]);
  });

  it("keeps the validation points apart from the test points, and scales all three splits with the training split's statistics", async () => {
    const splits = await makeData({ name: "moons", points: 400, noise: 0.1, scale: "standard", seed: 3 });
    expect([splits.train.n, splits.val.n, splits.test.n]).toEqual([256, 64, 80]);
    const test = new Set(rowsOf(splits.test));
    expect(rowsOf(splits.val).some((r) => test.has(r))).toBe(false);
    const mean = (ds: Dataset, j: number) => Array.from({ length: ds.n }, (_, i) => ds.x[i * 2 + j]).reduce((a, b) => a + b, 0) / ds.n;
    expect(Math.abs(mean(splits.train, 0))).toBeLessThan(1e-5);
    expect(Math.abs(mean(splits.train, 1))).toBeLessThan(1e-5);
    expect(splits.val.scaling).toBe(splits.train.scaling);
    expect(splits.test.scaling).toBe(splits.train.scaling);
  });

  it("Iris and CSV standardise by default; a config without `scale` is left as it is", async () => {
    expect(defaultDataConfig("iris")).toMatchObject({ scale: "standard" });
    const iris = await makeData(defaultDataConfig("iris"));
    expect(iris.train.scaling?.kind).toBe("standard");
    expect((await makeData({ name: "iris" })).train.scaling).toBeUndefined();
  });

  it("refuses a validation share of 0 (validating on the test split) and a scaling it does not know", () => {
    const config = defaultConfigFor("iris");
    expect(() => parseConfig({ ...config, data: { name: "iris", valRatio: 0 } })).toThrow(/config data\.valRatio: expected a number from 0\.05 to 0\.5, got 0/);
    expect(() => parseConfig({ ...config, data: { name: "iris", scale: "robust" } })).toThrow(
      'config data.scale: expected one of "none", "standard", "minmax", got "robust"',
    );
    expect(() => parseConfig({ ...config, data: { name: "mnist", scale: "standard" } })).toThrow(/config data\.scale: unknown key/);
  });

  it("tells the PyTorch export how the inputs were scaled", async () => {
    const config = defaultConfigFor("iris");
    const splits = await makeData(config.data);
    const script = exportPyTorchScript(config.model, [4], { weightsFile: "w.safetensors", purpose: exportPurpose(config, splits.train.scaling) });
    const shift = splits.train.scaling?.shift.map((v) => Number(v.toPrecision(6))).join(", ");
    expect(script).toContain(`x = (x - torch.tensor([${shift}]))`);
    expect(script).toMatch(/Then standardised \(z-score\) as the playground did/);
  });
});
