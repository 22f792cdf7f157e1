/**
 * What a race entry is, in words and in settings: its label (the optimizer, and the architecture
 * when the entry trains its own model), the entries of an architecture race (one per builder preset
 * that fits the data, all with the Train tab's optimizer), and the entries that are left when the
 * data change (architectures built for other data are dropped; the optimizers stay).
 */
import type { ModelSpec } from "../../nn/spec";
import type { OptimizerConfig } from "../../train/config";
import { OPTIMIZER_LABELS } from "../../train/settings";
import type { RaceEntry } from "../../worker/protocol";
import { type ModelPreset, presetSpec } from "../builder/model-presets";

/** "SGD + momentum 0.9 · lr 0.05"; with an architecture first: "LSTM · 64 — Adam · lr 0.005". */
export function describeEntry(o: OptimizerConfig, architecture?: string): string {
  const momentum = typeof o.momentum === "number" && o.momentum > 0 ? ` + momentum ${o.momentum}` : "";
  const optimizer = `${OPTIMIZER_LABELS[o.name]}${momentum} · lr ${o.lr}`;
  return architecture ? `${architecture} — ${optimizer}` : optimizer;
}

/** An entry training `model` (undefined: the Train tab's) under `optimizer`, labelled by the preset the model is, if any. */
export function raceEntry(optimizer: OptimizerConfig, model?: ModelSpec, preset?: ModelPreset): RaceEntry {
  if (!model) return { label: describeEntry(optimizer), optimizer };
  return { label: describeEntry(optimizer, preset?.label ?? "custom model"), optimizer, model };
}

/** An architecture race: one entry per preset (at most `max`), each with `optimizer`. */
export function architectureEntries(presets: ModelPreset[], outputSize: number, optimizer: OptimizerConfig, max: number): RaceEntry[] {
  return presets.slice(0, max).map((p) => raceEntry(structuredClone(optimizer), presetSpec(p, outputSize), p));
}

/** The entries for new data: each trains the Train tab's model again (its own was built for the old data). */
export function withoutModels(entries: RaceEntry[]): RaceEntry[] {
  return entries.map((e) => (e.model ? raceEntry(e.optimizer) : e));
}
