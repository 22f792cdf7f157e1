/**
 * Text from a character model (the names-lm dataset's): names drawn one character at a time from
 * the model's scores, the model in eval mode on one padded sequence per character (src/data/names.ts
 * samples; this runs the model). The CLI prints them; the playground asks for them at a temperature.
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

/** `count` names drawn from `model` at `temperature` (seeded). */
export async function sampleFromModel(
  model: Module,
  backend: Backend,
  ds: Dataset,
  options: { count?: number; temperature?: number; seed?: number } = {},
): Promise<string[]> {
  const wasTraining = model.training;
  model.eval();
  const scores = async (tokens: Float32Array) => {
    const out = withBackend(backend, () => noGrad(() => tidy(() => model.forward(tensor(tokens, { shape: [1, tokens.length] })))));
    const data = Float32Array.from(await out.data());
    out.dispose();
    return data;
  };
  try {
    return await sampleNames(scores, ds.vocabulary as string[], options);
  } finally {
    model.train(wasTraining);
  }
}
