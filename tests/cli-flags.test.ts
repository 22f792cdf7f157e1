/**
 * The training CLI's flags (src/cli/flags.ts): each takes what it says, 0 epochs means none, and a
 * flag that is unknown, lacks its value or gets a value out of its range fails naming the flag.
 */
import { describe, expect, it } from "vitest";
import { applyTrainingFlags, FlagError, parseFlags } from "../src/cli/flags";

const parse = (...argv: string[]) => parseFlags(["config.json", ...argv]);

describe("parseFlags", () => {
  it("reads every flag", () => {
    const flags = parse(
      ...["--device", "cpu", "--epochs", "0", "--batch-size", "64", "--lr", "1e-3", "--seed", "7", "--limit", "100", "--test-limit", "50"],
      ...[
        "--checkpoint",
        "c.safetensors",
        "--resume",
        "r.safetensors",
        "--export",
        "out",
        "--json",
        "s.json",
        "--judge",
        "j.safetensors",
        "--allow-nonfinite",
        "--quiet",
      ],
    );
    expect(flags).toEqual({
      config: "config.json",
      device: "cpu",
      epochs: 0,
      batchSize: 64,
      lr: 0.001,
      seed: 7,
      limit: 100,
      testLimit: 50,
      checkpoint: "c.safetensors",
      resume: "r.safetensors",
      exportDir: "out",
      json: "s.json",
      judge: "j.safetensors",
      allowNonFinite: true,
      quiet: true,
    });
    expect(parseFlags(["c.json"])).toEqual({ config: "c.json", device: "auto", quiet: false });
  });

  it.each([
    [["--epochs", "-1"], '--epochs takes a whole number from 0 to 100,000, got "-1"'],
    [["--epochs", "1.5"], '--epochs takes a whole number from 0 to 100,000, got "1.5"'],
    [["--epochs", "1e308"], '--epochs takes a whole number from 0 to 100,000, got "1e308"'],
    [["--epochs", ""], '--epochs takes a whole number from 0 to 100,000, got ""'],
    [["--batch-size", "0"], '--batch-size takes a whole number from 1 to 4,096, got "0"'],
    [["--lr", "abc"], '--lr takes a number from 1e-6 to 10, got "abc"'],
    [["--lr", "0"], '--lr takes a number from 1e-6 to 10, got "0"'],
    [["--lr", "Infinity"], '--lr takes a number from 1e-6 to 10, got "Infinity"'],
    [["--lr", "1e6"], '--lr takes a number from 1e-6 to 10, got "1e6"'],
    [["--seed", "0x10"], '--seed takes a whole number from 0 to 2,147,483,647, got "0x10"'],
    [["--seed", "abc"], '--seed takes a whole number from 0 to 2,147,483,647, got "abc"'],
    [["--limit", "1e3x"], '--limit takes a whole number from 10 to 60,000, got "1e3x"'],
    [["--device", "tpu"], '--device takes auto, webgpu, wasm, cpu, got "tpu"'],
    [["--checkpoint"], "--checkpoint needs a value"],
    [["--checkpoint", "--quiet"], "--checkpoint needs a value"],
    [["--epochs"], "--epochs needs a value"],
    [["--epoch", "3"], 'unknown flag "--epoch"'],
    [["--constructor", "3"], 'unknown flag "--constructor"'],
    [["other.json"], 'unexpected argument "other.json"; give one config file'],
  ])("%j fails: %s", (argv, message) => {
    expect(() => parse(...argv)).toThrow(FlagError);
    expect(() => parse(...argv)).toThrow(`train: ${message}`);
  });

  it("needs a config file", () => {
    expect(() => parseFlags(["--quiet"])).toThrow("train: give a config file");
  });
});

describe("applyTrainingFlags", () => {
  it("applies 0 epochs and leaves what no flag sets", () => {
    const training = { epochs: 5, batchSize: 32, seed: 1 };
    const data = { name: "mnist", trainLimit: 1000 };
    applyTrainingFlags({ device: "webgpu", quiet: false, epochs: 0, testLimit: 10 }, training, data);
    expect(training).toEqual({ epochs: 0, batchSize: 32, seed: 1 });
    expect(data).toEqual({ name: "mnist", trainLimit: 1000, testLimit: 10 });
  });

  it("refuses a subset of data that is not an image set", () => {
    const training = { epochs: 5, batchSize: 32 };
    expect(() => applyTrainingFlags({ device: "cpu", quiet: false, limit: 100 }, training, { name: "spiral" })).toThrow(
      "train: --limit and --test-limit take a subset of an image set (mnist, fashion-mnist); spiral is not one",
    );
  });
});
