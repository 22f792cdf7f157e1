/**
 * The autosave of the Train tab's run, beside the experiment's: the worker's snapshot of the run
 * (weights and buffers, optimizer state, position) and its curves, kept in IndexedDB so that a reload
 * resumes the run where it was instead of starting over. It is written when the run pauses or ends,
 * every SAVE_EVERY_MS while it trains (at an epoch's end), and when the page is hidden; a fresh run
 * (step 0) removes it. It is used only by the experiment it was taken from; a record that cannot
 * be read is ignored (the experiment still opens, untrained).
 */
import type { ExperimentConfig } from "../../train/config";
import type { RunSnapshot } from "../../worker/protocol";
import { indexedDbRecord, type StoredRecord } from "./autosave";
import type { TrainCurveItem, TrainSlice } from "./train-slice";

/** How often a training run is saved at most (at the end of an epoch): also the most a lost device costs. */
export const SAVE_EVERY_MS = 10_000;

const RECORD = "run";

export interface SavedRun {
  snapshot: RunSnapshot;
  curves: TrainCurveItem[];
}

function isSavedRun(value: unknown): value is SavedRun {
  const v = value as SavedRun | undefined;
  return (
    !!v &&
    typeof v === "object" &&
    Array.isArray(v.curves) &&
    !!v.snapshot &&
    typeof v.snapshot.config === "string" &&
    Number.isInteger(v.snapshot.step) &&
    v.snapshot.weights instanceof Uint8Array &&
    Array.isArray(v.snapshot.optimizer?.states)
  );
}

export class RunAutosave {
  /** The run as last saved (or loaded), kept in memory too: what training goes on from after a lost device. */
  latest: SavedRun | null = null;
  private saving: Promise<void> = Promise.resolve();
  private lastSave = 0;

  constructor(
    private readonly train: Pick<TrainSlice, "snapshot" | "curves" | "state">,
    private readonly record: StoredRecord = indexedDbRecord(RECORD),
  ) {}

  /** The saved run of this experiment's config, if there is one that can be read. Never throws. */
  async load(config: ExperimentConfig): Promise<SavedRun | undefined> {
    try {
      const value = await this.record.load();
      if (!isSavedRun(value) || value.snapshot.config !== JSON.stringify(config)) return undefined;
      this.latest = value;
      return value;
    } catch {
      return undefined;
    }
  }

  /** Saves the run as it stands (after any save under way); a fresh run removes the record. Never throws. */
  save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      this.lastSave = performance.now();
      try {
        if (this.train.state.step === 0) {
          this.latest = null;
          await this.record.remove();
          return;
        }
        const snapshot = await this.train.snapshot();
        if (!snapshot) return;
        this.latest = { snapshot, curves: [...this.train.curves.items] };
        await this.record.save(this.latest);
      } catch {
        // Storage full or unavailable: the experiment's own autosave says so; the run is simply not kept.
      }
    });
    return this.saving;
  }

  /** Saves while training, at most every SAVE_EVERY_MS. */
  maybeSave(): void {
    if (performance.now() - this.lastSave >= SAVE_EVERY_MS) void this.save();
  }
}
