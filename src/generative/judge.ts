/**
 * Judging generated images with a classifier trained by this project (the DCGAN test of the
 * generative issue): each image is labelled by the classifier; a generator that draws recognisable
 * digits gets most of them labelled with high confidence, and one that covers every class gets each
 * class a fair share. Samples from a tanh generator are mapped from [-1, 1] to the [0, 1] pixels the
 * classifier saw in training.
 */
import type { Backend } from "../backend/backend";
import { check } from "../errors";
import type { Module } from "../nn/module";
import { add, mul } from "../ops/binary";
import { softmax } from "../ops/softmax";
import { noGrad, tidy, withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";

export interface Judgement {
  samples: number;
  /** The confidence a label needs to count (default 0.9). */
  threshold: number;
  /** Share of the samples whose top class probability is at least `threshold`. */
  confidentShare: number;
  /** Share of the samples labelled as each class (by the top probability, confident or not). */
  classShares: number[];
}

/** Labels a batch of images [N, ...] in [0, 1] with `classifier` (eval mode) and reads back the class probabilities [N, classes]. */
async function classify(classifier: Module, images: Tensor, backend: Backend): Promise<{ probs: Float32Array; classes: number }> {
  const wasTraining = classifier.training;
  classifier.eval();
  try {
    const probs = withBackend(backend, () => noGrad(() => tidy(() => softmax(classifier.forward(images), 1))));
    const classes = probs.shape[1];
    const data = Float32Array.from(await probs.data());
    probs.dispose();
    return { probs: data, classes };
  } finally {
    classifier.train(wasTraining);
  }
}

/**
 * Judges `n` images drawn by `draw(count, batchIndex)` (tensors [count, ...] in `range`) in batches
 * of `batchSize`: the share labelled with confidence ≥ `threshold`, and the share of each class.
 */
export async function judgeImages(
  classifier: Module,
  draw: (count: number, batchIndex: number) => Tensor,
  options: { n?: number; threshold?: number; batchSize?: number; range?: "unit" | "symmetric"; backend: Backend },
): Promise<Judgement> {
  const { n = 1000, threshold = 0.9, batchSize = 250, range = "unit", backend } = options;
  check(Number.isInteger(n) && n >= 1, "judgeImages", () => `n must be a whole number >= 1, got ${n}`);
  let confident = 0;
  let counts: number[] = [];
  for (let start = 0, b = 0; start < n; start += batchSize, b++) {
    const count = Math.min(batchSize, n - start);
    const images = withBackend(backend, () => {
      const drawn = draw(count, b);
      if (range === "unit") return drawn;
      const unit = tidy(() => add(mul(drawn, 0.5), 0.5)); // [-1, 1] -> [0, 1]
      drawn.dispose();
      return unit;
    });
    const { probs, classes } = await classify(classifier, images, backend);
    images.dispose();
    if (counts.length === 0) counts = new Array<number>(classes).fill(0);
    for (let i = 0; i < count; i++) {
      let best = 0;
      for (let k = 1; k < classes; k++) if (probs[i * classes + k] > probs[i * classes + best]) best = k;
      counts[best]++;
      if (probs[i * classes + best] >= threshold) confident++;
    }
  }
  return { samples: n, threshold, confidentShare: confident / n, classShares: counts.map((c) => c / n) };
}
