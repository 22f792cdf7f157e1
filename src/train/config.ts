/**
 * The experiment config: what to train on, the model, the loss, the optimizer, the schedule and the
 * training settings, as one JSON object (the CLI reads it from a file; the playground keeps the
 * same object in its URL and saved files). parseConfig() validates untrusted JSON against one schema
 * (every key, type and range; the same for the CLI, the worker and the page) with messages that name
 * the path. Pure: the page reads it without the engine; src/train/make.ts turns a config into
 * data, an optimizer and a schedule.
 */

import { classesOf, DATASETS, type DatasetFacts, datasetFacts } from "../data/catalog";
import type { ImageDatasetName } from "../data/image-datasets";
import { SCALINGS, type ScalingKind } from "../data/scaling";
import type { PointDatasetName } from "../data/synthetic";
import { type ModelSpec, modelSpecSchema } from "../nn/spec";
import type { AugmentOptions } from "../ops/augment";
import type { Regularization } from "../optim/optimizer";
import {
  boolean,
  excerpt,
  type FieldSpec,
  isRecord,
  list,
  number,
  oneOf,
  optional,
  record,
  refine,
  required,
  type Schema,
  SchemaError,
  text,
  tuple,
  validate,
  variant,
} from "../schema/schema";
import { isClassification, LOSSES, type LossName, WEIGHTED_LOSSES } from "./loss-names";
import { gridTrials, type SearchConfig, searchProblem } from "./search";
import { type HyperField, OPTIMIZER_FIELDS, type OptimizerName, SCHEDULES, type ScheduleName } from "./settings";
import type { EarlyStopping } from "./trainer";

export type DataConfig =
  | {
      name: PointDatasetName;
      points?: number;
      noise?: number;
      classes?: number;
      /** Classification: the share of the last class's points kept (1: all of them; below 1: imbalanced data). */
      lastClassShare?: number;
      trainRatio?: number;
      valRatio?: number;
      scale?: ScalingKind;
      seed?: number;
    }
  | { name: ImageDatasetName; trainLimit?: number; testLimit?: number; valRatio?: number; classSubset?: number[]; seed?: number }
  | { name: "iris"; trainRatio?: number; valRatio?: number; scale?: ScalingKind; seed?: number }
  | { name: "csv"; path?: string; text?: string; label?: string; trainRatio?: number; valRatio?: number; scale?: ScalingKind; seed?: number }
  | { name: "adding" | "brackets"; examples?: number; length?: number; valRatio?: number; trainRatio?: number; seed?: number }
  | { name: "reverse"; examples?: number; length?: number; symbols?: number; valRatio?: number; trainRatio?: number; seed?: number }
  | { name: "names" | "names-lm"; examples?: number; valRatio?: number; trainRatio?: number; seed?: number }
  | { name: "moby-dick"; examples?: number; length?: number; valRatio?: number; seed?: number }
  | { name: "spam"; examples?: number; length?: number; vocabulary?: number; valRatio?: number; seed?: number }
  | { name: "sines"; examples?: number; length?: number; horizon?: number; noise?: number; valRatio?: number; trainRatio?: number; seed?: number };

export const OPTIMIZERS = ["sgd", "adam", "adamw", "adagrad", "rmsprop", "adadelta"] as const;
export type OptimizerConfig = { name: (typeof OPTIMIZERS)[number]; lr: number } & Record<string, number | boolean | number[] | string>;

export const SCHEDULERS = ["step", "exponential", "cosine", "warmup", "warmupCosine", "plateau"] as const;
export type SchedulerConfig = { name: (typeof SCHEDULERS)[number] } & Record<string, number | string>;

export interface TrainingConfig {
  epochs: number;
  batchSize: number;
  seed?: number;
  clipGradNorm?: number;
  clipGradValue?: number;
  labelSmoothing?: number;
  /** Classification: weigh each example by its class, "balanced" (n / (classes x n_c), from the training split) or one weight per class. */
  classWeights?: ClassWeights;
  earlyStopping?: EarlyStopping;
  augment?: AugmentOptions;
}

/** Class weights as a config gives them: "balanced", or one weight per class. */
export type ClassWeights = "balanced" | number[];

export interface ExperimentConfig {
  name?: string;
  data: DataConfig;
  model: ModelSpec;
  loss: LossName;
  optimizer: OptimizerConfig;
  scheduler?: SchedulerConfig;
  regularization?: Regularization;
  training: TrainingConfig;
  /** Train several members and combine them (src/train/ensemble.ts): the CLI trains them one after another. */
  ensemble?: EnsembleConfig;
  /** A hyper-parameter search (src/train/search.ts): its trials train side by side, scored on the validation split. */
  search?: SearchConfig;
}

export const COMBINERS = ["soft", "hard", "weighted", "stacking"] as const;
export type Combiner = (typeof COMBINERS)[number];

/**
 * An ensemble: `members` copies of the model, each from its own seed (and, with `bagging`, its own
 * bootstrap sample of the training data), combined by soft voting (mean probability), hard voting,
 * weighted averaging (weights from validation accuracy) or stacking (a logistic-regression
 * meta-model over the members' out-of-fold probabilities); or, with `boosting`, `members` rounds of
 * AdaBoost, each member trained on a sample drawn by the example weights the rounds before it left.
 */
export interface EnsembleConfig {
  members: number;
  bagging?: boolean;
  combiner?: Combiner;
  /** AdaBoost (SAMME, src/train/boosting.ts): `members` rounds, each member trained on a sample drawn by the example weights. */
  boosting?: boolean;
}

const searchValues = (min: number, max: number, integer = false) => optional(list(number({ min, max, integer }), { min: 1, max: 12, noun: "values" }));

const searchSchema = refine(
  record(
    {
      kind: required(oneOf(["grid", "random"] as const)),
      space: required(
        record(
          {
            lr: searchValues(1e-6, 10),
            weightDecay: searchValues(0, 1),
            batchSize: searchValues(1, 4096, true),
            width: searchValues(1, 4096, true),
            dropout: searchValues(0, 0.95),
          },
          "a search space",
        ),
      ),
      trials: optional(number({ min: 2, max: 12, integer: true })),
      seed: optional(number({ min: 0, max: 2 ** 31 - 1, integer: true })),
    },
    "a search",
  ) as unknown as Schema<SearchConfig>,
  (search, place) => {
    const count = search.kind === "grid" ? gridTrials(search.space).length : (search.trials ?? 8);
    if (Object.values(search.space).every((v) => !v?.length))
      place.key("space").fail("list the values of at least one of lr, weightDecay, batchSize, width, dropout");
    else if (count > 12) place.key("space").fail(`a grid of ${count} trials; a search trains at most 12 side by side: list fewer values`);
  },
);

const ensembleSchema = refine(
  record(
    {
      members: required(number({ min: 2, max: 50, integer: true })),
      bagging: optional(boolean()),
      combiner: optional(oneOf(COMBINERS)),
      boosting: optional(boolean()),
    },
    "an ensemble",
  ),
  (e, place) => {
    if (e.boosting && (e.bagging || e.combiner))
      place.fail("boosting draws its own samples and combines by its own weighted vote: remove bagging and combiner");
    else if (!e.boosting && e.members > 10) place.key("members").fail(`at most 10 members without boosting, got ${e.members}`);
  },
);

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** The most points a 2-D dataset may have. */
export const MAX_POINTS = 10_000;
/** The largest batch a config may ask for. */
export const MAX_BATCH_SIZE = 4096;
/** The most epochs a config may ask for. */
export const MAX_EPOCHS = 100_000;
/** The longest CSV table a config may carry as text (a saved experiment or a link holds it). */
export const MAX_CSV_CHARS = 5_000_000;
/** Seeds are whole numbers from 0 to 2^31 - 1. */
export const SEED_MAX = 2 ** 31 - 1;

export const seedSchema = number({ min: 0, max: SEED_MAX, integer: true });
const trainRatio = number({ min: 0, max: 1, above: true, below: true });
/** Image sets: keep only these classes (2 to 10 distinct indices 0-9), renumbered 0, 1, ... in this order. */
const classSubsetSchema = refine(list(number({ min: 0, max: 9, integer: true }), { min: 2, max: 10, noun: "classes" }), (v, place) => {
  if (new Set(v).size !== v.length) place.fail(`lists a class twice: [${v.join(", ")}]`);
});
/** The share of the training data held out for validation: never none, so validation never falls back on the test split. */
const valRatio = number({ min: 0.05, max: 0.5 });

/** One field of settings.ts as a schema: its range, its type. */
function fieldSchema(field: HyperField): Schema<unknown> {
  if (field.kind === "boolean") return boolean();
  if (field.kind === "pair") {
    const one = number({ min: field.min, max: field.max });
    return tuple([one, one], `two numbers from ${field.min} to ${field.max}, like [${field.default.join(", ")}]`);
  }
  return number({ min: field.min, max: field.max, integer: field.integer });
}

/** Each optimizer's settings from settings.ts: its lr required, the rest optional, every range checked. */
function optimizerRecord(name: OptimizerName): Schema<OptimizerConfig> {
  const fields: Record<string, FieldSpec<unknown>> = { name: required(oneOf([name])) };
  for (const f of OPTIMIZER_FIELDS[name]) fields[f.key] = f.key === "lr" ? required(fieldSchema(f)) : optional(fieldSchema(f));
  const settings = OPTIMIZER_FIELDS[name].map((f) => f.key);
  return refine(record(fields, `the ${name} optimizer`, settings) as unknown as Schema<OptimizerConfig>, (o, place) => {
    for (const f of OPTIMIZER_FIELDS[name])
      if (f.kind === "boolean" && o[f.key] === true && f.requires && !f.requires.holds(o)) place.key(f.key).fail(f.requires.why);
  });
}

/** An optimizer: its name picks its settings (optimizer.momentun: unknown key; did you mean momentum?). */
export const optimizerSchema: Schema<OptimizerConfig> = variant(
  "name",
  Object.fromEntries(OPTIMIZERS.map((name) => [name, optimizerRecord(name)])),
  "an optimizer",
);

/** A learning-rate schedule among `names`, each with the settings settings.ts lists. */
export function schedulerSchema(names: readonly ScheduleName[]): Schema<SchedulerConfig> {
  const shapes: Record<string, Schema<SchedulerConfig>> = {};
  for (const name of names) {
    const fields: Record<string, FieldSpec<unknown>> = { name: required(oneOf([name])) };
    for (const f of SCHEDULES[name].fields) fields[f.key] = optional(fieldSchema(f));
    shapes[name] = record(
      fields,
      `the ${name} schedule`,
      SCHEDULES[name].fields.map((f) => f.key),
    ) as unknown as Schema<SchedulerConfig>;
  }
  return variant("name", shapes, "a schedule");
}

/** The data settings of each dataset in the catalog (2-D points, images, Iris, a CSV). */
function dataRecord(facts: DatasetFacts): Schema<DataConfig> {
  const name = required(oneOf([facts.name]));
  const seed = optional(seedSchema);
  const what = `the ${facts.name} dataset`;
  if (facts.family === "points")
    return record(
      {
        name,
        points: optional(number({ min: 10, max: MAX_POINTS, integer: true })),
        noise: optional(number({ min: 0, max: 2 })),
        ...("classes" in facts.defaults ? { classes: optional(number({ min: 2, max: 10, integer: true })) } : {}),
        ...(facts.task === "classification" ? { lastClassShare: optional(number({ min: 0.02, max: 1 })) } : {}),
        trainRatio: optional(trainRatio),
        valRatio: optional(valRatio),
        scale: optional(oneOf(SCALINGS)),
        seed,
      },
      what,
    ) as unknown as Schema<DataConfig>;
  if (facts.family === "images")
    return record(
      {
        name,
        trainLimit: optional(number({ min: 10, max: 60_000, integer: true })),
        testLimit: optional(number({ min: 10, max: 10_000, integer: true })),
        valRatio: optional(valRatio),
        classSubset: optional(classSubsetSchema),
        seed,
      },
      what,
    ) as unknown as Schema<DataConfig>;
  if (facts.family === "sequences")
    return refine(
      record(
        {
          name,
          examples: optional(number({ min: 10, max: 100_000, integer: true })),
          ...(facts.name === "names" || facts.name === "names-lm" ? {} : { length: optional(number({ min: 2, max: 500, integer: true })) }),
          ...(facts.name === "sines" ? { horizon: optional(number({ min: 1, max: 50, integer: true })), noise: optional(number({ min: 0, max: 2 })) } : {}),
          ...(facts.name === "reverse" ? { symbols: optional(number({ min: 2, max: 100, integer: true })) } : {}),
          ...(facts.name === "spam" ? { vocabulary: optional(number({ min: 10, max: 20_000, integer: true })) } : {}),
          // The corpora come split by their builder (test text never overlaps training text).
          ...(facts.name === "moby-dick" || facts.name === "spam" ? {} : { trainRatio: optional(trainRatio) }),
          valRatio: optional(valRatio),
          seed,
        },
        what,
      ) as unknown as Schema<DataConfig>,
      (d, place) => {
        const length = (d as { length?: number }).length;
        if (facts.name === "brackets" && length !== undefined && (length % 2 !== 0 || length > 64))
          place.key("length").fail(`must be even (as many "(" as ")") and at most 64, got ${length}`);
        if ((facts.name === "adding" || facts.name === "sines") && length !== undefined && length < 4)
          place.key("length").fail(`must be at least 4, got ${length}`);
        if ((facts.name === "reverse" || facts.name === "spam") && length !== undefined && length > 200)
          place.key("length").fail(`must be at most 200, got ${length}`);
      },
    );
  if (facts.name === "csv")
    return refine(
      record(
        {
          name,
          path: optional(text({ maxLength: 4096, nonEmpty: true })),
          text: optional(text({ maxLength: MAX_CSV_CHARS, nonEmpty: true })),
          label: optional(text({ maxLength: 200, nonEmpty: true })),
          trainRatio: optional(trainRatio),
          valRatio: optional(valRatio),
          scale: optional(oneOf(SCALINGS)),
          seed,
        },
        "a CSV dataset",
      ) as unknown as Schema<DataConfig>,
      (d, place) => {
        const csv = d as Extract<DataConfig, { name: "csv" }>;
        if (csv.path === undefined && csv.text === undefined) place.fail('a CSV dataset needs "path" (a file, in the CLI) or "text" (the table itself)');
      },
    );
  return record(
    { name, trainRatio: optional(trainRatio), valRatio: optional(valRatio), scale: optional(oneOf(SCALINGS)), seed },
    what,
  ) as unknown as Schema<DataConfig>;
}

/** The data: its name picks its settings. */
export const dataSchema: Schema<DataConfig> = variant("name", Object.fromEntries(DATASETS.map((d) => [d.name, dataRecord(d)])), "a dataset");

const earlyStoppingSchema = record(
  {
    patience: required(number({ min: 1, max: 10_000, integer: true })),
    minDelta: optional(number({ min: 0, max: 1e6 })),
    monitor: optional(oneOf(["valLoss", "valAccuracy"] as const)),
    restoreBest: optional(boolean()),
  },
  "early stopping",
);

const augmentSchema = record(
  {
    maxShift: optional(number({ min: 0, max: 14, integer: true })),
    flipProbability: optional(number({ min: 0, max: 1 })),
    maxRotationDegrees: optional(number({ min: 0, max: 180 })),
    noiseStd: optional(number({ min: 0, max: 1 })),
  },
  "augmentation",
);

export const epochsSchema = number({ min: 1, max: MAX_EPOCHS, integer: true });
export const batchSizeSchema = number({ min: 1, max: MAX_BATCH_SIZE, integer: true });

const classWeightListSchema = list(number({ min: 0, max: 1e6 }), { min: 2, max: 1000, noun: "class weights" });
const classWeightsSchema: Schema<ClassWeights> = {
  expects: `"balanced" or ${classWeightListSchema.expects}`,
  check(value, place) {
    if (value === "balanced") return value;
    if (!Array.isArray(value)) place.fail(`expected "balanced" or a list of one weight per class, got ${excerpt(value)}`);
    const weights = classWeightListSchema.check(value, place);
    if (weights.every((w) => w === 0)) place.fail("every class weight is 0, so no example would count; give at least one class a weight above 0");
    return weights;
  },
};

const trainingSchema = record(
  {
    epochs: required(epochsSchema),
    batchSize: required(batchSizeSchema),
    seed: optional(seedSchema),
    clipGradNorm: optional(number({ min: 0, max: 1e6, above: true })),
    clipGradValue: optional(number({ min: 0, max: 1e6, above: true })),
    labelSmoothing: optional(number({ min: 0, max: 0.99 })),
    classWeights: optional(classWeightsSchema),
    earlyStopping: optional(earlyStoppingSchema),
    augment: optional(augmentSchema),
  },
  "training",
);

const regularizationSchema = record({ l1: optional(number({ min: 0, max: 10 })), l2: optional(number({ min: 0, max: 10 })) }, "regularization");

export const configNameSchema = text({ maxLength: 120 });

/** A classifier's or regressor's config; the loss must suit the dataset's task where the catalog knows it. */
export const configSchema: Schema<ExperimentConfig> = refine(
  record(
    {
      name: optional(configNameSchema),
      data: required(dataSchema),
      model: required(modelSpecSchema),
      loss: required(oneOf(LOSSES)),
      optimizer: required(optimizerSchema),
      scheduler: optional(schedulerSchema(SCHEDULERS)),
      regularization: optional(regularizationSchema),
      training: required(trainingSchema),
      ensemble: optional(ensembleSchema),
      search: optional(searchSchema),
    },
    "a config",
  ) as unknown as Schema<ExperimentConfig>,
  (c, place) => {
    const task = datasetFacts(c.data.name).task;
    if (task && isClassification(c.loss) !== (task === "classification")) {
      const fits = LOSSES.filter((l) => isClassification(l) === (task === "classification")).join(", ");
      place
        .key("loss")
        .fail(`${c.loss} is a ${isClassification(c.loss) ? "classification" : "regression"} loss, but ${c.data.name} is a ${task} dataset; use one of ${fits}`);
    }
    if (c.ensemble?.boosting && !isClassification(c.loss))
      place.key("ensemble").key("boosting").fail("boosting (SAMME) is for classification; use a classification loss");
    if (c.ensemble && !isClassification(c.loss) && (c.ensemble.combiner ?? "soft") !== "soft")
      place.key("ensemble").key("combiner").fail(`a regression ensemble averages its members' outputs; use "soft" (or leave combiner out)`);
    const problem = c.search ? searchProblem(c, c.search.space) : null;
    if (problem) place.key("search").fail(problem.replace(/^search\./, ""));
    const weights = c.training.classWeights;
    if (weights && !WEIGHTED_LOSSES.includes(c.loss))
      place
        .key("training")
        .key("classWeights")
        .fail(`apply to the ${WEIGHTED_LOSSES.join(" and ")} losses only; remove them or change the loss`);
    const classes = classesOf(c.data);
    if (Array.isArray(weights) && classes !== undefined && weights.length !== classes)
      place
        .key("training")
        .key("classWeights")
        .fail(`${c.data.name} has ${classes} classes, so give ${classes} weights (one per class), not ${weights.length}`);
    if (c.training.labelSmoothing && c.loss !== "crossEntropy")
      place.key("training").key("labelSmoothing").fail(`applies to the crossEntropy loss only; remove it or use crossEntropy`);
  },
);

/** Runs `check`, turning a SchemaError into a ConfigError (the message keeps the path). */
function asConfigError<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof SchemaError) throw new ConfigError(e.message);
    throw e;
  }
}

/** Validates untrusted JSON as an optimizer setting (`root` names it in messages: "config optimizer", "race 2 optimizer"). */
export function parseOptimizerConfig(value: unknown, root = "config optimizer"): OptimizerConfig {
  return asConfigError(() => validate(optimizerSchema, value, root));
}

/**
 * Validates untrusted JSON as an ExperimentConfig (a classifier or regressor; generative configs:
 * parseAnyConfig in src/generative/config.ts): every key known, every value typed and in range,
 * messages naming the path ("config optimizer.momentun: unknown key; did you mean momentum?").
 */
export function parseConfig(value: unknown): ExperimentConfig {
  if (isRecord(value) && Object.hasOwn(value, "generative"))
    throw new ConfigError("config generative: this is a generative (GAN or autoencoder) config; read it with parseAnyConfig() from src/generative/config.ts");
  return asConfigError(() => validate(configSchema, value, "config"));
}
