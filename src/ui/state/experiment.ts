/**
 * The playground's experiment: the config it trains (data, model, loss, optimizer, seed,
 * hyper-parameters: the object the CLI reads), the optimizers of the race tab and the tab on show.
 * This is what the URL, the autosave and experiment files hold. parseExperiment() is the one way in
 * for untrusted JSON: it migrates older versions, validates every field and names what is wrong.
 */
import { classesOf, DATA_NAMES, type DataName, datasetFacts, defaultDataConfig, inputShapeOf, isDataName, tokensOf } from "../../data/catalog";
import { parseCsv } from "../../data/csv";
import { type GenerativeConfig, generativeConfigSchema } from "../../generative/config";
import { GENERATIVE_PRESETS } from "../../generative/presets";
import { type LayerSpec, type ModelSpec, modelSpecSchema } from "../../nn/spec";
import {
  boolean,
  checkDepth,
  excerpt,
  list,
  number,
  oneOf,
  optional,
  Place,
  record,
  required,
  type Schema,
  SchemaError,
  text,
  validate,
} from "../../schema/schema";
import { configSchema, type DataConfig, type ExperimentConfig, optimizerSchema } from "../../train/config";
import { LOSSES } from "../../train/loss-names";
import type { RaceEntry } from "../../worker/protocol";
import { type ModelPreset, presetSpec, presetsFor } from "../builder/model-presets";

/** The version this playground writes; older ones are migrated on the way in. */
export const EXPERIMENT_VERSION = 2;

/** The tabs of the playground, in order. */
export const TABS = ["train", "race", "surfaces", "generative"] as const;
export type Tab = (typeof TABS)[number];

/** The largest experiment (as JSON text) a link or a file may hold: room for a CSV table of a few MB. */
export const MAX_EXPERIMENT_CHARS = 5_000_000;

/** The most entries a race may hold (optimizers, architectures, folds, members or search trials). */
export const MAX_RACE_ENTRIES = 12;

/** Everything a shared link or a saved file reproduces. */
export interface Experiment {
  version: typeof EXPERIMENT_VERSION;
  /** What the train tab trains; the race reuses its data, model, loss and training settings. */
  config: ExperimentConfig;
  /** The optimizers the race tab compares. */
  race: RaceEntry[];
  /** What the Generative tab trains (a GAN, autoencoder or VAE); absent until that tab is used. */
  generative?: GenerativeConfig;
  /** How the page was showing it (not part of what is trained). */
  view: { tab: Tab };
}

/** Untrusted input that is not a usable experiment; the message says what is wrong and where. */
export class ExperimentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExperimentError";
  }
}

const relu = (): LayerSpec => ({ type: "activation", fn: "relu" });

/** A ReLU MLP: linear layers of `hidden` units, then `outputs`. */
function mlp(hidden: number[], outputs: number): { layers: LayerSpec[] } {
  return { layers: [...hidden.flatMap((units): LayerSpec[] => [{ type: "linear", units }, relu()]), { type: "linear", units: outputs }] };
}

/** A small CNN for 28x28 digits or clothes: two conv + pool stages and a linear read-out (~9,000 weights). */
const smallCnn = (): { layers: LayerSpec[] } => ({
  layers: [
    { type: "conv2d", filters: 8, kernel: 3, padding: 1 },
    relu(),
    { type: "maxPool2d", kernel: 2 },
    { type: "conv2d", filters: 16, kernel: 3, padding: 1 },
    relu(),
    { type: "maxPool2d", kernel: 2 },
    { type: "flatten" },
    { type: "linear", units: 10 },
  ],
});

/**
 * A config that trains well in a browser tab on `data`: a model, loss and optimizer that fit it.
 * A dataset name gets the catalog's data settings for it (src/data/catalog.ts); a full data config
 * (a CSV with its text, a spiral with 5 classes) keeps its settings and gets a model sized to it. A
 * CSV's text is parsed to size the output layer, so a CSV problem throws its error (row and column)
 * as an ExperimentError.
 */
export function defaultConfigFor(data: DataName | DataConfig): ExperimentConfig {
  const name = typeof data === "string" ? data : data.name;
  if (!isDataName(name)) throw new ExperimentError(`unknown dataset ${excerpt(name)}; expected one of ${DATA_NAMES.join(", ")}`);
  const facts = datasetFacts(name);
  const dataConfig = { ...defaultDataConfig(name), ...(typeof data === "string" ? {} : data) } as DataConfig;
  const training = { epochs: 500, batchSize: 32, seed: 1 };
  if (facts.family === "points") {
    if (facts.task === "regression") return { data: dataConfig, model: mlp([32, 32], 1), loss: "mse", optimizer: { name: "adam", lr: 0.01 }, training };
    const classes = classesOf(dataConfig) ?? 2;
    return { data: dataConfig, model: mlp([16, 16], classes), loss: "crossEntropy", optimizer: { name: "adam", lr: 0.03 }, training };
  }
  if (name === "iris")
    return {
      data: dataConfig,
      model: mlp([16], 3),
      loss: "crossEntropy",
      optimizer: { name: "adam", lr: 0.01 },
      training: { epochs: 200, batchSize: 16, seed: 1 },
    };
  if (name === "csv") {
    const csv = dataConfig as Extract<DataConfig, { name: "csv" }>;
    if (!csv?.text) throw new ExperimentError("a CSV experiment needs the table: pick a CSV file");
    let table: ReturnType<typeof parseCsv>;
    try {
      table = parseCsv(csv.text, { label: csv.label });
    } catch (e) {
      throw new ExperimentError((e as Error).message);
    }
    return {
      data: csv,
      model: mlp([32, 32], table.task === "classification" ? table.classes : table.targetDim),
      loss: table.task === "classification" ? "crossEntropy" : "mse",
      optimizer: { name: "adam", lr: 0.01 },
      training: { epochs: 200, batchSize: 32, seed: 1 },
    };
  }
  if (facts.family === "sequences") {
    // The builder's sequence presets: a transformer reverses strings, a GRU forecasts, an LSTM the rest.
    const sequence = { vocab: tokensOf(dataConfig), perStep: facts.perStep ?? false };
    const id = name === "reverse" ? "seq-transformer" : name === "sines" ? "seq-gru" : "seq-lstm";
    const preset = presetsFor(inputShapeOf(dataConfig) ?? [], sequence).find((p) => p.id === id) as ModelPreset;
    const outputs = facts.task === "classification" ? (classesOf(dataConfig) ?? 2) : ((dataConfig as { horizon?: number }).horizon ?? 1);
    return {
      data: dataConfig,
      model: presetSpec(preset, outputs),
      loss: facts.task === "classification" ? "crossEntropy" : "mse",
      optimizer: { name: "adam", lr: 0.005 },
      training: { epochs: 30, batchSize: 32, seed: 1, clipGradNorm: 1 },
    };
  }
  // MNIST and Fashion-MNIST: the catalog's subset, small enough to train on a CPU-emulated GPU.
  return {
    data: dataConfig,
    model: smallCnn(),
    loss: "crossEntropy",
    optimizer: { name: "adam", lr: 0.003 },
    training: { epochs: 20, batchSize: 32, seed: 1 },
  };
}

/**
 * Plain SGD, SGD with momentum and Adam, each at a learning rate that suits it on the 2-D sets (on
 * the default spiral, 450 steps reach 92%, 92% and 97% test accuracy).
 */
export function defaultRace(): RaceEntry[] {
  return [
    { label: "SGD", optimizer: { name: "sgd", lr: 0.5 } },
    { label: "SGD + momentum 0.9", optimizer: { name: "sgd", lr: 0.05, momentum: 0.9 } },
    { label: "Adam", optimizer: { name: "adam", lr: 0.01 } },
  ];
}

/** The experiment a first visit opens: a 3-arm spiral and a 2 → 16 → 16 → 3 ReLU MLP under Adam (≥ 90% test accuracy within 150 steps). */
export function defaultExperiment(): Experiment {
  return { version: EXPERIMENT_VERSION, config: { name: "spiral", ...defaultConfigFor("spiral") }, race: defaultRace(), view: { tab: "train" } };
}

/** At most this many characters of a message quote the input. */
const MAX_MESSAGE = 500; // room for the list of layer types and a suggestion
const clip = (message: string) => (message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message);

function fail(message: string): never {
  throw new ExperimentError(clip(message));
}

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * Upgrades of older experiments, MIGRATIONS[v] turning version v into v + 1. Version 0 is a bare
 * config (what the CLI reads, e.g. examples/*.json): it becomes the experiment that trains it.
 * Version 1 allowed `valRatio: 0` (validate on the test split); version 2 always holds out a
 * validation split, so such an experiment gets its dataset's default.
 */
const MIGRATIONS: ((old: Raw) => Raw)[] = [
  ({ version: _, ...config }) => ({ version: 1, config, race: defaultRace(), view: { tab: "train" } }),
  (old) => {
    const data = isObject(old.config) && isObject(old.config.data) ? old.config.data : null;
    if (data?.valRatio !== 0) return { ...old, version: 2 };
    const { valRatio: _, ...rest } = data;
    return { ...old, version: 2, config: { ...(old.config as Raw), data: rest } };
  },
];

function migrate(value: unknown): Raw {
  if (!isObject(value)) fail(`expected an experiment object, got ${excerpt(value)}`);
  try {
    checkDepth(value, new Place(""));
  } catch (e) {
    fail(`it ${(e as Error).message}`);
  }
  let raw = value;
  const given = raw.version ?? ("data" in raw || "model" in raw ? 0 : undefined);
  if (given === undefined) fail('not an experiment: it has no "version" and no "config"');
  if (typeof given !== "number" || !Number.isInteger(given) || given < 0) fail(`version must be a whole number, got ${excerpt(given)}`);
  let version = given;
  if (version > EXPERIMENT_VERSION)
    fail(`version ${version} comes from a newer playground; this one reads versions up to ${EXPERIMENT_VERSION}. Reload the page to get the latest playground`);
  while (version < EXPERIMENT_VERSION) {
    raw = MIGRATIONS[version](raw);
    version = raw.version as number;
  }
  return raw;
}

/** A race entry's own model: checked on its own, so that messages name the entry before the layer ("race 2 model: layer 1 ..."). */
const entryModelSchema: Schema<ModelSpec> = {
  expects: modelSpecSchema.expects,
  check(value, place) {
    try {
      return modelSpecSchema.check(value, new Place(""));
    } catch (e) {
      if (e instanceof SchemaError) place.fail(e.message);
      throw e;
    }
  },
};

/** The fold a cross-validation entry holds out: fold `index` (from 0) of `k`. */
const foldSchema = record(
  { k: required(number({ min: 2, max: MAX_RACE_ENTRIES, integer: true })), index: required(number({ min: 0, max: MAX_RACE_ENTRIES - 1, integer: true })) },
  "a fold",
);

/** An ensemble member: its number (its seed's offset) and whether it trains on a bootstrap sample. */
const memberSchema = record({ index: required(number({ min: 0, max: MAX_RACE_ENTRIES - 1, integer: true })), bagging: optional(boolean()) }, "a member");

/** A search's trial: the settings it tries (src/train/search.ts). */
const trialSchema = record(
  {
    lr: optional(number({ min: 1e-6, max: 10 })),
    weightDecay: optional(number({ min: 0, max: 1 })),
    batchSize: optional(number({ min: 1, max: 4096, integer: true })),
    width: optional(number({ min: 1, max: 4096, integer: true })),
    dropout: optional(number({ min: 0, max: 0.95 })),
  },
  "a trial",
);

/** The race: up to MAX_RACE_ENTRIES optimizers, or architectures with their optimizers, each named by its entry ("race 2 optimizer.lr: ..."). */
const raceSchema = record(
  {
    race: required(
      list(
        record(
          {
            label: required(text({ maxLength: 80, nonEmpty: true })),
            optimizer: required(optimizerSchema),
            model: optional(entryModelSchema),
            fold: optional(foldSchema),
            member: optional(memberSchema),
            trial: optional(trialSchema),
            loss: optional(oneOf(LOSSES)),
            balanced: optional(boolean()),
          },
          "a race entry",
        ),
        {
          min: 1,
          max: MAX_RACE_ENTRIES,
          name: (i) => `race ${i + 1}`,
          noun: "entries",
        },
      ),
    ),
  },
  "an experiment",
);

/** Checks a part of an experiment against its schema, the message naming where (`root`: "config", "race"...). */
function check<T>(schema: Schema<T>, value: unknown, root: string): T {
  try {
    return validate(schema, value, root);
  } catch (e) {
    if (e instanceof SchemaError) fail(e.message);
    throw e;
  }
}

/** The page has no files: a CSV experiment carries its table as text. */
function checkPageData(config: ExperimentConfig): void {
  if (config.data.name !== "csv") return;
  if (config.data.path !== undefined)
    fail(
      "config data.path: the playground cannot read a file by its path (that is for the CLI); pick the CSV file in the data panel, and the experiment carries its table in data.text",
    );
  if (config.data.text === undefined) fail("config data.text: a CSV experiment in the playground carries its table here; pick the CSV file in the data panel");
}

/** An unknown or missing tab (a link from a newer playground, say) shows the train tab. */
const parseView = (value: unknown): Experiment["view"] => ({ tab: isObject(value) && TABS.includes(value.tab as Tab) ? (value.tab as Tab) : "train" });

/**
 * Validates untrusted JSON (a link, a file, the autosave) as an Experiment, migrating older versions.
 * Throws an ExperimentError naming the field: `config data.points: expected a whole number from 10 to 10000, got 1000000000`.
 */
export function parseExperiment(value: unknown): Experiment {
  const raw = migrate(value);
  for (const key of Object.keys(raw))
    if (!["version", "config", "race", "generative", "view"].includes(key))
      fail(`unknown field "${key}"; an experiment has version, config, race, generative and view`);
  if (raw.config === undefined) fail("config: is missing");
  if (isObject(raw.config) && Object.hasOwn(raw.config, "generative"))
    fail('config: this is a generative config; it belongs in the experiment\'s "generative" field');
  const config = check(configSchema, raw.config, "config");
  checkPageData(config);
  const race = raw.race === undefined ? defaultRace() : check(raceSchema, { race: raw.race }, "").race;
  const experiment: Experiment = { version: EXPERIMENT_VERSION, config, race, view: parseView(raw.view) };
  if (raw.generative !== undefined) experiment.generative = parseGenerative(raw.generative);
  return experiment;
}

function parseGenerative(value: unknown): GenerativeConfig {
  return check(generativeConfigSchema, value, "generative config");
}

/** The Generative tab's model before the user picks one: the 2-D GAN on the ring of gaussians. */
export function defaultGenerative(): GenerativeConfig {
  return structuredClone(GENERATIVE_PRESETS[0].config);
}
