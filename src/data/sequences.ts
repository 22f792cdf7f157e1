/**
 * Seeded sequence problems, each built to show what one kind of network can and cannot do:
 *
 * - adding (Hochreiter & Schmidhuber's): each step holds a random value in [0, 1) and a marker; two
 *   steps are marked, one in each half, and the target is the sum of their values. The answer depends
 *   on steps far apart, so a plain RNN fails as the length grows where an LSTM or GRU succeeds.
 *   Steps [T, 2] (value, marker), target [1]; predicting the mean (1) scores an MSE of 1/6.
 * - sines (forecasting): a sum of two sine waves of random frequency, phase and amplitude, observed
 *   with noise for T steps; the target is the next `horizon` values of the clean signal. Steps
 *   [T, 1], target [horizon].
 * - brackets (sequence classification): strings of "(" and ")" with as many of each, balanced (every
 *   prefix opens at least as many as it closes) or not, half each. Counting is not enough: the model
 *   must track the depth. Tokens [T] (0 "(", 1 ")"), two classes.
 *
 * - reverse (sequence to sequence): random strings of `symbols` tokens, labelled step by step with
 *   the string reversed. Step t's answer is the token T-1-t steps away, which a left-to-right RNN has
 *   not yet read for the first half; attention looks it up wherever it is. Tokens [T], labels [T].
 *
 * The same options and seed give the same examples.
 */
import { check } from "../errors";
import type { ClassificationSet, RegressionSet } from "./dataset";
import { Rng } from "./random";

export interface SequenceOptions {
  /** Number of examples (default 2,000). */
  examples?: number;
  /** Steps per example. */
  length?: number;
  seed?: number;
}

function sizes(op: string, o: SequenceOptions, length: number, limits: { minLength: number; maxLength: number }): { n: number; T: number; rng: Rng } {
  const n = o.examples ?? 2000;
  const T = o.length ?? length;
  check(Number.isInteger(n) && n >= 10 && n <= 100_000, op, () => `examples must be a whole number from 10 to 100,000, got ${n}`);
  check(
    Number.isInteger(T) && T >= limits.minLength && T <= limits.maxLength,
    op,
    () => `length must be a whole number from ${limits.minLength} to ${limits.maxLength}, got ${T}`,
  );
  return { n, T, rng: new Rng(o.seed ?? 1) };
}

/** The adding problem: [n, T, 2] steps (value, marker), the sum of the two marked values as target. */
export function addingProblem(options: SequenceOptions = {}): RegressionSet {
  const { n, T, rng } = sizes("addingProblem", options, 30, { minLength: 4, maxLength: 500 });
  const x = new Float32Array(n * T * 2);
  const y = new Float32Array(n);
  const half = Math.floor(T / 2);
  for (let e = 0; e < n; e++) {
    const marked = [rng.int(half), half + rng.int(T - half)];
    for (let t = 0; t < T; t++) {
      const value = rng.uniform(0, 1);
      const at = (e * T + t) * 2;
      x[at] = value;
      if (marked.includes(t)) {
        x[at + 1] = 1;
        y[e] += value;
      }
    }
  }
  return { name: "adding", task: "regression", inputShape: [T, 2], featureNames: ["value", "marker"], x, y, n, targetDim: 1 };
}

/** Sum-of-sines forecasting: [n, T, 1] noisy observations, the next `horizon` clean values as target. */
export function sineForecast(options: SequenceOptions & { horizon?: number; noise?: number } = {}): RegressionSet {
  const { n, T, rng } = sizes("sineForecast", options, 40, { minLength: 4, maxLength: 500 });
  const horizon = options.horizon ?? 1;
  const noise = options.noise ?? 0.05;
  check(Number.isInteger(horizon) && horizon >= 1 && horizon <= 50, "sineForecast", () => `horizon must be a whole number from 1 to 50, got ${horizon}`);
  check(Number.isFinite(noise) && noise >= 0 && noise <= 2, "sineForecast", () => `noise must be from 0 to 2, got ${noise}`);
  const x = new Float32Array(n * T);
  const y = new Float32Array(n * horizon);
  for (let e = 0; e < n; e++) {
    const waves = [0, 1].map(() => ({ frequency: rng.uniform(0.02, 0.2), phase: rng.uniform(0, 2 * Math.PI), amplitude: rng.uniform(0.3, 0.7) }));
    const signal = (t: number) => waves.reduce((s, w) => s + w.amplitude * Math.sin(2 * Math.PI * w.frequency * t + w.phase), 0);
    for (let t = 0; t < T; t++) x[e * T + t] = signal(t) + noise * rng.normal();
    for (let h = 0; h < horizon; h++) y[e * horizon + h] = signal(T + h);
  }
  return { name: "sines", task: "regression", inputShape: [T, 1], featureNames: ["value"], x, y, n, targetDim: horizon };
}

/** Balanced brackets: [n, T] tokens (0 "(", 1 ")") with as many of each; class 1 when balanced. */
export function bracketStrings(options: SequenceOptions = {}): ClassificationSet {
  const { n, T, rng } = sizes("bracketStrings", options, 16, { minLength: 2, maxLength: 64 });
  check(T % 2 === 0, "bracketStrings", () => `length must be even (as many "(" as ")"), got ${T}`);
  const x = new Float32Array(n * T);
  const y = new Int32Array(n);
  const tokens = new Array<number>(T);
  for (let e = 0; e < n; e++) {
    const balanced = e % 2;
    // Shuffles of T/2 of each until the string is of the wanted kind (balanced: 1 in ~T/2+1 shuffles).
    do {
      for (let t = 0; t < T; t++) tokens[t] = t < T / 2 ? 0 : 1;
      for (let t = T - 1; t > 0; t--) {
        const k = rng.int(t + 1);
        [tokens[t], tokens[k]] = [tokens[k], tokens[t]];
      }
    } while (isBalanced(tokens) !== (balanced === 1));
    x.set(tokens, e * T);
    y[e] = balanced;
  }
  return { name: "brackets", task: "classification", inputShape: [T], x, y, n, classes: 2, classNames: ["unbalanced", "balanced"], vocabulary: ["(", ")"] };
}

/** Reversal: [n, T] tokens from `symbols` (default 8), labelled step by step with the reversed string. */
export function reversedStrings(options: SequenceOptions & { symbols?: number } = {}): ClassificationSet {
  const { n, T, rng } = sizes("reversedStrings", options, 12, { minLength: 2, maxLength: 200 });
  const symbols = options.symbols ?? 8;
  check(Number.isInteger(symbols) && symbols >= 2 && symbols <= 100, "reversedStrings", () => `symbols must be a whole number from 2 to 100, got ${symbols}`);
  const x = new Float32Array(n * T);
  const y = new Int32Array(n * T);
  for (let e = 0; e < n; e++) {
    for (let t = 0; t < T; t++) x[e * T + t] = rng.int(symbols);
    for (let t = 0; t < T; t++) y[e * T + t] = x[e * T + T - 1 - t];
  }
  const classNames = Array.from({ length: symbols }, (_, k) => String.fromCharCode(65 + (k % 26)) + (k >= 26 ? String(Math.floor(k / 26)) : ""));
  return { name: "reverse", task: "classification", inputShape: [T], labelShape: [T], x, y, n, classes: symbols, classNames, vocabulary: classNames };
}

/** Whether no prefix of the string closes more brackets than it opens (and all are closed). */
export function isBalanced(tokens: ArrayLike<number>): boolean {
  let depth = 0;
  for (let t = 0; t < tokens.length; t++) {
    depth += tokens[t] === 0 ? 1 : -1;
    if (depth < 0) return false;
  }
  return depth === 0;
}
