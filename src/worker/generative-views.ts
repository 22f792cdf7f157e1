/**
 * What the Generative tab draws, computed from a GAN or autoencoder loop while it trains. Each view
 * records all its device work in one synchronous burst (networks in eval mode, no gradients except
 * the generator's arrows) and then awaits its reads, so its numbers come from one set of weights.
 *
 * - planeView (2-D GAN): D's "realness" over a grid, real points, generated points from fixed
 *   latents, the direction G's loss pushes each sample, and the modes covered;
 * - samplesView (image GAN): the fixed latent batch's images, an interpolation between two fixed
 *   latents, and histograms of D's verdict on real and generated images;
 * - reconstructionView (autoencoders): test inputs (noisy for a denoising one) beside their
 *   reconstructions, the 2-D latent plane of test codes, a VAE's samples from the prior;
 * - decodedImage: the decoder's image for one point of a 2-D latent plane.
 */
import type { HostArray } from "../backend/backend";
import { batches } from "../data/batches";
import type { Dataset } from "../data/dataset";
import { Rng } from "../data/random";
import type { AutoencoderTrainer } from "../generative/autoencoder-trainer";
import type { GenerativeData } from "../generative/config";
import type { GanTrainer } from "../generative/gan-trainer";
import { modeCoverage } from "../generative/modes";
import type { GanLossName } from "../generative/spec";
import { tensor } from "../ops/creation";
import { reshape, slice } from "../ops/shape-ops";
import { clamp, sigmoid } from "../ops/unary-api";
import { tidy, withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import type { ImageStrip, PlaneView, ReconstructionView, SamplesView } from "./generative-protocol";

/** Cells per side of the 2-D heatmap. */
export const PLANE_GRID = 48;
/** Real and generated points drawn on the plane. */
export const PLANE_POINTS = 500;
/** Generated points that get an arrow. */
export const PLANE_ARROWS = 120;
/** Samples counted for "modes covered" (the CLI's measure). */
export const COVERAGE_SAMPLES = 2000;
/** Images of the fixed latent batch shown in the samples grid. */
export const SAMPLE_IMAGES = 36;
/** Frames of the latent interpolation strip. */
export const INTERPOLATION_FRAMES = 10;
/** Bins over [0, 1] of the D(real) and D(fake) histograms, and the examples they count. */
export const VERDICT_BINS = 20;
export const VERDICT_EXAMPLES = 128;
/** Test images shown beside their reconstructions. */
export const RECONSTRUCTIONS = 10;
/** Test codes plotted on a 2-D latent plane. */
export const LATENT_POINTS = 1000;

/** Seeds of the views' own latents, apart from training's. */
const PLANE_SEED = 0x51a7e;
const VERDICT_SEED = 0x7e57;
const PRIOR_SEED = 0x9a1;
const NOISE_SEED = 0x2545;

/** The first `n` examples of `ds` as floats (pixels in [0, 1]). */
export function firstExamples(ds: Dataset, n: number): { x: Float32Array; y: Int32Array | Float32Array; size: number } {
  const batch = batches(ds, { batchSize: Math.min(n, ds.n), shuffle: false }).next().value;
  if (!batch) throw new Error(`the dataset ${ds.name} is empty`);
  return batch;
}

/** The map from D's output to "how real" in [0, 1]: σ(logit), or the least-squares score clamped. */
function realness(loss: GanLossName, logits: Tensor): Tensor {
  return loss === "leastSquares" ? clamp(logits, 0, 1) : sigmoid(logits);
}

/** Half the side of a square holding every point of `x` ([n, 2]) with a margin. */
export function planeExtent(x: ArrayLike<number>): number {
  let largest = 1;
  for (let i = 0; i < x.length; i++) largest = Math.max(largest, Math.abs(x[i]));
  return Math.ceil(largest * 1.25 * 10) / 10;
}

/** Centres of a size² grid over [-extent, extent]², rows from the top. */
function gridCoords(size: number, extent: number): Float32Array {
  const coords = new Float32Array(size * size * 2);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      coords[(r * size + c) * 2] = -extent + (2 * extent * (c + 0.5)) / size;
      coords[(r * size + c) * 2 + 1] = extent - (2 * extent * (r + 0.5)) / size;
    }
  return coords;
}

/** Reads every tensor of `tensors` and frees them. */
async function readAll(tensors: Tensor[]): Promise<HostArray[]> {
  try {
    return await Promise.all(tensors.map((t) => t.data()));
  } finally {
    for (const t of tensors) t.dispose();
  }
}

/** The 2-D GAN's plane at this step. */
export async function planeView(gan: GanTrainer, data: GenerativeData, extent: number, step: number): Promise<PlaneView> {
  const loss = gan.options.loss ?? "nonSaturating";
  const real = firstExamples(data.train, PLANE_POINTS).x;
  const tensors = withBackend(gan.options.generatorOptimizer.backend, () => {
    const grid = tensor(gridCoords(PLANE_GRID, extent), { shape: [PLANE_GRID * PLANE_GRID, 2] });
    const heat = tidy(() => reshape(realness(loss, gan.discriminate(grid)), [-1]));
    grid.dispose();
    const fake = gan.sample(PLANE_POINTS, PLANE_SEED);
    const head = slice(fake, 0, 0, PLANE_ARROWS);
    const arrows = gan.descentDirections(head);
    head.dispose();
    return [heat, fake, arrows, ...(data.modes ? [gan.sample(COVERAGE_SAMPLES, PLANE_SEED + 1)] : [])];
  });
  const [heat, fake, arrows, coverage] = await readAll(tensors);
  const modes = data.modes && coverage ? modeCoverage(coverage, data.modes) : undefined;
  return {
    step,
    extent,
    size: PLANE_GRID,
    heat: Float32Array.from(heat),
    real: Float32Array.from(real),
    fake: Float32Array.from(fake),
    arrows: Float32Array.from(arrows),
    centres: data.modes ? Float32Array.from(data.modes.centres.flat()) : undefined,
    modes: modes ? { covered: modes.covered, total: modes.modes, nearShare: modes.nearShare } : undefined,
  };
}

/** `values` ([count, 1, h, w] floats in [lo, lo + span]) as uint8 grey levels. */
export function greyStrip(values: ArrayLike<number>, count: number, height: number, width: number, lo = 0, span = 1): ImageStrip {
  const pixels = new Uint8Array(count * height * width);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(Math.min(1, Math.max(0, (values[i] - lo) / span)) * 255);
  return { count, height, width, pixels };
}

/** Counts of `values` in `bins` equal bins over [0, 1]. */
export function unitHistogram(values: ArrayLike<number>, bins = VERDICT_BINS): Int32Array {
  const counts = new Int32Array(bins);
  for (let i = 0; i < values.length; i++) counts[Math.min(bins - 1, Math.max(0, Math.floor(values[i] * bins)))]++;
  return counts;
}

/** Latents from a to b (rows of length `size`) in `frames` equal steps. */
export function interpolate(a: ArrayLike<number>, b: ArrayLike<number>, frames: number): Float32Array {
  const size = a.length;
  const out = new Float32Array(frames * size);
  for (let f = 0; f < frames; f++) {
    const t = frames === 1 ? 0 : f / (frames - 1);
    for (let k = 0; k < size; k++) out[f * size + k] = (1 - t) * a[k] + t * b[k];
  }
  return out;
}

/** The image GAN's samples, interpolation strip and verdict histograms at this step. */
export async function samplesView(gan: GanTrainer, data: GenerativeData, fixedLatent: Float32Array, step: number): Promise<SamplesView> {
  const o = gan.options;
  const loss = o.loss ?? "nonSaturating";
  const [, height, width] = data.train.inputShape;
  const latent = o.latent;
  const real = firstExamples(data.train, VERDICT_EXAMPLES);
  const tensors = withBackend(o.generatorOptimizer.backend, () => {
    const fixed = tensor(fixedLatent.subarray(0, SAMPLE_IMAGES * latent), { shape: [SAMPLE_IMAGES, latent] });
    const samples = gan.generate(fixed);
    fixed.dispose();
    const path = tensor(interpolate(fixedLatent.subarray(0, latent), fixedLatent.subarray(latent, 2 * latent), INTERPOLATION_FRAMES), {
      shape: [INTERPOLATION_FRAMES, latent],
    });
    const strip = gan.generate(path);
    path.dispose();
    const realX = tensor(real.x, { shape: [real.size, ...data.train.inputShape] });
    const dReal = tidy(() => reshape(realness(loss, gan.discriminate(o.transform ? o.transform(realX) : realX)), [-1]));
    realX.dispose();
    const fakes = gan.sample(VERDICT_EXAMPLES, VERDICT_SEED);
    const dFake = tidy(() => reshape(realness(loss, gan.discriminate(fakes)), [-1]));
    fakes.dispose();
    return [samples, strip, dReal, dFake];
  });
  const [samples, strip, dReal, dFake] = await readAll(tensors);
  return {
    step,
    samples: greyStrip(samples, SAMPLE_IMAGES, height, width, -1, 2),
    interpolation: greyStrip(strip, INTERPOLATION_FRAMES, height, width, -1, 2),
    dReal: unitHistogram(dReal),
    dFake: unitHistogram(dFake),
  };
}

/** The autoencoder's reconstructions, latent plane (2-D codes) and prior samples (VAE) at this step. */
export async function reconstructionView(ae: AutoencoderTrainer, test: Dataset, step: number): Promise<ReconstructionView> {
  const o = ae.options;
  const [, height, width] = test.inputShape;
  const shown = firstExamples(test, RECONSTRUCTIONS);
  const noisy = o.noise ? addedNoise(shown.x, o.noise) : null;
  const codes = o.kind === "autoencoder" && o.latent === 2 ? firstExamples(test, LATENT_POINTS) : null;
  const tensors = withBackend(o.optimizer.backend, () => {
    const input = tensor(noisy ?? shown.x, { shape: [shown.size, ...test.inputShape] });
    const outputs = ae.reconstruct(input);
    input.dispose();
    const out = [outputs];
    if (codes) {
      const x = tensor(codes.x, { shape: [codes.size, ...test.inputShape] });
      out.push(ae.encode(x));
      x.dispose();
    }
    if (o.kind === "vae") out.push(ae.samplePrior(RECONSTRUCTIONS, PRIOR_SEED));
    return out;
  });
  const [outputs, ...rest] = await readAll(tensors);
  const view: ReconstructionView = {
    step,
    inputs: greyStrip(shown.x, shown.size, height, width),
    outputs: greyStrip(outputs, shown.size, height, width),
  };
  if (noisy) view.noisy = greyStrip(noisy, shown.size, height, width);
  if (codes) {
    const points = Float32Array.from(rest.shift() as HostArray);
    view.latent = { points, labels: Int32Array.from(codes.y), classNames: test.classNames ?? [], bounds: latentBounds(points) };
  }
  if (o.kind === "vae") view.prior = greyStrip(rest.shift() as HostArray, RECONSTRUCTIONS, height, width);
  return view;
}

/** The decoder's image for the 2-D latent point `z`. */
export async function decodedImage(ae: AutoencoderTrainer, imageShape: number[], z: [number, number]): Promise<ImageStrip> {
  const [out] = await readAll([
    withBackend(ae.options.optimizer.backend, () => {
      const code = tensor(Float32Array.from(z), { shape: [1, 2] });
      const image = ae.decode(code);
      code.dispose();
      return image;
    }),
  ]);
  return greyStrip(out, 1, imageShape[1], imageShape[2]);
}

/** [xmin, xmax, ymin, ymax] around 2-D points, padded by a tenth of the range. */
export function latentBounds(points: Float32Array): [number, number, number, number] {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]);
    x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]);
    y1 = Math.max(y1, points[i + 1]);
  }
  if (!Number.isFinite(x0)) return [-1, 1, -1, 1];
  const px = Math.max((x1 - x0) / 10, 1e-3);
  const py = Math.max((y1 - y0) / 10, 1e-3);
  return [x0 - px, x1 + px, y0 - py, y1 + py];
}

/** The inputs with gaussian noise of standard deviation `std` (seeded, so every view shows the same noise). */
function addedNoise(x: Float32Array, std: number): Float32Array {
  const rng = new Rng(NOISE_SEED);
  return x.map((v) => v + std * rng.normal());
}
