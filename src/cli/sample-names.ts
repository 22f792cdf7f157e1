/**
 * For a character-level model of names (the names-lm dataset): new names drawn from the model, the
 * way the CLI shows what it has learned (before training: gibberish; after: name-like words), at a
 * low and a high temperature. The model runs in eval mode on one padded sequence per character.
 */
import type { Backend } from "../backend/backend";
import type { Dataset } from "../data/dataset";
import { sampleNames } from "../data/names";
import type { Module } from "../nn/module";
import { tensor } from "../ops/creation";
import { noGrad, tidy, withBackend } from "../tensor/engine";

/** Whether `ds` is a character model's data: labels per step from the same vocabulary as the inputs. */
export const isCharacterModel = (ds: Dataset) =>
  ds.labelShape !== undefined && ds.vocabulary !== undefined && ds.classNames?.join("") === ds.vocabulary.join("");

/** "names at temperature 0.5: ..., at 1: ..." drawn from `model` (seeded). */
export async function describeSamples(model: Module, backend: Backend, ds: Dataset, seed = 1): Promise<string> {
  const vocab = ds.vocabulary as string[];
  const wasTraining = model.training;
  model.eval();
  const scores = async (tokens: Float32Array) => {
    const out = withBackend(backend, () => noGrad(() => tidy(() => model.forward(tensor(tokens, { shape: [1, tokens.length] })))));
    const data = Float32Array.from(await out.data());
    out.dispose();
    return data;
  };
  try {
    const parts: string[] = [];
    for (const temperature of [0.5, 1]) {
      const names = await sampleNames(scores, vocab, { count: 8, temperature, seed });
      parts.push(`at temperature ${temperature}: ${names.map((n) => n || "(empty)").join(", ")}`);
    }
    return parts.join("\n  ");
  } finally {
    model.train(wasTraining);
  }
}
