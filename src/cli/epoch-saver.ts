/**
 * The CLI's last good checkpoint. After every epoch the weights are read back once and kept in memory
 * (the bytes of a safetensors checkpoint), and written to --checkpoint when one is given: each write is
 * queued behind the previous one, so training never waits for the disk; a write that fails (disk full,
 * folder removed) stops the run at once through `onFail` and is reported by finish(), never lost as an
 * unhandled promise. When the GPU device is lost mid-epoch, nothing can be read from it any more: the
 * bytes kept here are what `rescue()` writes, so the run can go on with --resume.
 */
import { writeFileSync } from "node:fs";

export class EpochSaver {
  private queue: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  /** The weights after the last finished epoch (0: before training), once read. */
  private latest: { epoch: number; bytes: Uint8Array } | null = null;

  /**
   * @param file where to write after each epoch (undefined: kept in memory only)
   * @param save the bytes of the checkpoint as the weights are now
   * @param onFail called once when a write fails (the CLI stops training)
   */
  constructor(
    private readonly file: string | undefined,
    private readonly save: () => Promise<Uint8Array>,
    private readonly onFail: () => void,
  ) {}

  /**
   * Keeps (and queues the write of) the weights as they are at the end of `epoch` (0: before
   * training, kept in memory only); the promise settles when they are kept.
   */
  epoch(epoch: number): Promise<void> {
    if (this.failure) return this.queue;
    const bytes = this.save();
    bytes.catch(() => {}); // handled below, in turn
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      let read: Uint8Array;
      try {
        read = await bytes;
      } catch (e) {
        this.fail(`train: could not read the weights after epoch ${epoch} (${(e as Error).message}); training stopped`);
        return;
      }
      this.latest = { epoch, bytes: read };
      if (!this.file || epoch === 0) return;
      try {
        writeFileSync(this.file, read);
      } catch (e) {
        this.fail(`train: --checkpoint: could not write ${JSON.stringify(this.file)} (${(e as Error).message}); training stopped`);
      }
    });
    return this.queue;
  }

  private fail(message: string): void {
    this.failure = new Error(message);
    this.onFail();
  }

  /** Waits for the queued saves; throws the first failure. */
  async finish(): Promise<void> {
    await this.queue;
    if (this.failure) throw this.failure;
  }

  /**
   * After a lost device: writes the last weights read (a read under way when the device went is
   * dropped) to --checkpoint, or to `fallback` without one. Returns the file and the epoch they are
   * from, or null when none was read.
   */
  async rescue(fallback: string): Promise<{ file: string; epoch: number } | null> {
    await this.queue;
    const latest = this.latest;
    if (!latest) return null;
    const file = this.file ?? fallback;
    writeFileSync(file, latest.bytes);
    return { file, epoch: latest.epoch };
  }
}
