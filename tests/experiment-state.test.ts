/**
 * The playground's experiment state, in Node: the default experiment and every examples/*.json
 * config survive the URL encoding and experiment files unchanged; garbage links and files (random
 * bytes, cut short, a newer version, a bad field, huge or deeply nested input) never throw and give
 * a message naming what is wrong with a working default; every dataset's default config validates;
 * bare CLI configs migrate; the autosave debounces, reports a failing storage once and opens the
 * link's experiment over the autosaved one.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DATA_NAMES, DATASETS, defaultDataConfig } from "../src/data/catalog";
import { GENERATIVE_PRESETS } from "../src/generative/presets";
import { buildModel } from "../src/nn/build";
import { withBackend } from "../src/tensor/engine";
import { manualSeed } from "../src/tensor/random";
import { makeData, makeOptimizer } from "../src/train/make";
import { lossByName } from "../src/train/objectives";
import { Trainer } from "../src/train/trainer";
import { presetSpec, presetsFor } from "../src/ui/builder/model-presets";
import { pairProblem, presetOf } from "../src/ui/generative/generative-config";
import { architectureEntries, crossValidationSummary, describeEntry, foldEntries, isCrossValidation, withoutModels } from "../src/ui/race/race-entries";
import { Autosave, type ExperimentStore, indexedDbStore, loadAutosave, openExperiment } from "../src/ui/state/autosave";
import {
  defaultConfigFor,
  defaultExperiment,
  defaultGenerative,
  defaultRace,
  EXPERIMENT_VERSION,
  type Experiment,
  ExperimentError,
  MAX_RACE_ENTRIES,
  parseExperiment,
} from "../src/ui/state/experiment";
import {
  type DownloadDocument,
  downloadBlob,
  downloadExport,
  EXPERIMENT_FORMAT,
  experimentFileName,
  experimentFileText,
  parseExperimentFile,
  readExperimentFile,
} from "../src/ui/state/experiment-file";
import { decodeExperiment, encodeExperiment, hashParameter, readBackendChoice, readUrl, writeUrl } from "../src/ui/state/url-state";
import { cpu32 } from "./helpers/backends";

const examples = readdirSync("examples")
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ file: f, config: JSON.parse(readFileSync(`examples/${f}`, "utf8")) }))
  .filter(({ config }) => !("generative" in config)); // GANs and autoencoders are not playground experiments yet (issue 6)

const IRIS_CSV = "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.5,setosa\n";
const b64 = (bytes: Uint8Array) => {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
};
const link = async (experiment: unknown) => `#e=${await encodeExperiment(experiment as Experiment)}`;
const bad = (mutate: (e: Experiment) => void) => {
  const e = structuredClone(defaultExperiment());
  mutate(e);
  return e;
};

/** Reads a link that must fail: the default experiment and a message matching `pattern`. */
async function expectRejectedLink(hash: string, pattern: RegExp) {
  const read = await readUrl({ hash });
  expect(read.fromUrl).toBe(false);
  expect(read.experiment).toEqual(defaultExperiment());
  expect(read.message).toMatch(/^The experiment in this link could not be opened: /);
  expect(read.message).toMatch(pattern);
  expect(read.message?.length).toBeLessThan(600);
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("experiment", () => {
  it("the default validates, trains a spiral and races three optimizers", () => {
    const e = defaultExperiment();
    expect(parseExperiment(structuredClone(e))).toEqual(e);
    expect(e.config.data).toMatchObject({ name: "spiral", classes: 3 });
    expect(e.config.optimizer).toEqual({ name: "adam", lr: 0.03 });
    expect(e.config.model.layers.filter((l) => l.type === "linear").map((l) => (l as { units: number }).units)).toEqual([16, 16, 3]);
    expect(e.race.map((r) => r.optimizer.name)).toEqual(["sgd", "sgd", "adam"]);
  });

  it("the default reaches 90% test accuracy within 180 steps (CPU backend)", async () => {
    const { config } = defaultExperiment();
    const splits = await makeData(config.data);
    await withBackend(cpu32, async () => {
      manualSeed(config.training.seed ?? 1);
      const { model } = buildModel(config.model, splits.train.inputShape);
      const optimizer = makeOptimizer(config.optimizer, model.parameters());
      const { batchSize, seed } = config.training;
      const trainer = new Trainer({ model, optimizer, loss: lossByName(config.loss), train: splits.train, val: splits.test, batchSize, epochs: 15, seed });
      await trainer.run();
      expect(trainer.step).toBe(15 * Math.ceil(splits.train.n / batchSize)); // 384 training points (96 more held out for validation) in batches of 32
      expect(trainer.epochs.at(-1)?.val?.classification?.accuracy).toBeGreaterThanOrEqual(0.9);
      optimizer.dispose();
      model.dispose();
    });
  });

  it("gives every dataset a default config that validates", () => {
    for (const name of DATA_NAMES) {
      const config = name === "csv" ? defaultConfigFor({ name, text: IRIS_CSV }) : defaultConfigFor(name);
      expect(parseExperiment({ version: 1, config }).config, name).toEqual(config);
      expect(config.data.name).toBe(name);
    }
    expect(defaultConfigFor("plane").loss).toBe("mse");
    expect(defaultConfigFor("multi-gaussian").model.layers.at(-1)).toEqual({ type: "linear", units: 1 });
    expect(defaultConfigFor("mnist").data).toMatchObject({ trainLimit: 5000, testLimit: 1000 });
    expect(defaultConfigFor({ name: "spiral", classes: 5 }).model.layers.at(-1)).toEqual({ type: "linear", units: 5 });
    expect(defaultConfigFor({ name: "csv", text: IRIS_CSV }).model.layers.at(-1)).toEqual({ type: "linear", units: 3 });
    const regression = defaultConfigFor({ name: "csv", text: "a,b,y\n1,2,0.5\n3,4,1.7\n5,6,2.25\n" });
    expect(regression.loss).toBe("mse");
  });

  it("takes every dataset's data defaults from the catalog, whose facts are the data's own", async () => {
    for (const facts of DATASETS) {
      if (facts.name === "csv") continue;
      expect(defaultConfigFor(facts.name).data, facts.name).toEqual(defaultDataConfig(facts.name));
      const splits = await makeData({ ...defaultDataConfig(facts.name), ...(facts.family === "images" ? { trainLimit: 100, testLimit: 50 } : {}) } as never);
      expect(splits.train.inputShape, facts.name).toEqual(facts.inputShape);
      expect(splits.train.task, facts.name).toBe(facts.task);
    }
    expect(defaultDataConfig("gaussian")).toMatchObject({ noise: 0.3 }); // blobs that overlap
    expect(defaultDataConfig("spiral")).toMatchObject({ points: 600, classes: 3 });
    expect(defaultDataConfig("mnist")).toMatchObject({ trainLimit: 5000, testLimit: 1000, valRatio: 0.1 });
  });

  it("says why a CSV cannot give a default config", () => {
    expect(() => defaultConfigFor("csv")).toThrow(/pick a CSV file/);
    expect(() => defaultConfigFor({ name: "csv", text: "a,b\n1,0\nx,1\n" })).toThrow(ExperimentError);
    expect(() => defaultConfigFor({ name: "csv", text: "a,b\n1,0\nx,1\n" })).toThrow(/row 3, column "a"/);
  });

  it("migrates a bare CLI config (version 0) into an experiment with the default race", () => {
    for (const { file, config } of examples) {
      const e = parseExperiment(structuredClone(config));
      expect(e, file).toEqual({ version: EXPERIMENT_VERSION, config, race: defaultRace(), view: { tab: "train" } });
    }
    const [{ config }] = examples;
    expect(parseExperiment({ version: 0, ...config }).config).toEqual(config);
  });

  it("names the field that is wrong", () => {
    const cases: [unknown, RegExp][] = [
      [bad((e) => Object.assign(e.config.data, { points: 1e9 })), /config data\.points: expected a whole number from 10 to 10,000, got 1000000000/],
      [bad((e) => Object.assign(e.config.optimizer, { lr: -1 })), /config optimizer\.lr/],
      [
        bad((e) => Object.assign(e.config.data, { classes: 4, name: "circle" })),
        /config data\.classes: unknown key. The circle dataset takes name, points, noise, lastClassShare, trainRatio, valRatio, scale, seed/,
      ],
      [
        bad((e) => e.config.model.layers.push({ type: "dense" } as never)),
        /config model: layer 6 type: "dense" is not a layer type; expected one of linear, conv2d.*Did you mean "linear"\?/,
      ],
      [bad((e) => Object.assign(e.config, { data: { name: "csv", path: "x.csv" } })), /config data\.path/],
      [bad((e) => Object.assign(e.config.training, { augment: { rotate: 3 } })), /config training\.augment\.rotate/],
      [bad((e) => Object.assign(e.config.training, { batchSize: 1e6 })), /config training\.batchSize/],
      [bad((e) => Object.assign(e.config.optimizer, { betas: [0.9, 2] })), /config optimizer\.betas/],
      [bad((e) => e.race.push({ label: "X", optimizer: { name: "lion", lr: 0.1 } } as never)), /race 4 optimizer\.name: "lion" is not an optimizer/],
      [bad((e) => Object.assign(e.race[1].optimizer, { momentum: "lots" })), /race 2 optimizer\.momentum/],
      [bad((e) => Object.assign(e.race[0], { label: "" })), /race 1 label/],
      [bad((e) => e.race.push(...Array.from({ length: MAX_RACE_ENTRIES }, () => e.race[0]))), /race: expected a list of 1 to 12 entries, got 15/],
      [bad((e) => Object.assign(e.race[0], { model: { layers: [{ type: "dense" }] } })), /race 1 model: layer 1 type: "dense" is not a layer type/],
      [bad((e) => Object.assign(e, { extra: 1 })), /unknown field "extra"/],
      [bad((e) => Object.assign(e, { version: 9 })), /version 9 comes from a newer playground/],
      [bad((e) => Object.assign(e, { version: "1" })), /version must be a whole number/],
      [{ hello: "world" }, /not an experiment/],
      [[1, 2, 3], /expected an experiment object/],
      [null, /expected an experiment object/],
    ];
    for (const [value, pattern] of cases) {
      expect(() => parseExperiment(value)).toThrow(ExperimentError);
      expect(() => parseExperiment(value)).toThrow(pattern);
    }
  });

  it("keeps an architecture race: one entry per preset for the data, each with its model and the Train tab's optimizer", () => {
    const e = defaultExperiment();
    const presets = presetsFor([2]);
    e.race = architectureEntries(presets, 3, e.config.optimizer, MAX_RACE_ENTRIES);
    expect(e.race.map((r) => r.label)).toEqual(presets.map((p) => `${p.label} — Adam · lr ${e.config.optimizer.lr}`));
    expect(e.race[1].model).toEqual(presetSpec(presets[1], 3));
    expect(parseExperiment(structuredClone(e))).toEqual(e);
    // New data: the entries keep their optimizers and train the Train tab's model again.
    expect(withoutModels(e.race)).toEqual(e.race.map((r) => ({ label: describeEntry(r.optimizer), optimizer: r.optimizer })));
    const sequence = architectureEntries(presetsFor([30, 2], { vocab: 0, perStep: false }), 1, { name: "sgd", lr: 0.1, momentum: 0.9 }, 3);
    expect(sequence.map((r) => r.label)).toEqual([
      "RNN · 64 — SGD + momentum 0.9 · lr 0.1",
      "LSTM · 64 — SGD + momentum 0.9 · lr 0.1",
      "GRU · 64 — SGD + momentum 0.9 · lr 0.1",
    ]);
  });

  it("gives a version-1 experiment that validated on the test split (valRatio 0) its dataset's validation split", () => {
    const old = { version: 1, config: { ...defaultConfigFor("mnist"), data: { name: "mnist", trainLimit: 500, valRatio: 0, seed: 1 } } };
    const e = parseExperiment(structuredClone(old));
    expect(e.version).toBe(EXPERIMENT_VERSION);
    expect(e.config.data).toEqual({ name: "mnist", trainLimit: 500, seed: 1 });
    expect(parseExperiment({ ...old, config: { ...old.config, data: { ...old.config.data, valRatio: 0.2 } } }).config.data.valRatio).toBe(0.2);
    expect(() => parseExperiment({ ...old, version: 2 })).toThrow(/config data\.valRatio: expected a number from 0\.05 to 0\.5, got 0/);
  });

  it("keeps a cross-validation's folds and sums them up as mean ± std of the held-out scores", () => {
    const e = { ...defaultExperiment(), race: foldEntries(4, { name: "adam", lr: 0.01 }) };
    expect(e.race.map((r) => [r.label, r.fold?.index])).toEqual([
      ["fold 1 of 4", 0],
      ["fold 2 of 4", 1],
      ["fold 3 of 4", 2],
      ["fold 4 of 4", 3],
    ]);
    expect(isCrossValidation(e.race)).toBe(true);
    expect(parseExperiment(structuredClone(e))).toEqual(e);
    expect(() => parseExperiment({ ...e, race: [{ ...e.race[0], fold: { k: 13, index: 0 } }] })).toThrow(
      /race 1 fold\.k: expected a whole number from 2 to 12, got 13/,
    );
    const epoch = (entry: number, epoch: number, accuracy: number) => ({
      entry,
      epoch,
      step: epoch * 10,
      train: { loss: 1, accuracy },
      val: { loss: 1 - accuracy, accuracy },
    });
    const epochs = [0, 1, 2, 3].map((f) => epoch(f, 0, 0.3));
    expect(crossValidationSummary(4, epochs)).toBeNull(); // nothing trained yet
    epochs.push(epoch(0, 1, 0.9), epoch(1, 1, 0.8), epoch(2, 1, 1), epoch(3, 1, 0.7), epoch(0, 2, 0.95));
    // numpy: np.mean([0.9, 0.8, 1, 0.7]) = 0.85, np.std(...) = 0.111803 (fold 1's epoch 2 waits for the others)
    const summary = crossValidationSummary(4, epochs);
    expect(summary).toMatchObject({ epoch: 1, metric: "accuracy" });
    expect(summary?.mean).toBeCloseTo(0.85, 12);
    expect(summary?.std).toBeCloseTo(0.1118034, 6);
  });

  it("shows the train tab for an unknown tab, and fills in a missing race", () => {
    const e = parseExperiment({ version: 1, config: defaultExperiment().config, view: { tab: "gan" } });
    expect(e.view).toEqual({ tab: "train" });
    expect(e.race).toEqual(defaultRace());
    expect(parseExperiment({ ...defaultExperiment(), view: { tab: "race" } }).view.tab).toBe("race");
  });
});

describe("the generative experiment", () => {
  it("every preset validates inside an experiment and round-trips; the preset is recognised from its config", () => {
    for (const preset of GENERATIVE_PRESETS) {
      const e = { ...defaultExperiment(), generative: structuredClone(preset.config), view: { tab: "generative" as const } };
      expect(parseExperiment(structuredClone(e))).toEqual(e);
      expect(presetOf(preset.config)).toBe(preset.id);
      expect(pairProblem(preset.config)).toBeNull();
    }
    const fashionAutoencoder = { ...GENERATIVE_PRESETS[3].config, data: { name: "fashion-mnist" as const, seed: 1 } };
    expect(presetOf(fashionAutoencoder)).toBe("autoencoder-2d");
    const edited = structuredClone(defaultGenerative());
    if (edited.generative.kind !== "gan") throw new Error("the default is a GAN");
    edited.generative.generator.layers[0] = { type: "linear", units: 48 };
    expect(presetOf(edited)).toBe("");
  });

  it("names the network and layer of a pair that does not fit, and rejects a generative config out of bounds", () => {
    const bad = structuredClone(defaultGenerative());
    if (bad.generative.kind !== "gan") throw new Error("the default is a GAN");
    bad.generative.generator.layers = bad.generative.generator.layers.slice(0, -1); // ends at 32 units, not the data's 2
    expect(pairProblem(bad)).toMatch(/generator.*32.*2/);
    expect(() => parseExperiment({ ...defaultExperiment(), generative: { ...defaultGenerative(), data: { name: "gaussian-ring", points: 1e9 } } })).toThrow(
      /generative config data\.points/,
    );
    expect(() => parseExperiment({ ...defaultExperiment(), generative: { data: { name: "gaussian-ring" } } })).toThrow(/generative config/);
  });
});

describe("URL", () => {
  it("names the engine with ?backend=, the automatic choice otherwise, and says when the name is wrong", () => {
    expect(readBackendChoice({ search: "" })).toEqual({ choice: "auto" });
    expect(readBackendChoice({ search: "?backend=webgpu" })).toEqual({ choice: "webgpu" });
    expect(readBackendChoice({ search: "?x=1&backend=wasm" })).toEqual({ choice: "wasm" });
    expect(readBackendChoice({ search: "?backend=cpu" })).toEqual({ choice: "cpu" });
    const wrong = readBackendChoice({ search: `?backend=${"tpu".repeat(20)}` });
    expect(wrong.choice).toBe("auto");
    expect(wrong.message).toBe(
      `The address asks for backend "${"tpu".repeat(20).slice(0, 20)}…", which does not exist; the engine chose itself. Use ?backend=auto, webgpu, wasm, cpu.`,
    );
  });

  it("round-trips the default and every example, compactly", async () => {
    const experiments = [defaultExperiment(), ...examples.map(({ config }) => parseExperiment(config))];
    for (const e of experiments) {
      const encoded = await encodeExperiment(e);
      expect(encoded).toMatch(/^z\.[A-Za-z0-9_-]+$/);
      expect(await decodeExperiment(encoded)).toEqual(e);
      const read = await readUrl({ hash: `#e=${encoded}` });
      expect(read).toEqual({ experiment: e, fromUrl: true });
    }
    expect((await encodeExperiment(defaultExperiment())).length).toBeLessThan(600);
  });

  it("writes plain base64url JSON where the browser cannot compress, and reads it back", async () => {
    vi.stubGlobal("CompressionStream", undefined);
    const e = defaultExperiment();
    const encoded = await encodeExperiment(e);
    expect(encoded).toMatch(/^j\./);
    expect(await decodeExperiment(encoded)).toEqual(e);
  });

  it("finds the parameter among others and through percent-escaping", () => {
    expect(hashParameter("#a=1&e=z.abc&b=2")).toBe("z.abc");
    expect(hashParameter("#e%3Dz.abc")).toBe("z.abc");
    expect(hashParameter("#x=1")).toBeUndefined();
    expect(hashParameter("")).toBeUndefined();
  });

  it("opens the default without a message when the URL holds no experiment", async () => {
    expect(await readUrl({ hash: "" })).toEqual({ experiment: defaultExperiment(), fromUrl: false });
  });

  it("opens the default with a message naming the problem for garbage links", async () => {
    const good = await encodeExperiment(defaultExperiment());
    let seed = 7;
    const random = (n: number) =>
      Uint8Array.from({ length: n }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed >> 16;
      });
    await expectRejectedLink(`#e=z.${b64(random(300))}`, /damaged or cut short/);
    await expectRejectedLink(`#e=${String.fromCharCode(...random(200).map((c) => 33 + (c % 90)))}`, /does not start with "z\." or "j\."/);
    await expectRejectedLink(`#e=z.ab$cd!`, /holds "\$"/);
    await expectRejectedLink(`#e=${good.slice(0, Math.floor(good.length / 2))}`, /cut short/);
    await expectRejectedLink(`#e=${good.slice(0, good.length - 5)}`, /cut short/);
    await expectRejectedLink("#e=", /does not start with/);
    await expectRejectedLink(`#e=j.${b64(new TextEncoder().encode('{"version":1,"config":'))}`, /JSON inside is broken/);
    await expectRejectedLink(`#e=j.${b64(random(100))}`, /does not hold text|JSON inside is broken/);
    await expectRejectedLink(await link(bad((e) => Object.assign(e, { version: EXPERIMENT_VERSION + 1 }))), /version 3 comes from a newer playground/);
    await expectRejectedLink(await link(bad((e) => Object.assign(e.config.data, { points: 1e9 }))), /config data\.points/);
    await expectRejectedLink(await link(bad((e) => Object.assign(e.config, { loss: "hinge" }))), /config loss: expected one of "crossEntropy".*got "hinge"/);
  });

  it("refuses huge links, links that unpack into huge text, and deeply nested JSON", async () => {
    await expectRejectedLink(`#e=z.${"A".repeat(300_000)}`, /300,002 characters long/);
    const bomb = await link({ ...defaultExperiment(), pad: " ".repeat(6_000_000) });
    expect(bomb.length).toBeLessThan(50_000);
    await expectRejectedLink(bomb, /unpacks to more than 5,000,000 bytes/);
    const depth = 20_000;
    const layer = `${'{"type":"residual","layers":['.repeat(depth)}{"type":"linear","units":2}${"]}".repeat(depth)}`;
    const json = JSON.stringify(defaultExperiment()).replace('"layers":[', `"layers":[${layer},`);
    const deflated = new Response(new Blob([json]).stream().pipeThrough(new CompressionStream("deflate-raw")));
    const nested = `z.${b64(new Uint8Array(await deflated.arrayBuffer()))}`;
    const read = await readUrl({ hash: `#e=${nested}` });
    expect(read.experiment).toEqual(defaultExperiment());
    expect(read.message).toMatch(/nests lists and objects more than 64 levels deep/);
  });

  it("writes the experiment into the page's hash, and declines one too large for a link", async () => {
    const replaceState = vi.fn();
    const page = { location: { href: "http://127.0.0.1:5173/?x=1#old" }, history: { replaceState } };
    expect(await writeUrl(defaultExperiment(), page)).toBeUndefined();
    const url = new URL(replaceState.mock.calls[0][2]);
    expect(url.search).toBe("?x=1");
    expect((await readUrl(url)).experiment).toEqual(defaultExperiment());
    let seed = 1;
    const rows = Array.from({ length: 30_000 }, () => {
      seed = (seed * 16807) % 2147483647;
      return `${seed / 2147483647},${seed % 3}`;
    });
    const big = { ...defaultExperiment(), config: defaultConfigFor({ name: "csv", text: `a,c\n${rows.join("\n")}` }) };
    expect(await writeUrl(big, page)).toMatch(/too large for a link/);
    expect(replaceState).toHaveBeenCalledTimes(1);
  });

  it("leaves the address alone when a later edit's write has started (encoding is asynchronous)", async () => {
    const replaceState = vi.fn();
    const page = { location: { href: "http://127.0.0.1:5173/" }, history: { replaceState } };
    let latest = 0;
    const write = (e: ReturnType<typeof defaultExperiment>) => {
      const mine = ++latest;
      return writeUrl(e, page, () => mine === latest);
    };
    const older = { ...defaultExperiment(), config: { ...defaultExperiment().config, name: "older" } };
    const newer = { ...defaultExperiment(), config: { ...defaultExperiment().config, name: "newer" } };
    await Promise.all([write(older), write(newer)]); // whichever encodes first, the newer one is what stays
    expect(replaceState).toHaveBeenCalledTimes(1);
    expect((await readUrl(new URL(replaceState.mock.calls[0][2]))).experiment.config.name).toBe("newer");
  });
});

describe("experiment files", () => {
  it("round-trip the default and every example, tagged with format and version", () => {
    for (const e of [defaultExperiment(), ...examples.map(({ config }) => parseExperiment(config))]) {
      const text = experimentFileText(e);
      expect(JSON.parse(text)).toMatchObject({ format: EXPERIMENT_FORMAT, version: EXPERIMENT_VERSION });
      expect(parseExperimentFile(text)).toEqual(e);
    }
    expect(experimentFileName(defaultExperiment())).toBe("spiral.experiment.json");
    expect(experimentFileName(parseExperiment(examples.find((x) => x.file === "mnist-lenet.json")?.config))).toBe("mnist-lenet.experiment.json");
  });

  it("import a bare CLI config file", async () => {
    const text = readFileSync("examples/spiral-mlp.json", "utf8");
    const read = await readExperimentFile(new File([text], "spiral-mlp.json"));
    expect(read).toEqual({ experiment: { version: EXPERIMENT_VERSION, config: JSON.parse(text), race: defaultRace(), view: { tab: "train" } } });
  });

  it("say what is wrong with a file that cannot be imported, never throwing", async () => {
    const tagged = (e: object) => JSON.stringify({ format: EXPERIMENT_FORMAT, ...e });
    const cases: [BlobPart, RegExp][] = [
      [Uint8Array.from({ length: 256 }, (_, i) => (i * 37) % 256), /the file is binary/],
      ["hello", /not JSON text/],
      [tagged(defaultExperiment()).slice(0, 120), /not JSON text/],
      [JSON.stringify({ format: "safetensors-metadata", version: 1 }), /format is "safetensors-metadata"/],
      [tagged(bad((e) => Object.assign(e, { version: 3 }))), /version 3 comes from a newer playground/],
      [tagged(bad((e) => Object.assign(e.config.training, { epochs: 0 }))), /config training\.epochs/],
      ["[]", /expected an experiment object/],
      [" ".repeat(5_000_001), /characters long; an experiment file holds at most/],
    ];
    for (const [content, pattern] of cases) {
      const read = await readExperimentFile(new File([content], "mine.json"));
      expect("message" in read && read.message).toMatch(/^"mine\.json" could not be imported: /);
      expect("message" in read && read.message).toMatch(pattern);
    }
    const huge = await readExperimentFile({ size: 1e9, text: () => Promise.reject(new Error("unread")) } as unknown as Blob);
    expect("message" in huge && huge.message).toMatch(/1000\.0 MB/);
  });

  it("download through a temporary link: experiments, weights and the PyTorch script", () => {
    vi.useFakeTimers();
    const clicked: { download: string; href: string }[] = [];
    const doc = {
      createElement: () => {
        const a = { href: "", download: "", style: {}, click: () => clicked.push({ download: a.download, href: a.href }), remove: vi.fn() };
        return a;
      },
      body: { append: vi.fn() },
    } as unknown as DownloadDocument;
    downloadBlob(new Blob(["x"]), "x.txt", doc);
    downloadExport({ safetensors: new Uint8Array(8), script: "print()", filename: "spiral.safetensors" }, doc);
    expect(clicked.map((c) => c.download)).toEqual(["x.txt", "spiral.safetensors", "spiral.py"]);
    expect(clicked.every((c) => c.href.startsWith("blob:"))).toBe(true);
    vi.runAllTimers();
  });
});

/** A store in memory that can be made to fail. */
function memoryStore(initial?: string) {
  const store = { value: initial, saves: [] as string[], failWith: undefined as Error | undefined } as {
    value?: string;
    saves: string[];
    failWith?: Error;
  } & ExperimentStore;
  store.load = async () => store.value;
  store.save = async (json) => {
    if (store.failWith) throw store.failWith;
    store.saves.push(json);
    store.value = json;
  };
  return store;
}

describe("autosave", () => {
  it("saves the last of a burst of changes once, after the delay", async () => {
    vi.useFakeTimers();
    const store = memoryStore();
    const autosave = new Autosave(store, { delayMs: 500 });
    const e = defaultExperiment();
    for (const lr of [0.01, 0.02, 0.05]) autosave.schedule({ ...e, config: { ...e.config, optimizer: { name: "adam", lr } } });
    await vi.advanceTimersByTimeAsync(400);
    expect(store.saves).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(store.saves.map((s) => JSON.parse(s).config.optimizer.lr)).toEqual([0.05]);
    autosave.schedule(parseExperiment(JSON.parse(store.saves[0]))); // unchanged: not written again
    await autosave.flush();
    expect(store.saves).toHaveLength(1);
    autosave.schedule(e);
    autosave.dispose();
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.saves).toHaveLength(1);
  });

  it("reports a failing storage once, and recovers", async () => {
    const store = memoryStore();
    const errors: string[] = [];
    const autosave = new Autosave(store, { onError: (m) => errors.push(m) });
    store.failWith = Object.assign(new Error("quota"), { name: "QuotaExceededError" });
    const e = defaultExperiment();
    autosave.schedule(e);
    await autosave.flush();
    autosave.schedule({ ...e, view: { tab: "race" } });
    await autosave.flush();
    expect(errors).toEqual(["Autosave is off: the browser's storage for this site is full. Export the experiment to keep it."]);
    store.failWith = undefined;
    autosave.schedule(e);
    await autosave.flush();
    expect(store.saves).toHaveLength(1);
  });

  it("degrades with a message where there is no IndexedDB", async () => {
    const store = indexedDbStore(undefined);
    expect(await loadAutosave(store)).toEqual({ message: "Your last experiment could not be restored: this browser offers no IndexedDB storage here." });
    const errors: string[] = [];
    const autosave = new Autosave(store, { onError: (m) => errors.push(m) });
    autosave.schedule(defaultExperiment());
    await autosave.flush();
    expect(errors).toEqual(["Autosave is off: this browser offers no IndexedDB storage here. Export the experiment to keep it."]);
  });

  it("restores a saved experiment, and says why a damaged or newer one cannot be", async () => {
    const e = { ...defaultExperiment(), view: { tab: "race" as const } };
    expect(await loadAutosave(memoryStore(JSON.stringify(e)))).toEqual({ experiment: e });
    expect(await loadAutosave(memoryStore())).toEqual({});
    expect((await loadAutosave(memoryStore('{"version":1,'))).message).toMatch(/the saved copy is damaged/);
    expect((await loadAutosave(memoryStore(JSON.stringify({ ...e, version: 4 })))).message).toMatch(/version 4 comes from a newer playground/);
  });

  it("opens the link's experiment over the autosaved one, and the autosaved one over a broken link", async () => {
    const saved = { ...defaultExperiment(), view: { tab: "surfaces" as const } };
    const store = memoryStore(JSON.stringify(saved));
    const shared = parseExperiment(examples[0].config);
    expect(await openExperiment({ hash: await link(shared) }, store)).toEqual({ experiment: shared, source: "url" });
    expect(await openExperiment({ hash: "" }, store)).toEqual({ experiment: saved, source: "autosave" });
    const broken = await openExperiment({ hash: "#e=z.garbage" }, store);
    expect(broken.experiment).toEqual(saved);
    expect(broken.message).toMatch(/could not be opened: .* Showing your last \(autosaved\) experiment instead\.$/);
    const nothing = await openExperiment({ hash: "#e=z.garbage" }, memoryStore());
    expect(nothing).toMatchObject({ experiment: defaultExperiment(), source: "default" });
    expect(nothing.message).toMatch(/Showing the default experiment\.$/);
    expect(await openExperiment({ hash: "" }, memoryStore())).toEqual({ experiment: defaultExperiment(), source: "default" });
  });
});
