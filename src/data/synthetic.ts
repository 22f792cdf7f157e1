/**
 * Seeded 2-D toy problems, the ones TensorFlow Playground and scikit-learn made familiar: small
 * enough to train in a second and to draw as a decision boundary. Every generator takes a `seed` and
 * returns the same points for the same options; coordinates lie roughly in [-1, 1] (the playground
 * plots [-1.2, 1.2]). `noise` is always a standard deviation (or half-width) in those plot units.
 */
import { check } from "../errors";
import type { PointRegressionSet, PointSet } from "./dataset";
import { Rng } from "./random";
import { spiral } from "./spiral";

/** Options every 2-D generator takes. */
export interface PointOptions {
  /** Number of points (default 300). */
  points?: number;
  /** Amount of noise, in plot units; each generator says what it perturbs. */
  noise?: number;
  /** Seed of the generator (default 1): the same seed gives the same points. */
  seed?: number;
}

const FEATURES = ["x1", "x2"];

function checkOptions(op: string, points: number, noise: number, minPoints: number): void {
  check(Number.isInteger(points) && points >= minPoints, op, () => `points must be a whole number >= ${minPoints}, got ${points}`);
  check(Number.isFinite(noise) && noise >= 0, op, () => `noise must be a finite number >= 0, got ${noise}`);
}

function pointSet(name: string, x: Float32Array, y: Int32Array, classNames: string[]): PointSet {
  return { name, task: "classification", inputShape: [2], featureNames: FEATURES, x, y, n: y.length, classes: classNames.length, classNames };
}

function regressionSet(name: string, x: Float32Array, y: Float32Array): PointRegressionSet {
  return { name, task: "regression", inputShape: [2], featureNames: FEATURES, x, y, n: y.length, targetDim: 1 };
}

/**
 * A disc inside a ring (TensorFlow Playground's "circle"): half the points within radius 0.5 (class 1,
 * "inside"), half between 0.7 and 1 (class 0, "outside"). The label is decided by where the point
 * lands after a uniform jitter of half-width `noise` (default 0), so noise blurs the boundary.
 */
export function circle(options: PointOptions = {}): PointSet {
  const { points = 300, noise = 0, seed = 1 } = options;
  checkOptions("circle", points, noise, 2);
  const rng = new Rng(seed);
  const x = new Float32Array(points * 2);
  const y = new Int32Array(points);
  for (let i = 0; i < points; i++) {
    const inside = i % 2 === 0;
    const r = inside ? rng.uniform(0, 0.5) : rng.uniform(0.7, 1);
    const angle = rng.uniform(0, 2 * Math.PI);
    const px = r * Math.cos(angle);
    const py = r * Math.sin(angle);
    const nx = px + rng.uniform(-noise, noise);
    const ny = py + rng.uniform(-noise, noise);
    x[2 * i] = px;
    x[2 * i + 1] = py;
    y[i] = Math.hypot(nx, ny) < 0.5 ? 1 : 0;
  }
  return pointSet("circle", x, y, ["outside", "inside"]);
}

/**
 * The exclusive-or quadrants (TensorFlow Playground's "xor"): points uniform in [-1, 1]², pushed 0.05
 * away from the axes; class 1 where x1 and x2 have the same sign, decided after a uniform jitter of
 * half-width `noise` (default 0).
 */
export function xor(options: PointOptions = {}): PointSet {
  const { points = 300, noise = 0, seed = 1 } = options;
  checkOptions("xor", points, noise, 2);
  const rng = new Rng(seed);
  const x = new Float32Array(points * 2);
  const y = new Int32Array(points);
  const padding = 0.05;
  for (let i = 0; i < points; i++) {
    let px = rng.uniform(-0.95, 0.95);
    let py = rng.uniform(-0.95, 0.95);
    px += px > 0 ? padding : -padding;
    py += py > 0 ? padding : -padding;
    const nx = px + rng.uniform(-noise, noise);
    const ny = py + rng.uniform(-noise, noise);
    x[2 * i] = px;
    x[2 * i + 1] = py;
    y[i] = nx * ny >= 0 ? 1 : 0;
  }
  return pointSet("xor", x, y, ["different signs", "same signs"]);
}

/**
 * Two gaussian blobs (TensorFlow Playground's "gaussian"): class 0 around (-0.4, -0.4), class 1
 * around (0.4, 0.4), alternating; `noise` is each blob's standard deviation (default 0.15).
 */
export function gaussian(options: PointOptions = {}): PointSet {
  const { points = 300, noise = 0.15, seed = 1 } = options;
  checkOptions("gaussian", points, noise, 2);
  const rng = new Rng(seed);
  const x = new Float32Array(points * 2);
  const y = new Int32Array(points);
  for (let i = 0; i < points; i++) {
    const c = i % 2;
    const centre = c === 1 ? 0.4 : -0.4;
    x[2 * i] = centre + noise * rng.normal();
    x[2 * i + 1] = centre + noise * rng.normal();
    y[i] = c;
  }
  return pointSet("gaussian", x, y, ["blob 0", "blob 1"]);
}

/**
 * Two interleaving half circles (scikit-learn's `make_moons`), scaled by 2/3 and centred so that
 * they span [-1, 1] × [-0.5, 0.5]; class 0 is the upper moon. `noise` is the standard deviation of
 * gaussian noise added to each coordinate (default 0.1).
 */
export function moons(options: PointOptions = {}): PointSet {
  const { points = 300, noise = 0.1, seed = 1 } = options;
  checkOptions("moons", points, noise, 2);
  const rng = new Rng(seed);
  const x = new Float32Array(points * 2);
  const y = new Int32Array(points);
  const scale = 2 / 3;
  for (let i = 0; i < points; i++) {
    const c = i % 2;
    const t = rng.uniform(0, Math.PI);
    // make_moons: outer (cos t, sin t), inner (1 - cos t, 0.5 - sin t); centre (0.5, 0.25).
    const mx = c === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const my = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    x[2 * i] = (mx - 0.5) * scale + noise * rng.normal();
    x[2 * i + 1] = (my - 0.25) * scale + noise * rng.normal();
    y[i] = c;
  }
  return pointSet("moons", x, y, ["upper moon", "lower moon"]);
}

/**
 * Concentric rings (scikit-learn's `make_circles`, with any number of rings): ring c has radius
 * (c + 1) / classes, so the outer ring has radius 1; point i lies on ring `i % classes`. `noise` is
 * the standard deviation of gaussian noise added to each coordinate (default 0.05).
 */
export function ring(options: PointOptions & { classes?: number } = {}): PointSet {
  const { points = 300, noise = 0.05, seed = 1, classes = 2 } = options;
  check(Number.isInteger(classes) && classes >= 2, "ring", () => `classes must be a whole number >= 2, got ${classes}`);
  checkOptions("ring", points, noise, classes);
  const rng = new Rng(seed);
  const x = new Float32Array(points * 2);
  const y = new Int32Array(points);
  for (let i = 0; i < points; i++) {
    const c = i % classes;
    const r = (c + 1) / classes;
    const angle = rng.uniform(0, 2 * Math.PI);
    x[2 * i] = r * Math.cos(angle) + noise * rng.normal();
    x[2 * i + 1] = r * Math.sin(angle) + noise * rng.normal();
    y[i] = c;
  }
  return pointSet(
    "ring",
    x,
    y,
    Array.from({ length: classes }, (_, c) => `ring ${c}`),
  );
}

/**
 * A plane to regress (TensorFlow Playground's "plane"): points uniform in [-1, 1]², target
 * `w1 * x1 + w2 * x2 + bias` (default weights [0.5, 0.5], bias 0, so targets lie in [-1, 1]) evaluated
 * at the point jittered uniformly by half-width `noise` (default 0).
 */
export function plane(options: PointOptions & { weights?: [number, number]; bias?: number } = {}): PointRegressionSet {
  const { points = 300, noise = 0, seed = 1, weights = [0.5, 0.5], bias = 0 } = options;
  checkOptions("plane", points, noise, 1);
  const rng = new Rng(seed);
  const x = new Float32Array(points * 2);
  const y = new Float32Array(points);
  for (let i = 0; i < points; i++) {
    const px = rng.uniform(-1, 1);
    const py = rng.uniform(-1, 1);
    x[2 * i] = px;
    x[2 * i + 1] = py;
    y[i] = weights[0] * (px + rng.uniform(-noise, noise)) + weights[1] * (py + rng.uniform(-noise, noise)) + bias;
  }
  return regressionSet("plane", x, y);
}

/** The bumps of `multiGaussian`: centre and sign, TensorFlow Playground's six scaled into [-1, 1]. */
export const MULTI_GAUSSIAN_BUMPS: readonly { x: number; y: number; sign: number }[] = [
  { x: -0.8, y: 0.5, sign: 1 },
  { x: 0, y: 0.5, sign: -1 },
  { x: 0.8, y: 0.5, sign: 1 },
  { x: -0.8, y: -0.5, sign: -1 },
  { x: 0, y: -0.5, sign: 1 },
  { x: 0.8, y: -0.5, sign: -1 },
];

/** Width (standard deviation) of each bump of `multiGaussian`. */
export const MULTI_GAUSSIAN_WIDTH = 0.2;

/** The noise-free target of `multiGaussian` at (x1, x2): the sum of the signed bumps, within [-1, 1]. */
export function multiGaussianTarget(x1: number, x2: number): number {
  let sum = 0;
  for (const b of MULTI_GAUSSIAN_BUMPS) {
    const d2 = (x1 - b.x) ** 2 + (x2 - b.y) ** 2;
    sum += b.sign * Math.exp(-d2 / (2 * MULTI_GAUSSIAN_WIDTH ** 2));
  }
  return sum;
}

/**
 * A sum of six gaussian bumps of alternating sign to regress (TensorFlow Playground's "multi
 * gaussian"): points uniform in [-1, 1]², target `multiGaussianTarget` evaluated at the point jittered
 * uniformly by half-width `noise` (default 0).
 */
export function multiGaussian(options: PointOptions = {}): PointRegressionSet {
  const { points = 300, noise = 0, seed = 1 } = options;
  checkOptions("multiGaussian", points, noise, 1);
  const rng = new Rng(seed);
  const x = new Float32Array(points * 2);
  const y = new Float32Array(points);
  for (let i = 0; i < points; i++) {
    const px = rng.uniform(-1, 1);
    const py = rng.uniform(-1, 1);
    x[2 * i] = px;
    x[2 * i + 1] = py;
    y[i] = multiGaussianTarget(px + rng.uniform(-noise, noise), py + rng.uniform(-noise, noise));
  }
  return regressionSet("multi-gaussian", x, y);
}

/** Every 2-D generator by name, for pickers: the classification sets, then the regression sets. */
export const pointDatasets = {
  circle,
  xor,
  gaussian,
  spiral,
  moons,
  ring,
  plane,
  "multi-gaussian": multiGaussian,
} as const;

/** The name of a 2-D generator in `pointDatasets`. */
export type PointDatasetName = keyof typeof pointDatasets;

/** Options of any 2-D generator: the common ones, plus `classes` for spiral and ring. */
export type AnyPointOptions = PointOptions & { classes?: number };

/** Generates the 2-D dataset called `name` (a key of `pointDatasets`), e.g. for a picker in the UI. */
export function makePoints(name: PointDatasetName, options: AnyPointOptions = {}): PointSet | PointRegressionSet {
  check(Object.hasOwn(pointDatasets, name), "makePoints", () => `unknown dataset "${name}"; expected one of ${Object.keys(pointDatasets).join(", ")}`);
  return pointDatasets[name](options);
}
