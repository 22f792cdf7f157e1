/**
 * Class weights and the classification losses a learner compares: weighted cross-entropy (with
 * label smoothing and ignore_index) and weighted multi-margin against a float64 loop of PyTorch's
 * formulas and against real PyTorch, MSE on one-hot targets, "balanced" weights as scikit-learn
 * computes them, the config's checks, and the effect that matters: on imbalanced data, balanced
 * weights raise the rare class's recall; imbalanced 2-D data; a loss race from the same weights.
 */
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend";
import { Rng } from "../src/data/random";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { balancedClassWeights } from "../src/train/class-weights";
import { parseConfig } from "../src/train/config";
import { evaluate } from "../src/train/evaluate";
import { buildExperimentModel, experimentLoss, makeExperimentTrainer } from "../src/train/experiment";
import { makeData } from "../src/train/make";
import { perClassScores } from "../src/train/metrics/per-class";
import { lossByName } from "../src/train/objectives";
import { lossEntries } from "../src/ui/race/race-entries";
import { RaceSession } from "../src/worker/race-session";
import { cpu32, cpu64, wasm } from "./helpers/backends";
import { raceEpochs, raceToTheEnd } from "./helpers/race";
import { python, skipWithoutTorch } from "./helpers/torch";

const skipTorch = skipWithoutTorch("tests/class-weights.test.ts");

// Five examples, three classes: logits, labels and weights.
const LOGITS = [0.3, -1.2, 0.8, 1.5, 0.1, -0.4, -0.7, 2.2, 0.05, 0.9, -0.3, 1.1, -1.6, 0.4, 0.6];
const LABELS = [0, 2, 1, 2, 2];
const WEIGHT = [0.5, 2, 1.5];

/** PyTorch's weighted cross-entropy (mean), float64: Σ_i [-(1-ε) w[y_i] log p_i[y_i] - ε/C Σ_c w_c log p_i[c]] / Σ_i w[y_i], skipping ignored rows. */
function referenceCrossEntropy(smoothing: number, ignore?: number): number {
  const C = 3;
  let num = 0;
  let den = 0;
  for (let i = 0; i < LABELS.length; i++) {
    if (LABELS[i] === ignore) continue;
    const row = LOGITS.slice(i * C, i * C + C);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    const logp = row.map((v) => v - lse);
    num += -(1 - smoothing) * WEIGHT[LABELS[i]] * logp[LABELS[i]] - (smoothing / C) * logp.reduce((s, l, c) => s + WEIGHT[c] * l, 0);
    den += WEIGHT[LABELS[i]];
  }
  return num / den;
}

/** PyTorch's weighted multi-margin loss (mean over N): w[y] Σ_{j≠y} max(0, 1 - x_y + x_j) / C. */
function referenceMultiMargin(): number {
  let total = 0;
  for (let i = 0; i < LABELS.length; i++) {
    const row = LOGITS.slice(i * 3, i * 3 + 3);
    const y = LABELS[i];
    total += (WEIGHT[y] * row.reduce((s, v, j) => s + (j === y ? 0 : Math.max(0, 1 - row[y] + v)), 0)) / 3;
  }
  return total / LABELS.length;
}

function lossValue(backend: Backend, f: (x: dl.Tensor, y: dl.Tensor, w: dl.Tensor) => dl.Tensor): Promise<number> {
  return withBackend(backend, async () => {
    const x = dl.tensor(LOGITS, { shape: [5, 3] });
    const y = dl.tensor(Int32Array.from(LABELS));
    const w = dl.tensor(Float32Array.from(WEIGHT));
    const out = f(x, y, w);
    const value = (await out.data())[0];
    for (const t of [x, y, w, out]) t.dispose();
    return value;
  });
}

describe("weighted losses", () => {
  for (const [name, backend] of [
    ["cpu float64", async () => cpu64],
    ["wasm", wasm],
  ] as const) {
    it(`weighted cross-entropy and multi-margin follow PyTorch's formulas (${name})`, async () => {
      const b = await backend();
      const close = name === "wasm" ? 5 : 10;
      expect(await lossValue(b, (x, y, w) => dl.crossEntropy(x, y, { weight: w }))).toBeCloseTo(referenceCrossEntropy(0), close);
      expect(await lossValue(b, (x, y, w) => dl.crossEntropy(x, y, { weight: w, labelSmoothing: 0.2 }))).toBeCloseTo(referenceCrossEntropy(0.2), close);
      expect(await lossValue(b, (x, y, w) => dl.crossEntropy(x, y, { weight: w, labelSmoothing: 0.2, ignoreIndex: 1 }))).toBeCloseTo(
        referenceCrossEntropy(0.2, 1),
        close,
      );
      expect(await lossValue(b, (x, y, w) => dl.multiMarginLoss(x, y, { weight: w }))).toBeCloseTo(referenceMultiMargin(), close);
      // Weights of 1 are no weights at all.
      const ones = await lossValue(b, (x, y) => dl.crossEntropy(x, y, { weight: dl.tensor(Float32Array.from([1, 1, 1])) }));
      expect(ones).toBeCloseTo(await lossValue(b, (x, y) => dl.crossEntropy(x, y)), close);
    });
  }

  it.skipIf(skipTorch)("match real PyTorch's F.cross_entropy(weight=...) and F.multi_margin_loss(weight=...), values and gradients", async () => {
    const script = `
import json, sys, torch, torch.nn.functional as F
d = json.load(sys.stdin)
w = torch.tensor(d["w"], dtype=torch.float64); y = torch.tensor(d["y"])
out = {}
for name, f in [("ce", lambda x: F.cross_entropy(x, y, weight=w, label_smoothing=0.2)), ("mm", lambda x: F.multi_margin_loss(x, y, weight=w))]:
    x = torch.tensor(d["x"], dtype=torch.float64).reshape(5, 3).requires_grad_()
    loss = f(x); loss.backward()
    out[name] = {"loss": loss.item(), "grad": x.grad.flatten().tolist()}
print(json.dumps(out))`;
    const run = python(["-c", script], { input: JSON.stringify({ x: LOGITS, y: LABELS, w: WEIGHT }) });
    expect(run.stderr).toBe("");
    const torch = JSON.parse(run.stdout) as Record<"ce" | "mm", { loss: number; grad: number[] }>;
    for (const [key, f] of [
      ["ce", (x: dl.Tensor, y: dl.Tensor, w: dl.Tensor) => dl.crossEntropy(x, y, { weight: w, labelSmoothing: 0.2 })],
      ["mm", (x: dl.Tensor, y: dl.Tensor, w: dl.Tensor) => dl.multiMarginLoss(x, y, { weight: w })],
    ] as const) {
      const { loss, grad } = await withBackend(cpu64, async () => {
        const x = dl.tensor(LOGITS, { shape: [5, 3], requiresGrad: true });
        const l = f(x, dl.tensor(Int32Array.from(LABELS)), dl.tensor(Float32Array.from(WEIGHT)));
        l.backward();
        return { loss: (await l.data())[0], grad: Array.from(await (x.grad as dl.Tensor).data()) };
      });
      expect(loss).toBeCloseTo(torch[key].loss, 10);
      expect(grad).toEqual(torch[key].grad.map((g) => expect.closeTo(g, 10)));
    }
  });

  it("refuses a weight that is not one value per class", async () => {
    await expect(lossValue(cpu64, (x, y) => dl.crossEntropy(x, y, { weight: dl.tensor(Float32Array.from([1, 2])) }))).rejects.toThrow(
      /weight must be a float32 tensor of one value per class, \[3\], got float32 \[2\]/,
    );
  });

  it("MSE on one-hot regresses the class scores onto the one-hot target", async () => {
    const mse = await lossValue(cpu64, (x, y) => lossByName("mseOneHot")(x, y));
    const hot = LABELS.flatMap((y) => [0, 1, 2].map((c) => (c === y ? 1 : 0)));
    expect(mse).toBeCloseTo(LOGITS.reduce((s, v, i) => s + (v - hot[i]) ** 2, 0) / LOGITS.length, 10);
  });
});

describe("class weights in a config", () => {
  it('"balanced" weighs class c by n / (C n_c), as scikit-learn does', () => {
    // compute_class_weight("balanced", classes=[0, 1, 2], y=[0,0,0,0,0,0,1,1,2,2]) = [10/18, 10/6, 10/6]
    expect(balancedClassWeights([0, 0, 0, 0, 0, 0, 1, 1, 2, 2], 3)).toEqual([10 / 18, 10 / 6, 10 / 6]);
    expect(balancedClassWeights([0, 0, 2], 3)).toEqual([0.5, 0, 1]); // a class with no examples adds nothing
  });

  it("are checked: a classification loss that takes them, one per class, not all zero", () => {
    const base = { data: { name: "spiral" }, model: { layers: [{ type: "linear", units: 8 }] }, optimizer: { name: "adam", lr: 0.01 } };
    const config = (loss: string, classWeights: unknown) => ({ ...base, loss, training: { epochs: 1, batchSize: 8, classWeights } });
    expect(parseConfig(config("crossEntropy", "balanced")).training.classWeights).toBe("balanced");
    expect(parseConfig(config("multiMargin", [1, 2, 0])).training.classWeights).toEqual([1, 2, 0]);
    expect(() => parseConfig(config("mseOneHot", "balanced"))).toThrow(
      "config training.classWeights: apply to the crossEntropy and multiMargin losses only; remove them or change the loss",
    );
    expect(() => parseConfig(config("crossEntropy", [1, 2]))).toThrow(
      "config training.classWeights: spiral has 3 classes, so give 3 weights (one per class), not 2",
    );
    expect(() => parseConfig(config("crossEntropy", [0, 0, 0]))).toThrow(/every class weight is 0/);
    expect(() => parseConfig(config("crossEntropy", "balance"))).toThrow(/expected "balanced" or a list of one weight per class, got "balance"/);
  });

  it("balanced weights raise the rare class's recall on imbalanced data", async () => {
    // 600 examples of class "common" around (0, 0) and 40 of class "rare" around (1.2, 1.2), unit spread.
    const rng = new Rng(7);
    const rows = ["x1,x2,kind"];
    for (let i = 0; i < 640; i++) {
      const rare = i % 16 === 0;
      rows.push(`${(rare ? 1.2 : 0) + rng.normal()},${(rare ? 1.2 : 0) + rng.normal()},${rare ? "rare" : "common"}`);
    }
    const backend = await wasm();
    const rareRecall = async (classWeights?: "balanced") => {
      const config = parseConfig({
        data: { name: "csv", text: rows.join("\n"), label: "kind", seed: 3 },
        model: { layers: [{ type: "linear", units: 2 }] },
        loss: "crossEntropy",
        optimizer: { name: "adam", lr: 0.05 },
        training: { epochs: 30, batchSize: 32, seed: 1, ...(classWeights ? { classWeights } : {}) },
      });
      const splits = await makeData(config.data);
      const { model } = buildExperimentModel(config, splits.train.inputShape, backend);
      await makeExperimentTrainer(config, splits, model).run();
      const result = await evaluate(model, splits.test, experimentLoss(config, splits.train), { backend });
      model.dispose();
      const names = splits.test.classNames as string[];
      return perClassScores(result.classification?.confusion ?? []).classes[names.indexOf("rare")].recall;
    };
    const plain = await rareRecall();
    const balanced = await rareRecall("balanced");
    expect(balanced).toBeGreaterThan(plain + 0.3);
  }, 60_000);
});

it("imbalanced 2-D data: lastClassShare keeps that share of the last class and every point of the others", async () => {
  const count = async (share?: number) => {
    const { train, val, test } = await makeData(
      parseConfig({ data: { name: "moons", points: 400, ...(share ? { lastClassShare: share } : {}) }, ...TINY }).data,
    );
    const y = [...train.y, ...val.y, ...test.y];
    return [0, 1].map((c) => y.filter((v) => v === c).length);
  };
  expect(await count()).toEqual([200, 200]);
  expect(await count(0.1)).toEqual([200, 20]);
  expect(() => parseConfig({ data: { name: "moons", lastClassShare: 0 }, ...TINY })).toThrow(/lastClassShare: expected a number from 0.02 to 1, got 0/);
});

const TINY = {
  model: { layers: [{ type: "linear", units: 2 }] },
  loss: "crossEntropy",
  optimizer: { name: "sgd", lr: 0.1 },
  training: { epochs: 1, batchSize: 8 },
};

describe("a loss race", () => {
  it("trains the same model from the same weights under each classification loss, with balanced weights as one of them", async () => {
    const entries = lossEntries("classification", { name: "adam", lr: 0.01 });
    expect(entries.map((e) => e.label)).toEqual([
      "Cross-entropy",
      "Cross-entropy · balanced class weights",
      "Multi-margin (hinge)",
      "Mean squared error on one-hot",
    ]);
    expect(lossEntries("regression", { name: "sgd", lr: 0.1 }).map((e) => e.loss)).toEqual(["mse", "l1", "huber"]);
    const config = {
      data: { name: "moons", points: 300, lastClassShare: 0.2, seed: 2 },
      model: {
        layers: [
          { type: "linear", units: 8 },
          { type: "activation", fn: "tanh" },
          { type: "linear", units: 2 },
        ],
      },
      loss: "crossEntropy",
      optimizer: { name: "adam", lr: 0.01 },
      training: { epochs: 2, batchSize: 16, seed: 3, classWeights: [5, 1] }, // the loss race replaces the config's weights
    };
    const events = await raceToTheEnd(config, entries, cpu32);
    const epochs = raceEpochs(events);
    const untrained = epochs.filter((e) => e.epoch === 0);
    // The same initial weights: the same predictions, so the same untrained accuracy ...
    expect(new Set(untrained.map((e) => e.val.accuracy)).size).toBe(1);
    // ... but four different losses of them (each entry measures its own).
    expect(new Set(untrained.map((e) => e.val.loss.toFixed(6))).size).toBe(4);
    // Balanced cross-entropy weighs the rare class 1 (about 30 of 180 points) more than plain cross-entropy does.
    const firstLoss = (entry: number) => events.find((e) => e.type === "race-steps" && e.entry === entry) as { losses: Float32Array } | undefined;
    expect(firstLoss(0)?.losses[0]).not.toBeCloseTo(firstLoss(1)?.losses[0] as number, 4);
    expect(epochs.filter((e) => e.epoch === 2).map((e) => e.entry)).toEqual([0, 1, 2, 3]);
  });

  it("refuses an entry whose loss does not fit the task, naming the entry", async () => {
    const config = { ...TINY, data: { name: "moons", points: 60 } };
    await expect(
      RaceSession.load(config, [{ label: "squared", optimizer: { name: "sgd", lr: 0.1 }, loss: "mse" }], { backend: cpu32, post: () => {} }),
    ).rejects.toThrow(/race entry "squared": config loss: mse is a regression loss, but moons is a classification dataset/);
  });
});
