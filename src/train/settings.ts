/**
 * Every optimizer's and schedule's settings as data: the keys makeOptimizer and makeScheduler read,
 * PyTorch's defaults, the ranges they may take, and which of them a running optimizer takes live.
 * The config schema (src/train/config.ts) checks configs against these ranges, and the playground's
 * training panel draws its fields from them, so the two cannot disagree.
 */
import type { OptimizerConfig, SchedulerConfig } from "./config";
import type { EarlyStopping } from "./trainer";

export type OptimizerName = OptimizerConfig["name"];
export type ScheduleName = SchedulerConfig["name"];

/** A numeric setting, edited in a number input. */
export interface NumberField {
  kind: "number";
  key: string;
  label: string;
  /** One line for the tooltip. */
  hint: string;
  /** PyTorch's default; absent where leaving the field blank means something (see `blank`). */
  default?: number;
  /** What a blank field means, where it may be blank. */
  blank?: string;
  min: number;
  max: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** Spans decades: the panel adds a log-scale slider. */
  log?: boolean;
  /** Whether a running session takes a new value without a reset. */
  live: boolean;
  /** Going between 0 and non-zero adds or drops an optimizer state buffer, so it needs a reset even though other changes are live. */
  zeroNeedsReset?: boolean;
}

/** An on/off setting: changes the optimizer's state layout, so it always needs a reset. */
export interface BooleanField {
  kind: "boolean";
  key: string;
  label: string;
  hint: string;
  default: boolean;
  live: false;
  /** When the setting is allowed; while it is not, the box is disabled and cleared. */
  requires?: { holds: (o: OptimizerConfig) => boolean; why: string };
}

/** Two numbers edited side by side (Adam's betas). */
export interface PairField {
  kind: "pair";
  key: string;
  label: string;
  /** Labels of the two inputs. */
  labels: [string, string];
  hint: string;
  default: [number, number];
  min: number;
  max: number;
  live: true;
}

export type HyperField = NumberField | BooleanField | PairField;

const lr = (value: number): NumberField => ({
  kind: "number",
  key: "lr",
  label: "Learning rate",
  hint: "Step size of each update",
  default: value,
  min: 1e-6,
  max: 10,
  log: true,
  live: true,
});

const weightDecay = (value: number, hint = "L2 penalty added to the gradient (PyTorch's weight_decay)"): NumberField => ({
  kind: "number",
  key: "weightDecay",
  label: "Weight decay",
  hint,
  default: value,
  min: 0,
  max: 1,
  live: true,
});

const eps = (value: number): NumberField => ({
  kind: "number",
  key: "eps",
  label: "Epsilon",
  hint: "Added to the denominator for stability",
  default: value,
  min: 1e-12,
  max: 1,
  live: true,
});

const betas: PairField = {
  kind: "pair",
  key: "betas",
  label: "Betas",
  labels: ["β₁", "β₂"],
  hint: "Decay rates of the running averages of the gradient and its square",
  default: [0.9, 0.999],
  min: 0,
  max: 0.9999,
  live: true,
};

const momentum: NumberField = {
  kind: "number",
  key: "momentum",
  label: "Momentum",
  hint: "Fraction of the previous update kept",
  default: 0,
  min: 0,
  max: 0.999,
  live: true,
  zeroNeedsReset: true,
};

const amsgrad: BooleanField = {
  kind: "boolean",
  key: "amsgrad",
  label: "AMSGrad",
  hint: "Use the maximum of past squared-gradient averages",
  default: false,
  live: false,
};

/** Every optimizer's settings, in panel order; defaults are PyTorch 2's. */
export const OPTIMIZER_FIELDS: Record<OptimizerName, HyperField[]> = {
  sgd: [
    lr(1e-3),
    momentum,
    {
      kind: "number",
      key: "dampening",
      label: "Dampening",
      hint: "Fraction of the gradient held back from the momentum",
      default: 0,
      min: 0,
      max: 1,
      live: true,
    },
    weightDecay(0),
    {
      kind: "boolean",
      key: "nesterov",
      label: "Nesterov",
      hint: "Look ahead along the momentum before taking the gradient",
      default: false,
      live: false,
      requires: { holds: (o) => Number(o.momentum ?? 0) > 0 && Number(o.dampening ?? 0) === 0, why: "Nesterov needs momentum > 0 and dampening 0" },
    },
  ],
  adam: [lr(1e-3), betas, eps(1e-8), weightDecay(0), amsgrad],
  adamw: [lr(1e-3), betas, eps(1e-8), weightDecay(1e-2, "Decoupled weight decay: shrinks the weights directly, apart from the gradient"), amsgrad],
  adagrad: [
    lr(1e-2),
    { kind: "number", key: "lrDecay", label: "LR decay", hint: "The rate is lr / (1 + (step - 1) · decay)", default: 0, min: 0, max: 1, live: true },
    weightDecay(0),
    {
      kind: "number",
      key: "initialAccumulatorValue",
      label: "Initial accumulator",
      hint: "Starting value of the sum of squared gradients (read when the optimizer is built)",
      default: 0,
      min: 0,
      max: 10,
      live: false,
    },
  ],
  rmsprop: [
    lr(1e-2),
    {
      kind: "number",
      key: "alpha",
      label: "Alpha",
      hint: "Decay rate of the running average of the squared gradient",
      default: 0.99,
      min: 0,
      max: 0.9999,
      live: true,
    },
    momentum,
    weightDecay(0),
    {
      kind: "boolean",
      key: "centered",
      label: "Centered",
      hint: "Normalise by the variance of the gradient instead of its second moment",
      default: false,
      live: false,
    },
  ],
  adadelta: [
    lr(1),
    { kind: "number", key: "rho", label: "Rho", hint: "Decay rate of the running averages", default: 0.9, min: 0, max: 1, live: true },
    weightDecay(0),
  ],
};

/** Display names of the optimizers, in menu order. */
export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  sgd: "SGD",
  adam: "Adam",
  adamw: "AdamW",
  adagrad: "AdaGrad",
  rmsprop: "RMSprop",
  adadelta: "Adadelta",
};

/** The config of optimizer `name` with every setting at PyTorch's default. */
export function defaultOptimizer(name: OptimizerName): OptimizerConfig {
  const config: Record<string, number | boolean | number[] | string> = { name };
  for (const f of OPTIMIZER_FIELDS[name]) if (f.default !== undefined) config[f.key] = Array.isArray(f.default) ? [...f.default] : f.default;
  return config as OptimizerConfig;
}

/** Whether a boolean field may be on under `config`. */
export function allowed(field: BooleanField, config: OptimizerConfig): boolean {
  return !field.requires || field.requires.holds(config);
}

/** `config` with `key` set to `value`, and any on/off setting the change disallows turned off. */
export function setOptimizerField(config: OptimizerConfig, key: string, value: number | boolean | number[]): OptimizerConfig {
  const next = { ...config, [key]: value } as OptimizerConfig;
  for (const f of OPTIMIZER_FIELDS[config.name]) if (f.kind === "boolean" && next[f.key] === true && !allowed(f, next)) next[f.key] = false;
  return next;
}

/** One learning-rate schedule: its menu label, a line on what it does, and its settings. */
export interface ScheduleInfo {
  label: string;
  description: string;
  fields: NumberField[];
}

const gamma = (value: number, hint: string): NumberField => ({
  kind: "number",
  key: "gamma",
  label: "Gamma",
  hint,
  default: value,
  min: 0,
  max: 1,
  live: false,
});
const etaMin: NumberField = {
  kind: "number",
  key: "etaMin",
  label: "Minimum LR",
  hint: "Learning rate at the end of the cosine",
  default: 0,
  min: 0,
  max: 10,
  live: false,
};
const startFactor: NumberField = {
  kind: "number",
  key: "startFactor",
  label: "Start factor",
  hint: "Fraction of the learning rate at the first epoch",
  default: 0.1,
  min: 1e-4,
  max: 1,
  live: false,
};
const warmupEpochs = (value: number): NumberField => ({
  kind: "number",
  key: "warmupEpochs",
  label: "Warm-up epochs",
  hint: "Epochs to ramp up to the full learning rate",
  default: value,
  min: 1,
  max: 1000,
  integer: true,
  live: false,
});

/** Every schedule makeScheduler knows, with its defaults (stepped once per epoch). */
export const SCHEDULES: Record<ScheduleName, ScheduleInfo> = {
  step: {
    label: "Step decay",
    description: "Multiplies the rate by gamma every few epochs",
    fields: [
      { kind: "number", key: "stepSize", label: "Step size", hint: "Epochs between decays", default: 10, min: 1, max: 1000, integer: true, live: false },
      gamma(0.1, "Factor applied at each step"),
    ],
  },
  exponential: { label: "Exponential", description: "Multiplies the rate by gamma every epoch", fields: [gamma(0.95, "Factor applied every epoch")] },
  cosine: {
    label: "Cosine annealing",
    description: "Follows half a cosine down to the minimum",
    fields: [
      {
        kind: "number",
        key: "tMax",
        label: "Period",
        hint: "Epochs to reach the minimum",
        blank: "all epochs",
        min: 1,
        max: 10000,
        integer: true,
        live: false,
      },
      etaMin,
    ],
  },
  warmup: { label: "Linear warm-up", description: "Ramps the rate up from a fraction, then holds it", fields: [warmupEpochs(5), startFactor] },
  warmupCosine: { label: "Warm-up + cosine", description: "Ramps up, then anneals along a cosine", fields: [warmupEpochs(2), startFactor, etaMin] },
  plateau: {
    label: "Reduce on plateau",
    description: "Cuts the rate when the validation loss stops improving",
    fields: [
      { kind: "number", key: "factor", label: "Factor", hint: "Factor applied on a plateau", default: 0.1, min: 1e-4, max: 0.9999, live: false },
      {
        kind: "number",
        key: "patience",
        label: "Patience",
        hint: "Epochs without improvement before cutting",
        default: 5,
        min: 0,
        max: 1000,
        integer: true,
        live: false,
      },
    ],
  },
};

/** The config of schedule `name` with its defaults (blank-able settings left out). */
export function defaultSchedule(name: ScheduleName): SchedulerConfig {
  const config: Record<string, number | string> = { name };
  for (const f of SCHEDULES[name].fields) if (f.default !== undefined) config[f.key] = f.default;
  return config as SchedulerConfig;
}

/** Early stopping as the panel turns it on. */
export const EARLY_STOPPING_DEFAULT: EarlyStopping = { patience: 5, minDelta: 0, monitor: "valLoss", restoreBest: true };
