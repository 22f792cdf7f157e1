/**
 * The training panel's rules, pure so the panel stays a view and they are tested in Node: checking a
 * typed number against its field (the fields themselves are src/train/settings.ts), which changes a
 * running session can take live (a `tune` command) versus which rebuild it (a reset), and the one
 * dropout control that edits every Dropout layer of the model.
 */
import type { LayerSpec, ModelSpec } from "../../nn/spec";
import type { ExperimentConfig } from "../../train/config";
import { type NumberField, OPTIMIZER_FIELDS } from "../../train/settings";

/** Checks a typed value against a field: the number, or a message saying what is allowed. */
export function validateNumber(field: Pick<NumberField, "min" | "max" | "integer" | "label">, text: string): number | string {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) return `${field.label} must be a number`;
  if (field.integer && !Number.isInteger(value)) return `${field.label} must be a whole number`;
  if (value < field.min || value > field.max) return `${field.label} must be between ${field.min} and ${field.max}`;
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Whether going from `prev` to `next` can apply to a running session through a `tune` command:
 * only the learning rate, the optimizer's numeric settings (not those read once at construction,
 * nor a momentum switched on or off) and the L1/L2 penalties may differ. Anything else (data,
 * model, dropout, optimizer kind or an on/off setting, schedule, batches, early stopping,
 * clipping, seed) rebuilds the session on reset. The number of epochs applies live too (a trainer
 * that finished its epochs goes on when given more).
 */
export function isLiveChange(prev: ExperimentConfig, next: ExperimentConfig): boolean {
  const { optimizer: po, regularization: _pr, training: pt, ...prevRest } = prev;
  const { optimizer: no, regularization: _nr, training: nt, ...nextRest } = next;
  const { epochs: _pe, ...prevTraining } = pt;
  const { epochs: _ne, ...nextTraining } = nt;
  if (!same(prevRest, nextRest) || !same(prevTraining, nextTraining) || po.name !== no.name) return false;
  const fields = OPTIMIZER_FIELDS[po.name];
  for (const key of new Set([...Object.keys(po), ...Object.keys(no)])) {
    if (key === "name") continue;
    const field = fields.find((f) => f.key === key);
    const before = po[key] ?? field?.default;
    const after = no[key] ?? field?.default;
    if (same(before, after)) continue;
    if (!field?.live) return false;
    if (field.kind === "number" && field.zeroNeedsReset && (before === 0) !== (after === 0)) return false;
  }
  return true;
}

function dropoutLayers(layers: LayerSpec[]): Extract<LayerSpec, { type: "dropout" }>[] {
  return layers.flatMap((l) => (l.type === "dropout" ? [l] : l.type === "residual" ? dropoutLayers(l.layers) : []));
}

/**
 * The model's dropout, for the panel's one dropout control: the rates of its Dropout layers
 * (residual blocks included), empty when it has none. The control edits the model spec itself, so
 * the model stays the one source of truth and the builder shows the same numbers.
 */
export function modelDropout(model: ModelSpec): number[] {
  return dropoutLayers(model.layers).map((l) => l.p);
}

/** `model` with every Dropout layer's rate set to `p`. */
export function withDropout(model: ModelSpec, p: number): ModelSpec {
  const set = (layers: LayerSpec[]): LayerSpec[] =>
    layers.map((l) => (l.type === "dropout" ? { ...l, p } : l.type === "residual" ? { ...l, layers: set(l.layers) } : l));
  return { ...model, layers: set(model.layers) };
}
