/**
 * The pure side of the playground's training panel (src/ui/hyperparams.ts): every optimizer and
 * schedule the panel can produce is one the engine builds and the config schema accepts, the
 * defaults are PyTorch's, and changes are sorted into live (a `tune`) and reset correctly.
 */
import { describe, expect, it } from "vitest";
import * as dl from "../src/index";
import type { ModelSpec } from "../src/nn/spec";
import { withBackend } from "../src/tensor/engine";
import { type ExperimentConfig, OPTIMIZERS, parseConfig, SCHEDULERS } from "../src/train/config";
import { makeOptimizer, makeScheduler } from "../src/train/make";
import { defaultOptimizer, defaultSchedule, OPTIMIZER_FIELDS, SCHEDULES, setOptimizerField } from "../src/train/settings";
import { isLiveChange, modelDropout, validateNumber, withDropout } from "../src/ui/train/hyperparams";
import { cpu32 } from "./helpers/backends";

/** torch.optim defaults (PyTorch 2.x signatures), in the engine's option names. */
const PYTORCH_DEFAULTS = {
  sgd: { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false },
  adam: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false },
  adamw: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false },
  adagrad: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0 },
  rmsprop: { lr: 1e-2, alpha: 0.99, momentum: 0, weightDecay: 0, centered: false },
  adadelta: { lr: 1, rho: 0.9, weightDecay: 0 },
};

const base: ExperimentConfig = {
  data: { name: "spiral", points: 200 },
  model: {
    layers: [
      { type: "linear", units: 16 },
      { type: "activation", fn: "relu" },
      { type: "dropout", p: 0.2 },
      { type: "linear", units: 3 },
    ],
  },
  loss: "crossEntropy",
  optimizer: defaultOptimizer("adam"),
  training: { epochs: 10, batchSize: 32 },
};

/** Builds the optimizer a config names over one small parameter and returns its group settings. */
function built(config: ExperimentConfig): Record<string, unknown> {
  return withBackend(cpu32, () => {
    const w = dl.tensor([1, 2, 3], { requiresGrad: true });
    const opt = makeOptimizer(config.optimizer, [w], config.regularization);
    const options = { ...opt.groups[0].options } as Record<string, unknown>;
    if (config.scheduler) makeScheduler(config.scheduler, opt, config.training.epochs);
    opt.dispose();
    w.dispose();
    return options;
  });
}

describe("optimizer fields", () => {
  it.each(OPTIMIZERS)("%s: defaults are PyTorch's, and the engine and the schema accept them", (name) => {
    const optimizer = defaultOptimizer(name);
    expect(optimizer).toEqual({ name, ...PYTORCH_DEFAULTS[name] });
    const config = parseConfig(JSON.parse(JSON.stringify({ ...base, optimizer })));
    expect(built(config)).toMatchObject(PYTORCH_DEFAULTS[name]);
  });

  it.each(OPTIMIZERS)("%s: every field at its minimum and maximum builds", (name) => {
    for (const field of OPTIMIZER_FIELDS[name]) {
      const extremes =
        field.kind === "boolean"
          ? [true, false]
          : field.kind === "pair"
            ? [
                [field.min, field.min],
                [field.max, field.max],
              ]
            : [field.min, field.max];
      for (const value of extremes) {
        let optimizer = setOptimizerField(defaultOptimizer(name), field.key, value);
        if (name === "sgd" && field.key === "nesterov") optimizer = setOptimizerField({ ...optimizer, momentum: 0.9 }, "nesterov", value);
        const config = parseConfig({ ...base, optimizer });
        expect(() => built(config), `${name}.${field.key} = ${JSON.stringify(value)}`).not.toThrow();
      }
    }
  });

  it("turns Nesterov off when momentum goes to 0, as SGD requires", () => {
    const on = setOptimizerField(setOptimizerField(defaultOptimizer("sgd"), "momentum", 0.9), "nesterov", true);
    expect(on.nesterov).toBe(true);
    expect(setOptimizerField(on, "momentum", 0).nesterov).toBe(false);
    expect(setOptimizerField(on, "dampening", 0.1).nesterov).toBe(false);
    expect(setOptimizerField(defaultOptimizer("sgd"), "nesterov", true).nesterov).toBe(false);
  });

  it("checks typed numbers against the field's range", () => {
    const momentum = OPTIMIZER_FIELDS.sgd[1];
    expect(momentum.kind === "number" && validateNumber(momentum, "0.9")).toBe(0.9);
    expect(validateNumber({ label: "Momentum", min: 0, max: 0.999 }, "abc")).toBe("Momentum must be a number");
    expect(validateNumber({ label: "Momentum", min: 0, max: 0.999 }, "")).toBe("Momentum must be a number");
    expect(validateNumber({ label: "Momentum", min: 0, max: 0.999 }, "2")).toBe("Momentum must be between 0 and 0.999");
    expect(validateNumber({ label: "Step size", min: 1, max: 10, integer: true }, "2.5")).toBe("Step size must be a whole number");
  });
});

describe("schedules", () => {
  it.each(SCHEDULERS)("%s: its defaults build and pass the schema", (name) => {
    const scheduler = defaultSchedule(name);
    expect(scheduler.name).toBe(name);
    for (const f of SCHEDULES[name].fields) expect(scheduler[f.key], f.key).toBe(f.default);
    expect(() => built(parseConfig({ ...base, scheduler }))).not.toThrow();
  });

  it.each(SCHEDULERS)("%s: builds for a run of 0 epochs (the CLI's --epochs 0: evaluate or export only)", (name) => {
    const config = parseConfig({ ...base, scheduler: { name } });
    expect(() => built({ ...config, training: { ...config.training, epochs: 0 } })).not.toThrow(); // as applyTrainingFlags sets it
  });
});

describe("live or reset", () => {
  const withOptimizer = (patch: Record<string, unknown>) => ({ ...base, optimizer: { ...base.optimizer, ...patch } }) as ExperimentConfig;

  it("applies the learning rate, numeric optimizer settings and L1/L2 live", () => {
    expect(isLiveChange(base, withOptimizer({ lr: 0.01 }))).toBe(true);
    expect(isLiveChange(base, withOptimizer({ betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1 }))).toBe(true);
    expect(isLiveChange(base, { ...base, regularization: { l1: 1e-4, l2: 1e-3 } })).toBe(true);
    expect(isLiveChange(base, { ...base })).toBe(true);
    expect(isLiveChange(base, { ...base, training: { ...base.training, epochs: 20 } })).toBe(true); // a finished run goes on
    const sgd = { ...base, optimizer: { ...defaultOptimizer("sgd"), momentum: 0.9 } };
    expect(isLiveChange(sgd, { ...sgd, optimizer: { ...sgd.optimizer, momentum: 0.5, dampening: 0.1 } })).toBe(true);
  });

  it("needs a reset for everything else", () => {
    expect(isLiveChange(base, withOptimizer({ amsgrad: true }))).toBe(false);
    expect(isLiveChange(base, { ...base, optimizer: defaultOptimizer("adamw") })).toBe(false);
    const sgd = { ...base, optimizer: defaultOptimizer("sgd") };
    expect(isLiveChange(sgd, { ...sgd, optimizer: { ...sgd.optimizer, momentum: 0.9 } })).toBe(false);
    const adagrad = { ...base, optimizer: defaultOptimizer("adagrad") };
    expect(isLiveChange(adagrad, { ...adagrad, optimizer: { ...adagrad.optimizer, initialAccumulatorValue: 0.1 } })).toBe(false);
    expect(isLiveChange(base, { ...base, scheduler: defaultSchedule("cosine") })).toBe(false);
    expect(isLiveChange(base, { ...base, training: { ...base.training, batchSize: 64 } })).toBe(false);
    expect(isLiveChange(base, { ...base, training: { ...base.training, clipGradNorm: 1 } })).toBe(false);
    expect(isLiveChange(base, { ...base, training: { ...base.training, earlyStopping: { patience: 3 } } })).toBe(false);
    expect(isLiveChange(base, { ...base, data: { name: "spiral", points: 300 } })).toBe(false);
    expect(isLiveChange(base, { ...base, model: withDropout(base.model, 0.5) })).toBe(false);
  });

  it("counts a setting left out as its default", () => {
    const { eps: _, ...withoutEps } = base.optimizer;
    expect(isLiveChange(base, { ...base, optimizer: withoutEps as ExperimentConfig["optimizer"] })).toBe(true);
  });
});

describe("dropout", () => {
  const model: ModelSpec = {
    layers: [
      { type: "linear", units: 8 },
      { type: "dropout", p: 0.1 },
      {
        type: "residual",
        layers: [
          { type: "linear", units: 8 },
          { type: "dropout", p: 0.3 },
        ],
      },
    ],
  };

  it("reads and sets every Dropout layer, residual blocks included", () => {
    expect(modelDropout(model)).toEqual([0.1, 0.3]);
    expect(modelDropout(withDropout(model, 0.5))).toEqual([0.5, 0.5]);
    expect(modelDropout(model)).toEqual([0.1, 0.3]);
    expect(modelDropout({ layers: [{ type: "linear", units: 2 }] })).toEqual([]);
  });
});
