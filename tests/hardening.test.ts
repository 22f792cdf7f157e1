/**
 * One regression case (or more) for every finding of the bad-input probe that issue 10 reports,
 * numbered as the issue numbers them: prototype names, deep nesting, huge models and data, divergence
 * beyond NaN, batch norm's statistics in rollbacks, settings that can only produce NaN, NaN
 * checkpoints, CSV (in data-csv.test.ts), typos and wrong types, misleading messages. Each asserts
 * the message a user reads, and that nothing was allocated or left behind.
 */
import { describe, expect, it } from "vitest";
import { parseGenerativeConfig } from "../src/generative/config";
import { loadModel, loadWeightsInto, saveModel } from "../src/io/checkpoint";
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from "../src/io/safetensors";
import { buildModel } from "../src/nn/build";
import { formatBytes } from "../src/nn/resources";
import { type ModelSpec, parseModelSpec } from "../src/nn/spec";
import { tensor } from "../src/ops/creation";
import { SGD } from "../src/optim/sgd";
import { memory, withBackend } from "../src/tensor/engine";
import { ConfigError, type ExperimentConfig, parseConfig } from "../src/train/config";
import { DivergenceGuard, suspectsOf } from "../src/train/divergence";
import { buildExperimentModel, makeExperimentTrainer } from "../src/train/experiment";
import { makeData } from "../src/train/make";
import { TrainableState, withSentinel } from "../src/train/state-snapshot";
import { parseExperiment } from "../src/ui/state/experiment";
import { cpu32 } from "./helpers/backends";

const relu = { type: "activation", fn: "relu" } as const;
const spiral = (over: Record<string, unknown> = {}, training: Record<string, unknown> = {}) => ({
  data: { name: "spiral", points: 300, seed: 1 },
  model: { layers: [{ type: "linear", units: 16 }, relu, { type: "linear", units: 3 }] },
  loss: "crossEntropy",
  optimizer: { name: "adam", lr: 0.01 },
  training: { epochs: 2, batchSize: 32, ...training },
  ...over,
});
const fails = (value: unknown) => {
  try {
    parseConfig(value);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("accepted");
};
const quick = <T>(fn: () => T): T => {
  const started = performance.now();
  const out = fn();
  expect(performance.now() - started).toBeLessThan(1000);
  return out;
};

describe("1. names of Object.prototype's properties are no layer type, dataset or optimizer", () => {
  it.each(["constructor", "__proto__", "toString", "hasOwnProperty"])("%s", (name) => {
    expect(() => parseModelSpec({ layers: [{ type: name }] })).toThrow(`layer 1 type: "${name}" is not a layer type; expected one of linear`);
    expect(fails(spiral({ data: { name } }))).toMatch(`config data.name: "${name}" is not a dataset`);
    expect(fails(spiral({ optimizer: { name, lr: 0.1 } }))).toMatch(`config optimizer.name: "${name}" is not an optimizer`);
    const gan = { kind: "gan", latent: 2, generator: { layers: [{ type: name }] }, discriminator: { layers: [{ type: "linear", units: 1 }] } };
    expect(() =>
      parseGenerativeConfig({ data: { name: "moons" }, generative: gan, optimizer: { name: "adam", lr: 0.001 }, training: { epochs: 1, batchSize: 8 } }),
    ).toThrow(`config generative.generator: layer 1 type: "${name}" is not a layer type`);
  });
});

describe("2. deep nesting is refused quickly, and never breaks the message", () => {
  it("a residual block nested 5,000 deep", () => {
    let layers: unknown[] = [{ type: "linear", units: 2 }];
    for (let i = 0; i < 5000; i++) layers = [{ type: "residual", layers }];
    expect(() => quick(() => parseModelSpec({ layers }))).toThrow("model: nests lists and objects more than 64 levels deep; no valid input does");
  });

  it("deep arrays anywhere in a config, and in a safetensors header", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(quick(() => fails(spiral({ data: deep })))).toBe("config: nests lists and objects more than 64 levels deep; no valid input does");
    expect(quick(() => fails(spiral({ training: { epochs: deep, batchSize: 8 } })))).toMatch(/^config: nests/);
    const header = new TextEncoder().encode(`{"w":${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    const bytes = new Uint8Array(8 + header.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    expect(() => quick(() => decodeSafetensors(bytes))).toThrow(SafetensorsError);
  });
});

describe("3. nothing huge is allocated: the limit is decided from the shapes first", () => {
  it("a linear layer too wide: the parameter count and the layer named, nothing allocated", () => {
    const config = parseConfig(
      spiral({
        model: {
          layers: [
            { type: "linear", units: 65_536 },
            { type: "linear", units: 65_536 },
            { type: "linear", units: 3 },
          ],
        },
      }),
    );
    const live = memory().tensors;
    expect(() => quick(() => buildExperimentModel(config, [2], cpu32))).toThrow(
      "the model has 4,295,426,051 parameters (17.2 GB of float32); the limit is 100,000,000 (400 MB); most are in layer 2 linear (4,295,032,832): make it smaller",
    );
    expect(memory().tensors).toBe(live);
  });

  it("activations too large: the memory needed, where it goes and the largest batch that fits", () => {
    const upsample = { type: "upsample", scale: 8 };
    const conv = { type: "conv2d", filters: 2, kernel: 3, padding: 1 };
    const head = [{ type: "adaptiveAvgPool2d", size: 1 }, { type: "flatten" }, { type: "linear", units: 3 }];
    const grow = (ups: number, convs: number, batchSize: number) =>
      parseConfig(
        spiral(
          { model: { layers: [{ type: "unflatten", channels: 2, height: 1, width: 1 }, ...Array(ups).fill(upsample), ...Array(convs).fill(conv), ...head] } },
          { batchSize },
        ),
      );
    // One tensor beyond what the device holds in one buffer.
    expect(() => quick(() => buildExperimentModel(grow(4, 0, 4096), [2], cpu32))).toThrow(
      "at batch 4,096, layer 5 upsample outputs 4,096 x 2x4096x4096 values, 550 GB in one tensor; the CPU holds at most 2.15 GB in one. Use a batch of at most 15, or make layer 5 upsample smaller",
    );
    const gpu = { kind: "webgpu", limits: { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 } } as never;
    expect(() => buildExperimentModel(grow(3, 0, 512), [2], gpu)).toThrow(
      /^at batch 512, layer 4 upsample outputs .* 1\.07 GB in one tensor; this GPU holds at most 134 MB in one\. Use a batch of at most 64,/,
    );
    // Every tensor fits, but not all of them together.
    expect(() => quick(() => buildExperimentModel(grow(3, 2, 512), [2], cpu32))).toThrow(
      /^training at batch 512 needs about 6\.\d+ GB \(weights, gradients and optimizer state [\d.]+ KB; activations 6\.\d+ GB, the largest from layer 4 upsample\); the limit on the CPU is 4\.29 GB\. Use a batch of at most \d+, or make layer 4 upsample smaller$/,
    );
    const live = memory().tensors;
    const { model } = buildExperimentModel(grow(3, 2, 32), [2], cpu32); // the same model at batch 32 fits
    expect(memory().tensors).toBeGreaterThan(live);
    model.dispose();
  });

  it("points, upsample scales and strides beyond any playground model are refused by the schema", () => {
    expect(fails(spiral({ data: { name: "spiral", points: 1e9 } }))).toBe("config data.points: expected a whole number from 10 to 10,000, got 1000000000");
    expect(() => parseModelSpec({ layers: [{ type: "upsample", scale: 10_000 }] })).toThrow(
      "layer 1 upsample scale: expected a whole number from 1 to 8, got 10000",
    );
    expect(() => parseModelSpec({ layers: [{ type: "convTranspose2d", filters: 1, kernel: 2, stride: 10_000 }] })).toThrow(
      "layer 1 convTranspose2d stride: expected a whole number from 1 to 16, got 10000",
    );
    expect(formatBytes(1.7e13)).toBe("17 TB");
  });
});

describe("4 and 5. divergence beyond NaN; rollbacks hold batch norm's statistics", () => {
  it("an exploding but finite loss stops the run, says the rule, and puts back finite weights", async () => {
    const config = parseConfig({
      data: { name: "plane", points: 300, seed: 1 },
      model: { layers: [{ type: "linear", units: 16 }, relu, { type: "linear", units: 1 }] },
      loss: "mse",
      optimizer: { name: "sgd", lr: 1 },
      training: { epochs: 20, batchSize: 32 },
    } satisfies Partial<ExperimentConfig> as unknown);
    const splits = await makeData(config.data);
    const { model } = buildExperimentModel(config, [2], cpu32);
    const trainer = makeExperimentTrainer(config, splits, model);
    const end = await withBackend(cpu32, () => trainer.run());
    expect(end.reason).toBe("diverged");
    expect(end.message).toMatch(
      /^the loss rose to [\d.e+]+ by step \d+ and stayed above [\d.]+ \(10× its lowest level so far, [\d.]+\) for 20 steps in a row: training diverged\. The weights are back to those after step 0\. Likely cause: the learning rate \(SGD 1\) is too high: lower it \(try 0\.1\)/,
    );
    expect(Math.max(...trainer.history)).toBeLessThan(1e30); // caught while finite
    for (const p of model.parameters()) expect(Array.from(await p.data()).every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it("non-finite batch-norm statistics under a finite loss: caught by the snapshot's check, statistics put back", async () => {
    await withBackend(cpu32, async () => {
      const live = memory().tensors;
      const { model } = buildModel(
        {
          layers: [
            { type: "linear", units: 4 },
            { type: "batchNorm", eps: 1e-12 },
            { type: "linear", units: 1 },
          ],
        },
        [2],
      );
      const optimizer = new SGD(model.parameters(), { lr: 0.1 });
      const state = new TrainableState([optimizer], [model]);
      const guard = new DivergenceGuard(state, () => suspectsOf([optimizer], [model], { canClip: true }), { lossIndices: [0], watchIndex: 0 }, 0);
      const runningVar = model.stateDict().get("1.running_var");
      if (!runningVar) throw new Error("no running_var");
      const land = async (step: number, loss: number) => {
        const snapshot = guard.capture(step);
        const read = withSentinel(tensor([loss]), snapshot);
        const values = await read.data();
        read.dispose();
        return guard.land(step, 0, values, snapshot);
      };
      for (let step = 1; step <= 26; step++) expect(await land(step, 1)).toBeNull(); // step 25's snapshot confirmed by step 26
      const good = Array.from(await runningVar.data());
      for (let step = 27; step < 50; step++) expect(await land(step, 1)).toBeNull();
      const corrupt = tensor([Number.NaN, 1, 1, Number.POSITIVE_INFINITY]);
      runningVar.assign_(corrupt);
      corrupt.dispose();
      const stop = await land(50, 0.9);
      expect(stop?.message).toBe(
        "batch norm's running statistics became NaN or infinite by step 50 (layer 2): training diverged. The weights and batch-norm statistics are back to those after step 25. Likely cause: layer 2 batchNorm's eps (1e-12) is tiny, so a channel of equal values divides by almost zero: use 1e-5; also check: the learning rate (SGD 0.1) is too high: lower it (try 0.01) or clip gradients (training.clipGradNorm). Then continue.",
      );
      expect(Array.from(await runningVar.data())).toEqual(good);
      guard.release();
      optimizer.dispose();
      model.dispose();
      expect(memory().tensors).toBe(live);
    });
  });

  it("non-finite weights under a finite loss (the update overflowed) are caught the same way", async () => {
    await withBackend(cpu32, async () => {
      const { model } = buildModel({ layers: [{ type: "linear", units: 2 }] }, [2]);
      const optimizer = new SGD(model.parameters(), { lr: 0.1 });
      const state = new TrainableState([optimizer], [model]);
      const guard = new DivergenceGuard(state, () => suspectsOf([optimizer], [model]), { lossIndices: [0] }, 0);
      const weight = model.parameters()[0];
      const before = Array.from(await weight.data());
      for (let step = 1; step < 25; step++) expect(await guard.land(step, 0, [1], null)).toBeNull();
      const corrupt = tensor([Number.POSITIVE_INFINITY, 0, 0, 0], { shape: [2, 2] });
      weight.assign_(corrupt);
      corrupt.dispose();
      const snapshot = guard.capture(25);
      const read = withSentinel(tensor([1]), snapshot);
      const stop = await guard.land(25, 0, await read.data(), snapshot);
      read.dispose();
      expect(stop?.message).toMatch(
        /^the weights became NaN or infinite by step 25 while the loss was still finite: the gradients or the updates overflowed: training diverged\. The weights are back to those after step 0\./,
      );
      expect(Array.from(await weight.data())).toEqual(before);
      guard.release();
      optimizer.dispose();
      model.dispose();
    });
  });
});

describe("6. settings that can only produce NaN are refused before training", () => {
  it.each([
    [{ type: "batchNorm", eps: 0 }, "layer 2 batchNorm eps: expected a number above 0 and at most 1, got 0"],
    [{ type: "batchNorm", eps: -1 }, "layer 2 batchNorm eps: expected a number above 0 and at most 1, got -1"],
    [{ type: "batchNorm", momentum: 5 }, "layer 2 batchNorm momentum: expected a number from 0 to 1, got 5"],
    [{ type: "layerNorm", eps: 0 }, "layer 2 layerNorm eps: expected a number above 0 and at most 1, got 0"],
  ])("%j", (layer, message) => {
    expect(fails(spiral({ model: { layers: [{ type: "linear", units: 4 }, layer, { type: "linear", units: 3 }] } }))).toBe(`config model: ${message}`);
  });

  it("Adam's betas must be two numbers below 1; NaN in the data is named before training", async () => {
    expect(fails(spiral({ optimizer: { name: "adam", lr: 0.01, betas: [0.9] } }))).toBe(
      "config optimizer.betas: expected two numbers from 0 to 0.9999, like [0.9, 0.999], got [0.9]",
    );
    expect(fails(spiral({ optimizer: { name: "adam", lr: 0.01, betas: [0.9, 1] } }))).toBe(
      "config optimizer.betas[1]: expected a number from 0 to 0.9999, got 1",
    );
    const config = parseConfig(spiral());
    const splits = await makeData(config.data);
    const x = Float32Array.from(splits.train.x);
    x[7] = Number.NaN;
    const { model } = buildExperimentModel(config, [2], cpu32);
    expect(() => makeExperimentTrainer(config, { ...splits, train: { ...splits.train, x } }, model)).toThrow(
      "the training data hold values that are not numbers: example 4, feature 2 (x2), is NaN; remove or fill in such values before training",
    );
    model.dispose();
  });
});

describe("7. a checkpoint full of NaN is refused unless asked for", () => {
  it("loadModel and loadWeightsInto", async () => {
    await withBackend(cpu32, async () => {
      const spec: ModelSpec = { layers: [{ type: "linear", units: 2 }] };
      const { model } = buildModel(spec, [3]);
      const good = await saveModel(model, spec, [3]);
      const file = decodeSafetensors(good);
      const weight = file.tensors.get("0.weight");
      if (!weight) throw new Error("no weight");
      const data = Float32Array.from(weight.data);
      data[1] = Number.NaN;
      data[4] = Number.NEGATIVE_INFINITY;
      const tensors = new Map(
        [...file.tensors].map(([name, t]) => [name, { dtype: "F32" as const, shape: t.shape, data: name === "0.weight" ? data : Float32Array.from(t.data) }]),
      );
      const bad = encodeSafetensors(tensors, file.metadata);
      const message =
        "checkpoint: the weights hold values that are not finite (0.weight: 1 NaN and 1 infinite of 6): the model was saved after its training diverged, and would output NaN. Load an earlier checkpoint, or ask for it anyway (CLI: --allow-nonfinite; code: { allowNonFinite: true })";
      const live = memory().tensors;
      expect(() => loadModel(bad)).toThrow(message);
      expect(() => loadWeightsInto(model, bad)).toThrow(message);
      expect(memory().tensors).toBe(live);
      const loaded = loadModel(bad, { allowNonFinite: true });
      expect(Number.isNaN((await loaded.model.parameters()[0].data())[1])).toBe(true);
      loaded.model.dispose();
      model.dispose();
    });
  });
});

describe("9. typos and wrong types inside every section are named", () => {
  it.each([
    [
      spiral({ optimizer: { name: "sgd", lr: 0.1, momentun: 0.9 } }),
      "config optimizer.momentun: unknown key; did you mean momentum? The sgd optimizer takes lr, momentum, dampening, weightDecay, nesterov",
    ],
    [spiral({}, { batchsize: 3 }), "config training.batchsize: unknown key; did you mean batchSize?"],
    [spiral({ scheduler: { name: "step", gama: 0.5 } }), "config scheduler.gama: unknown key; did you mean gamma? The step schedule takes stepSize, gamma"],
    [spiral({ data: { name: "spiral", point: 300 } }), "config data.point: unknown key; did you mean points?"],
    [spiral({ regularization: "x" }), 'config regularization: expected an object (regularization), got "x"'],
    [spiral({ regularization: { l2: -1 } }), "config regularization.l2: expected a number from 0 to 10, got -1"],
    [spiral({}, { earlyStopping: 5 }), "config training.earlyStopping: expected an object (early stopping), got 5"],
    [spiral({}, { seed: "abc" }), 'config training.seed: expected a whole number from 0 to 2,147,483,647, got "abc"'],
    [spiral({}, { epochs: 1e308 }), "config training.epochs: expected a whole number from 1 to 100,000, got 1e+308"],
  ])("%#: %s", (config, message) => {
    expect(fails(config)).toContain(message);
  });
});

describe("10. messages say what is actually wrong", () => {
  it.each([
    [spiral({ data: { name: "spiral", points: "100" } }), 'config data.points: expected a whole number from 10 to 10,000, got "100"'],
    [spiral({ data: { name: "spiral", trainRatio: "0.5" } }), 'config data.trainRatio: expected a number above 0 and below 1, got "0.5"'],
    [spiral({ data: { name: "mnist", valRatio: 1 } }), "config data.valRatio: expected a number from 0.05 to 0.5, got 1"],
    [
      spiral({ loss: "mse" }),
      "config loss: mse is a regression loss, but spiral is a classification dataset; use one of crossEntropy, bceWithLogits, multiMargin, mseOneHot",
    ],
  ])("%#: %s", (config, message) => {
    expect(fails(config)).toBe(message);
  });

  it("a last batch of one example with batch norm is left for another epoch, not a crash", async () => {
    const config = parseConfig(
      spiral(
        {
          data: { name: "spiral", points: 301, trainRatio: 0.5, seed: 1 },
          model: { layers: [{ type: "linear", units: 8 }, { type: "batchNorm" }, relu, { type: "linear", units: 3 }] },
        },
        { batchSize: 30 },
      ),
    );
    const splits = await makeData(config.data);
    expect(splits.train.n % 30).toBe(1);
    const { model } = buildExperimentModel(config, [2], cpu32);
    const trainer = makeExperimentTrainer(config, splits, model);
    const end = await withBackend(cpu32, () => trainer.run());
    expect(end.reason).toBe("done");
    expect(trainer.history).toHaveLength(2 * Math.floor(splits.train.n / 30));
    model.dispose();
  });

  it("the page refuses a config the CLI would refuse, with the same words", () => {
    const bad = spiral({ optimizer: { name: "sgd", lr: 0.1, momentun: 0.9 } });
    expect(() => parseExperiment({ version: 1, config: bad })).toThrow(fails(bad));
  });
});
