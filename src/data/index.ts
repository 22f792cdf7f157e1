/**
 * Datasets: seeded synthetic 2-D problems, Iris, the user's CSV, MNIST and Fashion-MNIST, all in one
 * `Dataset` shape, with the seeded splits, mini-batches and normalization that training needs.
 */

export { type Batch, type BatchOptions, batchCount, batches, epochOrder, gatherBatch } from "./batches";
export { AUTO_MAX_CLASSES, type CsvOptions, parseCsv } from "./csv";
export {
  type ClassificationSet,
  classCounts,
  type Dataset,
  featureSize,
  type PointRegressionSet,
  type PointSet,
  type RegressionSet,
  subset,
  targetSize,
  validateDataset,
} from "./dataset";
export {
  IMAGE_DATASET_NAMES,
  type ImageDataset,
  type ImageDatasetName,
  type ImageDatasetOptions,
  type ImageManifest,
  loadImageDataset,
  loadImageManifest,
} from "./image-datasets";
export { IRIS_CLASS_NAMES, IRIS_FEATURE_NAMES, iris } from "./iris";
export { type NormalizeStats, normalize, normalizeStats } from "./normalize";
export { deriveSeed, Rng } from "./random";
export { spiral } from "./spiral";
export {
  balancedSample,
  type Fold,
  kFold,
  permutation,
  shuffle,
  stratifiedKFold,
  type TrainTestSplit,
  type TrainTestSplitOptions,
  type TrainValTestSplit,
  type TrainValTestSplitOptions,
  trainTestSplit,
  trainValTestSplit,
} from "./splits";
export {
  type AnyPointOptions,
  circle,
  gaussian,
  MULTI_GAUSSIAN_BUMPS,
  MULTI_GAUSSIAN_WIDTH,
  makePoints,
  moons,
  multiGaussian,
  multiGaussianTarget,
  type PointDatasetName,
  type PointOptions,
  plane,
  pointDatasets,
  ring,
  xor,
} from "./synthetic";
