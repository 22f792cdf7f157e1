/**
 * The checks parseConfig() leaves to its callers, made for a config that arrives from a link or a
 * file: every data, optimizer, schedule, regularization and training setting is known, of the right
 * type and within what a browser tab can train (a link asking for a billion points must not freeze
 * the page). Messages name the field the way parseConfig's do: `config data.points: ...`.
 */
import { IMAGE_DATASET_NAMES } from "../../data/image-datasets";
import type { GenerativeConfig } from "../../generative/config";
import { ConfigError, type ExperimentConfig } from "../../train/config";

/** The most points a 2-D dataset may have in the playground. */
export const MAX_POINTS = 10_000;
/** The largest batch the playground trains with. */
export const MAX_BATCH_SIZE = 4096;
/** The most epochs a config may ask for. */
export const MAX_EPOCHS = 100_000;

type Value = Record<string, unknown>;

function fail(field: string, detail: string): never {
  throw new ConfigError(`config ${field}: ${detail}`);
}

const show = (v: unknown) => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
};

function known(o: Value, at: string, keys: string[], what: string): void {
  for (const key of Object.keys(o)) if (!keys.includes(key)) fail(`${at}${key}`, `is not a setting of ${what}; expected ${keys.join(", ")}`);
}

/** Checks a number in [min, max]; `aboveMin` / `belowMax` leave that end out. */
function number(o: Value, key: string, at: string, min: number, max: number, options: { whole?: boolean; aboveMin?: boolean; belowMax?: boolean } = {}): void {
  const v = o[key];
  if (v === undefined) return;
  const ok = typeof v === "number" && Number.isFinite(v) && (options.whole ? Number.isInteger(v) : true) && v >= min && v <= max;
  if (!ok || (options.aboveMin && v === min) || (options.belowMax && v === max)) {
    const range = `${options.aboveMin ? "above" : "from"} ${min} ${options.belowMax ? "and below" : options.aboveMin ? "and at most" : "to"} ${max}`;
    fail(`${at}${key}`, `expected a ${options.whole ? "whole " : ""}number ${range}, got ${show(v)}`);
  }
}

function text(o: Value, key: string, at: string, maxLength: number): void {
  const v = o[key];
  if (v !== undefined && (typeof v !== "string" || v.length > maxLength))
    fail(`${at}${key}`, `expected text of at most ${maxLength} characters, got ${show(v)}`);
}

function object(v: unknown, field: string): Value {
  if (!v || typeof v !== "object" || Array.isArray(v)) fail(field, `expected an object, got ${show(v)}`);
  return v as Value;
}

const SEED_MAX = 2 ** 31 - 1;
const POINT_CLASSES = ["spiral", "ring"];

function checkData(data: Value): void {
  const name = data.name as string;
  const at = "data.";
  const split = () => number(data, "trainRatio", at, 0, 1, { aboveMin: true, belowMax: true });
  number(data, "seed", at, 0, SEED_MAX, { whole: true });
  if ((IMAGE_DATASET_NAMES as readonly string[]).includes(name)) {
    known(data, at, ["name", "trainLimit", "testLimit", "valRatio", "seed"], `the ${name} dataset`);
    number(data, "trainLimit", at, 10, 60_000, { whole: true });
    number(data, "testLimit", at, 10, 10_000, { whole: true });
    number(data, "valRatio", at, 0, 0.9);
  } else if (name === "iris") {
    known(data, at, ["name", "trainRatio", "seed"], "the iris dataset");
    split();
  } else if (name === "csv") {
    known(data, at, ["name", "text", "label", "trainRatio", "seed"], "a CSV dataset in the playground (it carries the table in data.text, not a path)");
    if (typeof data.text !== "string" || data.text.trim() === "") fail("data.text", `expected the CSV's text, got ${show(data.text)}`);
    text(data, "label", at, 200);
    split();
  } else {
    const keys = ["name", "points", "noise", "trainRatio", "seed", ...(POINT_CLASSES.includes(name) ? ["classes"] : [])];
    known(data, at, keys, `the ${name} dataset`);
    number(data, "points", at, 10, MAX_POINTS, { whole: true });
    number(data, "noise", at, 0, 2);
    number(data, "classes", at, 2, 10, { whole: true });
    split();
  }
}

/** Optimizer settings besides name and lr: numbers >= 0, switches, or betas (two numbers in [0, 1)). */
export function checkOptimizerSettings(optimizer: Value, at: string): void {
  number(optimizer, "lr", at, 0, 10, { aboveMin: true });
  for (const [key, v] of Object.entries(optimizer)) {
    if (key === "name" || key === "lr" || typeof v === "boolean") continue;
    if (key === "betas") {
      if (!Array.isArray(v) || v.length !== 2 || !v.every((b) => typeof b === "number" && b >= 0 && b < 1))
        fail(`${at}betas`, `expected two numbers in [0, 1), like [0.9, 0.999], got ${show(v)}`);
    } else if (typeof v !== "number" || !Number.isFinite(v) || v < 0) fail(`${at}${key}`, `expected a number >= 0 or true/false, got ${show(v)}`);
  }
}

function checkTraining(training: Value): void {
  const at = "training.";
  known(training, at, ["epochs", "batchSize", "seed", "clipGradNorm", "clipGradValue", "labelSmoothing", "earlyStopping", "augment"], "training");
  number(training, "epochs", at, 1, MAX_EPOCHS, { whole: true });
  number(training, "batchSize", at, 1, MAX_BATCH_SIZE, { whole: true });
  number(training, "seed", at, 0, SEED_MAX, { whole: true });
  number(training, "clipGradNorm", at, 0, 1e6, { aboveMin: true });
  number(training, "clipGradValue", at, 0, 1e6, { aboveMin: true });
  number(training, "labelSmoothing", at, 0, 0.99);
  if (training.earlyStopping !== undefined) {
    const es = object(training.earlyStopping, "training.earlyStopping");
    const esAt = "training.earlyStopping.";
    known(es, esAt, ["patience", "minDelta", "monitor", "restoreBest"], "early stopping");
    if (es.patience === undefined) fail(`${esAt}patience`, "is required");
    number(es, "patience", esAt, 1, 10_000, { whole: true });
    number(es, "minDelta", esAt, 0, 1e6);
    if (es.monitor !== undefined && es.monitor !== "valLoss" && es.monitor !== "valAccuracy")
      fail(`${esAt}monitor`, `expected "valLoss" or "valAccuracy", got ${show(es.monitor)}`);
    if (es.restoreBest !== undefined && typeof es.restoreBest !== "boolean") fail(`${esAt}restoreBest`, `expected true or false, got ${show(es.restoreBest)}`);
  }
  if (training.augment !== undefined) {
    const aug = object(training.augment, "training.augment");
    const augAt = "training.augment.";
    known(aug, augAt, ["maxShift", "flipProbability", "maxRotationDegrees", "noiseStd"], "augmentation");
    number(aug, "maxShift", augAt, 0, 14, { whole: true });
    number(aug, "flipProbability", augAt, 0, 1);
    number(aug, "maxRotationDegrees", augAt, 0, 180);
    number(aug, "noiseStd", augAt, 0, 1);
  }
}

/**
 * Throws a ConfigError naming the field when a config (already through parseConfig) holds a setting
 * the playground does not know, of the wrong type, or too large to train in a browser tab.
 */
export function checkConfigLimits(config: ExperimentConfig): void {
  const c = config as unknown as Value;
  text(c, "name", "", 120);
  checkData(c.data as Value);
  checkOptimizerSettings(c.optimizer as Value, "optimizer.");
  if (c.scheduler !== undefined) {
    for (const [key, v] of Object.entries(c.scheduler as Value))
      if (key !== "name" && !(typeof v === "number" && Number.isFinite(v) && v >= 0) && !(typeof v === "string" && v.length <= 40))
        fail(`scheduler.${key}`, `expected a number >= 0 or a short word, got ${show(v)}`);
  }
  if (c.regularization !== undefined) {
    const r = object(c.regularization, "regularization");
    known(r, "regularization.", ["l1", "l2"], "regularization");
    number(r, "l1", "regularization.", 0, 10);
    number(r, "l2", "regularization.", 0, 10);
  }
  checkTraining(c.training as Value);
}

/** The same bounds for a generative config (parseGenerativeConfig() has checked its fields' types). */
export function checkGenerativeLimits(config: GenerativeConfig): void {
  const data = config.data as Value;
  number(data, "points", "data.", 10, MAX_POINTS, { whole: true });
  number(config.training as unknown as Value, "batchSize", "training.", 1, MAX_BATCH_SIZE, { whole: true });
  number(config.training as unknown as Value, "epochs", "training.", 1, MAX_EPOCHS, { whole: true });
}
