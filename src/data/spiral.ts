/**
 * The 2-D spiral classification problem (the classic of CS231n and TensorFlow Playground): `classes`
 * interleaved arms, each point's angle perturbed by gaussian noise.
 */
import { check } from "../errors";
import type { PointSet } from "./dataset";
import { Rng } from "./random";

export type { PointSet } from "./dataset";

/**
 * `classes` spiral arms turning `turns` times from the centre out to radius 1; point i belongs to arm
 * `i % classes`, so the classes are balanced. `noise` is the standard deviation of the angle, in radians.
 */
export function spiral(options: { points?: number; classes?: number; noise?: number; turns?: number; seed?: number } = {}): PointSet {
  const { points = 300, classes = 3, noise = 0.2, turns = 1, seed = 1 } = options;
  check(
    Number.isInteger(points) && points >= classes && classes >= 2,
    "spiral",
    () => `need whole points >= classes >= 2, got ${points} points, ${classes} classes`,
  );
  check(noise >= 0, "spiral", () => `noise must be >= 0, got ${noise}`);
  const rng = new Rng(seed);
  const x = new Float32Array(points * 2);
  const y = new Int32Array(points);
  for (let i = 0; i < points; i++) {
    const c = i % classes;
    const t = Math.floor(i / classes) / Math.ceil(points / classes); // 0..1 along the arm
    const r = 0.05 + 0.95 * t;
    const angle = (2 * Math.PI * c) / classes + 2 * Math.PI * turns * t + noise * rng.normal();
    x[2 * i] = r * Math.cos(angle);
    x[2 * i + 1] = r * Math.sin(angle);
    y[i] = c;
  }
  const classNames = Array.from({ length: classes }, (_, c) => `arm ${c}`);
  return { name: "spiral", task: "classification", inputShape: [2], featureNames: ["x1", "x2"], x, y, n: points, classes, classNames };
}
