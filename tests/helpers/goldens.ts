/**
 * PyTorch's own numbers, kept in the repo as fixtures (tests/fixtures/, byte-identical copies of the
 * workplace's goldens; see tests/fixtures/README.md): pytorch_parity.json for ops, layers, losses,
 * optimizers and metrics, sequence_parity.json for the sequence modules. A missing file fails the
 * tests: it never skips. PARITY_FIXTURE / SEQUENCE_FIXTURE point the suites at another file of the
 * same format (a differently seeded one, say), so that the suites are shown to read every expected
 * value from the fixture.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export interface GoldenTensor {
  shape: number[];
  data: number[];
}

export interface GoldenCase {
  op: string;
  attrs: Record<string, unknown>;
  inputs: Record<string, GoldenTensor | unknown>;
  outputs: Record<string, GoldenTensor | unknown>;
  upstream?: Record<string, GoldenTensor>;
  grads?: Record<string, GoldenTensor>;
}

/** A sequence module's case adds its parameters by PyTorch state-dict name, and their gradients. */
export interface SequenceCase extends GoldenCase {
  params?: Record<string, GoldenTensor>;
  param_grads?: Record<string, GoldenTensor>;
}

const FIXTURES = resolve(__dirname, "../fixtures");

export const GOLDENS_PATH = process.env.PARITY_FIXTURE ? resolve(process.env.PARITY_FIXTURE) : resolve(FIXTURES, "pytorch_parity.json");
export const SEQUENCE_GOLDENS_PATH = process.env.SEQUENCE_FIXTURE ? resolve(process.env.SEQUENCE_FIXTURE) : resolve(FIXTURES, "sequence_parity.json");

export function loadGoldens(): GoldenCase[] {
  return (JSON.parse(readFileSync(GOLDENS_PATH, "utf8")) as { cases: GoldenCase[] }).cases;
}

export function loadSequenceGoldens(): SequenceCase[] {
  return (JSON.parse(readFileSync(SEQUENCE_GOLDENS_PATH, "utf8")) as { cases: SequenceCase[] }).cases;
}
