/**
 * What the CLI shows of a character model: names drawn from it (before training: gibberish; after:
 * name-like words), or a passage going on from the data's first window, at a low and a high temperature.
 */
import type { Backend } from "../backend/backend";
import type { Dataset } from "../data/dataset";
import type { Module } from "../nn/module";
import { promptOf, sampleFromModel } from "../train/sample-text";

/** "at temperature 0.5: ..., at temperature 1: ..." drawn from `model` (seeded). */
export async function describeSamples(model: Module, backend: Backend, ds: Dataset, seed = 1): Promise<string> {
  const passages = ds.sampleAs === "text";
  const parts = passages ? [`going on from "${promptOf(ds)}"`] : [];
  for (const temperature of [0.5, 1]) {
    const samples = await sampleFromModel(model, backend, ds, { count: passages ? 1 : 8, temperature, seed });
    parts.push(`at temperature ${temperature}: ${passages ? `"${samples[0]}"` : samples.map((n) => n || "(empty)").join(", ")}`);
  }
  return parts.join("\n  ");
}
