/**
 * Looking inside the model: per parameter tensor its gradient norm (of the last step), weight norm,
 * a histogram of its weights and how many of its units differ, the first layer's filters for image models, and the feature maps
 * of one test image through the conv and pooling layers. Every tensor is read in one synchronous
 * burst, so the numbers all come from the same step even while training goes on.
 */
import type { Backend } from "../backend/backend";
import { gatherBatch } from "../data/batches";
import type { Dataset } from "../data/dataset";
import type { Sequential } from "../nn/layers";
import type { Module } from "../nn/module";
import type { LayerSummary } from "../nn/shapes";
import { mul } from "../ops/binary";
import { tensor } from "../ops/creation";
import { sum } from "../ops/reduce";
import { cat, reshape } from "../ops/shape-ops";
import { noGrad, tidy, withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import type { FeatureMapsReport, InsideReport } from "./protocol";

/** Bins of each weight histogram. */
export const HISTOGRAM_BINS = 30;
/** Most filters (or first-layer units) shown. */
export const MAX_FILTERS = 64;
/** Layer types whose outputs are shown as feature maps. */
const MAP_LAYERS = new Set<LayerSummary["type"]>(["conv2d", "convTranspose2d", "maxPool2d", "avgPool2d", "adaptiveAvgPool2d", "residual"]);

/** HISTOGRAM_BINS counts of `values` between their smallest and largest finite value. */
export function histogram(values: Float32Array): { min: number; max: number; counts: Int32Array } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values)
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  const counts = new Int32Array(HISTOGRAM_BINS);
  if (min > max) return { min: 0, max: 0, counts };
  const scale = max > min ? HISTOGRAM_BINS / (max - min) : 0;
  for (const v of values) if (Number.isFinite(v)) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((v - min) * scale))]++;
  return { min, max, counts };
}

/**
 * How many of a weight's `rows` units (its leading dimension) differ from each other. Units that
 * start equal get equal gradients and stay equal, bit for bit: a layer of 16 copies computes what one
 * unit would (the symmetry problem that random initialisation breaks).
 */
export function distinctUnits(values: Float32Array, rows: number): number {
  const width = values.length / rows;
  const seen = new Set<string>();
  for (let r = 0; r < rows; r++) seen.add(values.subarray(r * width, (r + 1) * width).join(","));
  return seen.size;
}

/** Units compared at most: wider layers are not checked (the report stays cheap). */
const MAX_UNITS_COMPARED = 1024;

const norm = (values: Float32Array) => Math.sqrt(values.reduce((s, v) => s + v * v, 0));

/**
 * The inside report of `model` (inputs of `inputShape`) at `step`. `withGradients`: the gradients
 * hold the last step's (false before the first step: gradient norms are NaN).
 */
export async function insideReport(model: Module, backend: Backend, inputShape: number[], step: number, withGradients: boolean): Promise<InsideReport> {
  const named = model.namedParameters();
  const gradients =
    withGradients && named.every(([, p]) => p.grad)
      ? withBackend(backend, () => noGrad(() => tidy(() => cat(named.map(([, p]) => reshape(sum(mul(p.grad as Tensor, p.grad as Tensor)), [1]))))))
      : null; // [parameters]: squared norms, on the device
  const [squares, ...weights] = await Promise.all([gradients?.data() ?? Promise.resolve(null), ...named.map(([, p]) => p.data() as Promise<Float32Array>)]);
  gradients?.dispose();
  const report: InsideReport = {
    step,
    layers: named.map(([name, p], i) => ({
      name,
      gradNorm: squares ? Math.sqrt(squares[i]) : Number.NaN,
      weightNorm: norm(weights[i]),
      histogram: histogram(weights[i]),
      ...(p.rank >= 2 && p.shape[0] <= MAX_UNITS_COMPARED ? { units: { count: p.shape[0], distinct: distinctUnits(weights[i], p.shape[0]) } } : {}),
    })),
  };
  const filters = firstLayerFilters(named[0]?.[1].shape ?? [], weights[0], inputShape);
  if (filters) report.filters = filters;
  return report;
}

/** The first layer's weights as images: conv2d filters [filters, channels, k, k], or a linear layer's units over a flattened image. */
function firstLayerFilters(shape: readonly number[], values: Float32Array | undefined, inputShape: number[]): InsideReport["filters"] {
  if (!values || inputShape.length !== 3) return undefined;
  const [channels, height, width] = inputShape;
  let image: [number, number, number];
  if (shape.length === 4) image = [shape[1], shape[2], shape[3]];
  else if (shape.length === 2 && shape[1] === channels * height * width) image = [channels, height, width];
  else return undefined;
  const count = Math.min(shape[0], MAX_FILTERS);
  const per = image[0] * image[1] * image[2];
  return { count, channels: image[0], height: image[1], width: image[2], values: values.slice(0, count * per) };
}

/** The feature maps of test image `index` after each top-level conv, pooling and residual layer of `model`. */
export async function featureMaps(model: Sequential, layers: LayerSummary[], test: Dataset, index: number, backend: Backend): Promise<FeatureMapsReport> {
  const top = layers.filter((l) => !l.index.includes(".")); // one per module of model.layers
  const { x } = gatherBatch(test, Int32Array.of(index));
  const { maps, output } = withBackend(backend, () =>
    noGrad(() =>
      tidy(() => {
        const was = model.training;
        model.eval();
        try {
          let h = tensor(x, { shape: [1, ...test.inputShape] });
          const kept: { layer: string; map: Tensor }[] = [];
          model.layers.forEach((module, i) => {
            h = module.forward(h);
            if (MAP_LAYERS.has(top[i].type) && h.rank === 4) kept.push({ layer: `${top[i].index} ${top[i].type}`, map: h }); // [1, C, H, W]
          });
          return { maps: kept, output: h };
        } finally {
          model.train(was);
        }
      }),
    ),
  );
  const [logits, ...values] = (await Promise.all([output, ...maps.map((m) => m.map)].map((t) => t.data()))) as Float32Array[];
  let prediction = 0;
  if (logits.length === 1) prediction = logits[0] > 0 ? 1 : 0;
  else for (let c = 1; c < logits.length; c++) if (logits[c] > logits[prediction]) prediction = c;
  const report: FeatureMapsReport = {
    index,
    label: test.task === "classification" ? test.y[index] : Number.NaN,
    prediction,
    maps: maps.map(({ layer, map }, k) => ({ layer, channels: map.shape[1], height: map.shape[2], width: map.shape[3], values: values[k] })),
  };
  for (const t of new Set([output, ...maps.map((m) => m.map)])) t.dispose();
  return report;
}
