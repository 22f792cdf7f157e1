/**
 * Generative experiment configs: the same JSON schema as classifier configs (name, data, optimizer,
 * training), with `generative` (the pair of networks, see spec.ts) in place of `model` and `loss`.
 * parseGenerativeConfig() validates one, checking the networks against the data's shape before
 * anything is built; parseAnyConfig() reads either kind, as the CLI does. The data are the 2-D
 * targets (unlabelled point clouds) or MNIST / Fashion-MNIST.
 */
import type { Dataset } from "../data/dataset";
import { IMAGE_DATASET_NAMES, type ImageDatasetName, loadImageDataset } from "../data/image-datasets";
import { type FieldSpec, isRecord, number, oneOf, optional, record, refine, required, type Schema, SchemaError, validate, variant } from "../schema/schema";
import {
  batchSizeSchema,
  ConfigError,
  configNameSchema,
  type ExperimentConfig,
  epochsSchema,
  MAX_POINTS,
  type OptimizerConfig,
  optimizerSchema,
  parseConfig,
  SCHEDULERS,
  type SchedulerConfig,
  schedulerSchema,
  seedSchema,
} from "../train/config";
import { checkGenerativeSpec, type GenerativeSpec, GenerativeSpecError, generativeSpecSchema, type NetworkSummary } from "./spec";
import { type MixtureModes, makeTarget, TARGET_NAMES, type TargetName } from "./targets";

export type GenerativeDataConfig =
  | { name: TargetName; points?: number; noise?: number; seed?: number }
  | { name: ImageDatasetName; trainLimit?: number; testLimit?: number; seed?: number };

export interface GenerativeTrainingConfig {
  epochs: number;
  batchSize: number;
  /** Seeds the weights, the batch order and the noise (default 1). */
  seed?: number;
}

export interface GenerativeConfig {
  name?: string;
  data: GenerativeDataConfig;
  generative: GenerativeSpec;
  /** Both networks' optimizer (a GAN's generator's alone when the spec has a discriminatorOptimizer). */
  optimizer: OptimizerConfig;
  /** A learning-rate schedule for every optimizer, stepped per epoch (not "plateau": there is no validation loss to watch). */
  scheduler?: SchedulerConfig;
  training: GenerativeTrainingConfig;
}

/** The data settings of each 2-D target and image set. */
function dataRecord(name: string): Schema<GenerativeDataConfig> {
  const image = (IMAGE_DATASET_NAMES as readonly string[]).includes(name);
  const fields: Record<string, FieldSpec<unknown>> = image
    ? {
        name: required(oneOf([name])),
        trainLimit: optional(number({ min: 10, max: 60_000, integer: true })),
        testLimit: optional(number({ min: 10, max: 10_000, integer: true })),
        seed: optional(seedSchema),
      }
    : {
        name: required(oneOf([name])),
        points: optional(number({ min: 10, max: MAX_POINTS, integer: true })),
        noise: optional(number({ min: 0, max: 2, above: true })),
        seed: optional(seedSchema),
      };
  return record(fields, `the ${name} data`) as unknown as Schema<GenerativeDataConfig>;
}

const dataSchema = variant(
  "name",
  Object.fromEntries([...TARGET_NAMES, ...IMAGE_DATASET_NAMES].map((name) => [name, dataRecord(name)])),
  "a dataset for a generative model",
);

/** A generative config; its networks are checked against the data's shape. */
export const generativeConfigSchema: Schema<GenerativeConfig> = refine(
  record(
    {
      name: optional(configNameSchema),
      data: required(dataSchema),
      generative: required(generativeSpecSchema),
      optimizer: required(optimizerSchema),
      // "plateau" needs a validation loss, which a generative run has not.
      scheduler: optional(schedulerSchema(SCHEDULERS.filter((s) => s !== "plateau"))),
      training: required(
        record({ epochs: required(epochsSchema), batchSize: required(batchSizeSchema), seed: optional(seedSchema) }, "a generative config's training"),
      ),
    },
    "a generative config",
  ) as unknown as Schema<GenerativeConfig>,
  (c, place) => {
    try {
      checkGenerativeSpec(c.generative, generativeDataShape(c.data));
    } catch (e) {
      if (e instanceof GenerativeSpecError) place.key("generative").fail(e.message);
      throw e;
    }
  },
);

/** Whether untrusted JSON is a generative config (it has a "generative" field). */
export function isGenerativeConfig(value: unknown): boolean {
  return isRecord(value) && Object.hasOwn(value, "generative");
}

/** The shape of one example of the data a config names: [2] for 2-D targets, [1, 28, 28] for images. */
export function generativeDataShape(data: GenerativeDataConfig): number[] {
  return (IMAGE_DATASET_NAMES as readonly string[]).includes(data.name) ? [1, 28, 28] : [2];
}

/** Validates untrusted JSON as a GenerativeConfig, the networks checked against the data's shape; messages name the path ("config generative.generator: layer 3 ..."). */
export function parseGenerativeConfig(value: unknown): GenerativeConfig {
  try {
    return validate(generativeConfigSchema, value, "config");
  } catch (e) {
    if (e instanceof SchemaError) throw new ConfigError(e.message);
    throw e;
  }
}

/** Validates either kind of config: generative when it has a "generative" field, else a classifier's (parseConfig). */
export function parseAnyConfig(value: unknown): ExperimentConfig | GenerativeConfig {
  return isGenerativeConfig(value) ? parseGenerativeConfig(value) : parseConfig(value);
}

/** The networks of a parsed config, checked against its data (summaries for each layer). */
export function summarizeGenerative(config: GenerativeConfig): NetworkSummary[] {
  return checkGenerativeSpec(config.generative, generativeDataShape(config.data));
}

/** The data of a generative config: the training examples, held-out images, and a mixture target's modes. */
export interface GenerativeData {
  train: Dataset;
  /** Image sets: their test split (for reconstruction scores). */
  test?: Dataset;
  /** Mixture targets (ring, grid): where the modes are, for "modes covered". */
  modes?: MixtureModes;
}

/** Generates the 2-D target or loads the image set a config names. */
export async function makeGenerativeData(data: GenerativeDataConfig): Promise<GenerativeData> {
  const seed = data.seed ?? 1;
  if ((IMAGE_DATASET_NAMES as readonly string[]).includes(data.name)) {
    const d = data as Extract<GenerativeDataConfig, { name: ImageDatasetName }>;
    const train = await loadImageDataset(d.name, "train", { limit: d.trainLimit, seed });
    const test = await loadImageDataset(d.name, "test", { limit: d.testLimit, seed });
    return { train, test };
  }
  const d = data as Extract<GenerativeDataConfig, { name: TargetName }>;
  const target = makeTarget(d.name, { points: d.points, noise: d.noise, seed });
  return { train: target.points, modes: target.modes };
}
