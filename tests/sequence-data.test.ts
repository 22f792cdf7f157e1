/**
 * The sequence datasets: each is what its description promises (two marked steps whose values make
 * the target; a forecast that continues the same waves; bracket strings labelled by whether they
 * balance), seeded, and read from configs with their settings checked. And the lesson the adding
 * problem exists to teach: an LSTM learns it where a plain RNN stays at guessing the mean.
 */
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend";
import { inputShapeOf } from "../src/data/catalog";
import { targetSize, validateDataset } from "../src/data/dataset";
import { nameCharacters, nameGenders, sampleFrom, sampleNames } from "../src/data/names";
import { addingProblem, bracketStrings, isBalanced, reversedStrings, sineForecast } from "../src/data/sequences";
import { trainTestSplit } from "../src/data/splits";
import { buildModel } from "../src/nn/build";
import type { LayerSpec } from "../src/nn/spec";
import { tensor } from "../src/ops/creation";
import { withBackend } from "../src/tensor/engine";
import { parseConfig } from "../src/train/config";
import { evaluate } from "../src/train/evaluate";
import { buildExperimentModel, experimentLoss, makeExperimentTrainer } from "../src/train/experiment";
import { makeData } from "../src/train/make";
import { lossByName } from "../src/train/objectives";
import { inputGradientByStep } from "../src/train/step-gradients";
import { defaultConfigFor } from "../src/ui/state/experiment";
import { wasm } from "./helpers/backends";

describe("sequence datasets", () => {
  it("adding: two marked steps, one in each half, whose values sum to the target; the mean scores 1/6", () => {
    const ds = addingProblem({ examples: 3000, length: 20, seed: 3 });
    expect(ds.inputShape).toEqual([20, 2]);
    let squared = 0;
    for (let e = 0; e < ds.n; e++) {
      const marked: number[] = [];
      let sum = 0;
      for (let t = 0; t < 20; t++) {
        const [value, marker] = [ds.x[(e * 20 + t) * 2], ds.x[(e * 20 + t) * 2 + 1]];
        expect(value >= 0 && value < 1).toBe(true);
        if (marker === 1) {
          marked.push(t);
          sum += value;
        } else expect(marker).toBe(0);
      }
      expect(marked.length).toBe(2);
      expect(marked[0] < 10 && marked[1] >= 10).toBe(true);
      expect(ds.y[e]).toBeCloseTo(sum, 6);
      squared += (ds.y[e] - 1) ** 2;
    }
    expect(squared / ds.n).toBeCloseTo(1 / 6, 1);
    expect(addingProblem({ examples: 3000, length: 20, seed: 3 }).x).toEqual(ds.x); // seeded
    expect(addingProblem({ examples: 3000, length: 20, seed: 4 }).x).not.toEqual(ds.x);
  });

  it("sines: the target continues the observed waves", () => {
    const forecast = sineForecast({ examples: 10, length: 30, horizon: 4, noise: 0 });
    const longer = sineForecast({ examples: 10, length: 34, horizon: 1, noise: 0 });
    expect(forecast.inputShape).toEqual([30, 1]);
    expect(forecast.targetDim).toBe(4);
    // The first example's waves are drawn first, so both sets share them: the longer one observes the forecast.
    for (let h = 0; h < 4; h++) expect(forecast.y[h]).toBeCloseTo(longer.x[30 + h], 5);
    for (let t = 0; t < 30; t++) expect(forecast.x[t]).toBeCloseTo(longer.x[t], 5);
    const noisy = sineForecast({ examples: 10, length: 30, noise: 0.3 });
    expect(noisy.x).not.toEqual(sineForecast({ examples: 10, length: 30, noise: 0 }).x);
    expect([...noisy.y].every((v) => Math.abs(v) <= 1.4)).toBe(true);
  });

  it("brackets: as many of each bracket, labelled by whether they balance, half and half", () => {
    expect([isBalanced([0, 1]), isBalanced([1, 0]), isBalanced([0, 0, 1, 1]), isBalanced([0, 1, 1, 0]), isBalanced([0])]).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
    const ds = bracketStrings({ examples: 400, length: 12, seed: 2 });
    expect(ds.inputShape).toEqual([12]);
    let balanced = 0;
    for (let e = 0; e < ds.n; e++) {
      const tokens = [...ds.x.subarray(e * 12, (e + 1) * 12)];
      expect(tokens.filter((t) => t === 0).length).toBe(6);
      expect(ds.y[e]).toBe(isBalanced(tokens) ? 1 : 0);
      balanced += ds.y[e];
    }
    expect(balanced).toBe(200);
  });

  it("reverse: a label per step, the string backwards; split without stratifying", async () => {
    const ds = reversedStrings({ examples: 50, length: 7, symbols: 5, seed: 2 });
    expect([ds.inputShape, ds.labelShape, ds.classes, targetSize(ds)]).toEqual([[7], [7], 5, 7]);
    validateDataset(ds);
    for (let e = 0; e < ds.n; e++) for (let t = 0; t < 7; t++) expect(ds.y[e * 7 + t]).toBe(ds.x[e * 7 + 6 - t]);
    const splits = await makeData(
      parseConfig({ ...defaultConfigFor("reverse"), data: { name: "reverse", examples: 50, length: 7, symbols: 5, valRatio: 0.2 } }).data,
    );
    expect([splits.train.n, splits.val?.n, splits.test.n]).toEqual([32, 8, 10]);
    expect(splits.test.y.length).toBe(70);
    expect(() => trainTestSplit(ds, { stratify: true })).toThrow('stratify needs one label per example; "reverse" labels every step');
  });

  it("names: real first names as character tokens, for gender classification and a character model", async () => {
    const genders = await nameGenders();
    const decode = (ds: Awaited<ReturnType<typeof nameGenders>>, e: number, T: number) =>
      [...ds.x.subarray(e * T, (e + 1) * T)].map((t) => (ds.vocabulary as string[])[t]).join("");
    expect([genders.n, genders.inputShape, genders.classNames, genders.vocabulary?.length]).toEqual([8003, [15], ["female", "male"], 28]);
    const spelled = Array.from({ length: genders.n }, (_, e) => decode(genders, e, 15).trimStart());
    expect(spelled.every((n) => /^[a-z-]+$/.test(n))).toBe(true); // padded at the front only
    const byLabel = [0, 1].map((c) => new Set(spelled.filter((_, e) => genders.y[e] === c)));
    expect(byLabel[0].has("abigail") && byLabel[1].has("abraham")).toBe(true);
    expect([...byLabel[0]].some((n) => byLabel[1].has(n))).toBe(false); // names on both lists are left out
    const model = await nameCharacters();
    expect([model.n, model.inputShape, model.labelShape, model.classes, model.vocabulary?.[0]]).toEqual([8422, [16], [16], 28, "."]);
    for (const e of [0, 100, 5000]) {
      const input = decode(model, e, 16);
      const labels = [...model.y.subarray(e * 16, (e + 1) * 16)].map((t) => (model.vocabulary as string[])[t]).join("");
      expect(input.startsWith(".")).toBe(true);
      expect(labels.slice(0, 15)).toBe(input.slice(1)); // the labels are the inputs one step ahead
      expect(labels.replace(/\.+$/, "")).toBe(input.slice(1).replace(/\.+$/, ""));
    }
    expect((await nameGenders({ examples: 100, seed: 4 })).n).toBe(100);
  });

  it("samples names from a model's scores at a temperature", async () => {
    expect(sampleFrom([0, 10, 0], 0.1, 0.5)).toBe(1); // cold: the best almost surely
    expect([0.1, 0.5, 0.9].map((u) => sampleFrom([0, 1, 0], 100, u))).toEqual([0, 1, 2]); // hot: nearly uniform
    // A fake model that spells "ab" and then ends: scores [16, vocab] favour one token per step.
    const vocab = [".", "a", "b"];
    const scores = async (tokens: Float32Array) => {
      const out = new Float32Array(16 * 3);
      for (let t = 0; t < 16; t++) out[t * 3 + (t === 0 ? 1 : t === 1 && tokens[1] === 1 ? 2 : 0)] = 20;
      return out;
    };
    expect(await sampleNames(scores, vocab, { count: 3, temperature: 0.5 })).toEqual(["ab", "ab", "ab"]);
    await expect(sampleNames(scores, vocab, { temperature: 0 })).rejects.toThrow("temperature must be in (0, 10]");
  });

  it("reads sequence configs, with their settings checked and a validation split", async () => {
    const config = parseConfig({ ...defaultConfigFor("sines"), data: { name: "sines", examples: 200, length: 12, horizon: 3, valRatio: 0.2 } });
    expect(inputShapeOf(config.data)).toEqual([12, 1]);
    const splits = await makeData(config.data);
    expect([splits.train.n, splits.val?.n, splits.test.n]).toEqual([128, 32, 40]);
    expect(splits.train.inputShape).toEqual([12, 1]);
    expect(() => parseConfig({ ...defaultConfigFor("brackets"), data: { name: "brackets", length: 15 } })).toThrow(
      'config data.length: must be even (as many "(" as ")") and at most 64, got 15',
    );
    expect(() => parseConfig({ ...defaultConfigFor("adding"), data: { name: "adding", horizon: 2 } })).toThrow(/horizon/);
    expect(() => parseConfig({ ...defaultConfigFor("adding"), data: { name: "adding", length: 3 } })).toThrow("config data.length: must be at least 4, got 3");
  });
});

it("a transformer learns to reverse strings step by step, scored token by token", async () => {
  const backend = await wasm();
  const config = parseConfig({
    data: { name: "reverse", examples: 800, length: 8, symbols: 5, seed: 1 },
    model: {
      layers: [
        { type: "embedding", vocab: 5, dim: 16 },
        { type: "positional" },
        { type: "transformer", heads: 2, feedforward: 32, dropout: 0 },
        { type: "linear", units: 5 },
      ],
    },
    loss: "crossEntropy",
    optimizer: { name: "adam", lr: 0.005 },
    training: { epochs: 12, batchSize: 32, seed: 1 },
  });
  const splits = await makeData(config.data);
  const { model } = buildExperimentModel(config, splits.train.inputShape, backend);
  const before = await evaluate(model, splits.test, experimentLoss(config, splits.train), { backend });
  await makeExperimentTrainer(config, splits, model).run();
  const after = await evaluate(model, splits.test, experimentLoss(config, splits.train), { backend });
  model.dispose();
  expect(after.predictions?.length).toBe(splits.test.n * 8); // one prediction per step
  expect(after.probabilities?.length).toBe(splits.test.n * 8 * 5);
  // Measured (seeded, wasm): accuracy 0.196 -> 0.997, loss 1.78 -> 0.025.
  expect(before.classification?.accuracy).toBeLessThan(0.4); // chance is 1/5
  expect(after.loss).toBeLessThan(before.loss / 10);
  expect(after.classification?.accuracy).toBeGreaterThan(0.95);
}, 120_000);

it("measures the loss's gradient with respect to each step's input: only the steps a model reads move it", async () => {
  const backend = await wasm();
  const x = Float32Array.from({ length: 2 * 5 * 3 }, (_, i) => Math.sin(i));
  const y = withBackend(backend, () => tensor([0.5, -1], { shape: [2, 1] }));
  const loss = lossByName("mse");
  const byStep = async (layers: LayerSpec[]) => {
    const { model } = withBackend(backend, () => buildModel({ layers }, [5, 3]));
    const g = await inputGradientByStep(model, backend, loss, x, [2, 5, 3], y);
    expect(model.parameters().every((p) => p.grad === null)).toBe(true); // the model's own gradients untouched
    model.dispose();
    return Array.from(g);
  };
  const last = await byStep([{ type: "lastStep" }, { type: "linear", units: 1 }]);
  expect(last.slice(0, 4)).toEqual([0, 0, 0, 0]); // only the last step is read
  expect(last[4]).toBeGreaterThan(0);
  const mean = await byStep([{ type: "meanOverTime" }, { type: "linear", units: 1 }]);
  for (const g of mean) expect(g).toBeCloseTo(mean[0], 6); // every step counts the same
  const rnn = await byStep([{ type: "rnn", units: 4 }, { type: "lastStep" }, { type: "linear", units: 1 }]);
  expect(rnn.every((g) => g > 0)).toBe(true); // a recurrence reads them all
  y.dispose();
});

/** Trains `reader` on the adding problem; returns its test MSE and ‖∂loss/∂x_t‖ by step on 64 test examples. */
async function addingRun(backend: Backend, reader: "lstm" | "rnn"): Promise<{ mse: number; byStep: Float32Array }> {
  const config = parseConfig({
    data: { name: "adding", examples: 1200, length: 16, seed: 1 },
    model: { layers: [{ type: reader, units: 24 }, { type: "lastStep" }, { type: "linear", units: 1 }] },
    loss: "mse",
    optimizer: { name: "adam", lr: 0.01 },
    training: { epochs: 14, batchSize: 32, clipGradNorm: 1, seed: 1 },
  });
  const splits = await makeData(config.data);
  const { model } = buildExperimentModel(config, splits.train.inputShape, backend);
  await makeExperimentTrainer(config, splits, model).run();
  const result = await evaluate(model, splits.test, experimentLoss(config, splits.train), { backend });
  const batch = 64;
  const shape = [batch, ...splits.test.inputShape];
  const y = withBackend(backend, () => tensor(splits.test.y.subarray(0, batch), { shape: [batch, 1] }));
  const byStep = await inputGradientByStep(
    model,
    backend,
    experimentLoss(config, splits.train),
    splits.test.x.subarray(0, batch * 16 * 2) as Float32Array,
    shape,
    y,
  );
  y.dispose();
  model.dispose();
  return { mse: result.loss, byStep };
}

it("an LSTM learns the adding problem where a plain RNN stays far from it (the mean scores 1/6)", async () => {
  const backend = await wasm();
  const [lstm, rnn] = [await addingRun(backend, "lstm"), await addingRun(backend, "rnn")];
  // Measured (seeded, wasm): LSTM 0.0034, RNN 0.129.
  expect(lstm.mse).toBeLessThan(0.02);
  expect(rnn.mse).toBeGreaterThan(0.09);
  for (const { byStep } of [lstm, rnn]) expect(byStep.length === 16 && byStep.every((g) => Number.isFinite(g) && g >= 0)).toBe(true);
}, 120_000);
