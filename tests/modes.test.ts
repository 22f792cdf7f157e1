/**
 * Train mode against eval mode (src/worker/modes.ts): which layers make the difference, a train-mode
 * forward that leaves nothing behind (batch norm's running statistics and the main random stream as
 * they were, so training is unchanged by looking), and the report on a dropout model.
 */
import { describe, expect, it } from "vitest";
import { buildModel } from "../src/nn/build";
import type { ModelSpec } from "../src/nn/spec";
import { tensor } from "../src/ops/creation";
import { withBackend } from "../src/tensor/engine";
import { manualSeed, nextKey } from "../src/tensor/random";
import { makeData } from "../src/train/make";
import { lossByName } from "../src/train/objectives";
import { leastSure, MODE_PASSES, modeLayers, modesReport, TrainModeView } from "../src/worker/modes";
import { cpu32, wasm } from "./helpers/backends";

const withDropoutAndNorm: ModelSpec = {
  layers: [{ type: "linear", units: 16 }, { type: "batchNorm" }, { type: "activation", fn: "relu" }, { type: "dropout", p: 0.5 }, { type: "linear", units: 2 }],
};

describe("train mode vs eval mode", () => {
  it("finds the layers that behave differently in training, inside blocks and as other layers' settings", () => {
    expect(modeLayers(withDropoutAndNorm)).toEqual(["dropout", "batch norm"]);
    expect(
      modeLayers({
        layers: [
          { type: "linear", units: 4 },
          { type: "dropout", p: 0 },
        ],
      }),
    ).toEqual([]);
    expect(modeLayers({ layers: [{ type: "residual", layers: [{ type: "batchNorm" }] }] })).toEqual(["batch norm"]);
    expect(modeLayers({ layers: [{ type: "lstm", units: 8, layers: 2, dropout: 0.2 }] })).toEqual(["dropout"]);
  });

  for (const [name, backend] of [
    ["cpu", async () => cpu32],
    ["wasm", wasm],
  ] as const)
    it(`a train-mode forward leaves batch norm's statistics and the main random stream as they were (${name})`, async () => {
      const b = await backend();
      await withBackend(b, async () => {
        manualSeed(3);
        const { model } = buildModel(withDropoutAndNorm, [2]);
        model.eval();
        const x = tensor(
          Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)),
          { shape: [16, 2] },
        );
        const buffers = async () => Promise.all(model.namedBuffers().map(async ([, t]) => Array.from((await t.data()) as Float32Array)));
        const before = await buffers();
        manualSeed(9);
        const expectedKey = nextKey(); // the draw training would take next
        manualSeed(9);
        const outA = await new TrainModeView(model, 0).forward(x).data();
        const outB = await new TrainModeView(model, 0).forward(x).data();
        const outOther = await new TrainModeView(model, 1).forward(x).data();
        expect(nextKey()).toBe(expectedKey); // the views drew from their own stream
        expect(await buffers()).toEqual(before); // running statistics put back
        expect(model.training).toBe(false); // and the mode
        expect(Array.from(outA)).toEqual(Array.from(outB)); // a stream is reproducible ...
        expect(Array.from(outA)).not.toEqual(Array.from(outOther)); // ... and another stream draws other masks
        expect(Array.from(outA)).not.toEqual(Array.from(await model.forward(x).data())); // eval mode differs
        model.dispose();
      });
    });

  it("shows the example the model is least sure of: the lowest top probability, the first of equals", () => {
    // Rows: top probabilities 0.9, 0.6, 0.7, 0.6 (three classes): rows 1 and 3 tie, row 1 comes first.
    const probabilities = Float32Array.from([0.9, 0.05, 0.05, 0.2, 0.6, 0.2, 0.1, 0.2, 0.7, 0.6, 0.3, 0.1]);
    expect(leastSure(probabilities, 3)).toBe(1);
    expect(leastSure(probabilities.subarray(6), 3)).toBe(1);
    expect(leastSure(probabilities.subarray(0, 3), 3)).toBe(0);
  });

  it("scores the validation examples in both modes, with one example's probabilities per pass and both boundaries", async () => {
    const splits = await makeData({ name: "moons", points: 200, noise: 0.2, seed: 1 });
    const spec: ModelSpec = {
      layers: [
        { type: "linear", units: 32 },
        { type: "activation", fn: "relu" },
        { type: "dropout", p: 0.6 },
        { type: "linear", units: 2 },
      ],
    };
    const backend = await wasm();
    const { model } = withBackend(backend, () => {
      manualSeed(1);
      return buildModel(spec, [2]);
    });
    const report = await modesReport(model, spec, {
      backend,
      val: splits.val,
      loss: lossByName("crossEntropy"),
      batchSize: 16,
      step: 7,
      extent: 2,
      boundaryData: splits.train,
    });
    model.dispose();
    expect(report.layers).toEqual(["dropout"]);
    expect(report.examples).toBe(splits.val.n);
    expect(report.trainAccuracies).toHaveLength(MODE_PASSES);
    expect(new Set(report.trainAccuracies).size).toBeGreaterThan(1); // each pass its own masks
    expect(report.example.eval).toHaveLength(2);
    expect(report.example.label).toBe(splits.val.y[report.example.index]);
    expect(report.example.point).toEqual([splits.val.x[2 * report.example.index], splits.val.x[2 * report.example.index + 1]]); // ringed on the maps
    expect(Math.max(...report.example.eval)).toBeLessThan(0.9); // near the boundary, not an example the model is certain of
    expect(report.example.train).toHaveLength(MODE_PASSES * 2);
    for (let p = 0; p < MODE_PASSES; p++) expect(report.example.train[2 * p] + report.example.train[2 * p + 1]).toBeCloseTo(1, 5);
    expect(report.boundaries?.eval.step).toBe(7);
    expect(Array.from(report.boundaries?.train.values ?? [])).not.toEqual(Array.from(report.boundaries?.eval.values ?? []));
  });
});
