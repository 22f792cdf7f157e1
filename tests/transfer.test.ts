/**
 * Transfer learning: frozen layers (no gradient, no optimizer state, bit-identical after training,
 * still saved and loaded by their names; the summary counts them apart), partial loads of another
 * model's weights by name and shape (which loaded, which are new, which did not fit and why), and
 * a class subset of an image set as a new task (digits 5-9, relabelled 0-4), per-layer learning
 * rates, the page's model started from a weights file, and the transfer study (pretrain on digits
 * 0-4, then 5-9 from a few labels: scratch, fine-tune, gentle fine-tune, frozen features).
 */
import { describe, expect, it } from "vitest";
import { describePartialLoad, loadMatchingWeights, saveModel } from "../src/io/checkpoint";
import { decodeSafetensors } from "../src/io/safetensors";
import { buildModel } from "../src/nn/build";
import type { ModelSpec } from "../src/nn/spec";
import { withBackend } from "../src/tensor/engine";
import { manualSeed } from "../src/tensor/random";
import { parseConfig } from "../src/train/config";
import { makeExperimentOptimizer } from "../src/train/experiment";
import { makeData, makeOptimizer } from "../src/train/make";
import { lossByName } from "../src/train/objectives";
import { Trainer } from "../src/train/trainer";
import { armSpec, DEFAULT_TRANSFER_STUDY, describeTask, runTransferStudy, STUDY_MODEL, studyTask, TRANSFER_ARMS } from "../src/train/transfer-study";
import { defaultConfigFor } from "../src/ui/state/experiment";
import { ExperimentSession } from "../src/worker/experiment-session";
import type { WorkerEvent } from "../src/worker/protocol";
import { startTransferStudy } from "../src/worker/transfer-session";
import { cpu32, wasm } from "./helpers/backends";

const mlp = (classes: number, frozen = false): ModelSpec => ({
  layers: [
    { type: "linear", units: 16, frozen },
    { type: "activation", fn: "relu" },
    { type: "linear", units: 16, frozen },
    { type: "activation", fn: "relu" },
    { type: "linear", units: classes },
  ],
});

describe("frozen layers", () => {
  it("take no gradient and no optimizer state, stay bit-identical through training, and are saved by name", async () => {
    await withBackend(cpu32, async () => {
      const splits = await makeData({ name: "spiral", points: 300, classes: 3, noise: 0.1, seed: 1 });
      manualSeed(1);
      const built = buildModel(mlp(3, true), [2]);
      const { model } = built;
      expect(built.frozenParams).toBe(2 * 16 + 16 + 16 * 16 + 16); // the two hidden layers
      expect(built.totalParams - built.frozenParams).toBe(16 * 3 + 3);
      expect(model.parameters().map((p) => p.shape)).toEqual([[3, 16], [3]]); // only the head trains
      const frozenBefore = await Promise.all(
        ["0.weight", "0.bias", "2.weight"].map(async (n) => Float32Array.from((await model.stateDict().get(n)?.data()) as Float32Array)),
      );
      const headBefore = Float32Array.from((await model.stateDict().get("4.weight")?.data()) as Float32Array);
      const optimizer = makeOptimizer({ name: "adam", lr: 0.05 }, model.parameters());
      expect(optimizer.params).toHaveLength(2); // no moments for the frozen weights
      await new Trainer({ model, optimizer, loss: lossByName("crossEntropy"), train: splits.train, batchSize: 32, epochs: 3, seed: 1 }).run();
      const frozenAfter = await Promise.all(["0.weight", "0.bias", "2.weight"].map((n) => model.stateDict().get(n)?.data() as Promise<Float32Array>));
      for (const [i, after] of frozenAfter.entries()) expect(Array.from(after)).toEqual(Array.from(frozenBefore[i]));
      expect(Array.from((await model.stateDict().get("4.weight")?.data()) as Float32Array)).not.toEqual(Array.from(headBefore));
      const bytes = await saveModel(model, mlp(3, true), [2]);
      const names = [...model.stateDict().keys()];
      expect(names).toEqual(expect.arrayContaining(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]));
      expect(bytes.length).toBeGreaterThan(4 * built.totalParams);
      optimizer.dispose();
      model.dispose();
    });
  });

  it("freezing applies to layers with weights only", () => {
    const config = defaultConfigFor("spiral");
    expect(() =>
      parseConfig({
        ...config,
        model: {
          layers: [
            { type: "activation", fn: "relu", frozen: true },
            { type: "linear", units: 3 },
          ],
        },
      }),
    ).toThrow(/layer 1 activation frozen: unknown key/);
  });
});

describe("per-layer learning rates", () => {
  it("a layer's lrScale gives its parameters their own optimizer group: one SGD step moves them that much less", async () => {
    const spec = (scale?: number): ModelSpec => ({
      layers: [
        { type: "linear", units: 8, ...(scale ? { lrScale: scale } : {}) },
        { type: "activation", fn: "tanh" },
        { type: "linear", units: 3 },
      ],
    });
    const config = parseConfig({ ...defaultConfigFor("spiral"), model: spec(0.1), optimizer: { name: "sgd", lr: 0.5 } });
    const splits = await makeData({ name: "spiral", points: 60, classes: 3, seed: 1 });
    const change = async (scale?: number) =>
      withBackend(cpu32, async () => {
        manualSeed(1);
        const { model } = buildModel(spec(scale), [2]);
        const before = await Promise.all(model.parameters().map(async (p) => Float32Array.from((await p.data()) as Float32Array)));
        const { optimizer } = makeExperimentOptimizer({ ...config, model: spec(scale) }, model);
        if (scale) {
          expect(optimizer.groups.map((g) => [g.params.length, g.lrScale, g.options.lr])).toEqual([
            [2, 0.1, expect.closeTo(0.05, 12)],
            [2, 1, 0.5],
          ]);
          expect(optimizer.lr).toBeCloseTo(0.5, 12); // the optimizer's rate is the base one ...
          optimizer.lr = 0.2; // ... and setting it keeps each group's multiple
          expect(optimizer.groups.map((g) => g.options.lr)).toEqual([expect.closeTo(0.02, 12), 0.2]);
          optimizer.lr = 0.5;
        }
        await new Trainer({ model, optimizer, loss: lossByName("crossEntropy"), train: splits.train, batchSize: 48, epochs: 1, seed: 1 }).run();
        const after = await Promise.all(model.parameters().map((p) => p.data() as Promise<Float32Array>));
        optimizer.dispose();
        model.dispose();
        return after.map((a, i) => Array.from(a, (v, j) => v - before[i][j]));
      });
    const plain = await change();
    const scaled = await change(0.1);
    // One full batch, one step of plain SGD: Δw = -lr g, so the first layer moves a tenth as far and the head as far.
    expect(scaled[0]).toEqual(plain[0].map((d) => expect.closeTo(0.1 * d, 6)));
    expect(scaled[2]).toEqual(plain[2].map((d) => expect.closeTo(d, 6)));
    expect(() => parseConfig({ ...config, model: { layers: [{ type: "linear", units: 3, lrScale: 0 }] } })).toThrow(
      /layer 1 linear lrScale: expected a number from 1e-4 to 100, got 0/,
    );
  });
});

describe("partial loads", () => {
  it("loads the weights that fit by name and shape, keeps a new head as initialised, and says which is which", async () => {
    await withBackend(cpu32, async () => {
      manualSeed(1);
      const pretrained = buildModel(mlp(10), [2]).model;
      const file = await saveModel(pretrained, mlp(10), [2]);
      manualSeed(2);
      const fresh = buildModel(mlp(3), [2]).model;
      const headBefore = Array.from((await fresh.stateDict().get("4.weight")?.data()) as Float32Array);
      const report = loadMatchingWeights(fresh, file);
      expect(report.loaded).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
      expect(report.mismatched).toEqual([
        { name: "4.weight", file: [10, 16], model: [3, 16] },
        { name: "4.bias", file: [10], model: [3] },
      ]);
      expect(report.missing).toEqual([]);
      expect(report.unused).toEqual([]);
      expect(Array.from((await fresh.stateDict().get("0.weight")?.data()) as Float32Array)).toEqual(
        Array.from((await pretrained.stateDict().get("0.weight")?.data()) as Float32Array),
      );
      expect(Array.from((await fresh.stateDict().get("4.weight")?.data()) as Float32Array)).toEqual(headBefore);
      expect(describePartialLoad(report)).toBe(
        "loaded 4 weights (0.weight, 0.bias, 2.weight, 2.bias); kept as initialised, their shape differs: 4.weight ([10, 16] in the file, [3, 16] here), 4.bias ([10] in the file, [3] here)",
      );
      // A model with nothing in common: refused, unchanged.
      const other = buildModel({ layers: [{ type: "conv2d", filters: 2, kernel: 3 }, { type: "flatten" }, { type: "linear", units: 2 }] }, [1, 4, 4]).model;
      expect(() => loadMatchingWeights(other, file)).toThrow(/not one weight of the file fits this model/);
      for (const m of [pretrained, fresh, other]) m.dispose();
    });
  });
});

it("a class subset of an image set is a new task: only those classes, relabelled in order", async () => {
  const splits = await makeData({ name: "mnist", classSubset: [5, 6, 7, 8, 9], trainLimit: 200, testLimit: 100, seed: 1 });
  expect([splits.train.n + splits.val.n, splits.test.n]).toEqual([200, 100]);
  expect(splits.train.classes).toBe(5);
  expect(splits.train.classNames).toEqual(["5", "6", "7", "8", "9"]);
  expect(new Set(splits.test.y)).toEqual(new Set([0, 1, 2, 3, 4]));
  const config = defaultConfigFor("mnist");
  expect(() => parseConfig({ ...config, data: { name: "mnist", classSubset: [3, 3] } })).toThrow(/config data\.classSubset: lists a class twice/);
});

describe("starting the page's model from a weights file", () => {
  const config = (classes: number) => ({
    ...defaultConfigFor("spiral"),
    data: { name: "spiral" as const, points: 120, classes, noise: 0.1, seed: 2 },
    model: mlp(classes),
    training: { epochs: 2, batchSize: 16, seed: 5 },
  });
  const loadWith = async (classes: number, bytes: Uint8Array) => {
    const events: WorkerEvent[] = [];
    const session = await ExperimentSession.load(config(classes), { backend: cpu32, post: (e) => events.push(e) }, undefined, {
      name: "pretrained.safetensors",
      bytes,
    });
    return { session, events, report: events.find((e) => e.type === "init-weights") as Extract<WorkerEvent, { type: "init-weights" }> };
  };

  it("loads what fits, keeps a new head for another number of classes, and says which is which", async () => {
    const file = await withBackend(cpu32, async () => {
      manualSeed(11);
      const pretrained = buildModel(mlp(10), [2]).model;
      const bytes = await saveModel(pretrained, mlp(10), [2]);
      const first = Float32Array.from((await pretrained.stateDict().get("0.weight")?.data()) as Float32Array);
      pretrained.dispose();
      return { bytes, first };
    });
    const { session, report, events } = await loadWith(3, file.bytes);
    expect(report.name).toBe("pretrained.safetensors");
    expect(report.report?.loaded).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    expect(report.report?.mismatched).toEqual([
      { name: "4.weight", file: [10, 16], model: [3, 16] },
      { name: "4.bias", file: [10], model: [3] },
    ]);
    // The session's model starts from the file's hidden weights (training then goes on from them).
    await session.snapshot();
    const snapshot = (events.find((e) => e.type === "snapshot") as Extract<WorkerEvent, { type: "snapshot" }>).run;
    const first = await withBackend(cpu32, async () => {
      const { model } = buildModel(mlp(3), [2]);
      model.loadStateDict(new Map([...decodeSafetensors(snapshot.weights).tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }])));
      const w = Float32Array.from((await model.stateDict().get("0.weight")?.data()) as Float32Array);
      model.dispose();
      return w;
    });
    expect(Array.from(first)).toEqual(Array.from(file.first));
    await session.dispose();
  });

  it("goes on from the model's own weights, saying why, when the file fits nothing or is not safetensors", async () => {
    const other = await withBackend(cpu32, async () => {
      const spec: ModelSpec = { layers: [{ type: "linear", units: 7 }] };
      const { model } = buildModel(spec, [5]);
      const bytes = await saveModel(model, spec, [5]);
      model.dispose();
      return bytes;
    });
    const fits = await loadWith(3, other);
    expect(fits.report.error).toMatch(
      /^checkpoint: not one weight of the file fits this model \(by name and shape\).*; the model starts from its own initial weights$/,
    );
    await fits.session.dispose();
    const garbage = await loadWith(3, new TextEncoder().encode("this is not a weights file"));
    expect(garbage.report.error).toMatch(/safetensors/);
    expect(garbage.events.some((e) => e.type === "state")).toBe(true); // the session loaded all the same
    await garbage.session.dispose();
  });
});

describe("the transfer study", () => {
  it("freezes the convolutions for one arm and slows them for another", () => {
    const convs = (spec: ModelSpec) => spec.layers.filter((l) => l.type === "conv2d") as { frozen?: boolean; lrScale?: number }[];
    expect(convs(armSpec("frozen")).every((l) => l.frozen === true)).toBe(true);
    expect(convs(armSpec("gentle")).every((l) => l.lrScale === 0.1)).toBe(true);
    expect(armSpec("scratch")).toBe(STUDY_MODEL);
    expect(armSpec("fineTune")).toBe(STUDY_MODEL);
    const linears = armSpec("frozen").layers.filter((l) => l.type === "linear") as { frozen?: boolean }[];
    expect(linears.some((l) => l.frozen)).toBe(false); // the classifier above the features trains
  });

  it("pretrains, then runs every arm at every size smallest first, and stops after the run in progress when asked", async () => {
    const backend = await wasm();
    const study = { ...DEFAULT_TRANSFER_STUDY, sizes: [30, 10], pretrainExamples: 300, pretrainEpochs: 1, fineTuneEpochs: 2, testExamples: 100 };
    const phases: string[] = [];
    let pretrained = Number.NaN;
    const results = await runTransferStudy(study, backend, {
      phase: (text) => phases.push(text),
      pretrained: (accuracy) => {
        pretrained = accuracy;
      },
      result: () => {},
      stopped: () => false,
    });
    expect(phases[0]).toBe("pretraining on 300 examples of digits 0-4");
    expect(phases[1]).toBe("10 labelled examples of digits 5-9: from scratch");
    expect(pretrained).toBeGreaterThan(0.5);
    expect(results.map((r) => [r.size, r.arm])).toEqual([10, 30].flatMap((size) => TRANSFER_ARMS.map((arm) => [size, arm])));
    for (const r of results) expect(r.accuracy).toBeGreaterThanOrEqual(0);
    let runs = 0;
    const stopped = await runTransferStudy(study, backend, { phase: () => {}, pretrained: () => {}, result: () => runs++, stopped: () => runs >= 2 });
    expect(stopped).toHaveLength(2);
  }, 120_000);

  it("names its tasks: the other five digits, or five classes of the other image set", () => {
    expect(describeTask(studyTask(DEFAULT_TRANSFER_STUDY, "old"))).toBe("digits 0-4");
    expect(describeTask(studyTask(DEFAULT_TRANSFER_STUDY, "new"))).toBe("digits 5-9");
    expect(studyTask({ ...DEFAULT_TRANSFER_STUDY, target: "otherDataset" }, "new")).toEqual({ dataset: "fashion-mnist", classes: [0, 1, 2, 3, 4] });
    expect(describeTask(studyTask({ ...DEFAULT_TRANSFER_STUDY, dataset: "fashion-mnist", target: "otherDataset" }, "new"))).toBe("digits 0-4");
  });

  it("refuses bad settings in the worker, saying which", () => {
    const events: WorkerEvent[] = [];
    expect(startTransferStudy({ ...DEFAULT_TRANSFER_STUDY, sizes: [5] }, cpu32, (e) => events.push(e))).toBeNull();
    expect(events).toEqual([
      {
        type: "study-state",
        study: "transfer",
        running: false,
        done: false,
        error: expect.stringMatching(/transfer study sizes\[0\]: expected a whole number from 10 to 2,000, got 5/),
      },
    ]);
  });
});
