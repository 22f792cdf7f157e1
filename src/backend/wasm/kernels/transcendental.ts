/**
 * e^x, log(1 + u) and tanh for the wasm elementwise kernels, written once over `Lanes` (4-lane
 * vectors or single floats), since WebAssembly has no instruction for them. Each is a polynomial
 * after a range reduction, accurate to about 1e-7 relative in float32:
 *
 *   e^x        = 2^n · p(r), n = round(x·log2 e), r = x − n·ln 2 in [−ln2/2, ln2/2] (ln 2 in two parts so
 *                that n·ln 2 is exact), p the Taylor series to r^6; 2^n built from exponent bits.
 *   log(1 + u) = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + ... + s¹³/13), s = u / (2 + u) ≤ 1/3, for u in [0, 1].
 *   tanh x     = x − x³/3 + 2x⁵/15 − ... (to x¹¹) for |x| < 0.4, else ±(1 − e)/(1 + e), e = e^(−2|x|).
 */
import type { Code, Local } from "../asm";
import type { Lanes } from "./elementwise";

/** Below this e^x is 0 here (the true value, under 2.4e-38, would be a subnormal); above the upper, ∞. */
const EXP_MIN = -86.64;
const EXP_MAX = 88.7228;
const LOG2E = Math.LOG2E;
/** ln 2 = LN2_HI + LN2_LO, LN2_HI with few mantissa bits (Cody and Waite). */
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;

/** Pushes the constant v (spread over the lanes). */
export function constant(c: Code, l: Lanes, v: number): void {
  c.f32_const(v);
  l.splat(c);
}

/** Pushes p(x) = coefficients[0]·x^(n−1) + ... + coefficients[n−1] by Horner's rule. */
function horner(c: Code, l: Lanes, x: Local, coefficients: number[]): void {
  constant(c, l, coefficients[0]);
  for (const a of coefficients.slice(1)) {
    c.local_get(x);
    l.mul(c);
    constant(c, l, a);
    l.add(c);
  }
}

/** Pushes `ifTrue` where `condition` holds, else the value in `otherwise` (each a function that pushes). */
function choose(c: Code, l: Lanes, ifTrue: () => void, otherwise: () => void, condition: () => void): void {
  ifTrue();
  otherwise();
  condition();
  l.select(c);
}

/** Pushes e^x. */
export function exp(c: Code, l: Lanes, x: Local): void {
  const [t, n, r] = [c.local(l.type), c.local(l.type), c.local(l.type)];
  c.local_get(x);
  constant(c, l, EXP_MIN);
  l.max(c);
  constant(c, l, EXP_MAX);
  l.min(c);
  c.local_set(t);
  c.local_get(t);
  constant(c, l, LOG2E);
  l.mul(c);
  l.nearest(c);
  c.local_set(n);
  // r = t − n·LN2_HI − n·LN2_LO
  c.local_get(t).local_get(n);
  constant(c, l, LN2_HI);
  l.mul(c);
  l.sub(c);
  c.local_get(n);
  constant(c, l, LN2_LO);
  l.mul(c);
  l.sub(c);
  c.local_set(r);
  // p(r) · 2^(n−1) · 2 (n − 1 keeps the exponent bits finite at n = 128)
  horner(c, l, r, [1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1]);
  c.local_get(n);
  constant(c, l, 1);
  l.sub(c);
  l.pow2(c);
  l.mul(c);
  constant(c, l, 2);
  l.mul(c);
  c.local_set(r);
  // Out of range: 0 below, ∞ above (NaN stays NaN: it is neither).
  choose(
    c,
    l,
    () => constant(c, l, 0),
    () =>
      choose(
        c,
        l,
        () => constant(c, l, Number.POSITIVE_INFINITY),
        () => c.local_get(r),
        () => {
          constant(c, l, EXP_MAX);
          c.local_get(x);
          l.less(c);
        },
      ),
    () => {
      c.local_get(x);
      constant(c, l, EXP_MIN);
      l.less(c);
    },
  );
}

/** Pushes log(1 + u) for u in [0, 1]. */
export function log1pUnit(c: Code, l: Lanes, u: Local): void {
  const [s, s2] = [c.local(l.type), c.local(l.type)];
  c.local_get(u);
  constant(c, l, 2);
  c.local_get(u);
  l.add(c);
  l.div(c);
  c.local_set(s);
  c.local_get(s).local_get(s);
  l.mul(c);
  c.local_set(s2);
  horner(c, l, s2, [1 / 13, 1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3, 1]);
  c.local_get(s);
  l.mul(c);
  constant(c, l, 2);
  l.mul(c);
}

/** Pushes e^(−|x|) into a new local and returns it. */
function expNegAbs(c: Code, l: Lanes, x: Local, scale = 1): Local {
  const [m, e] = [c.local(l.type), c.local(l.type)];
  constant(c, l, -scale);
  c.local_get(x);
  l.abs(c);
  l.mul(c);
  c.local_set(m);
  exp(c, l, m);
  c.local_set(e);
  return e;
}

/** Pushes σ(x) = 1 / (1 + e^−x), from e = e^(−|x|): 1 / (1 + e) for x ≥ 0, e / (1 + e) below. */
export function sigmoid(c: Code, l: Lanes, x: Local): void {
  const e = expNegAbs(c, l, x);
  const denominator = () => {
    constant(c, l, 1);
    c.local_get(e);
    l.add(c);
  };
  choose(
    c,
    l,
    () => {
      c.local_get(e);
      denominator();
      l.div(c);
    },
    () => {
      constant(c, l, 1);
      denominator();
      l.div(c);
    },
    () => {
      c.local_get(x);
      constant(c, l, 0);
      l.less(c);
    },
  );
}

/** Pushes log(1 + e^(−|x|)), the smooth part of softplus and of the logistic loss. */
export function log1pExpNegAbs(c: Code, l: Lanes, x: Local): void {
  log1pUnit(c, l, expNegAbs(c, l, x));
}

/** Pushes tanh x. */
export function tanh(c: Code, l: Lanes, x: Local): void {
  const [x2, big] = [c.local(l.type), c.local(l.type)];
  const e = expNegAbs(c, l, x, 2);
  // (1 − e) / (1 + e), then the sign of x
  constant(c, l, 1);
  c.local_get(e);
  l.sub(c);
  constant(c, l, 1);
  c.local_get(e);
  l.add(c);
  l.div(c);
  c.local_set(big);
  c.local_get(x).local_get(x);
  l.mul(c);
  c.local_set(x2);
  choose(
    c,
    l,
    () =>
      choose(
        c,
        l,
        () => {
          constant(c, l, 0);
          c.local_get(big);
          l.sub(c);
        },
        () => c.local_get(big),
        () => {
          c.local_get(x);
          constant(c, l, 0);
          l.less(c);
        },
      ),
    () => {
      horner(c, l, x2, [-1382 / 155925, 62 / 2835, -17 / 315, 2 / 15, -1 / 3, 1]);
      c.local_get(x);
      l.mul(c);
    },
    () => {
      constant(c, l, 0.4);
      c.local_get(x);
      l.abs(c);
      l.less(c);
    },
  );
}
