/**
 * The race's final table: for each optimizer its last epoch's train and validation numbers and its
 * best epoch, and which entry won (highest validation accuracy, then balanced accuracy, or lowest
 * validation loss when the task has no accuracy).
 */
import type { RaceEpoch } from "../../worker/protocol";

/** One row of the race table; numbers are NaN until the entry has finished an epoch. */
export interface RaceRow {
  label: string;
  epochs: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  /** The mean of the classes' recalls on the validation split (NaN for regression). */
  valBalancedAccuracy: number;
  /** The epoch with the best validation score (0 before the first). */
  bestEpoch: number;
}

/**
 * True when `a` is a better validation score than `b`: accuracy when both have one, then balanced
 * accuracy (a tie on accuracy is often the rare class), else loss (which only compares entries of
 * one loss; a loss race's entries differ in accuracy or not at all).
 */
function better(a: RaceEpoch["val"], b: RaceEpoch["val"]): boolean {
  if (Number.isFinite(a.accuracy) && Number.isFinite(b.accuracy) && a.accuracy !== b.accuracy) return a.accuracy > b.accuracy;
  const [ba, bb] = [a.balancedAccuracy ?? Number.NaN, b.balancedAccuracy ?? Number.NaN];
  if (Number.isFinite(ba) && Number.isFinite(bb) && ba !== bb) return ba > bb;
  if (!Number.isFinite(b.loss)) return Number.isFinite(a.loss);
  return a.loss < b.loss;
}

/** One row per label from the epochs reported so far (in any order). */
export function summarizeRace(labels: string[], epochs: RaceEpoch[]): RaceRow[] {
  return labels.map((label, entry) => {
    const own = epochs.filter((e) => e.entry === entry).sort((a, b) => a.epoch - b.epoch);
    const last = own[own.length - 1];
    let best: RaceEpoch | undefined;
    for (const e of own) if (!best || better(e.val, best.val)) best = e;
    return {
      label,
      epochs: own.length,
      trainLoss: last?.train.loss ?? Number.NaN,
      valLoss: last?.val.loss ?? Number.NaN,
      valAccuracy: last?.val.accuracy ?? Number.NaN,
      valBalancedAccuracy: last?.val.balancedAccuracy ?? Number.NaN,
      bestEpoch: best?.epoch ?? 0,
    };
  });
}

/** Index of the winning row by its final validation numbers, or -1 while no row has any. */
export function raceWinner(rows: RaceRow[]): number {
  let winner = -1;
  rows.forEach((row, i) => {
    if (row.epochs === 0) return;
    const score = (r: RaceRow) => ({ loss: r.valLoss, accuracy: r.valAccuracy, balancedAccuracy: r.valBalancedAccuracy });
    if (winner < 0 || better(score(row), score(rows[winner]))) winner = i;
  });
  return winner;
}
