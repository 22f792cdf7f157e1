/**
 * DOM-free helpers of the Generative tab (tested in Node): which preset a config is, the pair of
 * networks a spec holds, and whether the pair fits together and the data.
 */
import { type GenerativeConfig, generativeDataShape } from "../../generative/config";
import { GENERATIVE_PRESETS } from "../../generative/presets";
import { checkGenerativeSpec, type GenerativeSpec } from "../../generative/spec";
import type { ModelSpec } from "../../nn/spec";

/** The preset a config came from (same kind, networks and data family; the same data first), or "". */
export function presetOf(config: GenerativeConfig): string {
  const family = (c: GenerativeConfig) => generativeDataShape(c.data).length;
  const same = (p: GenerativeConfig) =>
    p.generative.kind === config.generative.kind &&
    family(p) === family(config) &&
    JSON.stringify(networks(p.generative)) === JSON.stringify(networks(config.generative));
  const matches = GENERATIVE_PRESETS.filter((p) => same(p.config));
  return (matches.find((p) => p.config.data.name === config.data.name) ?? matches[0])?.id ?? "";
}

/** The two networks of a spec, in the builder's order: generator and discriminator, or encoder and decoder. */
export const networks = (spec: GenerativeSpec): ModelSpec[] => (spec.kind === "gan" ? [spec.generator, spec.discriminator] : [spec.encoder, spec.decoder]);

/** The pair's cross-check against each other and the data: null when they fit, else the engine's message. */
export function pairProblem(config: GenerativeConfig): string | null {
  try {
    checkGenerativeSpec(config.generative, generativeDataShape(config.data));
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
