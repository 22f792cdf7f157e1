/**
 * The one validator of untrusted JSON: every format the project reads (experiments and configs,
 * model specs, generative configs, safetensors headers) is declared once as a schema built from
 * these parts, and the page, the worker and the CLI check with the same schema, so they cannot
 * disagree. A schema checks types before ranges, reads own properties only ("constructor" is not a
 * layer type), refuses unknown keys with the nearest known one ("optimizer.momentun: unknown key;
 * did you mean momentum?"), bounds nesting depth, list lengths and text sizes, and quotes at most a
 * short excerpt of what it got, so that no input, however large or deep, can make the message itself
 * fail or grow.
 *
 * A failure throws a SchemaError whose message names the path: keys joined by dots, list items by
 * their name ("layer 3 linear") or index ("race[2]").
 */

/** One step of a path: an object key, or a list item (named when the list names its items). */
export type Segment = { key: string } | { index: number; name?: string };

/** Untrusted input that does not fit a schema; `path` is where, `detail` what is wrong. */
export class SchemaError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path ? `${path}: ${detail}` : detail);
    this.name = "SchemaError";
  }
}

/**
 * A path as messages say it: keys joined by dots ("optimizer.betas[1]", "race[2].label"). A named
 * list item starts a clause of its own, without the list's key (the name says what it is), and a
 * name inside a named item replaces it, since item names are numbered from the top:
 * "config model: layer 3.1 conv2d kernel".
 */
export function formatPath(root: string, path: readonly Segment[]): string {
  const clauses: string[] = [];
  let clause = root;
  let beforeKey = root;
  let nameLed = false;
  let afterName = root !== "";
  for (const s of path) {
    if ("key" in s) {
      beforeKey = clause;
      clause = clause === "" ? s.key : afterName ? `${clause} ${s.key}` : `${clause}.${s.key}`;
      afterName = false;
    } else if (s.name !== undefined) {
      if (!nameLed && beforeKey !== "") clauses.push(beforeKey);
      clause = s.name;
      beforeKey = clause;
      nameLed = true;
      afterName = true;
    } else {
      clause += `[${s.index}]`;
      afterName = false;
    }
  }
  return [...clauses, clause].filter((c) => c !== "").join(": ");
}

/** Where a check happens: the root's name ("config", "" for a model spec), the path, the depth. */
export class Place {
  constructor(
    readonly root: string,
    readonly path: readonly Segment[] = [],
  ) {}

  key(key: string): Place {
    return new Place(this.root, [...this.path, { key }]);
  }

  item(index: number, name?: string): Place {
    return new Place(this.root, [...this.path, { index, name }]);
  }

  fail(detail: string): never {
    throw new SchemaError(formatPath(this.root, this.path), detail);
  }
}

/** Most characters of the input a message quotes. */
const EXCERPT = 60;

/**
 * A short, safe rendering of any value for a message: JSON-like, cut at EXCERPT characters, never
 * recursing deeper than a few levels or walking more than a few items (no stack overflow, no
 * megabyte messages).
 */
export function excerpt(value: unknown): string {
  const quoted = (v: string) => JSON.stringify(v.length > EXCERPT - 2 ? `${v.slice(0, EXCERPT - 3)}…` : v);
  if (typeof value === "string") return quoted(value);
  const out: string[] = [];
  let length = 0;
  const push = (s: string) => {
    out.push(s);
    length += s.length;
  };
  const walk = (v: unknown, depth: number): void => {
    if (length > EXCERPT) return;
    if (typeof v === "string") push(quoted(v));
    else if (typeof v === "number" || typeof v === "boolean" || v === null) push(String(v));
    else if (v === undefined) push("nothing");
    else if (typeof v !== "object") push(typeof v);
    else if (depth > 3) push(Array.isArray(v) ? "[…]" : "{…}");
    else if (Array.isArray(v)) {
      push("[");
      for (let i = 0; i < v.length && length <= EXCERPT; i++) {
        if (i) push(", ");
        walk(v[i], depth + 1);
      }
      push("]");
    } else {
      push("{");
      let first = true;
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        if (length > EXCERPT) break;
        if (!first) push(", ");
        first = false;
        push(`${JSON.stringify(k.length > 30 ? `${k.slice(0, 30)}…` : k)}: `);
        walk((v as Record<string, unknown>)[k], depth + 1);
      }
      push("}");
    }
  };
  walk(value, 0);
  const text = out.join("");
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
}

/** The known word nearest to `word` (edit distance at most a third of its length), for "did you mean". */
export function nearest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase().slice(0, 64);
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(w.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(w, k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** How deep lists and objects may nest in any input: far more than any format needs, far less than the stack allows. */
export const MAX_DEPTH = 64;

/** Fails when `value` nests lists and objects deeper than `maxDepth` (checked without recursion). */
export function checkDepth(value: unknown, place: Place, maxDepth = MAX_DEPTH): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (!v || typeof v !== "object") continue;
    if (depth >= maxDepth) place.fail(`nests lists and objects more than ${maxDepth} levels deep; no valid input does`);
    for (const k in v) if (Object.hasOwn(v, k)) stack.push([(v as Record<string, unknown>)[k], depth + 1]);
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** A checker of one kind of value: checks `value` at `place` and returns it typed, or fails there. */
export interface Schema<T> {
  check(value: unknown, place: Place): T;
  /** What it takes, for messages ("a whole number from 1 to 100"). */
  readonly expects: string;
}

/** A bound as messages write it: 65,536, 1e6, 1e-6. */
const fmt = (n: number) =>
  n !== 0 && (Math.abs(n) < 1e-3 || (Math.abs(n) >= 1e6 && Number.isInteger(Math.log10(Math.abs(n)))))
    ? n.toExponential().replace("+", "")
    : n.toLocaleString("en-US", { maximumFractionDigits: 6 });

/** A finite number in [min, max] (`above`: min excluded; `below`: max excluded), whole when `integer`. */
export function number(options: { min: number; max: number; integer?: boolean; above?: boolean; below?: boolean }): Schema<number> {
  const { min, max, integer, above, below } = options;
  const range =
    above || below ? `${above ? "above" : "at least"} ${fmt(min)} and ${below ? "below" : "at most"} ${fmt(max)}` : `from ${fmt(min)} to ${fmt(max)}`;
  const expects = `a ${integer ? "whole " : ""}number ${range}`;
  return {
    expects,
    check(value: unknown, place: Place) {
      if (typeof value !== "number") place.fail(`expected ${expects}, got ${excerpt(value)}`);
      const ok = Number.isFinite(value) && value >= min && value <= max && !(above && value === min) && !(below && value === max);
      if (!ok || (integer && !Number.isInteger(value))) place.fail(`expected ${expects}, got ${excerpt(value)}`);
      return value;
    },
  };
}

export function boolean(): Schema<boolean> {
  return {
    expects: "true or false",
    check(value: unknown, place: Place) {
      if (typeof value !== "boolean") place.fail(`expected true or false, got ${excerpt(value)}`);
      return value;
    },
  };
}

/** Text of at most `maxLength` characters (and not blank when `nonEmpty`). */
export function text(options: { maxLength: number; nonEmpty?: boolean }): Schema<string> {
  const expects = `${options.nonEmpty ? "non-empty " : ""}text of at most ${options.maxLength.toLocaleString("en-US")} characters`;
  return {
    expects,
    check(value: unknown, place: Place) {
      if (typeof value !== "string" || value.length > options.maxLength || (options.nonEmpty && value.trim() === ""))
        place.fail(
          `expected ${expects}, got ${typeof value === "string" && value.length > options.maxLength ? `${value.length.toLocaleString("en-US")} characters` : excerpt(value)}`,
        );
      return value;
    },
  };
}

/** One of the given words. */
export function oneOf<const W extends string>(words: readonly W[], what = "one of"): Schema<W> {
  const expects = `${what} ${words.map((w) => JSON.stringify(w)).join(", ")}`;
  return {
    expects,
    check(value: unknown, place: Place) {
      if (typeof value !== "string" || !words.includes(value as W)) {
        const near = typeof value === "string" ? nearest(value, words) : undefined;
        place.fail(`expected ${expects}, got ${excerpt(value)}${near ? `; did you mean ${JSON.stringify(near)}?` : ""}`);
      }
      return value as W;
    },
  };
}

/** A list of `item`s, `min` to `max` long; `name` names items in messages ("layer 3 linear"), `noun` says what they are ("optimizers"). */
export function list<T>(item: Schema<T>, options: { min?: number; max: number; name?: (index: number, value: unknown) => string; noun?: string }): Schema<T[]> {
  const { min = 0, max, noun = "items" } = options;
  const expects = `a list of ${min ? `${min} to ` : "at most "}${max.toLocaleString("en-US")} ${noun}`;
  return {
    expects,
    check(value: unknown, place: Place) {
      if (!Array.isArray(value)) place.fail(`expected ${expects}, got ${excerpt(value)}`);
      if (value.length < min || value.length > max) place.fail(`expected ${expects}, got ${value.length.toLocaleString("en-US")}`);
      return value.map((v, i) => item.check(v, place.item(i, options.name?.(i, v))));
    },
  };
}

/** Exactly these items in order ([β1, β2]). */
export function tuple<T extends unknown[]>(items: { [K in keyof T]: Schema<T[K]> }, expects: string): Schema<T> {
  return {
    expects,
    check(value: unknown, place: Place) {
      if (!Array.isArray(value) || value.length !== items.length) place.fail(`expected ${expects}, got ${excerpt(value)}`);
      return items.map((s, i) => s.check(value[i], place.item(i))) as T;
    },
  };
}

/** A key's schema, optional unless marked required. */
export interface FieldSpec<T, Required extends boolean = boolean> {
  schema: Schema<T>;
  required: Required;
}
export const required = <T>(schema: Schema<T>): FieldSpec<T, true> => ({ schema, required: true });
export const optional = <T>(schema: Schema<T>): FieldSpec<T, false> => ({ schema, required: false });

type Fields = Record<string, FieldSpec<unknown>>;
export type RecordOf<F extends Fields> = { [K in keyof F as F[K]["required"] extends true ? K : never]: F[K] extends FieldSpec<infer T> ? T : never } & {
  [K in keyof F as F[K]["required"] extends true ? never : K]?: F[K] extends FieldSpec<infer T> ? T : never;
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * An object with exactly these keys (own properties only): an unknown key fails with the nearest
 * known one; a missing required key fails naming it. `what` names the object in messages ("a linear
 * layer"); `shown` are the keys a message lists (default: all).
 */
export function record<F extends Fields>(fields: F, what: string, shown: readonly string[] = Object.keys(fields)): Schema<RecordOf<F>> {
  const names = Object.keys(fields);
  const takes = `${capital(what)} takes ${shown.join(", ") || "no settings"}`;
  return {
    expects: what,
    check(value: unknown, place: Place) {
      if (!isRecord(value)) place.fail(`expected an object (${what}), got ${excerpt(value)}`);
      for (const key of Object.keys(value))
        if (!Object.hasOwn(fields, key)) {
          const near = nearest(key, names);
          place.key(key).fail(`unknown key${near ? `; did you mean ${near}?` : "."} ${takes}`);
        }
      for (const [key, field] of Object.entries(fields))
        if (field.required && value[key] === undefined) place.key(key).fail(`is required (${field.schema.expects})`);
      // In the input's key order, so that a checked object reads (and saves) as it was written.
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) if (value[key] !== undefined) out[key] = fields[key].schema.check(value[key], place.key(key));
      return out as RecordOf<F>;
    },
  };
}

/**
 * One of several object shapes told apart by the word in `tag` ("type", "name"): the word picks the
 * schema; an unknown word fails listing the known ones (own properties only: "constructor" is none).
 * `what` names one, with its article ("a layer type", "an optimizer"); `aliases` map other tools'
 * words for one (lower case: "dense" → "linear") to suggest it.
 */
export function variant<T>(tag: string, schemas: Record<string, Schema<T>>, what: string, aliases: Record<string, string> = {}): Schema<T> {
  const words = Object.keys(schemas);
  return {
    expects: `${what} (${tag} one of ${words.join(", ")})`,
    check(value: unknown, place: Place) {
      if (!isRecord(value)) place.fail(`expected ${what}, an object with "${tag}", got ${excerpt(value)}`);
      const word = value[tag];
      if (word === undefined) place.key(tag).fail(`is required (${what}: one of ${words.join(", ")})`);
      if (typeof word !== "string" || !Object.hasOwn(schemas, word)) {
        const near = typeof word !== "string" ? undefined : Object.hasOwn(aliases, word.toLowerCase()) ? aliases[word.toLowerCase()] : nearest(word, words);
        place.key(tag).fail(`${excerpt(word)} is not ${what}; expected one of ${words.join(", ")}${near ? `. Did you mean ${JSON.stringify(near)}?` : ""}`);
      }
      return schemas[word as string].check(value, place);
    },
  };
}

/** A schema that refers to itself (nested layers): built on first use. */
export function lazy<T>(make: () => Schema<T>, expects: string): Schema<T> {
  let schema: Schema<T> | undefined;
  return {
    expects,
    check(value: unknown, place: Place) {
      schema ??= make();
      return schema.check(value, place);
    },
  };
}

/** `schema`, then a check across its fields (throws through `place`). */
export function refine<T>(schema: Schema<T>, check: (value: T, place: Place) => void): Schema<T> {
  return {
    expects: schema.expects,
    check(value: unknown, place: Place) {
      const out = schema.check(value, place);
      check(out, place);
      return out;
    },
  };
}

/** Checks untrusted JSON against `schema` at the root `root` (depth bounded first). */
export function validate<T>(schema: Schema<T>, value: unknown, root = ""): T {
  const place = new Place(root);
  checkDepth(value, place);
  return schema.check(value, place);
}
