/**
 * Text from a character model (the names-lm or moby-dick dataset's): names, or passages of the novel,
 * drawn one character at a time from the model's scores, the model in eval mode on one sequence per
 * character (src/data/names.ts and text-corpora.ts sample; this runs the model). The CLI prints them; the playground asks for them at a temperature.
 */
import type { Backend } from "../backend/backend";
import type { Dataset } from "../data/dataset";
import { sampleNames } from "../data/names";
import { sampleText } from "../data/text-corpora";
import type { Module } from "../nn/module";
import { tensor } from "../ops/creation";
import { noGrad, tidy, withBackend } from "../tensor/engine";

/** Whether `ds` is a character model's data (names-lm, moby-dick): text can be drawn from a model of it. */
export const isCharacterModel = (ds: Dataset) => ds.sampleAs !== undefined && ds.vocabulary !== undefined;

/** The text a model of `ds` starts from: its first example's characters (a whole window). */
export const promptOf = (ds: Dataset) => Array.from(ds.x.subarray(0, ds.inputShape[0]), (t) => (ds.vocabulary as string[])[t]).join("");

/** `count` names, or passages going on from the data's first window, drawn from `model` at `temperature` (seeded). */
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
    const vocab = ds.vocabulary as string[];
    return await (ds.sampleAs === "text" ? sampleText(scores, vocab, promptOf(ds), options) : sampleNames(scores, vocab, options));
  } finally {
    model.train(wasTraining);
  }
}
