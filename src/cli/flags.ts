/**
 * The flags of `npm run train -- <config> [flags]`, shared by the classifier and generative halves
 * of the CLI (src/cli/train.ts lists them at its top). Unknown flags and non-numbers fail with the
 * flag named.
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

export function parseFlags(argv: string[]): Flags {
  const flags: Partial<Flags> = { device: "webgpu", quiet: false };
  const numberOf = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) throw new Error(`train: ${name} needs a number, got ${v ?? "nothing"}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === "--device") {
      const d = next();
      if (d !== "webgpu" && d !== "cpu") throw new Error(`train: --device must be webgpu or cpu, got ${d}`);
      flags.device = d;
    } else if (a === "--epochs") flags.epochs = numberOf(a, next());
    else if (a === "--batch-size") flags.batchSize = numberOf(a, next());
    else if (a === "--lr") flags.lr = numberOf(a, next());
    else if (a === "--seed") flags.seed = numberOf(a, next());
    else if (a === "--limit") flags.limit = numberOf(a, next());
    else if (a === "--test-limit") flags.testLimit = numberOf(a, next());
    else if (a === "--checkpoint") flags.checkpoint = next();
    else if (a === "--resume") flags.resume = next();
    else if (a === "--export") flags.exportDir = next();
    else if (a === "--json") flags.json = next();
    else if (a === "--judge") flags.judge = next();
    else if (a === "--quiet") flags.quiet = true;
    else if (a.startsWith("--")) throw new Error(`train: unknown flag ${a}; see the top of src/cli/train.ts`);
    else if (!flags.config) flags.config = a;
    else throw new Error(`train: unexpected argument ${a}`);
  }
  if (!flags.config) throw new Error("train: give a config file, e.g. npm run train -- examples/spiral-mlp.json");
  return flags as Flags;
}
