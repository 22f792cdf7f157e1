/**
 * The CLI's checkpoint after every epoch (--checkpoint): each save is queued behind the previous
 * one, so training never waits for the disk; a save that fails (disk full, folder removed) stops
 * the run at once through `onFail` and is reported by finish(), never lost as an unhandled promise.
 */
import { writeFileSync } from "node:fs";

export class EpochSaver {
  private queue: Promise<void> = Promise.resolve();
  private failure: Error | null = null;

  /**
   * @param file where to write (undefined: nothing is saved)
   * @param save the bytes of the checkpoint as the weights are now
   * @param onFail called once when a save fails (the CLI stops training)
   */
  constructor(
    private readonly file: string | undefined,
    private readonly save: () => Promise<Uint8Array>,
    private readonly onFail: () => void,
  ) {}

  /** Queues a save of the weights as they are at the end of this epoch. */
  epoch(): void {
    const file = this.file;
    if (!file || this.failure) return;
    const bytes = this.save();
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        writeFileSync(file, await bytes);
      } catch (e) {
        this.failure = new Error(`train: --checkpoint: could not write ${JSON.stringify(file)} (${(e as Error).message}); training stopped`);
        this.onFail();
      }
    });
  }

  /** Waits for the queued saves; throws the first failure. */
  async finish(): Promise<void> {
    await this.queue;
    if (this.failure) throw this.failure;
  }
}
