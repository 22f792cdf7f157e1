/**
 * From a generative spec to modules: both networks built for their input shapes (the latent vector,
 * or one example of the data) with the run's seed, in the spec's order, so the same config always
 * starts from the same weights.
 */
import type { Backend } from "../backend/backend";
import { buildModel } from "../nn/build";
import type { Sequential } from "../nn/layers";
import { withBackend } from "../tensor/engine";
import { manualSeed } from "../tensor/random";
import { checkGenerativeSpec, type GenerativeSpec, type NetworkRole, type NetworkSummary } from "./spec";
import { copyWeights } from "./weight-average";

/** A built network with its role and summary. */
export interface BuiltNetwork extends NetworkSummary {
  model: Sequential;
}

/** The two networks of a generative model. */
export interface GenerativeModels {
  spec: GenerativeSpec;
  dataShape: number[];
  networks: BuiltNetwork[];
  /**
   * A GAN whose spec sets `average`: the running average of the generator's weights, which draws the
   * samples (src/generative/weight-average.ts).
   */
  average?: Sequential;
}

/**
 * Builds both networks of `spec` (and a GAN's weight average, starting equal to the generator) for
 * data of `dataShape` on `backend`, seeding the generator with `seed` first.
 */
export function buildGenerative(spec: GenerativeSpec, dataShape: number[], backend: Backend, seed: number): GenerativeModels {
  const summaries = checkGenerativeSpec(spec, dataShape); // validates both before allocating
  return withBackend(backend, () => {
    manualSeed(seed);
    const networks = summaries.map((s) => ({ ...s, model: buildModel(s.spec, s.inputShape).model }));
    if (spec.kind !== "gan" || spec.average === undefined) return { spec, dataShape, networks };
    const generator = networks[0];
    const average = buildModel(generator.spec, generator.inputShape).model;
    copyWeights(generator.model, average);
    return { spec, dataShape, networks, average };
  });
}

/** The network playing `role` (throws when the model has none). */
export function network(models: GenerativeModels, role: NetworkRole): BuiltNetwork {
  const found = models.networks.find((n) => n.role === role);
  if (!found) throw new Error(`a ${models.spec.kind} has no ${role}; it has ${models.networks.map((n) => n.role).join(" and ")}`);
  return found;
}

/** Frees both networks' weights (and the average's). */
export function disposeGenerative(models: GenerativeModels): void {
  for (const n of models.networks) n.model.dispose();
  models.average?.dispose();
}
