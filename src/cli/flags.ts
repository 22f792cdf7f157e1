/**
 * The flags of `npm run train -- <config> [flags]`, shared by the classifier and generative halves
 * of the CLI (src/cli/train.ts lists them at its top). Each flag is declared once with what it takes;
 * a flag that is unknown, misses its value, or gets a value that is not a number in its range fails
 * with the flag named and what it accepts; the ranges are the config schema's (src/train/config.ts).
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { BACKEND_CHOICES, type BackendChoice } from "../backend/backend";
import { IMAGE_DATASET_NAMES } from "../data/image-datasets";
import { number, Place, type Schema, SchemaError } from "../schema/schema";
import { batchSizeSchema, MAX_EPOCHS, seedSchema } from "../train/config";
import { type NumberField, OPTIMIZER_FIELDS } from "../train/settings";

export interface Flags {
  config: string;
  device: BackendChoice;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  limit?: number;
  testLimit?: number;
  checkpoint?: string;
  resume?: string;
  exportDir?: string;
  json?: string;
  /** An image GAN or VAE: a classifier checkpoint that labels 1,000 generated samples after training. */
  judge?: string;
  /** Transfer learning: start from the weights of this safetensors file where names and shapes fit. */
  initFrom?: string;
  /** Freeze the first N layers (their weights are not trained). */
  freeze?: number;
  /** Cross-validate instead of training: k folds, or "loo" (leave-one-out). */
  folds?: number | "loo";
  /** Load a --resume or --judge checkpoint even when its weights hold NaN or Infinity. */
  allowNonFinite?: boolean;
  quiet: boolean;
}

/** A flag that is not a usable value; the message names the flag. */
export class FlagError extends Error {
  constructor(message: string) {
    super(`train: ${message}`);
    this.name = "FlagError";
  }
}

type NumberFlag = { key: keyof Flags; kind: "number"; schema: Schema<number> };
type Flag = NumberFlag | { key: keyof Flags; kind: "text" | "device" | "switch" | "folds" };

const lrField = OPTIMIZER_FIELDS.adam.find((f) => f.key === "lr") as NumberField;
const whole = (min: number, max: number) => number({ min, max, integer: true });

/** Every flag, with what it takes: the same ranges as the config fields it overrides (src/train/config.ts). */
const FLAGS: Record<string, Flag> = {
  "--device": { key: "device", kind: "device" },
  "--epochs": { key: "epochs", kind: "number", schema: whole(0, MAX_EPOCHS) }, // 0: evaluate the model as it is
  "--batch-size": { key: "batchSize", kind: "number", schema: batchSizeSchema },
  "--lr": { key: "lr", kind: "number", schema: number({ min: lrField.min, max: lrField.max }) },
  "--seed": { key: "seed", kind: "number", schema: seedSchema },
  "--limit": { key: "limit", kind: "number", schema: whole(10, 60_000) },
  "--test-limit": { key: "testLimit", kind: "number", schema: whole(10, 10_000) },
  "--checkpoint": { key: "checkpoint", kind: "text" },
  "--resume": { key: "resume", kind: "text" },
  "--export": { key: "exportDir", kind: "text" },
  "--json": { key: "json", kind: "text" },
  "--folds": { key: "folds", kind: "folds" },
  "--init-from": { key: "initFrom", kind: "text" },
  "--freeze": { key: "freeze", kind: "number", schema: whole(1, 64) },
  "--judge": { key: "judge", kind: "text" },
  "--allow-nonfinite": { key: "allowNonFinite", kind: "switch" },
  "--quiet": { key: "quiet", kind: "switch" },
};

const quote = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

/** A decimal number as people type it ("3", "-1", "0.5", "1e-3"); not hex, not "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function numberValue(name: string, flag: NumberFlag, value: string): number {
  try {
    return flag.schema.check(DECIMAL.test(value) ? Number(value) : Number.NaN, new Place(name));
  } catch (e) {
    if (e instanceof SchemaError) throw new FlagError(`${name} takes ${flag.schema.expects}, got ${quote(value)}`);
    throw e;
  }
}

export function parseFlags(argv: string[]): Flags {
  const flags: Record<string, unknown> = { device: "auto", quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!name.startsWith("--")) {
      if (flags.config !== undefined) throw new FlagError(`unexpected argument ${quote(name)}; give one config file`);
      flags.config = name;
      continue;
    }
    const flag = Object.hasOwn(FLAGS, name) ? FLAGS[name] : undefined;
    if (!flag) throw new FlagError(`unknown flag ${quote(name)}; the flags are ${Object.keys(FLAGS).join(", ")} (see the top of src/cli/train.ts)`);
    if (flag.kind === "switch") {
      flags[flag.key] = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new FlagError(`${name} needs a value`);
    i++;
    if (flag.kind === "text") flags[flag.key] = value;
    else if (flag.kind === "device") {
      if (!(BACKEND_CHOICES as readonly string[]).includes(value)) throw new FlagError(`--device takes ${BACKEND_CHOICES.join(", ")}, got ${quote(value)}`);
      flags.device = value;
    } else if (flag.kind === "folds") {
      const k = Number(value);
      if (value !== "loo" && !(/^\d+$/.test(value) && k >= 2 && k <= 100))
        throw new FlagError(`--folds takes a whole number from 2 to 100, or loo (leave-one-out), got ${quote(value)}`);
      flags.folds = value === "loo" ? "loo" : k;
    } else if (flag.kind === "number") flags[flag.key] = numberValue(name, flag, value);
  }
  if (flags.config === undefined) throw new FlagError("give a config file, e.g. npm run train -- examples/spiral-mlp.json");
  return flags as unknown as Flags;
}

/**
 * The training overrides both halves of the CLI apply: epochs (0 trains nothing), batch size, seed,
 * and a subset of an image set (--limit and --test-limit mean nothing for other data, so they fail).
 * The caller checks the result against the config schema again.
 */
export function applyTrainingFlags(
  flags: Omit<Flags, "config">,
  training: { epochs: number; batchSize: number; seed?: number },
  data: { name: string; trainLimit?: number; testLimit?: number },
): void {
  if (flags.epochs !== undefined) training.epochs = flags.epochs;
  if (flags.batchSize !== undefined) training.batchSize = flags.batchSize;
  if (flags.seed !== undefined) training.seed = flags.seed;
  if ((flags.limit !== undefined || flags.testLimit !== undefined) && !(IMAGE_DATASET_NAMES as readonly string[]).includes(data.name))
    throw new FlagError(`--limit and --test-limit take a subset of an image set (${IMAGE_DATASET_NAMES.join(", ")}); ${data.name} is not one`);
  if (flags.limit !== undefined) data.trainLimit = flags.limit;
  if (flags.testLimit !== undefined) data.testLimit = flags.testLimit;
}

/**
 * Makes sure every file the flags will write can be written, before anything trains: the folders
 * of --checkpoint and --json (made when missing) and the --export folder. A path that cannot be
 * made or written fails naming the flag, instead of surfacing after the whole run.
 */
export function prepareOutputs(flags: Pick<Flags, "checkpoint" | "json" | "exportDir">): void {
  const targets: [string, string | undefined][] = [
    ["--checkpoint", flags.checkpoint && dirname(resolve(flags.checkpoint))],
    ["--json", flags.json && dirname(resolve(flags.json))],
    ["--export", flags.exportDir && resolve(flags.exportDir)],
  ];
  for (const [flag, folder] of targets) {
    if (!folder) continue;
    try {
      mkdirSync(folder, { recursive: true });
      accessSync(folder, constants.W_OK);
    } catch (e) {
      const { code, message } = e as NodeJS.ErrnoException;
      const reason = code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOTDIR" || code === "EEXIST" ? "a file is in the way" : message;
      throw new FlagError(`${flag}: cannot write into ${quote(folder)} (${reason}); pick a folder you can write to`);
    }
  }
}
