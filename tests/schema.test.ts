/**
 * The validator's own rules (src/schema/schema.ts), which every format builds on: paths in messages,
 * types before ranges, own keys only, did-you-mean, bounded depth without recursion, short excerpts.
 */
import { describe, expect, it } from "vitest";
import {
  excerpt,
  formatPath,
  lazy,
  list,
  MAX_DEPTH,
  nearest,
  number,
  oneOf,
  optional,
  record,
  required,
  type Schema,
  SchemaError,
  text,
  tuple,
  validate,
  variant,
} from "../src/schema/schema";

/** The message `schema` gives for `value` at the root "config". */
function messageOf<T>(schema: Schema<T>, value: unknown): string {
  try {
    validate(schema, value, "config");
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${excerpt(value)}`);
}

const optimizer = record(
  { name: required(oneOf(["sgd", "adam"])), lr: required(number({ min: 1e-6, max: 10 })), momentum: optional(number({ min: 0, max: 1, below: true })) },
  "an optimizer",
);

describe("the validator", () => {
  it("names the path and checks the type before the range", () => {
    const schema = record(
      { optimizer: required(optimizer), betas: optional(tuple([number({ min: 0, max: 1 }), number({ min: 0, max: 1 })], "a pair [β1, β2]")) },
      "a config",
    );
    expect(messageOf(schema, { optimizer: { name: "sgd", lr: "0.1" } })).toBe('config optimizer.lr: expected a number from 1e-6 to 10, got "0.1"');
    expect(messageOf(schema, { optimizer: { name: "sgd", lr: 1e6 } })).toBe("config optimizer.lr: expected a number from 1e-6 to 10, got 1000000");
    expect(messageOf(schema, { optimizer: { name: "sgd", lr: 0.1, momentum: 1 } })).toMatch(/momentum: expected a number at least 0 and below 1, got 1$/);
    expect(messageOf(schema, { optimizer: { name: "sgd", lr: 0.1 }, betas: [0.9, 2] })).toBe("config betas[1]: expected a number from 0 to 1, got 2");
    expect(messageOf(schema, { optimizer: { name: "sgd", lr: 0.1 }, betas: [0.9] })).toBe("config betas: expected a pair [β1, β2], got [0.9]");
    expect(messageOf(schema, {})).toBe("config optimizer: is required (an optimizer)");
  });

  it("refuses unknown keys with the nearest known one, and own keys only", () => {
    expect(messageOf(optimizer, { name: "sgd", lr: 0.1, momentun: 0.9 })).toBe(
      "config momentun: unknown key; did you mean momentum? An optimizer takes name, lr, momentum",
    );
    expect(messageOf(optimizer, { name: "adm", lr: 0.1 })).toBe('config name: expected one of "sgd", "adam", got "adm"; did you mean "adam"?');
    const layer = variant(
      "type",
      { linear: record({ type: required(oneOf(["linear"])), units: required(number({ min: 1, max: 100, integer: true })) }, "a linear layer") },
      "a layer type",
      { dense: "linear" },
    );
    for (const inherited of ["constructor", "__proto__", "toString", "hasOwnProperty"])
      expect(messageOf(layer, { type: inherited })).toMatch(new RegExp(`^config type: "${inherited}" is not a layer type; expected one of linear`));
    expect(messageOf(layer, { type: "Dense", units: 4 })).toBe('config type: "Dense" is not a layer type; expected one of linear. Did you mean "linear"?');
    const parsed = JSON.parse('{"type": "linear", "units": 3, "__proto__": {"polluted": true}}');
    expect(messageOf(layer, parsed)).toMatch(/^config __proto__: unknown key/);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("keeps the input's key order and drops nothing it knows", () => {
    expect(Object.keys(validate(optimizer, { lr: 0.1, momentum: 0.5, name: "sgd" }))).toEqual(["lr", "momentum", "name"]);
  });

  it("names list items by what they are, and bounds lists and text", () => {
    const layers = list(number({ min: 0, max: 1 }), { max: 3, noun: "layers", name: (i) => `layer ${i + 1}` });
    expect(messageOf(layers, [0.5, 7])).toBe("config: layer 2: expected a number from 0 to 1, got 7");
    expect(messageOf(layers, [0, 0, 0, 0])).toBe("config: expected a list of at most 3 layers, got 4");
    expect(messageOf(text({ maxLength: 10 }), "x".repeat(5_000_000))).toBe("config: expected text of at most 10 characters, got 5,000,000 characters");
    expect(formatPath("config", [{ key: "model" }, { key: "layers" }, { index: 2, name: "layer 3 conv2d" }, { key: "kernel" }])).toBe(
      "config model: layer 3 conv2d kernel",
    );
  });

  it("bounds depth without recursing, so a millions-deep input fails at once", () => {
    const nested = lazy((): Schema<unknown> => list(nested, { max: 10 }), "nested lists");
    let deep: unknown = [];
    for (let i = 0; i < 2_400_000; i++) deep = [deep];
    const started = performance.now();
    expect(messageOf(nested, deep)).toBe(`config: nests lists and objects more than ${MAX_DEPTH} levels deep; no valid input does`);
    expect(performance.now() - started).toBeLessThan(1000);
    let ok: unknown = [];
    for (let i = 0; i < MAX_DEPTH - 1; i++) ok = [ok];
    expect(() => validate(nested, ok)).not.toThrow();
  });

  it("quotes at most a short excerpt of any value", () => {
    expect(excerpt("a".repeat(5_000_000))).toHaveLength(2 + 57 + 1); // the quotes, 57 characters and …
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(excerpt(deep)).toBe("[[[[[…]]]]]");
    expect(excerpt(Array.from({ length: 1e6 }, (_, i) => i)).length).toBeLessThanOrEqual(61);
    expect(excerpt({ a: undefined, f: () => 0 })).toBe('{"a": nothing, "f": function}');
  });

  it("suggests only near words", () => {
    expect(nearest("momentun", ["momentum", "nesterov"])).toBe("momentum");
    expect(nearest("BatchSize", ["batchSize", "epochs"])).toBe("batchSize");
    expect(nearest("zzz", ["momentum", "lr"])).toBeUndefined();
  });
});
