/**
 * What the page shows next to the Train button while a model trains: the edits that the running
 * session has not taken (they apply on reset), in words, so that the fields on screen never pass for
 * what trains. Changes a running session takes live (the learning rate and the other numeric
 * settings of the same optimizer, L1/L2) are not pending: the store sends them at once.
 */
import type { ClassWeights, ExperimentConfig } from "../../train/config";
import { OPTIMIZER_LABELS, SCHEDULES } from "../../train/settings";
import { isLiveChange } from "../train/hyperparams";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const weightsText = (w: ClassWeights | undefined) => (!w ? "none" : w === "balanced" ? "balanced" : "custom");

const scheduleName = (c: ExperimentConfig) => (c.scheduler ? SCHEDULES[c.scheduler.name].label : "constant");

/** The edits in `current` that the session built from `loaded` has not taken, e.g. "optimizer Adam → SGD". */
export function pendingChanges(loaded: ExperimentConfig, current: ExperimentConfig): string[] {
  if (same(loaded, current) || isLiveChange(loaded, current)) return [];
  const out: string[] = [];
  if (!same(loaded.data, current.data)) out.push(loaded.data.name === current.data.name ? "data settings" : `data ${loaded.data.name} → ${current.data.name}`);
  if (!same(loaded.model, current.model)) out.push("the model");
  if (loaded.loss !== current.loss) out.push(`loss ${loaded.loss} → ${current.loss}`);
  const [lo, co] = [loaded.optimizer, current.optimizer];
  if (lo.name !== co.name) out.push(`optimizer ${OPTIMIZER_LABELS[lo.name]} → ${OPTIMIZER_LABELS[co.name]}`);
  else if (!same(lo, co)) out.push(`${OPTIMIZER_LABELS[co.name]} settings`);
  if (!same(loaded.scheduler, current.scheduler)) out.push(`schedule ${scheduleName(loaded)} → ${scheduleName(current)}`);
  const [lt, ct] = [loaded.training, current.training];
  if (lt.batchSize !== ct.batchSize) out.push(`batch size ${lt.batchSize} → ${ct.batchSize}`);
  if ((lt.seed ?? 1) !== (ct.seed ?? 1)) out.push(`seed ${lt.seed ?? 1} → ${ct.seed ?? 1}`);
  if (!same(lt.classWeights, ct.classWeights)) out.push(`class weights ${weightsText(lt.classWeights)} → ${weightsText(ct.classWeights)}`);
  const { batchSize: _a, seed: _b, epochs: _c, classWeights: _g, ...restLoaded } = lt;
  const { batchSize: _d, seed: _e, epochs: _f, classWeights: _h, ...restCurrent } = ct;
  if (!same(restLoaded, restCurrent)) out.push("training settings");
  return out;
}
