/**
 * The flags of `npm run train -- <config> [flags]`, shared by the classifier and generative halves
 * of the CLI (src/cli/train.ts lists them at its top). Each flag is declared once with what it takes;
 * a flag that is unknown, misses its value, or gets a value that is not a number in its range fails
 * with the flag named and what it accepts.
 */

export interface Flags {
  config: string;
  device: "webgpu" | "cpu";
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
  quiet: boolean;
}

/** A flag that is not a usable value; the message names the flag. */
export class FlagError extends Error {
  constructor(message: string) {
    super(`train: ${message}`);
    this.name = "FlagError";
  }
}

type NumberFlag = { key: keyof Flags; kind: "whole"; min: number; max: number } | { key: keyof Flags; kind: "number"; above: number; max: number };
type Flag = NumberFlag | { key: keyof Flags; kind: "text" | "device" | "switch" };

/** Every flag, with what it takes. */
const FLAGS: Record<string, Flag> = {
  "--device": { key: "device", kind: "device" },
  "--epochs": { key: "epochs", kind: "whole", min: 0, max: 100_000 },
  "--batch-size": { key: "batchSize", kind: "whole", min: 1, max: 65_536 },
  "--lr": { key: "lr", kind: "number", above: 0, max: 1e6 },
  "--seed": { key: "seed", kind: "whole", min: 0, max: 2 ** 32 - 1 },
  "--limit": { key: "limit", kind: "whole", min: 1, max: 10_000_000 },
  "--test-limit": { key: "testLimit", kind: "whole", min: 1, max: 10_000_000 },
  "--checkpoint": { key: "checkpoint", kind: "text" },
  "--resume": { key: "resume", kind: "text" },
  "--export": { key: "exportDir", kind: "text" },
  "--json": { key: "json", kind: "text" },
  "--judge": { key: "judge", kind: "text" },
  "--quiet": { key: "quiet", kind: "switch" },
};

const quote = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

/** A decimal number as people type it ("3", "-1", "0.5", "1e-3"); not hex, not "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function numberValue(name: string, flag: NumberFlag, value: string): number {
  const n = DECIMAL.test(value) ? Number(value) : Number.NaN;
  if (flag.kind === "whole") {
    if (!Number.isInteger(n) || n < flag.min || n > flag.max)
      throw new FlagError(`${name} takes a whole number from ${flag.min} to ${flag.max.toLocaleString("en-US")}, got ${quote(value)}`);
  } else if (!Number.isFinite(n) || n <= flag.above || n > flag.max)
    throw new FlagError(`${name} takes a number above ${flag.above} and at most ${flag.max.toExponential(0)}, got ${quote(value)}`);
  return n;
}

export function parseFlags(argv: string[]): Flags {
  const flags: Record<string, unknown> = { device: "webgpu", quiet: false };
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
      if (value !== "webgpu" && value !== "cpu") throw new FlagError(`--device takes webgpu or cpu, got ${quote(value)}`);
      flags.device = value;
    } else if (flag.kind === "whole" || flag.kind === "number") flags[flag.key] = numberValue(name, flag, value);
  }
  if (flags.config === undefined) throw new FlagError("give a config file, e.g. npm run train -- examples/spiral-mlp.json");
  return flags as unknown as Flags;
}

/** The training overrides both halves of the CLI apply: epochs (0 trains nothing), batch size, seed, and a data subset. */
export function applyTrainingFlags(flags: Omit<Flags, "config">, training: { epochs: number; batchSize: number; seed?: number }, data: object): void {
  if (flags.epochs !== undefined) training.epochs = flags.epochs;
  if (flags.batchSize !== undefined) training.batchSize = flags.batchSize;
  if (flags.seed !== undefined) training.seed = flags.seed;
  const subset = data as { trainLimit?: number; testLimit?: number };
  if (flags.limit !== undefined) subset.trainLimit = flags.limit;
  if (flags.testLimit !== undefined) subset.testLimit = flags.testLimit;
}
