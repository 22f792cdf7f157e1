/**
 * The symmetry problem, made visible: with every weight of a layer equal at the start (all zeros, or
 * a constant), its units get equal gradients and stay equal through training, bit for bit, on every
 * backend; with zeros no gradient reaches the hidden layers at all. The inside report counts how
 * many of a layer's units differ, which is what the page shows under each weight histogram.
 */
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend";
import { buildModel } from "../src/nn/build";
import { CONSTANT_INIT, type InitScheme } from "../src/nn/init";
import type { ModelSpec } from "../src/nn/spec";
import { withBackend } from "../src/tensor/engine";
import { manualSeed } from "../src/tensor/random";
import { makeData, makeOptimizer } from "../src/train/make";
import { lossByName } from "../src/train/objectives";
import { Trainer } from "../src/train/trainer";
import { distinctUnits, insideReport } from "../src/worker/inside";
import { cpu32, wasm, webgpu } from "./helpers/backends";

const spec = (init: InitScheme): ModelSpec => ({
  layers: [
    { type: "linear", units: 12 },
    { type: "activation", fn: "tanh" },
    { type: "linear", units: 12 },
    { type: "activation", fn: "tanh" },
    { type: "linear", units: 3 },
  ],
  init,
});

/** Trains `init`'s model on the spiral for 2 epochs and returns its inside report and first weight. */
async function trained(backend: Backend, init: InitScheme) {
  const splits = await makeData({ name: "spiral", points: 150, classes: 3, noise: 0.1, seed: 1 });
  return withBackend(backend, async () => {
    manualSeed(1);
    const { model } = buildModel(spec(init), [2]);
    const optimizer = makeOptimizer({ name: "adam", lr: 0.02 }, model.parameters());
    await new Trainer({ model, optimizer, loss: lossByName("crossEntropy"), train: splits.train, val: splits.val, batchSize: 16, epochs: 2, seed: 1 }).run();
    const report = await insideReport(model, backend, [2], 1, true);
    const first = (await model.parameters()[0].data()) as Float32Array;
    optimizer.dispose();
    model.dispose();
    return { report, first };
  });
}

const units = (report: Awaited<ReturnType<typeof trained>>["report"]) => report.layers.map((l) => l.units?.distinct ?? null);

describe("symmetric initialisation", () => {
  it("counts a weight's distinct units (rows)", () => {
    expect(distinctUnits(Float32Array.from([1, 2, 1, 2, 3, 4]), 3)).toBe(2);
    expect(distinctUnits(Float32Array.from([1, 2, 1, 2.000001]), 2)).toBe(2); // any difference counts
  });

  for (const [name, backend] of [
    ["cpu", async () => cpu32],
    ["wasm", wasm],
    ["webgpu", webgpu],
  ] as const)
    it(`constant weights stay symmetric through training; zeros also block the hidden layers' gradients; random ones differ (${name})`, async () => {
      const b = await backend();
      const constant = await trained(b, "constant");
      // The hidden weights (0.weight, 2.weight) have trained away from 0.1, but their units are still copies;
      // the output layer's units differ (each class's target pulls its own unit its own way).
      expect(units(constant.report)).toEqual([1, null, 1, null, 3, null]);
      expect(constant.first.some((v) => Math.abs(v - CONSTANT_INIT) > 1e-3)).toBe(true);
      const zeros = await trained(b, "zeros");
      expect(zeros.first.every((v) => v === 0)).toBe(true); // no gradient ever reached it
      expect(zeros.report.layers.find((l) => l.name === "0.weight")?.gradNorm).toBe(0);
      const random = await trained(b, "default");
      expect(units(random.report)).toEqual([12, null, 12, null, 3, null]);
    }, 60_000);
});
