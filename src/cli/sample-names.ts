/**
 * What the CLI shows of a character model of names: names drawn from it (before training:
 * gibberish; after: name-like words) at a low and a high temperature.
 */
import type { Backend } from "../backend/backend";
import type { Dataset } from "../data/dataset";
import type { Module } from "../nn/module";
import { sampleFromModel } from "../train/sample-text";

/** "at temperature 0.5: ..., at temperature 1: ..." drawn from `model` (seeded). */
export async function describeSamples(model: Module, backend: Backend, ds: Dataset, seed = 1): Promise<string> {
  const parts: string[] = [];
  for (const temperature of [0.5, 1]) {
    const names = await sampleFromModel(model, backend, ds, { count: 8, temperature, seed });
    parts.push(`at temperature ${temperature}: ${names.map((n) => n || "(empty)").join(", ")}`);
  }
  return parts.join("\n  ");
}
