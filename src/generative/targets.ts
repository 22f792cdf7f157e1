/**
 * 2-D targets for generative models: the point clouds a GAN learns to imitate (the standard mode-
 * collapse benchmarks of Metz et al.'s unrolled GANs and VEEGAN, and GAN Lab's toy sets). A mixture
 * target knows its modes (centres and spread), so that "modes covered" can be measured; two moons and
 * the spiral come from the classification sets, their labels ignored. Coordinates lie in [-1.2, 1.2],
 * the playground's plot.
 */

import type { PointSet } from "../data/dataset";
import { Rng } from "../data/random";
import { spiral } from "../data/spiral";
import { moons } from "../data/synthetic";
import { check } from "../errors";

/** A mixture of equal-weight isotropic gaussians: where its modes are and how wide each is. */
export interface MixtureModes {
  /** Mode centres, [x, y] each. */
  centres: [number, number][];
  /** Standard deviation of every mode, per coordinate. */
  std: number;
}

/** A 2-D target: its points (labels: the mode or class each point came from) and, for mixtures, the modes. */
export interface PointTarget {
  points: PointSet;
  modes?: MixtureModes;
}

/** The 2-D targets by name. */
export const TARGET_NAMES = ["gaussian-ring", "gaussian-grid", "moons", "spiral"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Options of every 2-D target. */
export interface TargetOptions {
  /** Number of points (default 10,000). */
  points?: number;
  /** Mixtures: each mode's standard deviation (default 0.05); moons and spiral: their own noise. */
  noise?: number;
  /** Seed of the points (default 1). */
  seed?: number;
}

/** `points` draws from the mixture, mode `i % modes` for point i, labelled with its mode. */
function sampleMixture(name: string, modes: MixtureModes, points: number, seed: number): PointSet {
  const rng = new Rng(seed);
  const k = modes.centres.length;
  const x = new Float32Array(points * 2);
  const y = new Int32Array(points);
  for (let i = 0; i < points; i++) {
    const [cx, cy] = modes.centres[i % k];
    x[2 * i] = cx + modes.std * rng.normal();
    x[2 * i + 1] = cy + modes.std * rng.normal();
    y[i] = i % k;
  }
  const classNames = modes.centres.map((_, m) => `mode ${m + 1}`);
  return { name, task: "classification", inputShape: [2], featureNames: ["x1", "x2"], x, y, n: points, classes: k, classNames };
}

function checkOptions(op: string, points: number, noise: number): void {
  check(Number.isInteger(points) && points >= 1, op, () => `points must be a whole number >= 1, got ${points}`);
  check(Number.isFinite(noise) && noise > 0, op, () => `noise (each mode's standard deviation) must be a number > 0, got ${noise}`);
}

/** The modes of a ring of `modes` gaussians of radius 1, the first at angle 0. */
export function ringModes(modes = 8, std = 0.05): MixtureModes {
  check(Number.isInteger(modes) && modes >= 2, "gaussianRing", () => `modes must be a whole number >= 2, got ${modes}`);
  const centres = Array.from({ length: modes }, (_, m): [number, number] => [Math.cos((2 * Math.PI * m) / modes), Math.sin((2 * Math.PI * m) / modes)]);
  return { centres, std };
}

/** The modes of a `side` x `side` grid of gaussians spanning [-0.8, 0.8]², row by row from the bottom left. */
export function gridModes(side = 5, std = 0.05): MixtureModes {
  check(Number.isInteger(side) && side >= 2, "gaussianGrid", () => `side must be a whole number >= 2, got ${side}`);
  const at = (i: number) => -0.8 + (1.6 * i) / (side - 1);
  const centres: [number, number][] = [];
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) centres.push([at(c), at(r)]);
  return { centres, std };
}

/** A ring of 8 gaussians (radius 1, standard deviation `noise`, default 0.05): the classic mode-collapse test. */
export function gaussianRing(options: TargetOptions & { modes?: number } = {}): PointTarget {
  const { points = 10_000, noise = 0.05, seed = 1, modes = 8 } = options;
  checkOptions("gaussianRing", points, noise);
  const mixture = ringModes(modes, noise);
  return { points: sampleMixture("gaussian-ring", mixture, points, seed), modes: mixture };
}

/** A 5x5 grid of gaussians over [-0.8, 0.8]² (standard deviation `noise`, default 0.05). */
export function gaussianGrid(options: TargetOptions & { side?: number } = {}): PointTarget {
  const { points = 10_000, noise = 0.05, seed = 1, side = 5 } = options;
  checkOptions("gaussianGrid", points, noise);
  const mixture = gridModes(side, noise);
  return { points: sampleMixture("gaussian-grid", mixture, points, seed), modes: mixture };
}

/** The 2-D target called `name`, with the points, noise and seed of `options`. */
export function makeTarget(name: TargetName, options: TargetOptions = {}): PointTarget {
  const points = options.points ?? 10_000;
  switch (name) {
    case "gaussian-ring":
      return gaussianRing(options);
    case "gaussian-grid":
      return gaussianGrid(options);
    case "moons":
      return { points: moons({ ...options, points }) };
    case "spiral":
      return { points: spiral({ ...options, points, classes: 2 }) };
    default:
      check(false, "makeTarget", () => `unknown 2-D target "${name satisfies never}"; expected one of ${TARGET_NAMES.join(", ")}`);
  }
}
