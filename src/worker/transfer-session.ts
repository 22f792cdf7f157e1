/**
 * The transfer-learning study in the worker (src/train/transfer-study.ts) as a StudySession: what
 * runs now, the pretrained model's accuracy and each arm's result as it lands.
 */
import type { Backend } from "../backend/backend";
import { IMAGE_DATASET_NAMES } from "../data/image-datasets";
import { list, number, oneOf, record, required, type Schema, validate } from "../schema/schema";
import { runTransferStudy, TRANSFER_TARGETS, type TransferStudyConfig } from "../train/transfer-study";
import { errorMessage, type Post } from "./post";
import { StudySession } from "./study-session";

const studySchema = record(
  {
    dataset: required(oneOf(IMAGE_DATASET_NAMES)),
    target: required(oneOf(TRANSFER_TARGETS)),
    sizes: required(list(number({ min: 10, max: 2000, integer: true }), { min: 1, max: 6, noun: "sizes" })),
    pretrainExamples: required(number({ min: 100, max: 30_000, integer: true })),
    pretrainEpochs: required(number({ min: 1, max: 20, integer: true })),
    fineTuneEpochs: required(number({ min: 1, max: 200, integer: true })),
    testExamples: required(number({ min: 10, max: 5000, integer: true })),
    seed: required(number({ min: 0, max: 2 ** 31 - 1, integer: true })),
  },
  "a transfer study",
) as unknown as Schema<TransferStudyConfig>;

/** Validates `study` (untrusted) and starts it; null when refused (the reason posted as the study's error). */
export function startTransferStudy(study: unknown, backend: Backend, post: Post): StudySession | null {
  let checked: TransferStudyConfig;
  try {
    checked = validate(studySchema, study, "transfer study");
  } catch (e) {
    post({ type: "study-state", study: "transfer", running: false, done: false, error: errorMessage(e, backend) });
    return null;
  }
  return new StudySession(
    "transfer",
    async (stopped) => {
      await runTransferStudy(checked, backend, {
        phase: (text) => post({ type: "transfer-phase", text }),
        pretrained: (accuracy) => post({ type: "transfer-pretrained", accuracy }),
        result: (result) => post({ type: "transfer-result", result }),
        stopped,
      });
    },
    backend,
    post,
  );
}
