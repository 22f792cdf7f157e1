/**
 * The playground worker's sessions, run directly in Node with a post callback that transfers every
 * event's buffers the way postMessage does (a session that posted an array it still uses would
 * break): a spiral trains with every report in shape, on the CPU and on WebGPU; pause, step and
 * tune act at once; an MNIST subset previews images, a test grid, feature maps and augmentation; a
 * race starts three optimizers from identical weights; a diverging run reports it and keeps finite
 * weights; export round-trips through loadModel; bad configs fail with the field or layer named.
 */
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend";
import { loadModel } from "../src/io/checkpoint";
import type { ModelSpec } from "../src/nn/spec";
import { memory, withBackend } from "../src/tensor/engine";
import type { ExperimentConfig } from "../src/train/config";
import { evaluate } from "../src/train/evaluate";
import { makeData } from "../src/train/make";
import { lossByName } from "../src/train/objectives";
import { crossValidationSummary, foldEntries, memberEntries } from "../src/ui/race/race-entries";
import { BOUNDARY_EVERY, ExperimentSession, INSIDE_EVERY } from "../src/worker/experiment-session";
import { transferList } from "../src/worker/post";
import type { RaceEntry, WorkerEvent } from "../src/worker/protocol";
import { RaceSession } from "../src/worker/race-session";
import { cpu32, webgpu } from "./helpers/backends";

type Of<T extends WorkerEvent["type"]> = Extract<WorkerEvent, { type: T }>;

/** A post callback that transfers (detaches) each event's buffers, and the events it got. */
function recorder() {
  const events: WorkerEvent[] = [];
  const post = (e: WorkerEvent) => {
    events.push(structuredClone(e, { transfer: transferList(e) }));
  };
  const of = <T extends WorkerEvent["type"]>(type: T) => events.filter((e): e is Of<T> => e.type === type);
  const last = <T extends WorkerEvent["type"]>(type: T) => of(type).at(-1) as Of<T>;
  const until = async (done: () => boolean, seconds = 30) => {
    const end = performance.now() + seconds * 1000;
    while (!done()) {
      if (performance.now() > end) throw new Error(`timed out; events: ${events.map((e) => e.type).join(" ")}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const finished = () => events.some((e) => e.type === "state" && e.done);
  /** The run stopped: finished, or stopped by a divergence (it can continue, so it is not done). */
  const stopped = () => events.some((e) => e.type === "state" && !e.running && (e.done || e.reason !== undefined));
  return { events, post, of, last, until, finished, stopped };
}

function spiralConfig(overrides: Partial<ExperimentConfig> = {}, training: Partial<ExperimentConfig["training"]> = {}): ExperimentConfig {
  return {
    name: "spiral test",
    data: { name: "spiral", points: 300, classes: 3, noise: 0.1, seed: 4 },
    model: {
      layers: [
        { type: "linear", units: 32 },
        { type: "activation", fn: "relu" },
        { type: "linear", units: 32 },
        { type: "activation", fn: "relu" },
        { type: "linear", units: 3 },
      ],
    },
    loss: "crossEntropy",
    optimizer: { name: "adam", lr: 0.02 },
    ...overrides,
    training: { epochs: 30, batchSize: 24, seed: 3, ...training },
  };
}

const mnistConfig: ExperimentConfig = {
  data: { name: "mnist", trainLimit: 200, testLimit: 100, seed: 1 },
  model: {
    layers: [
      { type: "conv2d", filters: 4, kernel: 3, padding: 1 },
      { type: "activation", fn: "relu" },
      { type: "maxPool2d", kernel: 2 },
      { type: "flatten" },
      { type: "linear", units: 10 },
    ],
  },
  loss: "crossEntropy",
  optimizer: { name: "adam", lr: 0.01 },
  training: { epochs: 1, batchSize: 50, seed: 1, augment: { maxShift: 3, maxRotationDegrees: 15 } },
};

const backends: [string, () => Promise<Backend>][] = [
  ["cpu", async () => cpu32],
  ["webgpu", webgpu],
];

describe.each(backends)("experiment session on %s", (_, getBackend) => {
  it("trains a spiral: the loss falls and every report has its shape", async () => {
    const backend = await getBackend();
    await withBackend(backend, async () => {
      const r = recorder();
      const session = await ExperimentSession.load(spiralConfig({}, { epochs: 20, batchSize: 12 }), { backend, post: r.post });
      expect(r.events.map((e) => e.type)).toEqual([
        "loading",
        "loading",
        "dataset",
        "model",
        "loading",
        "estimate",
        "epoch",
        "test",
        "boundary",
        "inside",
        "state",
      ]);
      expect(r.last("estimate").secondsPerEpoch).toBeGreaterThan(0);
      expect(r.of("loading").map((e) => e.message)).toEqual(["Reading Spiral (300 points)…", "Building the model…", "Evaluating the untrained model…"]);
      const preview = r.last("dataset").preview;
      if (preview.kind !== "points") throw new Error(`expected points, got ${preview.kind}`);
      expect([preview.trainX.length, preview.trainY.length, preview.testX.length, preview.classes]).toEqual([384, 192, 120, 3]); // 300 points: 240 to train on, a fifth of them held out for validation, 60 to test
      expect(r.last("model")).toMatchObject({ totalParams: 2 * 32 + 32 + 32 * 32 + 32 + 32 * 3 + 3, outputShape: [3] });
      const initial = r.last("epoch");
      expect(initial).toMatchObject({ epoch: 0, step: 0, lr: 0.02 });
      expect(initial.train.loss).toBeCloseTo(Math.log(3), 0);
      const inside0 = r.last("inside");
      expect(inside0.layers.map((l) => l.name)).toEqual(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]);
      expect(inside0.layers.every((l) => Number.isNaN(l.gradNorm) && l.weightNorm > 0)).toBe(true);
      expect(inside0.filters).toBeUndefined();
      expect(r.last("state")).toEqual({ type: "state", running: false, done: false, step: 0, epoch: 0 });

      const started = performance.now();
      session.play();
      expect(r.last("state")).toEqual({ type: "state", running: true, done: false, step: 0, epoch: 0 });
      await r.until(r.finished);
      const seconds = (performance.now() - started) / 1000;
      expect(r.last("state")).toEqual({ type: "state", running: false, done: true, reason: "trained 20 epochs", step: 320, epoch: 20 });

      const batches = r.of("steps");
      const steps = batches.flatMap((b) => Array.from(b.steps));
      expect(steps).toEqual(Array.from({ length: 320 }, (_, i) => i + 1)); // 16 batches an epoch, each reported once, in order
      expect(batches.length).toBeLessThanOrEqual(seconds * 20 + 30); // throttled (plus one flush per epoch)
      const losses = batches.flatMap((b) => Array.from(b.losses));
      const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
      expect(mean(losses.slice(-40))).toBeLessThan(mean(losses.slice(0, 40)) / 3);
      expect(batches.every((b) => b.lrs.every((lr) => Math.abs(lr - 0.02) < 1e-9))).toBe(true);
      expect(batches.at(-1)?.stepsPerSecond).toBeGreaterThan(0);

      const epochs = r.of("epoch");
      expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 21 }, (_, i) => i));
      const final = epochs[20];
      expect(final.step).toBe(320);
      expect(final.train.loss).toBeLessThan(initial.train.loss / 3);
      expect(final.val.accuracy).toBeGreaterThan(0.9);

      const boundaries = r.of("boundary");
      expect(boundaries.length).toBeGreaterThan(2);
      for (const b of boundaries) {
        expect([b.size, b.classes, b.values.length]).toEqual([100, 3, 100 * 100 * 3]);
        expect(b.extent).toBeGreaterThanOrEqual(1);
        expect(b.values[0] + b.values[1] + b.values[2]).toBeCloseTo(1, 5);
      }
      const during = boundaries.slice(0, -1); // the last one shows the final weights
      // Due every BOUNDARY_EVERY steps (a report carries the step it ran at, a few steps after it fell due).
      expect(during.slice(1).every((b, i) => b.step > during[i].step)).toBe(true);
      expect(during.length).toBeLessThanOrEqual(1 + Math.floor(320 / BOUNDARY_EVERY));
      expect(boundaries.at(-1)?.step).toBe(320);

      const insides = r.of("inside");
      expect(insides.length).toBeGreaterThanOrEqual(1 + Math.floor(320 / INSIDE_EVERY));
      const inside = insides[1];
      expect(inside.step).toBeGreaterThanOrEqual(INSIDE_EVERY);
      for (const l of inside.layers) {
        expect(l.gradNorm).toBeGreaterThan(0);
        expect(l.histogram.counts.length).toBe(30);
        expect(l.histogram.min).toBeLessThanOrEqual(l.histogram.max);
      }
      expect(inside.layers[2].histogram.counts.reduce((a, b) => a + b, 0)).toBe(32 * 32);

      const test = r.last("test");
      expect(r.of("test").length).toBe(21);
      expect(test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(60);
      expect(test.cellExamples.length).toBe(9);
      expect(test.cellExamples.reduce((n, c) => n + c.length, 0)).toBe(60);
      expect(test.accuracy).toBeGreaterThan(0.9); // the 60 test points, apart from the 48 validation points the epochs report
      expect(test.grid).toBeUndefined();
      expect(test.roc).toBeUndefined();
      await session.dispose();
    });
  });
});

describe("experiment session commands", () => {
  it("pauses, steps, tunes the learning rate and L1/L2 live, and explains what needs a reload", async () => {
    await withBackend(cpu32, async () => {
      const before = memory().tensors;
      const r = recorder();
      const session = await ExperimentSession.load(spiralConfig({}, { epochs: 1000 }), { backend: cpu32, post: r.post });
      session.play();
      await r.until(() => r.of("steps").length > 3);
      r.events.length = 0;
      await session.pause();
      expect(r.events.map((e) => e.type)).toEqual(expect.arrayContaining(["state", "boundary", "test", "inside"]));
      expect(r.last("state")).toMatchObject({ type: "state", running: false, done: false });
      const pausedAt = r.last("boundary").step;
      expect(r.last("inside").step).toBe(pausedAt);

      await session.step();
      expect(r.last("boundary").step).toBe(pausedAt + 1);
      expect(r.last("inside").layers[0].gradNorm).toBeGreaterThan(0);

      session.tune({ optimizer: { lr: 0.001 }, regularization: { l2: 0.01 } });
      expect(() => session.tune({ optimizer: { name: "sgd" } })).toThrow(/switching from adam to "sgd" needs a reload/);
      expect(() => session.tune({ optimizer: { momentum: 0.9 } })).toThrow(/Adam has no setting "momentum"/);
      expect(() => session.tune({ optimizer: { amsgrad: true } })).toThrow(/changing amsgrad changes the optimizer's state; it needs a reload/);
      expect(() => session.tune({ optimizer: { lr: -1 } })).toThrow(/lr must be a number > 0/);
      session.play();
      await r.until(() => r.of("steps").some((b) => b.lrs.includes(Math.fround(0.001))));
      await session.pause();
      const lrs = r.of("steps").flatMap((b) => Array.from(b.lrs));
      expect(lrs.at(-1)).toBeCloseTo(0.001, 9);
      await session.dispose();
      expect(memory().tensors).toBe(before); // the model, optimizer, snapshots and reports are all freed
    });
  });

  it("stops a diverging run with an error, keeps finite weights and continues after a lower learning rate", async () => {
    await withBackend(cpu32, async () => {
      const before = memory().tensors;
      const r = recorder();
      // Squared errors on the plane that grow several-fold a step under SGD at the largest learning rate a config may ask.
      const config = spiralConfig(
        {
          data: { name: "plane", points: 300, noise: 0.05, seed: 4 },
          model: {
            layers: [
              { type: "linear", units: 32 },
              { type: "activation", fn: "relu" },
              { type: "linear", units: 1 },
            ],
          },
          loss: "mse",
          optimizer: { name: "sgd", lr: 10 },
        },
        { epochs: 5 },
      );
      const session = await ExperimentSession.load(config, { backend: cpu32, post: r.post });
      session.play();
      await r.until(r.stopped);
      expect(r.last("error").message).toMatch(
        /^the loss became (Infinity|NaN|[\d.e+]+) (at|by) step \d+.*: training diverged\. The weights are back to those after step \d+\. Likely cause: the learning rate \(SGD 10\) is too high: lower it \(try 1\) or clip gradients/,
      );
      // Not done: the run can continue from the kept weights (the page offers "Continue").
      expect(r.last("state")).toMatchObject({ running: false, done: false, reason: expect.stringMatching(/diverged/) });
      const inside = r.last("inside");
      expect(inside.layers.every((l) => Number.isFinite(l.weightNorm))).toBe(true);
      r.events.length = 0;
      session.tune({ optimizer: { lr: 0.01 } });
      session.play();
      await r.until(r.finished);
      expect(r.of("error")).toEqual([]);
      expect(r.last("state").reason).toBe("trained 5 epochs");
      expect(r.last("epoch").epoch).toBe(5);
      await session.dispose();
      expect(memory().tensors).toBe(before);
    });
  });

  it("a finished run given more epochs trains on from where it stopped", async () => {
    await withBackend(cpu32, async () => {
      const r = recorder();
      const session = await ExperimentSession.load(spiralConfig({}, { epochs: 2 }), { backend: cpu32, post: r.post });
      session.play();
      await r.until(r.finished);
      expect(r.last("state")).toMatchObject({ done: true, step: 16, epoch: 2 }); // 192 training points in batches of 24
      session.play(); // finished: nothing happens
      expect(r.last("state")).toMatchObject({ running: false, done: true });
      session.tune({ epochs: 4 });
      expect(r.last("state")).toMatchObject({ running: false, done: false, epoch: 2 });
      r.events.length = 0;
      session.play();
      await r.until(r.finished);
      expect(r.last("state")).toMatchObject({ done: true, reason: "trained 4 epochs", step: 32, epoch: 4 });
      expect(r.of("steps").flatMap((b) => Array.from(b.steps))).toEqual(Array.from({ length: 16 }, (_, i) => i + 17));
      expect(() => session.tune({ epochs: 1.5 })).toThrow("tune: epochs must be a whole number >= 1, got 1.5");
      await session.dispose();
    });
  });

  it("a snapshot resumes the run exactly: weights, optimizer state, schedule and the batches still to come", async () => {
    await withBackend(cpu32, async () => {
      const config = spiralConfig({ scheduler: { name: "step", stepSize: 1, gamma: 0.7 } }, { epochs: 3 });
      const whole = recorder();
      const reference = await ExperimentSession.load(config, { backend: cpu32, post: whole.post });
      reference.play();
      await whole.until(whole.finished);
      await reference.dispose();
      const losses = whole.of("steps").flatMap((b) => Array.from(b.losses));
      expect(losses).toHaveLength(24);

      const first = recorder();
      const interrupted = await ExperimentSession.load(config, { backend: cpu32, post: first.post });
      for (let i = 0; i < 13; i++) await interrupted.step(); // into the second epoch
      await interrupted.snapshot();
      const run = first.last("snapshot").run;
      expect([run.epoch, run.step, run.config]).toEqual([1, 13, JSON.stringify(config)]);
      expect(run.scheduler).toEqual({ t: 1, baseLrs: [0.02] });
      await interrupted.dispose();

      const second = recorder();
      const resumed = await ExperimentSession.load(config, { backend: cpu32, post: second.post }, run);
      expect(second.last("state")).toMatchObject({ step: 13, epoch: 1, running: false, done: false });
      resumed.play();
      await second.until(second.finished);
      expect(second.of("steps").flatMap((b) => Array.from(b.steps))).toEqual(Array.from({ length: 11 }, (_, i) => i + 14));
      expect(second.of("steps").flatMap((b) => Array.from(b.losses))).toEqual(losses.slice(13)); // bit for bit
      expect(second.last("test")).toEqual({ ...whole.last("test") });
      await resumed.dispose();
    });
  });

  it("posts test images by index for a confusion-matrix cell, and refuses bad indices", async () => {
    await withBackend(cpu32, async () => {
      const r = recorder();
      const session = await ExperimentSession.load(
        { ...mnistConfig, training: { ...mnistConfig.training, augment: undefined } },
        { backend: cpu32, post: r.post },
      );
      session.examples([3, 0, 99]);
      const ex = r.last("examples");
      expect(Array.from(ex.indices)).toEqual([3, 0, 99]);
      expect([ex.channels, ex.height, ex.width, ex.pixels.length]).toEqual([1, 28, 28, 3 * 784]);
      const splits = await makeData(mnistConfig.data);
      expect(Array.from(ex.labels)).toEqual([3, 0, 99].map((i) => splits.test.y[i]));
      expect(Array.from(ex.pixels.subarray(784, 2 * 784))).toEqual(Array.from((splits.test.x as Uint8Array).subarray(0, 784)));
      expect(() => session.examples([100])).toThrow("examples: 100 is not a test image (0 to 99)");
      expect(() => session.examples([1.5])).toThrow("examples: 1.5 is not a test image");
      await session.dispose();
    });
  });

  it("exports safetensors that loadModel rebuilds with the same predictions, and a PyTorch script", async () => {
    await withBackend(cpu32, async () => {
      const r = recorder();
      const config = spiralConfig({}, { epochs: 3 });
      const session = await ExperimentSession.load(config, { backend: cpu32, post: r.post });
      session.play();
      await r.until(r.finished);
      await session.export();
      const exported = r.last("exported");
      expect(exported.filename).toMatch(/^spiral-test-\d{8}-\d{6}\.safetensors$/);
      expect(exported.script).toContain(exported.filename);
      expect(exported.script).toContain("class Model");
      const loaded = loadModel(exported.safetensors, { backend: cpu32 });
      expect(JSON.parse(loaded.metadata.config).optimizer).toEqual(config.optimizer);
      expect(loaded.metadata.step).toBe("24");
      const { test } = await makeData(config.data);
      const evaluation = await evaluate(loaded.model, test, lossByName("crossEntropy"), { backend: cpu32 });
      expect(evaluation.classification?.confusion).toEqual(r.last("test").confusion);
      loaded.model.dispose();
      await session.dispose();
    });
  });

  it("previews a table, and reports a regression's boundary and test scores", async () => {
    await withBackend(cpu32, async () => {
      const r = recorder();
      const iris: ExperimentConfig = { ...spiralConfig({}, { epochs: 1 }), data: { name: "iris", seed: 1 }, model: { layers: [{ type: "linear", units: 3 }] } };
      await (await ExperimentSession.load(iris, { backend: cpu32, post: r.post })).dispose();
      const table = r.last("dataset").preview;
      if (table.kind !== "table") throw new Error(`expected a table, got ${table.kind}`);
      expect([table.columns.length, table.rows.length, table.rows[0].length, table.labels.length, table.classNames.length]).toEqual([4, 96, 4, 96, 3]);
      expect([table.trainSize, table.valSize, table.testSize]).toEqual([96, 24, 30]);
      expect(r.of("boundary")).toEqual([]);

      r.events.length = 0;
      const plane: ExperimentConfig = { ...spiralConfig({}, { epochs: 2 }), data: { name: "plane", points: 200, seed: 1 }, loss: "mse" };
      plane.model = {
        layers: [
          { type: "linear", units: 8 },
          { type: "activation", fn: "tanh" },
          { type: "linear", units: 1 },
        ],
      };
      const session = await ExperimentSession.load(plane, { backend: cpu32, post: r.post });
      session.play();
      await r.until(r.finished);
      const boundary = r.last("boundary");
      expect([boundary.classes, boundary.values.length]).toEqual([1, 100 * 100]);
      const test = r.last("test");
      expect(Number.isNaN(test.accuracy) && test.confusion.length === 0 && test.cellExamples.length === 0).toBe(true);
      expect(Number.isNaN(r.last("epoch").val.accuracy)).toBe(true);
      await session.dispose();
    });
  });

  it("rejects bad configs naming the field or the layer", async () => {
    const post = () => {};
    await expect(ExperimentSession.load({ ...spiralConfig(), data: { name: "nope" } }, { backend: cpu32, post })).rejects.toThrow(
      /config data.name: "nope" is not a dataset; expected one of circle/,
    );
    const conv = spiralConfig({ model: { layers: [{ type: "conv2d", filters: 4, kernel: 3 }] } });
    await expect(ExperimentSession.load(conv, { backend: cpu32, post })).rejects.toThrow(/layer 1 conv2d: expects an image/);
    await expect(RaceSession.load(spiralConfig(), [{ label: "bad", optimizer: { name: "sgd", lr: -1 } }], { backend: cpu32, post })).rejects.toThrow(
      /race entry "bad": config optimizer.lr/,
    );
  });
});

describe("MNIST subset on webgpu", () => {
  it("previews images, reports a test grid, filters and feature maps, and augments on the device", async () => {
    const backend = await webgpu();
    await withBackend(backend, async () => {
      const r = recorder();
      const session = await ExperimentSession.load(mnistConfig, { backend, post: r.post });
      const preview = r.last("dataset").preview;
      if (preview.kind !== "images") throw new Error(`expected images, got ${preview.kind}`);
      expect([preview.channels, preview.height, preview.width, preview.pixels.length, preview.labels.length]).toEqual([1, 28, 28, 64 * 784, 64]);
      expect([preview.trainSize, preview.valSize, preview.testSize, preview.classNames.length]).toEqual([180, 20, 100, 10]);
      expect(r.of("boundary")).toEqual([]);
      const filters = r.last("inside").filters;
      expect(filters && [filters.count, filters.channels, filters.height, filters.width, filters.values.length]).toEqual([4, 1, 3, 3, 36]);

      session.play();
      await r.until(r.finished);
      expect(r.last("epoch")).toMatchObject({ epoch: 1, step: 4 });
      const test = r.last("test");
      expect(test.confusion.length).toBe(10);
      expect(test.cellExamples.length).toBe(100);
      const grid = test.grid;
      if (!grid) throw new Error("no test grid");
      expect([grid.indices.length, grid.pixels.length, grid.labels.length, grid.predictions.length, grid.confidence.length]).toEqual([
        48,
        48 * 784,
        48,
        48,
        48,
      ]);
      expect(grid.confidence.every((c) => c > 0 && c <= 1)).toBe(true);

      await session.inspect(3);
      const maps = r.last("feature-maps");
      expect(maps.index).toBe(3);
      expect(maps.label).toBe(grid.labels[3]);
      expect(maps.prediction).toBe(grid.predictions[3]);
      expect(maps.maps.map((m) => [m.layer, m.channels, m.height, m.width, m.values.length])).toEqual([
        ["1 conv2d", 4, 28, 28, 4 * 784],
        ["3 maxPool2d", 4, 14, 14, 4 * 196],
      ]);
      await expect(session.inspect(100)).rejects.toThrow(/index 100 is not a test image/);

      await session.augmentPreview(8);
      const augmented = r.last("augmented");
      expect([augmented.channels, augmented.height, augmented.width, augmented.pixels.length, augmented.originals.length]).toEqual([
        1,
        28,
        28,
        8 * 784,
        8 * 784,
      ]);
      expect(augmented.originals).toEqual(Uint8Array.from(preview.pixels.subarray(0, 8 * 784)));
      expect(augmented.pixels).not.toEqual(augmented.originals);
      await session.dispose();
    });
  });
});

describe.each(backends)("optimizer race on %s", (_, getBackend) => {
  it("starts sgd, momentum and adam from identical weights and posts curves for all three", async () => {
    const backend = await getBackend();
    await withBackend(backend, async () => {
      const r = recorder();
      const entries: RaceEntry[] = [
        { label: "SGD", optimizer: { name: "sgd", lr: 0.1 } },
        { label: "Momentum", optimizer: { name: "sgd", lr: 0.05, momentum: 0.9 } },
        { label: "Adam", optimizer: { name: "adam", lr: 0.01 } },
      ];
      const before = memory().tensors;
      const race = await RaceSession.load(spiralConfig({}, { epochs: 4 }), entries, { backend, post: r.post });
      const initial = r.of("race-epoch");
      expect(initial.map((e) => [e.entry, e.epoch])).toEqual([
        [0, 0],
        [1, 0],
        [2, 0],
      ]);
      expect(new Set(initial.map((e) => e.val.loss)).size).toBe(1);
      expect(r.last("state")).toEqual({ type: "state", race: true, running: false, done: false });
      race.play();
      await r.until(r.finished);
      expect(r.last("state")).toEqual({ type: "state", race: true, running: false, done: true, reason: "raced 4 epochs" });
      for (const entry of [0, 1, 2]) {
        const progress = r.of("race-steps").filter((p) => p.entry === entry);
        expect(progress.flatMap((p) => Array.from(p.steps))).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
        expect(
          r
            .of("race-epoch")
            .filter((e) => e.entry === entry)
            .map((e) => e.epoch),
        ).toEqual([0, 1, 2, 3, 4]);
      }
      const firstLoss = (entry: number) => (r.of("race-steps").find((p) => p.entry === entry) as Of<"race-steps">).losses[0];
      expect(firstLoss(1)).toBe(firstLoss(0));
      expect(firstLoss(2)).toBe(firstLoss(0));
      const secondLoss = (entry: number) => r.of("race-steps").flatMap((p) => (p.entry === entry ? Array.from(p.losses) : []))[1];
      expect(secondLoss(2)).not.toBe(secondLoss(0)); // the optimizers differ from the first update on
      const finalVal = (entry: number) =>
        (
          r
            .of("race-epoch")
            .filter((e) => e.entry === entry)
            .at(-1) as Of<"race-epoch">
        ).val.loss;
      expect(finalVal(2)).toBeLessThan(initial[2].val.loss);
      await race.dispose();
      expect(memory().tensors).toBe(before);
    });
  });
});

describe("architecture race", () => {
  it("races an RNN, an LSTM and a GRU on the adding problem in lock-step, each entry with its own model", async () => {
    const r = recorder();
    const config: ExperimentConfig = {
      name: "adding race",
      data: { name: "adding", examples: 96, length: 8, valRatio: 0.25, seed: 2 },
      model: { layers: [{ type: "lstm", units: 8 }, { type: "lastStep" }, { type: "linear", units: 1 }] },
      loss: "mse",
      optimizer: { name: "adam", lr: 0.01 },
      training: { epochs: 2, batchSize: 16, seed: 5 },
    };
    const cell = (type: "rnn" | "lstm" | "gru") => ({ layers: [{ type, units: 8 }, { type: "lastStep" }, { type: "linear", units: 1 }] }) as ModelSpec;
    const entries: RaceEntry[] = [
      { label: "RNN", optimizer: { name: "adam", lr: 0.01 }, model: cell("rnn") },
      { label: "LSTM", optimizer: { name: "adam", lr: 0.01 }, model: cell("lstm") },
      { label: "GRU", optimizer: { name: "adam", lr: 0.01 }, model: cell("gru") },
      { label: "LSTM, SGD", optimizer: { name: "sgd", lr: 0.1 } }, // the config's model: the LSTM, from the same weights
    ];
    const before = memory().tensors;
    const race = await RaceSession.load(config, entries, { backend: cpu32, post: r.post });
    const initial = r.of("race-epoch").map((e) => e.val.loss);
    expect(initial).toHaveLength(4);
    expect(new Set(initial.slice(0, 3)).size).toBe(3); // three architectures, three starting points
    expect(initial[3]).toBe(initial[1]); // same architecture, same initial weights
    race.play();
    await r.until(r.finished);
    expect(r.last("state")).toMatchObject({ race: true, done: true, reason: "raced 2 epochs" });
    const perEpoch = Math.ceil((await makeData(config.data)).train.n / 16);
    for (const entry of [0, 1, 2, 3]) {
      const steps = r.of("race-steps").flatMap((p) => (p.entry === entry ? Array.from(p.steps) : []));
      expect(steps).toEqual(Array.from({ length: 2 * perEpoch }, (_, i) => i + 1));
    }
    await race.dispose();
    expect(memory().tensors).toBe(before);
    await expect(
      RaceSession.load(config, [{ label: "conv", optimizer: { name: "adam", lr: 0.01 }, model: { layers: [{ type: "conv2d", filters: 2, kernel: 3 }] } }], {
        backend: cpu32,
        post: () => {},
      }),
    ).rejects.toThrow(/race entry "conv": .*layer 1 conv2d/);
  });
});

describe("cross-validation race", () => {
  it("trains one model per fold on the training and validation data, each scored on the fold it holds out", async () => {
    const r = recorder();
    const config: ExperimentConfig = {
      name: "iris folds",
      data: { name: "iris", scale: "standard", seed: 1 },
      model: {
        layers: [
          { type: "linear", units: 8 },
          { type: "activation", fn: "relu" },
          { type: "linear", units: 3 },
        ],
      },
      loss: "crossEntropy",
      optimizer: { name: "adam", lr: 0.05 },
      training: { epochs: 3, batchSize: 16, seed: 2 },
    };
    const entries = foldEntries(3, config.optimizer);
    const before = memory().tensors;
    const race = await RaceSession.load(config, entries, { backend: cpu32, post: r.post });
    race.play();
    await r.until(r.finished);
    expect(r.last("state")).toMatchObject({ race: true, done: true, reason: "raced 3 epochs" });
    // 120 training and validation flowers in 3 stratified folds: each trains on 80 (5 batches of 16) in lock-step.
    for (const entry of [0, 1, 2]) {
      const steps = r.of("race-steps").flatMap((p) => (p.entry === entry ? Array.from(p.steps) : []));
      expect(steps).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    }
    const summary = crossValidationSummary(3, r.of("race-epoch"));
    expect(summary?.epoch).toBe(3);
    expect(summary?.metric).toBe("accuracy");
    expect(summary?.mean).toBeGreaterThan(0.8);
    await race.dispose();
    expect(memory().tensors).toBe(before);
    const broken = [entries[1], entries[0], entries[2]];
    await expect(RaceSession.load(config, broken, { backend: cpu32, post: () => {} })).rejects.toThrow(/one entry per fold, in order/);
  });
});

describe("ensemble race", () => {
  it("trains members from their own seeds on bootstrap samples, and combines them on the validation split after each epoch", async () => {
    const r = recorder();
    const config = spiralConfig({ data: { name: "moons", points: 200, noise: 0.3, seed: 2 } }, { epochs: 2 });
    config.model.layers[4] = { type: "linear", units: 2 };
    const before = memory().tensors;
    const race = await RaceSession.load(config, memberEntries(3, config.optimizer, true), { backend: cpu32, post: r.post });
    const initial = r.of("race-epoch").map((e) => e.val.loss);
    expect(new Set(initial).size).toBe(3); // three seeds, three starting points
    race.play();
    await r.until(r.finished);
    const combined = r.of("race-ensemble");
    expect(combined.map((e) => e.epoch)).toEqual([0, 1, 2]);
    for (const e of combined) for (const v of [e.soft, e.hard, e.weighted, e.meanMember, e.disagreement]) expect(v >= 0 && v <= 1).toBe(true);
    const last = r.of("race-epoch").filter((e) => e.epoch === 2);
    expect(combined[2].meanMember).toBeCloseTo(last.reduce((a, e) => a + e.val.accuracy, 0) / 3, 12);
    // Bagging: each member's steps come from its own bootstrap sample (as many examples, so as many steps).
    const steps = (entry: number) => r.of("race-steps").flatMap((p) => (p.entry === entry ? Array.from(p.steps) : []));
    expect(steps(1)).toEqual(steps(0));
    const b = r.last("race-boundaries");
    expect(b.members).toHaveLength(3);
    const mean = (i: number) => (b.members[0].values[i] + b.members[1].values[i] + b.members[2].values[i]) / 3;
    for (const i of [0, 5000, 19_999]) expect(b.ensemble.values[i]).toBeCloseTo(mean(i), 6);
    await race.dispose();
    expect(memory().tensors).toBe(before);
  });
});
