/**
 * The "Inside the sequence" report: the LSTM gates recomputed from the layer's weights give back the
 * layer's own hidden state (h = o tanh(c)), the attention weights are distributions over the keys
 * (none on later steps when causal), and the gradient by step has one non-negative value per step,
 * for steps of numbers and for tokens (through their embedded vectors).
 */
import { expect, it } from "vitest";
import { nameGenders } from "../src/data/names";
import { addingProblem } from "../src/data/sequences";
import { buildModel } from "../src/nn/build";
import type { ModelSpec } from "../src/nn/spec";
import { withBackend } from "../src/tensor/engine";
import { lossByName } from "../src/train/objectives";
import { sequenceInside } from "../src/worker/sequence-inside";
import { cpu32 } from "./helpers/backends";

it("an LSTM's gates give back its hidden state, and the gradient by step covers every step", async () => {
  const test = addingProblem({ examples: 40, length: 9, seed: 2 });
  const spec: ModelSpec = { layers: [{ type: "lstm", units: 5 }, { type: "lastStep" }, { type: "linear", units: 1 }] };
  const { model } = withBackend(cpu32, () => buildModel(spec, [9, 2]));
  const r = await sequenceInside(model, cpu32, test, lossByName("mse"), 7, 3);
  expect([r.step, r.index, r.steps]).toEqual([7, 3, ["0", "1", "2", "3", "4", "5", "6", "7", "8"]]);
  expect(r.hidden?.layer).toBe("layer 1 LSTM");
  expect(r.hidden?.values.length).toBe(9 * 5);
  const gates = r.gates?.values as Float32Array;
  const hidden = r.hidden?.values as Float32Array;
  expect(gates.length).toBe(4 * 9 * 5);
  for (let t = 0; t < 9; t++)
    for (let u = 0; u < 5; u++) {
      const [o, c] = [gates[(2 * 9 + t) * 5 + u], gates[(3 * 9 + t) * 5 + u]];
      expect(o * Math.tanh(c)).toBeCloseTo(hidden[t * 5 + u], 5);
      for (const g of [0, 1, 2]) expect(gates[(g * 9 + t) * 5 + u] > 0 && gates[(g * 9 + t) * 5 + u] < 1).toBe(true);
    }
  expect(r.gradient.length).toBe(9);
  expect(r.gradient.every((g) => g >= 0 && Number.isFinite(g))).toBe(true);
  expect(r.attention).toBeUndefined();
  expect(r.output.kind).toBe("values");
  if (r.output.kind === "values") {
    expect(r.output.series).toEqual(Array.from({ length: 9 }, (_, t) => test.x[(3 * 9 + t) * 2]));
    expect(r.output.truth).toEqual([test.y[3]]);
    expect(r.output.predicted).toHaveLength(1);
  }
  model.dispose();
});

it("attention weights are distributions over the keys, none ahead when causal; tokens get their names", async () => {
  const test = await nameGenders({ examples: 20, seed: 3 });
  const spec: ModelSpec = {
    layers: [
      { type: "embedding", vocab: 28, dim: 8 },
      { type: "positional" },
      { type: "transformer", heads: 2, feedforward: 16, causal: true, normFirst: true },
      { type: "gru", units: 4 },
      { type: "lastStep" },
      { type: "linear", units: 2 },
    ],
  };
  const { model } = withBackend(cpu32, () => buildModel(spec, [15]));
  const r = await sequenceInside(model, cpu32, test, lossByName("crossEntropy"), 0, 0);
  expect(r.steps.length).toBe(15);
  expect(r.steps.join("").trim()).toMatch(/^[a-z-]+$/); // the name, padded in front with blanks
  expect(r.attention?.layer).toBe("layer 3");
  const w = r.attention?.values as Float32Array;
  expect(w.length).toBe(2 * 15 * 15);
  for (let head = 0; head < 2; head++)
    for (let q = 0; q < 15; q++) {
      let sum = 0;
      for (let k = 0; k < 15; k++) {
        const v = w[(head * 15 + q) * 15 + k];
        if (k > q) expect(v).toBe(0);
        sum += v;
      }
      expect(sum).toBeCloseTo(1, 5);
    }
  expect(r.hidden?.layer).toBe("layer 4 GRU");
  expect(r.gates).toBeUndefined();
  expect(r.gradient.length).toBe(15);
  expect(r.gradient.some((g) => g > 0)).toBe(true);
  expect(r.output.kind).toBe("class");
  if (r.output.kind === "class") {
    expect(r.output.classNames).toEqual(["female", "male"]);
    expect(r.output.truth).toBe(test.y[0]);
    expect(r.output.probabilities[0] + r.output.probabilities[1]).toBeCloseTo(1, 6);
  }
  model.dispose();
});

it("a label per step comes back spelled, step by step", async () => {
  const { reversedStrings } = await import("../src/data/sequences");
  const test = reversedStrings({ examples: 10, length: 6, symbols: 4, seed: 5 });
  const spec: ModelSpec = {
    layers: [
      { type: "embedding", vocab: 4, dim: 8 },
      { type: "lstm", units: 6 },
      { type: "linear", units: 4 },
    ],
  };
  const { model } = withBackend(cpu32, () => buildModel(spec, [6]));
  const r = await sequenceInside(model, cpu32, test, lossByName("crossEntropy"), 0, 2);
  expect(r.steps).toEqual(Array.from(test.x.subarray(12, 18), (t) => test.classNames[t]));
  expect(r.output.kind).toBe("steps");
  if (r.output.kind === "steps") {
    expect(r.output.truth).toEqual([...r.steps].reverse()); // the reversal
    expect(r.output.predicted.every((p) => test.classNames.includes(p))).toBe(true);
  }
  expect(r.gates?.values.length).toBe(4 * 6 * 6);
  model.dispose();
});
