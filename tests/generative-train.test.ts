/**
 * The generative training loops: a GAN iteration gives the same losses on WebGPU as on the CPU
 * reference from the same seeds; it is one submit with one (asynchronous) metrics read and leaves
 * memory flat; k discriminator steps per generator step; the generator's push on samples (the 2-D
 * view's arrows); pause, one step, resume and stop; a NaN
 * stops training and puts the weights back; a GAN saved to one file loads back into the same
 * samples, and each network exports as a loadable file and a PyTorch script.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend";
import type { Dataset } from "../src/data/dataset";
import { disposeGenerative, network } from "../src/generative/build";
import { exportGenerative, loadGenerative, loadGenerativeWeights, saveGenerative } from "../src/generative/checkpoint";
import { type GenerativeConfig, makeGenerativeData, parseGenerativeConfig } from "../src/generative/config";
import { buildGenerativeModels, makeGenerativeTrainer } from "../src/generative/experiment";
import type { GanStepEvent, GanTrainer } from "../src/generative/gan-trainer";
import { inEval } from "../src/generative/loop";
import { WeightAverage, warmedDecay } from "../src/generative/weight-average";
import * as dl from "../src/index";
import { loadModel } from "../src/io/checkpoint";
import type { Sequential } from "../src/nn/layers";
import type { Module } from "../src/nn/module";
import { withBackend } from "../src/tensor/engine";
import { cpu32, webgpu } from "./helpers/backends";
import { expectClose } from "./helpers/op-cases";

const mlp = (hidden: number, out: number) => ({
  layers: [
    { type: "linear", units: hidden },
    { type: "activation", fn: "relu" },
    { type: "linear", units: hidden },
    { type: "activation", fn: "relu" },
    { type: "linear", units: out },
  ],
});

/** A small 2-D GAN on the ring: 512 points in batches of 64 (8 iterations an epoch with one D step). */
function ringGan(overrides: Record<string, unknown> = {}, training: Record<string, unknown> = {}): GenerativeConfig {
  return parseGenerativeConfig({
    data: { name: "gaussian-ring", points: 512, seed: 2 },
    generative: { kind: "gan", latent: 2, generator: mlp(16, 2), discriminator: mlp(16, 1), ...overrides },
    optimizer: { name: "adam", lr: 0.002 },
    training: { epochs: 1, batchSize: 64, seed: 5, ...training },
  });
}

async function ganRun(config: GenerativeConfig, backend: Backend) {
  const data = await makeGenerativeData(config.data);
  const models = buildGenerativeModels(config, backend);
  const trainer = makeGenerativeTrainer(config, { train: data.train }, models) as GanTrainer;
  return { data, models, trainer };
}

describe("GAN loop", () => {
  it("gives the same losses and accuracies on WebGPU as on the CPU reference", async () => {
    const config = ringGan({ loss: "leastSquares", labelSmoothing: 0.1 }, { epochs: 2 });
    const histories: GanStepEvent[][] = [];
    for (const backend of [cpu32, await webgpu()]) {
      const { models, trainer } = await ganRun(config, backend);
      expect((await trainer.run()).reason).toBe("done");
      histories.push(trainer.history);
      trainer.dispose();
      disposeGenerative(models);
    }
    const [cpu, gpu] = histories;
    expect(cpu.map((e) => e.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    for (const key of ["dLoss", "gLoss"] as const)
      expectClose(
        gpu.map((e) => e[key]),
        cpu.map((e) => e[key]),
        1e-3,
        1e-4,
        key,
      );
    // Accuracies are shares of 64: at most one example may fall on the other side of the threshold.
    for (const key of ["dRealAccuracy", "dFakeAccuracy"] as const)
      expectClose(
        gpu.map((e) => e[key]),
        cpu.map((e) => e[key]),
        0,
        1 / 64 + 1e-6,
        key,
      );
  });

  it("records an iteration as one submit with one metrics read, and leaves memory flat", async () => {
    const gpu = await webgpu();
    const config = ringGan({ average: 0.99 }, { epochs: 6 }); // the weight average's update is part of the step
    const { models, trainer } = await ganRun(config, gpu);
    let reads = 0;
    const read = gpu.read.bind(gpu);
    gpu.read = (storage, dtype) => {
      reads++;
      return read(storage, dtype);
    };
    const counts: { submits: number; reads: number; tensors: number; buffers: number }[] = [];
    trainer.on("epoch", () => counts.push({ submits: gpu.recorder.stats.submits, reads, tensors: dl.memory().tensors, buffers: gpu.memory().liveBuffers }));
    try {
      await withBackend(gpu, () => trainer.run());
    } finally {
      gpu.read = read;
    }
    for (let e = 1; e < counts.length; e++) {
      expect(counts[e].submits - counts[e - 1].submits).toBe(8); // 8 iterations an epoch
      expect(counts[e].reads - counts[e - 1].reads).toBe(8);
    }
    expect(counts[5].tensors).toBe(counts[1].tensors);
    expect(counts[5].buffers).toBe(counts[1].buffers);
    trainer.dispose();
    disposeGenerative(models);
  });

  it("takes k discriminator steps per generator step and leaves the discriminator trainable", async () => {
    const config = ringGan({ dSteps: 3, loss: "hinge" });
    const { models, trainer } = await ganRun(config, cpu32);
    await trainer.run();
    expect(trainer.step).toBe(2); // 8 batches: two groups of 3, the remainder left out
    expect(trainer.options.discriminatorOptimizer.stepCount).toBe(6);
    expect(trainer.options.generatorOptimizer.stepCount).toBe(2);
    expect(
      network(models, "discriminator")
        .model.parameters()
        .every((p) => p.requiresGrad),
    ).toBe(true);
    expect(trainer.options.generatorOptimizer.groups[0].options).toMatchObject({ betas: [0.5, 0.999] }); // DCGAN's Adam by default
    trainer.dispose();
    disposeGenerative(models);
  });

  it("pauses, runs one iteration, resumes and stops on request", async () => {
    const { models, trainer } = await ganRun(ringGan({}, { epochs: 1000 }), cpu32);
    const done = trainer.run({ paused: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(trainer.step).toBe(0);
    trainer.stepOnce();
    await new Promise((r) => setTimeout(r, 50));
    expect(trainer.step).toBe(1);
    expect(trainer.history.map((e) => e.step)).toEqual([1]); // a paused run reports its last step
    trainer.resume();
    await new Promise((r) => setTimeout(r, 100));
    trainer.stop();
    const end = await done;
    expect(end.reason).toBe("stopped");
    expect(trainer.step).toBeGreaterThan(1);
    expect(trainer.state).toBe("stopped");
    trainer.dispose();
    disposeGenerative(models);
  });

  it("gives the direction the generator's gradient moves samples: σ(-D(x)) w for a linear D and the non-saturating loss", async () => {
    const { models, trainer } = await ganRun(ringGan({ discriminator: { layers: [{ type: "linear", units: 1 }] } }), cpu32);
    const D = network(models, "discriminator").model;
    D.loadStateDict(
      new Map([
        ["0.weight", { shape: [1, 2], data: [0.5, -2] }],
        ["0.bias", { shape: [1], data: [0.25] }],
      ]),
    );
    const points = [
      [0.3, -0.4],
      [-1, 0.7],
      [0, 0],
    ];
    const arrows = await withBackend(cpu32, () => trainer.descentDirections(dl.tensor(points))).data();
    const expected = points.flatMap(([a, b]) => {
      const s = 1 / (1 + Math.exp(0.5 * a - 2 * b + 0.25)); // σ(-D(x))
      return [0.5 * s, -2 * s];
    });
    expectClose(arrows, expected, 1e-5, 1e-6, "arrows");
    expect(D.parameters().every((p) => p.requiresGrad && p.grad !== null)).toBe(true); // still trainable
    trainer.dispose();
    disposeGenerative(models);
  });

  it("stops on a NaN loss and puts back the last good weights (and the generator's weight average)", async () => {
    const config = { ...ringGan({ average: 0.9 }), optimizer: { name: "sgd" as const, lr: 1e30 } }; // beyond what a config may ask: set after parsing
    const data = await makeGenerativeData(config.data);
    const models = buildGenerativeModels(config, cpu32);
    const trainer = makeGenerativeTrainer(config, data, models) as GanTrainer;
    const before = await network(models, "generator").model.parameters()[0].data();
    const averageBefore = await (models.average as Sequential).parameters()[0].data();
    const end = await trainer.run();
    expect(end.reason).toBe("diverged");
    expect(end.message).toMatch(
      /^the loss became (NaN|Infinity) at step \d+: training diverged\. The weights are back to those after step 0\. Likely cause: the learning rate \(the generator's SGD 1e\+30 and the discriminator's SGD 1e\+30\) is too high: lower it \(try 1e\+29 and 1e\+29\)\. Then continue\.$/,
    );
    expect(await network(models, "generator").model.parameters()[0].data()).toEqual(before);
    expect(trainer.options.average?.updates).toBeGreaterThan(0); // it took the diverging steps in...
    expect(await (models.average as Sequential).parameters()[0].data()).toEqual(averageBefore); // ...and is put back with the weights
    trainer.dispose();
    disposeGenerative(models);
  });

  it("refuses data holding NaN before training, naming the example", async () => {
    const config = ringGan();
    const data = await makeGenerativeData(config.data);
    const x = Float32Array.from(data.train.x);
    x[2 * 6 + 1] = Number.NaN; // example 7, feature 2
    const models = buildGenerativeModels(config, cpu32);
    expect(() => makeGenerativeTrainer(config, { train: { ...data.train, x } as Dataset }, models)).toThrow(
      "the training data hold values that are not numbers: example 7, feature 2 (x2), is NaN; remove or fill in such values before training",
    );
    disposeGenerative(models);
  });
});

describe("the generator's weight average", () => {
  /** A generator with batch norm, so running statistics are averaged too. */
  const withBatchNorm = {
    layers: [{ type: "linear", units: 8 }, { type: "batchNorm" }, { type: "activation", fn: "relu" }, { type: "linear", units: 2 }],
  };

  it("moves each weight and running statistic toward the trained one: avg <- d avg + (1 - d) w, d warmed up", async () => {
    const models = buildGenerativeModels(ringGan({ generator: withBatchNorm, average: 0.5 }), cpu32);
    const generator = network(models, "generator").model;
    const average = models.average as Sequential;
    const state = async (m: Module) => Promise.all([...m.stateDict().values()].map(async (t) => Array.from(await t.data())));
    expect(await state(average)).toEqual(await state(generator)); // starts as a copy
    const ema = new WeightAverage(average, generator, 0.5);
    let expected = await state(average);
    for (let t = 0; t < 12; t++) {
      // New "trained" values each update, as an optimizer step (and a forward in train mode) would leave them.
      withBackend(cpu32, () => {
        for (const p of generator.stateDict().values())
          if (p.dtype === "float32")
            p.assign_(
              dl.tensor(
                Array.from({ length: p.size }, (_, i) => Math.sin(7 * t + i)),
                { shape: [...p.shape] },
              ),
            );
      });
      const trained = await state(generator);
      const d = warmedDecay(0.5, t);
      expect(d).toBe(Math.min(0.5, (1 + t) / (10 + t)));
      expected = expected.map((avg, k) => avg.map((a, i) => d * a + (1 - d) * trained[k][i]));
      withBackend(cpu32, () => ema.update());
      const got = await state(average);
      for (const [k, values] of got.entries()) expectClose(values, expected[k], 1e-6, 1e-7, `tensor ${k} after update ${t + 1}`);
    }
    expect(ema.updates).toBe(12);
    expect([...average.namedBuffers()].map(([name]) => name)).toEqual(["1.running_mean", "1.running_var"]);
    disposeGenerative(models);
  });

  it("is updated once per generator step, draws the samples, and is saved, loaded and exported with the GAN", async () => {
    const config = ringGan({ generator: withBatchNorm, average: 0.9 }, { epochs: 2 });
    const { models, trainer } = await ganRun(config, cpu32);
    await trainer.run();
    const average = models.average as Sequential;
    expect(trainer.options.average?.updates).toBe(trainer.options.generatorOptimizer.stepCount);
    expect(trainer.sampler).toBe(average);
    const z = withBackend(cpu32, () =>
      dl.tensor(
        Array.from({ length: 32 }, (_, i) => Math.cos(i)),
        { shape: [16, 2] },
      ),
    );
    const fromAverage = await trainer.generate(z).data();
    const fromGenerator = await trainer.generate(z, network(models, "generator").model).data();
    expect(Math.max(...fromAverage.map((v, i) => Math.abs(v - fromGenerator[i])))).toBeGreaterThan(1e-3); // two different networks

    const bytes = await saveGenerative(models);
    const loaded = loadGenerative(bytes, cpu32);
    expect(await withBackend(cpu32, () => inEval([loaded.average as Sequential], () => (loaded.average as Sequential).forward(z))).data()).toEqual(fromAverage);
    const files = await exportGenerative(models);
    expect([...files.keys()]).toContain("generatorAverage.safetensors");
    expect(files.get("generatorAverage.py")).toMatch(/class Generator\(nn\.Sequential\)/);
    trainer.dispose();
    for (const m of [models, loaded]) disposeGenerative(m);
  });
});

describe("saving, loading and exporting a GAN", () => {
  it("round-trips both networks through one file and exports each", async () => {
    const config = ringGan({}, { epochs: 2 });
    const { models, trainer } = await ganRun(config, cpu32);
    await trainer.run();
    const samples = await trainer.readSamples(16, 9);
    const bytes = await saveGenerative(models, { epoch: "2" });

    const gpu = await webgpu();
    const loaded = loadGenerative(bytes, gpu);
    expect(loaded.metadata.epoch).toBe("2");
    expect(loaded.spec).toEqual(config.generative);
    const z = withBackend(gpu, () =>
      dl.tensor(
        Array.from({ length: 32 }, (_, i) => Math.sin(i)),
        { shape: [16, 2] },
      ),
    );
    const zCpu = withBackend(cpu32, () =>
      dl.tensor(
        Array.from({ length: 32 }, (_, i) => Math.sin(i)),
        { shape: [16, 2] },
      ),
    );
    const viaFile = await network(loaded, "generator").model.forward(z).data();
    const original = await withBackend(cpu32, () => network(models, "generator").model.forward(zCpu)).data();
    expectClose(viaFile, original, 1e-5, 1e-6, "generator after load");
    expect(samples.length).toBe(32);

    // Loading into a model of another spec changes nothing and says why.
    const other = buildGenerativeModels(ringGan({ generator: mlp(8, 2) }), cpu32);
    const weightBefore = await network(other, "generator").model.parameters()[0].data();
    expect(() => loadGenerativeWeights(other, bytes)).toThrow(/checkpoint: the file holds a different gan/);
    expect(await network(other, "generator").model.parameters()[0].data()).toEqual(weightBefore);

    const files = await exportGenerative(models);
    expect([...files.keys()]).toEqual(["generator.safetensors", "generator.py", "discriminator.safetensors", "discriminator.py"]);
    expect(files.get("generator.py")).toMatch(/class Generator\(nn\.Sequential\)/);
    expect(files.get("discriminator.py")).toMatch(/INPUT_SHAPE = \(2,\)\nOUTPUT_SHAPE = \(1,\)/);
    const alone = withBackend(cpu32, () => loadModel(files.get("generator.safetensors") as Uint8Array));
    expect(alone.inputShape).toEqual([2]);
    expectClose(await withBackend(cpu32, () => alone.model.forward(zCpu)).data(), original, 1e-6, 1e-7, "exported generator");
    const dir = mkdtempSync(join(tmpdir(), "gan-export-"));
    for (const name of ["generator.py", "discriminator.py"]) {
      writeFileSync(join(dir, name), files.get(name) as string);
      const compiled = spawnSync("python3", ["-m", "py_compile", join(dir, name)], { encoding: "utf8" });
      expect(compiled.status, compiled.stderr).toBe(0);
    }
    trainer.dispose();
    for (const m of [models, loaded, other]) disposeGenerative(m);
  });
});
