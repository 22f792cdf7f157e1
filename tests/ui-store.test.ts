/**
 * The page's state holder without a browser: the Train, race and Generative session slices over a
 * fake host (the experiment, the commands sent, the changes told), the pending-changes words and the
 * run autosave over a fake record. These are the rules that keep the page honest: Train is refused
 * with the reason while the model or the data on screen cannot train; edits a running session
 * cannot take wait and are listed; live ones are sent at once; a finished run can train more; a
 * reload resumes the saved run of the same experiment only.
 */
import { describe, expect, it } from "vitest";
import { defaultDataConfig } from "../src/data/catalog";
import { GENERATIVE_PRESETS } from "../src/generative/presets";
import type { ExperimentConfig } from "../src/train/config";
import { defaultOptimizer } from "../src/train/settings";
import { defaultExperiment, type Experiment } from "../src/ui/state/experiment";
import { experimentFileName } from "../src/ui/state/experiment-file";
import { GenerativeSlice } from "../src/ui/state/generative-slice";
import { pendingChanges } from "../src/ui/state/pending";
import { RaceSlice } from "../src/ui/state/race-slice";
import { RunAutosave } from "../src/ui/state/run-autosave";
import type { SessionHost, SessionName } from "../src/ui/state/session-host";
import { TrainSlice } from "../src/ui/state/train-slice";
import { clause } from "../src/ui/words";
import type { Command, RunSnapshot, WorkerEvent } from "../src/worker/protocol";

/** A host that records what the slices do. */
function fakeHost(experiment: Experiment = defaultExperiment()) {
  const sent: Command[] = [];
  const paused: SessionName[] = [];
  let changes = 0;
  const host: Omit<SessionHost, "experiment"> & {
    experiment: Experiment | null;
    sent: Command[];
    paused: SessionName[];
    changes: () => number;
    notice: string;
  } = {
    experiment,
    backend: { kind: "webgpu", limits: { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 } },
    sent,
    paused,
    notice: "",
    changes: () => changes,
    setExperiment(next) {
      host.experiment = next;
      changes++;
    },
    send: (command) => sent.push(command),
    changed: () => changes++,
    pauseOthers: (starting) => paused.push(starting),
    notify: (message) => {
      host.notice = message;
    },
  };
  return host;
}

const state = (running: boolean, step: number, extra: Partial<Extract<WorkerEvent, { type: "state" }>> = {}): WorkerEvent => ({
  type: "state",
  running,
  done: false,
  step,
  epoch: 0,
  ...extra,
});

/** A Train slice whose session has loaded the default experiment and taken `step` steps. */
function trainingSlice(step = 0) {
  const host = fakeHost();
  const train = new TrainSlice(host);
  train.load();
  train.receive(state(step > 0, step));
  host.sent.length = 0;
  return { host, train };
}

describe("the Train session", () => {
  it("loads with the experiment's config and reports the load's progress", () => {
    const host = fakeHost();
    const train = new TrainSlice(host);
    train.load();
    expect(host.sent).toEqual([{ type: "load", config: host.experiment?.config }]);
    expect(train.state.status).toBe("loading");
    train.receive({ type: "loading", message: "Reading Spiral (600 points)…" });
    expect(train.state.progress).toBe("Reading Spiral (600 points)…");
    train.receive(state(false, 0));
    expect(train.state.status).toBe("ready");
  });

  it("refuses Train with the reason while the model on screen cannot build, and keeps the model", () => {
    const { host, train } = trainingSlice();
    const broken: ExperimentConfig["model"] = {
      layers: [
        { type: "unflatten", channels: 1, height: 4, width: 4 },
        { type: "linear", units: 3 },
      ],
    };
    train.setModel(broken);
    expect(host.experiment?.config.model).toEqual(broken); // what is shown is kept
    expect(train.blockedReason).toMatch(/^Fix layer 1 to train: expects a vector of 16 values/);
    train.control("play");
    train.control("step");
    expect(host.sent).toEqual([]); // nothing trains the previous model
  });

  it("refuses Train with the memory it would need when the model does not fit the device, and names the largest batch that does", () => {
    const { train } = trainingSlice();
    train.setModel({
      layers: [
        { type: "linear", units: 65_536 },
        { type: "linear", units: 65_536 },
        { type: "linear", units: 3 },
      ],
    });
    expect(train.blockedReason).toMatch(/^Fix the model to train: the model has 4,295,426,051 parameters \(17\.2 GB of float32\); the limit is 100,000,000/);
    const upsample = { type: "upsample", scale: 8 } as const;
    train.setModel({
      layers: [
        { type: "unflatten", channels: 2, height: 1, width: 1 },
        upsample,
        upsample,
        upsample,
        upsample,
        { type: "adaptiveAvgPool2d", size: 1 },
        { type: "flatten" },
        { type: "linear", units: 3 },
      ],
    });
    expect(train.blockedReason).toBe(
      "Fix the model to train: at batch 32, layer 5 upsample outputs 32 x 2x4096x4096 values, 4.29 GB in one tensor; this GPU holds at most 134 MB in one. Use a batch of at most 1, or make layer 5 upsample smaller",
    );
  });

  it("after a lost device, sends nothing until the one click that restarts the engine and goes on from the saved snapshot", () => {
    const { host, train } = trainingSlice(120);
    const saved = {
      snapshot: {
        config: JSON.stringify(train.state.loaded),
        epoch: 4,
        step: 100,
        weights: new Uint8Array(8),
        optimizer: { stepCount: 100, lrs: [0.03], states: [] },
      },
      curves: [],
    };
    train.deviceLost("Device was destroyed.", true, saved);
    expect(train.state.deviceLost).toEqual({ reason: "Device was destroyed.", gpu: true, savedStep: 100 });
    expect(train.blockedReason).toMatch(/^The GPU device was lost/);
    train.control("play");
    expect(host.sent).toEqual([]);
    train.receive({ type: "error", message: "the GPU device was lost (x); continue on a new device or the CPU from the Train tab" });
    expect(train.state.error).toBe(""); // the notice says it
    train.continueAfterLoss(saved);
    expect(train.state.deviceLost).toBeNull();
    expect(host.sent.map((c) => c.type)).toEqual(["load"]); // it plays once loaded
    train.receive(state(false, 100));
    expect(host.sent.map((c) => c.type)).toEqual(["load", "play"]);
    expect(host.sent[0]).toMatchObject({ type: "load", resume: { step: 100 } });
  });

  it("refuses Train while 'Your CSV' is picked without a usable table, until another dataset is picked", () => {
    const { host, train } = trainingSlice();
    train.setCsvProblem("Choose a CSV file to train on, or pick another dataset.");
    expect(train.blockedReason).toBe("Choose a CSV file to train on, or pick another dataset.");
    train.control("play");
    expect(host.sent).toEqual([]);
    train.setData({ name: "moons", points: 300, noise: 0.1, trainRatio: 0.8, seed: 1 });
    expect(train.blockedReason).toBeNull();
    expect(host.experiment?.config.name).toBe("moons"); // the name (and the saved file's) follows the data
    expect(experimentFileName(host.experiment as Experiment)).toBe("moons.experiment.json");
  });

  it("takes nothing from the session it is replacing once other data is picked: the late reports of the old data neither block Train nor stop the reload", async () => {
    const host = fakeHost();
    const train = new TrainSlice(host);
    train.load(); // the spiral's session is still loading
    host.sent.length = 0;
    train.setData(defaultDataConfig("mnist"));
    const points = new Float32Array(4);
    const labels = new Int32Array(2);
    // The spiral's session finishes its load after the pick: its reports arrive late.
    const late: WorkerEvent[] = [
      {
        type: "dataset",
        preview: { kind: "points", trainX: points, trainY: labels, testX: points, testY: labels, classes: 3, task: "classification", scaling: null },
      },
      { type: "test", step: 0, loss: 1.1, accuracy: 0.33, confusion: [], perClass: [] } as unknown as WorkerEvent,
      state(false, 0),
    ];
    for (const event of late) train.receive(event);
    expect(train.state.preview).toBeNull();
    expect(train.state.test).toBeNull(); // no test report of the new data yet
    expect(train.inputShape).toEqual([1, 28, 28]);
    expect(train.blockedReason).toBeNull();
    const model = structuredClone(host.experiment?.config.model) as ExperimentConfig["model"];
    (model.layers[0] as { channels: number }).channels += 2; // an edit in the builder while the reload waits
    train.setModel(model);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(host.sent.map((c) => c.type)).toEqual(["load"]);
    expect(host.sent[0]).toMatchObject({ type: "load", config: { data: { name: "mnist" }, model } });
  });

  it("sends live changes to a running session at once, and lists the rest as pending", () => {
    const { host, train } = trainingSlice(40);
    const config = host.experiment?.config as ExperimentConfig;
    train.setConfig({ ...config, optimizer: { ...config.optimizer, lr: 0.001 }, training: { ...config.training, epochs: 900 } });
    expect(host.sent).toEqual([{ type: "tune", optimizer: { name: "adam", lr: 0.001 }, regularization: { l1: 0, l2: 0 }, epochs: 900 }]);
    expect(train.pending).toEqual([]);
    const now = host.experiment?.config as ExperimentConfig;
    train.setConfig({ ...now, optimizer: defaultOptimizer("sgd"), training: { ...now.training, batchSize: 64 } });
    expect(host.sent).toHaveLength(1); // no reload while the run is under way
    expect(train.pending).toEqual(["optimizer Adam → SGD", "batch size 32 → 64"]);
    train.control("play"); // the edits apply first: the session is rebuilt, then it plays
    expect(host.sent.slice(1).map((c) => c.type)).toEqual(["load", "play"]);
    expect(host.paused).toEqual(["train"]);
  });

  it("gives a finished run more epochs and plays it on (Space on a finished run)", () => {
    const { host, train } = trainingSlice(0);
    train.receive(state(false, 500, { done: true, epoch: 500, reason: "trained 500 epochs" }));
    expect(train.state.status).toBe("done");
    train.control("play"); // a finished run does not play as it is
    expect(host.sent).toEqual([]);
    const configured = (host.experiment as Experiment).config.training.epochs;
    train.control("toggle");
    const epochs = (host.experiment as Experiment).config.training.epochs;
    expect(epochs).toBe(Math.max(configured, 500) + Math.min(configured, 100));
    expect(host.sent).toEqual([{ type: "tune", optimizer: { name: "adam", lr: 0.03 }, regularization: { l1: 0, l2: 0 }, epochs }, { type: "play" }]);
    expect(train.state.status).toBe("running"); // no "Train more" offered while the worker starts
    train.control("toggle");
    expect(host.sent.at(-1)).toEqual({ type: "pause" });
  });

  it("plays (or steps) once the load ends when asked during it, as the page may draw a load's end a frame late", () => {
    const host = fakeHost();
    const train = new TrainSlice(host);
    train.control("toggle"); // Space before the first load: the engine is still starting
    expect(train.state.afterLoad).toBe("play");
    train.load();
    train.receive({ type: "test", step: 0, loss: 1.1, accuracy: 0.3 } as WorkerEvent);
    expect(host.sent.map((c) => c.type)).toEqual(["load"]); // nothing sent while it loads
    train.receive(state(false, 0));
    expect(host.sent.map((c) => c.type)).toEqual(["load", "play"]);
    expect(train.state.afterLoad).toBeNull();
    expect(host.paused).toEqual(["train"]);

    train.control("reset"); // a reset drops what was asked before it
    train.control("step");
    expect(train.state.afterLoad).toBe("step");
    train.control("toggle"); // Space plays instead
    expect(train.state.afterLoad).toBe("play");
    train.control("toggle"); // and Space again cancels the play
    expect(train.state.afterLoad).toBeNull();
    train.control("step");
    train.receive({ type: "error", message: "the dataset could not be read" });
    expect(train.state.afterLoad).toBeNull(); // a failed load plays nothing
    train.load();
    train.receive(state(false, 0));
    expect(host.sent.map((c) => c.type)).toEqual(["load", "play", "load", "pause", "load"]);
  });

  it("keeps the curves of the run before a reset as the overlay; a test report is never a validation point", () => {
    const { train } = trainingSlice(0);
    const steps = {
      type: "steps" as const,
      steps: Int32Array.of(1, 2),
      losses: Float32Array.of(1.1, 1),
      lrs: Float32Array.of(0.03, 0.03),
      stepsPerSecond: 10,
      epoch: 1,
    };
    const epoch = { type: "epoch" as const, epoch: 1, step: 2, lr: 0.03, train: { loss: 1, accuracy: 0.4 }, val: { loss: 1, accuracy: 0.5 }, seconds: 1 };
    train.receive(steps);
    train.receive(epoch);
    const test = { type: "test" as const, step: 5, loss: 0.9, accuracy: 0.6, precision: 0, recall: 0, f1: 0, confusion: [], cellExamples: [] };
    train.receive(test);
    expect(train.curves.items.map((i) => i.kind)).toEqual(["steps", "epoch"]);
    expect(train.state.firstLoss).toBeCloseTo(1.1, 6);
    train.load();
    expect(train.curves.items).toEqual([]);
    expect(train.previous.items.map((i) => i.kind)).toEqual(["steps", "epoch"]);
  });

  it("says why it paused when another run starts, and asks the worker for a cell's missing images", () => {
    const { host, train } = trainingSlice(10);
    train.pausedBy("race");
    expect(host.sent).toEqual([{ type: "pause" }]);
    expect(train.state.pausedBecause).toMatch(/optimizer race runs/);
    train.receive({
      type: "examples",
      indices: Int32Array.of(7),
      labels: Int32Array.of(2),
      channels: 1,
      height: 2,
      width: 2,
      pixels: Uint8Array.of(1, 2, 3, 4),
    });
    train.requestExamples([7, 8, 9]);
    expect(host.sent.at(-1)).toEqual({ type: "examples", indices: [8, 9] });
  });
});

describe("messages built from messages", () => {
  it("drop a quoted clause's own full stop", () => {
    expect(`Not opened: ${clause("it is damaged.")}. Try again.`).toBe("Not opened: it is damaged. Try again.");
    expect(clause(" trained 5 epochs ")).toBe("trained 5 epochs");
    expect(clause("version 2 comes from a newer playground...")).toBe("version 2 comes from a newer playground");
  });
});

describe("pending changes", () => {
  const base = defaultExperiment().config;
  it("are none for what a running session takes live", () => {
    expect(pendingChanges(base, { ...base, optimizer: { ...base.optimizer, lr: 0.5 }, regularization: { l2: 0.1 } })).toEqual([]);
    expect(pendingChanges(base, { ...base, training: { ...base.training, epochs: 5 } })).toEqual([]);
  });
  it("name each edit that waits for a reset", () => {
    const changed: ExperimentConfig = {
      ...base,
      data: { ...base.data, noise: 0.3 } as ExperimentConfig["data"],
      model: { layers: [{ type: "linear", units: 3 }] },
      scheduler: { name: "cosine" },
      training: { ...base.training, seed: 9, clipGradNorm: 1 },
    };
    expect(pendingChanges(base, changed)).toEqual(["data settings", "the model", "schedule constant → Cosine annealing", "seed 1 → 9", "training settings"]);
  });
});

describe("the race and Generative sessions", () => {
  it("a race starts with its series, pauses the others, and fails into its own message", () => {
    const host = fakeHost();
    const race = new RaceSlice(host);
    race.control("start");
    expect(host.sent.map((c) => c.type)).toEqual(["race", "race-play"]);
    expect(host.paused).toEqual(["race"]);
    expect(race.curves.items).toEqual([{ kind: "series", labels: ["SGD", "SGD + momentum 0.9", "Adam"] }]);
    race.failed("the race stopped");
    expect(race.state.error).toBe("the race stopped");
  });

  it("the Generative tab refuses a pair that does not fit, and reloads an edit only when no run is under way", () => {
    const host = fakeHost();
    const gen = new GenerativeSlice(host);
    gen.activate();
    expect(host.sent.map((c) => c.type)).toEqual(["gen-load"]);
    const config = structuredClone(GENERATIVE_PRESETS[0].config);
    if (config.generative.kind !== "gan") throw new Error("the first preset is the 2-D GAN");
    config.generative.generator.layers.push({ type: "linear", units: 3 });
    gen.change(config);
    expect(gen.blockedReason).toMatch(/^The two networks do not fit yet: generator/);
    gen.control("play");
    expect(host.sent.map((c) => c.type)).toEqual(["gen-load"]);
    gen.receive({ type: "gen-state", running: true, done: false });
    gen.receive({ type: "gen-steps", steps: Int32Array.of(5), names: ["dLoss"], values: [Float32Array.of(0.7)], stepsPerSecond: 3, epoch: 0 });
    gen.pickPreset("gan-2d");
    expect(gen.pending).toBe(false); // the preset is the run's config again
  });
});

describe("the run autosave", () => {
  const snapshot = (config: string, step = 40): RunSnapshot => ({
    config,
    epoch: 1,
    step,
    weights: new Uint8Array(8),
    optimizer: { stepCount: step, lrs: [0.03], states: [new Float32Array(64)] },
  });

  function fakeRecord() {
    let value: unknown;
    return {
      value: () => value,
      load: async () => value,
      save: async (v: unknown) => {
        value = structuredClone(v);
      },
      remove: async () => {
        value = undefined;
      },
    };
  }

  it("saves the worker's snapshot with the curves, removes it for a fresh run, and resumes only the same experiment", async () => {
    const config = defaultExperiment().config;
    const record = fakeRecord();
    const train = { state: { step: 40 }, curves: { items: [{ kind: "epoch" }] }, snapshot: async () => snapshot(JSON.stringify(config)) };
    const autosave = new RunAutosave(train as never, record);
    await autosave.save();
    expect((await autosave.load(config))?.snapshot.step).toBe(40);
    expect((await autosave.load(config))?.curves).toEqual([{ kind: "epoch" }]);
    expect(await autosave.load({ ...config, training: { ...config.training, seed: 2 } })).toBeUndefined();
    train.state.step = 0;
    await autosave.save();
    expect(record.value()).toBeUndefined();
  });

  it("ignores a damaged record", async () => {
    const record = fakeRecord();
    await record.save({ snapshot: { config: "{}", step: "x" }, curves: [] });
    const autosave = new RunAutosave({ state: { step: 0 }, curves: { items: [] }, snapshot: async () => null } as never, record);
    expect(await autosave.load(defaultExperiment().config)).toBeUndefined();
    const failing = new RunAutosave({ state: { step: 3 }, curves: { items: [] }, snapshot: async () => null } as never, {
      load: async () => {
        throw new Error("blocked");
      },
      save: async () => {},
      remove: async () => {},
    });
    expect(await failing.load(defaultExperiment().config)).toBeUndefined();
  });
});
