/**
 * What the data panel shows: the dataset (every 2-D point, the first training images, or the rows
 * of a table) and a batch of training images through the config's augmentation on the device.
 */
import type { Backend } from "../backend/backend";
import { gatherBatch } from "../data/batches";
import { type Dataset, targetSize } from "../data/dataset";
import { spell } from "../data/spell";
import { tensor } from "../ops/creation";
import { noGrad, tidy, withBackend } from "../tensor/engine";
import type { ExperimentConfig } from "../train/config";
import { experimentAugment } from "../train/experiment";
import type { Splits } from "../train/make";
import { isCharacterModel } from "../train/sample-text";
import type { DatasetPreview, ExampleImages, WorkerEvent } from "./protocol";

/** Training images in an image preview. */
export const PREVIEW_IMAGES = 64;
/** Rows in a table preview. */
export const PREVIEW_ROWS = 200;
/** Most images in an augmentation preview. */
export const MAX_AUGMENTED = 64;

/** Whether a dataset's examples are 2-D points (drawn as a scatter plot under a decision boundary). */
export const isPoints = (ds: Dataset) => ds.inputShape.length === 1 && ds.inputShape[0] === 2;

/** Whether a dataset's examples are images [channels, height, width]. */
export const isImages = (ds: Dataset) => ds.inputShape.length === 3;

const copyOf = <T extends Float32Array | Int32Array>(y: T): T => y.slice() as T;

/** The preview of a run's data (points: train and test; images: the first PREVIEW_IMAGES of train; tables: the first PREVIEW_ROWS rows of train). */
export function datasetPreview(splits: Splits): DatasetPreview {
  const { train, test } = splits;
  const sizes = { trainSize: train.n, valSize: splits.val.n, testSize: test.n };
  if (isPoints(train))
    return {
      kind: "points",
      trainX: Float32Array.from(train.x),
      trainY: copyOf(train.y),
      testX: Float32Array.from(test.x),
      testY: copyOf(test.y),
      classes: train.classes ?? 0,
      task: train.task,
      scaling: train.scaling ?? null,
    };
  if (isImages(train)) {
    const [channels, height, width] = train.inputShape;
    const count = Math.min(PREVIEW_IMAGES, train.n);
    return {
      kind: "images",
      channels,
      height,
      width,
      pixels: Uint8Array.from(train.x.subarray(0, count * channels * height * width)),
      labels: Int32Array.from(train.y.subarray(0, count)),
      classNames: [...(train.classNames ?? [])],
      ...sizes,
    };
  }
  if (isSequences(train)) return sequencePreview(train, sizes);
  const features = train.inputShape[0];
  const rows = Math.min(PREVIEW_ROWS, train.n);
  const targets = train.task === "classification" ? 1 : (train.targetDim ?? 1);
  return {
    kind: "table",
    columns: train.featureNames ? [...train.featureNames] : Array.from({ length: features }, (_, i) => `x${i + 1}`),
    rows: Array.from({ length: rows }, (_, r) => Array.from(train.x.subarray(r * features, (r + 1) * features))),
    labels: Array.from({ length: rows }, (_, r) => train.y[r * targets]),
    classNames: [...(train.classNames ?? [])],
    ...sizes,
    scaling: train.scaling ?? null,
  };
}

/** The most images one `examples` request returns (a confusion-matrix cell keeps up to 32). */
export const MAX_EXAMPLES = 64;

/** Test images by index, for the page to show a confusion-matrix cell's examples. */
export function exampleImages(test: Dataset, indices: number[]): ExampleImages {
  if (!isImages(test)) throw new Error("examples: the test set has no images");
  if (indices.length > MAX_EXAMPLES) throw new Error(`examples: at most ${MAX_EXAMPLES} images at a time, got ${indices.length}`);
  const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= test.n);
  if (bad !== undefined) throw new Error(`examples: ${bad} is not a test image (0 to ${test.n - 1})`);
  const [channels, height, width] = test.inputShape;
  const size = channels * height * width;
  const pixels = new Uint8Array(indices.length * size);
  indices.forEach((index, k) => {
    pixels.set((test.x as Uint8Array).subarray(index * size, (index + 1) * size), k * size);
  });
  return { indices: Int32Array.from(indices), labels: Int32Array.from(indices, (i) => test.y[i]), channels, height, width, pixels };
}

const toPixels = (values: ArrayLike<number>) => Uint8Array.from(values, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));

/**
 * The first `count` training images (at most MAX_AUGMENTED) before and after the config's
 * augmentation, applied on the device (unchanged when the config has none).
 */
export async function augmentedPreview(
  config: ExperimentConfig,
  train: Dataset,
  count: number,
  backend: Backend,
): Promise<Extract<WorkerEvent, { type: "augmented" }>> {
  if (!isImages(train)) throw new Error("augmentation previews need an image dataset (MNIST or Fashion-MNIST)");
  if (!Number.isInteger(count) || count < 1) throw new Error(`augment-preview: count must be a whole number >= 1, got ${count}`);
  const n = Math.min(count, MAX_AUGMENTED, train.n);
  const [channels, height, width] = train.inputShape;
  const batch = gatherBatch(
    train,
    Int32Array.from({ length: n }, (_, i) => i),
  ); // pixels scaled to [0, 1]
  const augment = experimentAugment(config, train.inputShape);
  const out = withBackend(backend, () =>
    noGrad(() =>
      tidy(() => {
        const x = tensor(batch.x, { shape: [n, channels, height, width] });
        return augment ? augment(x) : x;
      }),
    ),
  );
  const values = await out.data();
  out.dispose();
  return { type: "augmented", channels, height, width, pixels: toPixels(values), originals: toPixels(batch.x) };
}

/** Whether `ds` holds sequences: tokens, or steps of numbers [time, features]. */
export const isSequences = (ds: Dataset) => ds.vocabulary !== undefined || ds.inputShape.length === 2;

/** Examples of a sequence set shown in the preview. */
const PREVIEW_SEQUENCES = 6;

/** The first examples of a sequence set: text for tokens (padding dropped), the first feature's values for steps of numbers. */
function sequencePreview(train: Dataset, sizes: { trainSize: number; valSize: number; testSize: number }): DatasetPreview {
  const T = train.inputShape[0];
  const perExample = train.inputShape.reduce((a, b) => a * b, 1);
  const labels = targetSize(train);
  const vocabulary = train.vocabulary;
  const spelled = (tokens: ArrayLike<number>) => spell(Array.from(tokens, (t) => (vocabulary as string[])[t] ?? "?"));
  const examples = Array.from({ length: Math.min(PREVIEW_SEQUENCES, train.n) }, (_, e) => {
    const x = train.x.subarray(e * perExample, (e + 1) * perExample);
    const y = train.y.subarray(e * labels, (e + 1) * labels);
    const target =
      train.task === "regression"
        ? Array.from(y, (v) => v.toFixed(2)).join(", ")
        : labels > 1
          ? vocabulary
            ? spelled(Array.from(y, (label) => label))
            : Array.from(y, (label) => train.classNames?.[label] ?? label).join(" ")
          : (train.classNames?.[y[0]] ?? String(y[0]));
    if (vocabulary) return { text: spelled(x), target };
    const features = train.inputShape[1] ?? 1;
    // A feature named "marker" (the adding problem's) marks steps: shown as dots on the line.
    const marker = train.featureNames?.indexOf("marker") ?? -1;
    const marks = marker > 0 ? Array.from({ length: T }, (_, t) => t).filter((t) => x[t * features + marker] !== 0) : [];
    return { values: Array.from({ length: T }, (_, t) => x[t * features]), marks, target };
  });
  return {
    kind: "sequences",
    inputShape: [...train.inputShape],
    examples,
    classNames: [...(train.classNames ?? [])],
    targetDim: train.targetDim ?? 1,
    perStep: labels > 1 && train.task === "classification",
    vocabulary: vocabulary?.length ?? 0,
    generates: isCharacterModel(train) ? (train.sampleAs ?? null) : null,
    featureNames: [...(train.featureNames ?? [])],
    ...sizes,
  };
}
