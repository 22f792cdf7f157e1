/**
 * From a config's parts to the engine's objects: the data (loaded or generated, split), the
 * optimizer over a model's parameters, the learning-rate schedule.
 */
import { classesOf, defaultValRatio } from "../data/catalog";
import { parseCsv, parseCsvChunks } from "../data/csv";
import { type ClassificationSet, type Dataset, subset } from "../data/dataset";
import { IMAGE_DATASET_NAMES, type ImageDatasetName, loadImageDataset } from "../data/image-datasets";
import { iris } from "../data/iris";
import { nameCharacters, nameGenders } from "../data/names";
import { Rng } from "../data/random";
import { type ScalingKind, scaleSplits } from "../data/scaling";
import { addingProblem, bracketStrings, reversedStrings, sineForecast } from "../data/sequences";
import { balancedSample, trainTestSplit } from "../data/splits";
import { makePoints, type PointDatasetName } from "../data/synthetic";
import { mobyDick, spamEmails } from "../data/text-corpora";
import { Adadelta } from "../optim/adadelta";
import { Adagrad } from "../optim/adagrad";
import { Adam, AdamW } from "../optim/adam";
import type { Optimizer, ParamGroupInput, Regularization } from "../optim/optimizer";
import { RMSprop } from "../optim/rmsprop";
import { CosineAnnealingLR, ExponentialLR, LinearLR, type LRScheduler, ReduceLROnPlateau, SequentialLR, StepLR } from "../optim/schedulers";
import { SGD } from "../optim/sgd";
import type { Tensor } from "../tensor/tensor";
import { ConfigError, type DataConfig, type OptimizerConfig, type SchedulerConfig } from "./config";

function fail(field: string, detail: string): never {
  throw new ConfigError(`config ${field}: ${detail}`);
}

export interface Splits {
  train: Dataset;
  /** Held out of the training data: what early stopping, "restore best", the curves and searches watch. */
  val: Dataset;
  /** Never seen while training or choosing: scored for the report only. */
  test: Dataset;
}

/**
 * Loads or generates the data and splits it into train, validation and test. Image sets and the
 * text corpora keep their own test split; the validation split (`valRatio` of the training part,
 * or the family's default) is always carved from the training data, never from the test data.
 * Tables and points are then scaled as `scale` says, fitted on the training split. A CSV named by
 * path is read through `read`, a stream of text chunks (parsed as it arrives).
 */
export async function makeData(config: DataConfig, read?: (path: string) => AsyncIterable<string>): Promise<Splits> {
  const seed = config.seed ?? 1;
  const whole = await trainAndTest(config, seed, read);
  const ratio = config.valRatio ?? defaultValRatio(config.name);
  const rest = trainTestSplit(whole.train, { trainRatio: 1 - ratio, seed: whole.valSeed });
  const scale = (config as { scale?: ScalingKind }).scale ?? "none";
  const [train, val, test] = scaleSplits(scale, rest.train, rest.test, whole.test); // fitted on the training split only
  return { train, val, test };
}

/** The training and test parts, and the seed the validation split is drawn with. */
async function trainAndTest(config: DataConfig, seed: number, read?: (path: string) => AsyncIterable<string>) {
  if ((IMAGE_DATASET_NAMES as readonly string[]).includes(config.name)) {
    const c = config as Extract<DataConfig, { name: ImageDatasetName }>;
    const keep = c.classSubset;
    const load = async (split: "train" | "test", limit?: number) =>
      keep ? keepClasses(await loadImageDataset(c.name, split, { seed }), keep, limit, seed) : loadImageDataset(c.name, split, { limit, seed });
    return { train: await load("train", c.trainLimit), test: await load("test", c.testLimit), valSeed: seed };
  }
  if (config.name === "moby-dick" || config.name === "spam") {
    const c = config as Extract<DataConfig, { name: "moby-dick" | "spam" }>;
    return { ...(await (c.name === "moby-dick" ? mobyDick : spamEmails)({ ...c, seed })), valSeed: seed + 1 };
  }
  const ds = await wholeDataset(config, seed, read);
  const ratio = (config as { trainRatio?: number }).trainRatio ?? 0.8;
  return { ...trainTestSplit(ds, { trainRatio: ratio, seed }), valSeed: seed + 1 };
}

/**
 * Only the examples of `keep`'s classes, relabelled 0, 1, ... in `keep`'s order (a new task for
 * transfer learning: digits 5-9 after pretraining on 0-4), then `limit` of them, classes balanced.
 */
function keepClasses<D extends ClassificationSet>(ds: D, keep: number[], limit: number | undefined, seed: number): D {
  const index = new Map(keep.map((c, i) => [c, i]));
  const rows = Array.from(ds.y.keys()).filter((i) => index.has(ds.y[i]));
  const kept = subset(ds, rows);
  const relabelled = {
    ...kept,
    y: Int32Array.from(kept.y, (c) => index.get(c) as number),
    classes: keep.length,
    classNames: keep.map((c) => ds.classNames[c]),
  };
  return limit === undefined || limit >= relabelled.n ? relabelled : subset(relabelled, balancedSample(relabelled, limit, seed));
}

/** A dataset that comes whole (generated, Iris, a CSV, names, the sequence tasks), split afterwards. */
async function wholeDataset(config: DataConfig, seed: number, read?: (path: string) => AsyncIterable<string>): Promise<Dataset> {
  if (config.name === "names" || config.name === "names-lm") {
    const c = config as Extract<DataConfig, { name: "names" | "names-lm" }>;
    return (c.name === "names" ? nameGenders : nameCharacters)({ examples: c.examples, seed });
  }
  if (config.name === "adding" || config.name === "sines" || config.name === "brackets" || config.name === "reverse") {
    const c = config as Extract<DataConfig, { name: "adding" | "sines" | "brackets" | "reverse" }>;
    const options = { examples: c.examples, length: c.length, seed };
    if (c.name === "adding") return addingProblem(options);
    if (c.name === "sines") return sineForecast({ ...options, ...(c as { horizon?: number; noise?: number }) });
    if (c.name === "brackets") return bracketStrings(options);
    return reversedStrings({ ...options, symbols: (c as { symbols?: number }).symbols });
  }
  if (config.name === "iris") return iris();
  if (config.name === "csv") {
    const c = config as Extract<DataConfig, { name: "csv" }>;
    if (c.text !== undefined) return parseCsv(c.text, { label: c.label });
    if (c.path !== undefined && read) return parseCsvChunks(read(c.path), { label: c.label });
    fail("data", 'a csv dataset needs "path" (CLI) or "text"');
  }
  const c = config as Extract<DataConfig, { name: PointDatasetName }>;
  const points = makePoints(c.name, { points: c.points, noise: c.noise, classes: classesOf(c), seed });
  return c.lastClassShare !== undefined && c.lastClassShare < 1 ? thinLastClass(points as ClassificationSet, c.lastClassShare, seed) : points;
}

/**
 * Imbalanced data on purpose: only `share` of the last class's examples (a seeded choice, at least
 * 2), every example of the others, so that a learner can watch accuracy flatter a model that
 * ignores the rare class, and class weights repair its recall.
 */
export function thinLastClass(ds: ClassificationSet, share: number, seed: number): ClassificationSet {
  const last = ds.classes - 1;
  const rare: number[] = [];
  for (let i = 0; i < ds.n; i++) if (ds.y[i] === last) rare.push(i);
  const rng = new Rng(seed + 7);
  for (let i = rare.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [rare[i], rare[j]] = [rare[j], rare[i]];
  }
  const kept = new Set(rare.slice(0, Math.max(2, Math.round(share * rare.length))));
  const rows: number[] = [];
  for (let i = 0; i < ds.n; i++) if (ds.y[i] !== last || kept.has(i)) rows.push(i);
  return subset(ds, rows);
}

const num = (o: Record<string, unknown>, key: string) => (typeof o[key] === "number" ? (o[key] as number) : undefined);

/** The optimizer a config names, over `params`. */
export function makeOptimizer(config: OptimizerConfig, params: Tensor[] | ParamGroupInput<{ lr: number }>[], regularization?: Regularization): Optimizer {
  const wd = num(config, "weightDecay");
  switch (config.name) {
    case "sgd":
      return new SGD(
        params,
        { lr: config.lr, momentum: num(config, "momentum"), nesterov: config.nesterov === true, weightDecay: wd, dampening: num(config, "dampening") },
        regularization,
      );
    case "adam":
    case "adamw": {
      const betas = Array.isArray(config.betas) ? (config.betas as [number, number]) : undefined;
      const options = { lr: config.lr, betas, eps: num(config, "eps"), weightDecay: wd, amsgrad: config.amsgrad === true };
      return config.name === "adam" ? new Adam(params, options, regularization) : new AdamW(params, options, regularization);
    }
    case "adagrad":
      return new Adagrad(
        params,
        { lr: config.lr, lrDecay: num(config, "lrDecay"), weightDecay: wd, initialAccumulatorValue: num(config, "initialAccumulatorValue") },
        regularization,
      );
    case "rmsprop":
      return new RMSprop(
        params,
        { lr: config.lr, alpha: num(config, "alpha"), momentum: num(config, "momentum"), centered: config.centered === true, weightDecay: wd },
        regularization,
      );
    case "adadelta":
      return new Adadelta(params, { lr: config.lr, rho: num(config, "rho"), weightDecay: wd }, regularization);
    default:
      return fail("optimizer.name", `unknown optimizer ${JSON.stringify(config.name satisfies never)}`);
  }
}

/** The learning-rate schedule a config names (stepped once per epoch). */
export function makeScheduler(config: SchedulerConfig, optimizer: Optimizer, epochs: number): LRScheduler | ReduceLROnPlateau {
  const get = (key: string, fallback: number) => num(config, key) ?? fallback;
  switch (config.name) {
    case "step":
      return new StepLR(optimizer, get("stepSize", 10), get("gamma", 0.1));
    case "exponential":
      return new ExponentialLR(optimizer, get("gamma", 0.95));
    case "cosine":
      return new CosineAnnealingLR(optimizer, get("tMax", Math.max(epochs, 1)), get("etaMin", 0)); // a run of 0 epochs (--epochs 0) never steps it
    case "warmup":
      return new LinearLR(optimizer, get("startFactor", 0.1), 1, get("warmupEpochs", 5));
    case "warmupCosine": {
      const warm = get("warmupEpochs", 2);
      return new SequentialLR(
        optimizer,
        [new LinearLR(optimizer, get("startFactor", 0.1), 1, warm), new CosineAnnealingLR(optimizer, Math.max(epochs - warm, 1), get("etaMin", 0))],
        [warm],
      );
    }
    case "plateau":
      return new ReduceLROnPlateau(optimizer, { factor: get("factor", 0.1), patience: get("patience", 5) });
    default:
      return fail("scheduler.name", `unknown schedule ${JSON.stringify(config.name satisfies never)}`);
  }
}
