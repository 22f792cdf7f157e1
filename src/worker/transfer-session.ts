/**
 * The transfer-learning study in the worker (src/train/transfer-study.ts): it runs on its own once
 * started, posting what runs now, the pretrained model's accuracy and each arm's result as it lands;
 * pausing (another tab starting) or stopping ends it after the run in progress, keeping the results.
 * Its problems are its own events (`transfer-state` with an error), shown on its card.
 */
import type { Backend } from "../backend/backend";
import { IMAGE_DATASET_NAMES } from "../data/image-datasets";
import { list, number, oneOf, record, required, type Schema, validate } from "../schema/schema";
import { runTransferStudy, type TransferStudyConfig } from "../train/transfer-study";
import { errorMessage, type Post } from "./post";

const studySchema = record(
  {
    dataset: required(oneOf(IMAGE_DATASET_NAMES)),
    sizes: required(list(number({ min: 10, max: 2000, integer: true }), { min: 1, max: 6, noun: "sizes" })),
    pretrainExamples: required(number({ min: 100, max: 30_000, integer: true })),
    pretrainEpochs: required(number({ min: 1, max: 20, integer: true })),
    fineTuneEpochs: required(number({ min: 1, max: 200, integer: true })),
    testExamples: required(number({ min: 10, max: 5000, integer: true })),
    seed: required(number({ min: 0, max: 2 ** 31 - 1, integer: true })),
  },
  "a transfer study",
) as unknown as Schema<TransferStudyConfig>;

export class TransferStudySession {
  private stopping = false;
  private finished = false;
  private readonly run: Promise<void>;

  private constructor(study: TransferStudyConfig, backend: Backend, post: Post) {
    const started = performance.now();
    post({ type: "transfer-state", running: true, done: false });
    this.run = runTransferStudy(study, backend, {
      phase: (text) => post({ type: "transfer-phase", text }),
      pretrained: (accuracy) => post({ type: "transfer-pretrained", accuracy }),
      result: (result) => post({ type: "transfer-result", result }),
      stopped: () => this.stopping,
    }).then(
      () => post({ type: "transfer-state", running: false, done: !this.stopping, seconds: (performance.now() - started) / 1000 }),
      (e: unknown) => post({ type: "transfer-state", running: false, done: false, error: errorMessage(e, backend) }),
    );
    void this.run.finally(() => {
      this.finished = true;
    });
  }

  /** Validates `study` (untrusted) and starts it; a bad setting is posted as the study's error. */
  static start(study: unknown, backend: Backend, post: Post): TransferStudySession | null {
    try {
      return new TransferStudySession(validate(studySchema, study, "transfer study"), backend, post);
    } catch (e) {
      post({ type: "transfer-state", running: false, done: false, error: errorMessage(e, backend) });
      return null;
    }
  }

  get running(): boolean {
    return !this.finished && !this.stopping;
  }

  /** Ends the study after the run in progress. */
  pause(): void {
    this.stopping = true;
  }

  async dispose(): Promise<void> {
    this.stopping = true;
    await this.run;
  }
}
