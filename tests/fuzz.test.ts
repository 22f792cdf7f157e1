/**
 * Seeded fuzzing of every format the project reads from outside: configs and model specs (classifier
 * and generative), experiment links, safetensors and checkpoint files, CSV and CLI flags. Each case
 * mutates a valid input (a value swapped for a hostile one, a key dropped or misspelled, prototype
 * names, deep nesting, long text, flipped bytes, cut files) and must either be accepted or be refused
 * with one of the project's errors, in under a second, with a short message that names where (the
 * field, layer, row or flag). An accepted config must also fit the stated memory limits.
 *
 * FUZZ_CASES sets the cases per format (default 2,000; CI runs the default, more by hand).
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FlagError, parseFlags } from "../src/cli/flags";
import { parseCsv } from "../src/data/csv";
import { Rng } from "../src/data/random";
import { OpError } from "../src/errors";
import { parseAnyConfig } from "../src/generative/config";
import { GENERATIVE_PRESETS } from "../src/generative/presets";
import { CheckpointError, readCheckpoint, saveModel } from "../src/io/checkpoint";
import { decodeSafetensors, SafetensorsError } from "../src/io/safetensors";
import { buildModel } from "../src/nn/build";
import { CPU_BUDGET, checkTrainingMemory, optimizerStateValues } from "../src/nn/resources";
import { summarizeModel } from "../src/nn/shapes";
import { ModelSpecError } from "../src/nn/spec";
import { withBackend } from "../src/tensor/engine";
import { ConfigError } from "../src/train/config";
import { defaultExperiment, ExperimentError } from "../src/ui/state/experiment";
import { decodeExperiment, encodeExperiment } from "../src/ui/state/url-state";
import { cpu32 } from "./helpers/backends";

const CASES = Number(process.env.FUZZ_CASES ?? 2000);
/** The longest message a refusal may have: enough for a path, what was expected and an excerpt. */
const MAX_MESSAGE = 700;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Marks a value nested this deep, written out after JSON.stringify. */
const DEEP = "§deep§";

/** Values a hostile or careless input puts where a good one was. */
function hostile(rng: Rng): Json {
  const pick = <T>(xs: T[]) => xs[rng.int(xs.length)];
  switch (rng.int(9)) {
    case 0:
      return pick([0, -1, 1, 0.5, 1.5, -0.001, 1e308, -1e308, 2 ** 53, 1e9, 3.5e38, 65_537, 2 ** 31]);
    case 1:
      return pick(["", "constructor", "__proto__", "toString", "hasOwnProperty", "NaN", "1e3", "100", "x".repeat(100_000), "\u0000", "linear"]);
    case 2:
      return pick([null, true, false]);
    case 3:
      return [];
    case 4:
      return {};
    case 5:
      return `${DEEP}${rng.int(2) ? 70 : 5000}`; // spliced in as text: JSON.stringify itself cannot nest that deep
    case 6:
      return Array.from({ length: 1 + rng.int(4) }, () => rng.uniform(-5, 5));
    case 7:
      return Array.from({ length: 300 }, () => ({ type: "linear", units: 2 }));
    default:
      return rng.int(100_000) - 50_000;
  }
}

/** A copy of `value` with one to three mutations at random places. */
function mutate(value: Json, rng: Rng): Json {
  return JSON.parse(mutateText(value, rng)) as Json;
}

/** mutate() as the JSON text an attacker sends (deep values written out: JSON.stringify itself cannot nest that deep). */
function mutateText(value: Json, rng: Rng): string {
  const copy = structuredClone(value);
  for (let m = 1 + rng.int(3); m > 0; m--) {
    const nodes: { parent: Json[] | Record<string, Json>; key: string | number }[] = [];
    const walk = (v: Json) => {
      if (Array.isArray(v))
        v.forEach((child, i) => {
          nodes.push({ parent: v, key: i });
          walk(child);
        });
      else if (v && typeof v === "object")
        for (const [k, child] of Object.entries(v)) {
          nodes.push({ parent: v, key: k });
          walk(child);
        }
    };
    walk(copy);
    if (!nodes.length) return JSON.stringify(hostile(rng));
    const { parent, key } = nodes[rng.int(nodes.length)];
    const action = rng.int(5);
    if (Array.isArray(parent)) {
      if (action === 0) parent.splice(key as number, 1);
      else if (action === 1) parent.push(structuredClone(parent[key as number]));
      else parent[key as number] = hostile(rng);
    } else if (action === 0) delete parent[key as string];
    else if (action === 1) {
      const word = key as string;
      const typo = rng.int(2) ? `${word.slice(0, -1)}${word.slice(-1).toUpperCase()}` : ["constructor", "__proto__", "extra", `${word}s`][rng.int(4)];
      parent[typo] = parent[word];
      if (rng.int(2)) delete parent[word];
    } else parent[key as string] = hostile(rng);
  }
  // As untrusted JSON arrives (no undefined, no NaN), with the deep values spliced in as text.
  return JSON.stringify(copy).replace(new RegExp(`"${DEEP}(\\d+)"`, "g"), (_, depth) => `${"[".repeat(Number(depth))}1${"]".repeat(Number(depth))}`);
}

const PROJECT_ERRORS = [ConfigError, ModelSpecError, ExperimentError, SafetensorsError, CheckpointError, OpError, FlagError];

/** Runs one case: accepted (returns its value) or refused with a project error, fast, with a short message that says where. */
function oneCase<T>(what: string, run: () => T, where: RegExp): { ok: true; value: T } | { ok: false } {
  const started = performance.now();
  try {
    const value = run();
    expect(performance.now() - started, what).toBeLessThan(1000);
    return { ok: true, value };
  } catch (e) {
    expect(performance.now() - started, what).toBeLessThan(1000);
    const known = PROJECT_ERRORS.some((E) => e instanceof E);
    if (!known) throw new Error(`${what}: a raw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    const message = (e as Error).message;
    expect(message.length, `${what}: ${message.slice(0, 200)}`).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(message, what).toMatch(where);
    return { ok: false };
  }
}

async function oneAsyncCase(what: string, run: () => Promise<unknown>, where: RegExp): Promise<boolean> {
  const started = performance.now();
  try {
    await run();
    return true;
  } catch (e) {
    if (!PROJECT_ERRORS.some((E) => e instanceof E)) throw new Error(`${what}: a raw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    expect((e as Error).message.length, what).toBeLessThanOrEqual(MAX_MESSAGE);
    expect((e as Error).message, what).toMatch(where);
    return false;
  } finally {
    expect(performance.now() - started, what).toBeLessThan(1000);
  }
}

const examples = readdirSync("examples")
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(`examples/${f}`, "utf8")) as Json);
const seeds: Json[] = [...examples, ...GENERATIVE_PRESETS.map((p) => p.config as unknown as Json), defaultExperiment().config as unknown as Json];

describe("fuzzing", () => {
  it(`configs and model specs: ${CASES} mutated configs, each accepted within the limits or refused naming the field`, () => {
    const rng = new Rng(101);
    let accepted = 0;
    for (let i = 0; i < CASES; i++) {
      const input = mutate(seeds[i % seeds.length], rng);
      const result = oneCase(`config case ${i}`, () => parseAnyConfig(input), /^config( |:)/);
      if (!result.ok) continue;
      accepted++;
      const config = result.value;
      if ("model" in config && config.data.name !== "csv") {
        // An accepted model either fits the limits (and then builds) or is refused before allocating.
        const shape = config.data.name === "mnist" || config.data.name === "fashion-mnist" ? [1, 28, 28] : config.data.name === "iris" ? [4] : [2];
        const fits = oneCase(
          `config case ${i} memory`,
          () => checkTrainingMemory(summarizeModel(config.model, shape), shape, config.training.batchSize, optimizerStateValues(config.optimizer), CPU_BUDGET),
          /^(layer [\d.]+ |the model|at batch|training at batch)/,
        );
        if (fits.ok && fits.value.totalBytes < 64e6 && i % 10 === 0) withBackend(cpu32, () => buildModel(config.model, shape).model.dispose());
      }
    }
    expect(accepted).toBeGreaterThan(CASES / 50); // some mutations leave a valid config (a value in range, a key dropped that was optional)
  });

  it(`experiment links: ${Math.min(CASES, 2000)} mutated and truncated links`, async () => {
    const rng = new Rng(202);
    const base = await encodeExperiment(defaultExperiment());
    for (let i = 0; i < CASES; i++) {
      let link: string;
      if (i % 3 === 0) link = `j.${Buffer.from(mutateText(defaultExperiment() as unknown as Json, rng)).toString("base64url")}`;
      else if (i % 3 === 1) link = base.slice(0, rng.int(base.length));
      else {
        const at = rng.int(base.length);
        link = `${base.slice(0, at)}${String.fromCharCode(33 + rng.int(90))}${base.slice(at + 1)}`;
      }
      await oneAsyncCase(`link case ${i}`, () => decodeExperiment(link), /./);
    }
  });

  it(`safetensors and checkpoint files: ${CASES} files with flipped bytes, cut short or with a mutated header`, async () => {
    const rng = new Rng(303);
    const spec = { layers: [{ type: "linear" as const, units: 3 }, { type: "batchNorm" as const }, { type: "linear" as const, units: 2 }] };
    const good = await withBackend(cpu32, async () => {
      const { model } = buildModel(spec, [4]);
      const bytes = await saveModel(model, spec, [4]);
      model.dispose();
      return bytes;
    });
    const headerLength = Number(new DataView(good.buffer, good.byteOffset, 8).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + headerLength))) as Json;
    const data = good.subarray(8 + headerLength);
    for (let i = 0; i < CASES; i++) {
      let bytes: Uint8Array;
      if (i % 3 === 0) {
        bytes = Uint8Array.from(good);
        for (let k = 1 + rng.int(8); k > 0; k--) bytes[rng.int(bytes.length)] = rng.int(256);
      } else if (i % 3 === 1) bytes = good.slice(0, rng.int(good.length));
      else {
        const text = new TextEncoder().encode(mutateText(header, rng));
        bytes = new Uint8Array(8 + text.length + data.length);
        new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
        bytes.set(text, 8);
        bytes.set(data, 8 + text.length);
      }
      oneCase(`file case ${i}`, () => decodeSafetensors(bytes), /^safetensors: /);
      oneCase(`checkpoint case ${i}`, () => readCheckpoint(bytes), /^(safetensors|checkpoint): /);
    }
  });

  it(`CSV: ${CASES} tables with mutated cells, quotes, delimiters and line ends`, () => {
    const rng = new Rng(404);
    const base = "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n6.3,3.3,6.0,2.5,virginica\n";
    const pieces = ['"', '""', ",", ";", "\t", "\n", "\r", "\r\n", "x", "4e38", "", " ", "1e3", "-", "\uFEFF", "NaN", "Infinity", "0x10"];
    for (let i = 0; i < CASES; i++) {
      let text = base;
      for (let m = 1 + rng.int(4); m > 0; m--) {
        const at = rng.int(text.length + 1);
        const piece = pieces[rng.int(pieces.length)];
        text = rng.int(3) === 0 ? `${text.slice(0, at)}${text.slice(at + 1)}` : `${text.slice(0, at)}${piece}${text.slice(at)}`;
      }
      if (i % 50 === 0) text += `${"9".repeat(1_000_000)},1,1,1,x\n`;
      const result = oneCase(`csv case ${i}`, () => parseCsv(text), /^csv: /);
      if (result.ok) for (const v of result.value.x) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it(`CLI flags: ${CASES} argument lists`, () => {
    const rng = new Rng(505);
    const names = [
      "--device",
      "--epochs",
      "--batch-size",
      "--lr",
      "--seed",
      "--limit",
      "--test-limit",
      "--checkpoint",
      "--resume",
      "--export",
      "--json",
      "--judge",
      "--allow-nonfinite",
      "--quiet",
      "--epoch",
      "--constructor",
      "-x",
    ];
    const values = ["cpu", "webgpu", "tpu", "0", "-1", "1.5", "1e308", "1e-3", "abc", "", "0x10", "Infinity", "4096", "4097", "10", "config.json", "--quiet"];
    for (let i = 0; i < CASES; i++) {
      const argv = ["config.json"];
      for (let k = rng.int(6); k > 0; k--) argv.push(rng.int(3) ? names[rng.int(names.length)] : values[rng.int(values.length)]);
      oneCase(`flags case ${i}: ${argv.join(" ")}`, () => parseFlags(argv), /^train: /);
    }
  });
});
