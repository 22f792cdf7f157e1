/**
 * Unary elementwise ops: math functions and activations. Each activation is declared once with its
 * forward formula and its derivative; the derivative becomes a fused `<name>Backward` op
 * (dy, saved) -> dx, so a backward pass costs one dispatch per activation.
 */
import { apply1 } from "../tensor/engine";
import { elementwise } from "./kernels/elementwise";
import { erf, sigmoid as sigmoidScalar } from "./math";
import type { OpDef, OpTable, OpTest } from "./op";

type P = [number, number];

interface UnarySpec<A extends object> {
  name: string;
  /** y = f(x), with p0, p1 from params(attrs). */
  cpu: (x: number, p0: number, p1: number) => number;
  wgsl: string;
  params?: (attrs: A) => P;
  /** The derivative, given dy and the saved x or y: dx = grad(dy, saved). */
  grad: {
    uses: "x" | "y";
    cpu: (dy: number, saved: number, p0: number, p1: number) => number;
    /** WGSL expression of dy, x or y (whichever `uses` names), p0, p1. */
    wgsl: string;
  };
  test?: OpTest<A>;
}

const SMALL_CASES = [{ inputs: [[1]] }, { inputs: [[7]] }, { inputs: [[3, 5]] }, { inputs: [[2, 3, 33]] }];

/** Declares a unary op and its fused backward op; returns both for the registry. */
function unary<A extends object = Record<string, never>>(spec: UnarySpec<A>): [OpDef<A>, OpDef<A>] {
  const test = { cases: SMALL_CASES, ...spec.test } as OpTest<A>;
  const backwardOp = elementwise<A>({
    name: `${spec.name}Backward`,
    arity: 2,
    cpu: (dy, saved, _c, p0, p1) => spec.grad.cpu(dy, saved, p0, p1),
    wgsl: `let dy = a; let ${spec.grad.uses} = b; return ${spec.grad.wgsl};`,
    params: spec.params,
    test: { ...test, cases: test.cases.map((c) => ({ ...c, inputs: [c.inputs[0], c.inputs[0]] })), gradcheck: false },
  });
  const forward = elementwise<A>({
    name: spec.name,
    arity: 1,
    cpu: (x, _b, _c, p0, p1) => spec.cpu(x, p0, p1),
    wgsl: spec.wgsl,
    params: spec.params,
    vjp: ({ inputs: [x], outputs: [y], dy, attrs }) => [apply1(backwardOp, [dy, spec.grad.uses === "x" ? x : y], attrs)],
    test,
  });
  return [forward, backwardOp];
}

const INV_SQRT_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export const [expOp, expBackwardOp] = unary({
  name: "exp",
  cpu: Math.exp,
  wgsl: "exp(a)",
  grad: { uses: "y", cpu: (dy, y) => dy * y, wgsl: "dy * y" },
});

export const [logOp, logBackwardOp] = unary({
  name: "log",
  cpu: Math.log,
  wgsl: "log(a)",
  grad: { uses: "x", cpu: (dy, x) => dy / x, wgsl: "dy / x" },
  test: { cases: SMALL_CASES, domain: [0.1, 3] },
});

export const [sqrtOp, sqrtBackwardOp] = unary({
  name: "sqrt",
  cpu: Math.sqrt,
  wgsl: "sqrt(a)",
  grad: { uses: "y", cpu: (dy, y) => (0.5 * dy) / y, wgsl: "0.5 * dy / y" },
  test: { cases: SMALL_CASES, domain: [0.1, 3] },
});

/** 1/sqrt(x): d/dx = -1/2 x^(-3/2) = -y^3 / 2 */
export const [rsqrtOp, rsqrtBackwardOp] = unary({
  name: "rsqrt",
  cpu: (x) => 1 / Math.sqrt(x),
  wgsl: "inverseSqrt(a)",
  grad: { uses: "y", cpu: (dy, y) => -0.5 * dy * y * y * y, wgsl: "-0.5 * dy * y * y * y" },
  test: { cases: SMALL_CASES, domain: [0.2, 3] },
});

export const [absOp, absBackwardOp] = unary({
  name: "abs",
  cpu: Math.abs,
  wgsl: "abs(a)",
  grad: { uses: "x", cpu: (dy, x) => dy * Math.sign(x), wgsl: "dy * sign(x)" },
  test: { cases: SMALL_CASES, avoid: [0] },
});

export const [sinOp, sinBackwardOp] = unary({
  name: "sin",
  cpu: Math.sin,
  wgsl: "sin_f(a)",
  grad: { uses: "x", cpu: (dy, x) => dy * Math.cos(x), wgsl: "dy * cos_f(x)" },
});

export const [cosOp, cosBackwardOp] = unary({
  name: "cos",
  cpu: Math.cos,
  wgsl: "cos_f(a)",
  grad: { uses: "x", cpu: (dy, x) => -dy * Math.sin(x), wgsl: "-dy * sin_f(x)" },
});

export const [reluOp, reluBackwardOp] = unary({
  name: "relu",
  cpu: (x) => Math.max(x, 0),
  wgsl: "select(0.0, a, a > 0.0)",
  grad: { uses: "x", cpu: (dy, x) => (x > 0 ? dy : 0), wgsl: "select(0.0, dy, x > 0.0)" },
  test: { cases: SMALL_CASES, avoid: [0] },
});

export const [leakyReluOp, leakyReluBackwardOp] = unary<{ negativeSlope: number }>({
  name: "leakyRelu",
  cpu: (x, slope) => (x > 0 ? x : slope * x),
  wgsl: "select(p0 * a, a, a > 0.0)",
  params: (a) => [a.negativeSlope, 0],
  grad: { uses: "x", cpu: (dy, x, slope) => (x > 0 ? dy : slope * dy), wgsl: "select(p0 * dy, dy, x > 0.0)" },
  test: { cases: SMALL_CASES.map((c) => ({ ...c, attrs: { negativeSlope: 0.1 } })), avoid: [0] },
});

/** ELU: x for x > 0, alpha (e^x - 1) otherwise; d/dx = alpha e^x below 0. */
export const [eluOp, eluBackwardOp] = unary<{ alpha: number }>({
  name: "elu",
  cpu: (x, alpha) => (x > 0 ? x : alpha * Math.expm1(x)),
  wgsl: "select(p0 * (exp(a) - 1.0), a, a > 0.0)",
  params: (a) => [a.alpha, 0],
  grad: { uses: "x", cpu: (dy, x, alpha) => (x > 0 ? dy : dy * alpha * Math.exp(x)), wgsl: "select(dy * p0 * exp(x), dy, x > 0.0)" },
  test: { cases: SMALL_CASES.map((c) => ({ ...c, attrs: { alpha: 1.3 } })), avoid: [0] },
});

/** sigmoid(x) = 1 / (1 + e^-x); d/dx = y (1 - y). */
export const [sigmoidOp, sigmoidBackwardOp] = unary({
  name: "sigmoid",
  cpu: sigmoidScalar,
  wgsl: "sigmoid_f(a)",
  grad: { uses: "y", cpu: (dy, y) => dy * y * (1 - y), wgsl: "dy * y * (1.0 - y)" },
  test: { cases: SMALL_CASES, domain: [-6, 6] },
});

/** d/dx tanh(x) = 1 - y^2. */
export const [tanhOp, tanhBackwardOp] = unary({
  name: "tanh",
  cpu: Math.tanh,
  wgsl: "tanh_f(a)",
  grad: { uses: "y", cpu: (dy, y) => dy * (1 - y * y), wgsl: "dy * (1.0 - y * y)" },
  test: { cases: SMALL_CASES, domain: [-4, 4] },
});

/** Exact GELU: x Φ(x), Φ the normal CDF; d/dx = Φ(x) + x φ(x). */
export const [geluOp, geluBackwardOp] = unary({
  name: "gelu",
  cpu: (x) => 0.5 * x * (1 + erf(x * INV_SQRT_2)),
  wgsl: "0.5 * a * (1.0 + erf_approx(a * INV_SQRT_2))",
  grad: {
    uses: "x",
    cpu: (dy, x) => dy * (0.5 * (1 + erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x)),
    wgsl: "dy * (0.5 * (1.0 + erf_approx(x * INV_SQRT_2)) + x * INV_SQRT_2PI * exp(-0.5 * x * x))",
  },
  test: { cases: SMALL_CASES, domain: [-4, 4] },
});

/**
 * GELU, tanh approximation: 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3);
 * d/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2).
 */
export const [geluTanhOp, geluTanhBackwardOp] = unary({
  name: "geluTanh",
  cpu: (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))),
  wgsl: "0.5 * a * (1.0 + tanh_f(SQRT_2_OVER_PI * (a + 0.044715 * a * a * a)))",
  grad: {
    uses: "x",
    cpu: (dy, x) => {
      const t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
      return dy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x));
    },
    wgsl: "dy * (0.5 * (1.0 + tanh_f(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))) + 0.5 * x * (1.0 - pow(tanh_f(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)), 2.0)) * SQRT_2_OVER_PI * (1.0 + 0.134145 * x * x))",
  },
  test: { cases: SMALL_CASES, domain: [-4, 4] },
});

/** SiLU (swish): x σ(x); d/dx = σ(x) (1 + x (1 - σ(x))). */
export const [siluOp, siluBackwardOp] = unary({
  name: "silu",
  cpu: (x) => x * sigmoidScalar(x),
  wgsl: "a * sigmoid_f(a)",
  grad: {
    uses: "x",
    cpu: (dy, x) => {
      const s = sigmoidScalar(x);
      return dy * s * (1 + x * (1 - s));
    },
    wgsl: "dy * sigmoid_f(x) * (1.0 + x * (1.0 - sigmoid_f(x)))",
  },
});

/** softplus(x) = log(1 + e^(βx)) / β, linear above the threshold; d/dx = σ(βx). */
export const [softplusOp, softplusBackwardOp] = unary<{ beta: number; threshold: number }>({
  name: "softplus",
  cpu: (x, beta, threshold) => (beta * x > threshold ? x : (Math.max(beta * x, 0) + Math.log1p(Math.exp(-Math.abs(beta * x)))) / beta),
  wgsl: "select(softplus_f(p0 * a) / p0, a, p0 * a > p1)",
  params: (a) => [a.beta, a.threshold],
  grad: {
    uses: "x",
    cpu: (dy, x, beta, threshold) => (beta * x > threshold ? dy : dy * sigmoidScalar(beta * x)),
    wgsl: "select(dy * sigmoid_f(p0 * x), dy, p0 * x > p1)",
  },
  test: { cases: SMALL_CASES.map((c) => ({ ...c, attrs: { beta: 1, threshold: 20 } })), domain: [-5, 5] },
});

/** x^e for a scalar e: d/dx = e x^(e-1). */
export const [powScalarOp, powScalarBackwardOp] = unary<{ exponent: number }>({
  name: "powScalar",
  cpu: (x, e) => x ** e,
  wgsl: "pow_f(a, p0)",
  params: (a) => [a.exponent, 0],
  grad: { uses: "x", cpu: (dy, x, e) => dy * e * x ** (e - 1), wgsl: "dy * p0 * pow_f(x, p0 - 1.0)" },
  test: {
    cases: [
      { inputs: [[7]], attrs: { exponent: 3 } },
      { inputs: [[3, 5]], attrs: { exponent: 2 } },
      { inputs: [{ shape: [2, 9], domain: [0.3, 2] }], attrs: { exponent: -1.5 } },
    ],
  },
});

/** x clamped to [min, max]; the gradient passes where min <= x <= max (PyTorch's rule). */
export const [clampOp, clampBackwardOp] = unary<{ min: number; max: number }>({
  name: "clamp",
  cpu: (x, lo, hi) => Math.min(Math.max(x, lo), hi),
  wgsl: "min(max(a, p0), p1)",
  params: (a) => [a.min, a.max],
  grad: { uses: "x", cpu: (dy, x, lo, hi) => (x >= lo && x <= hi ? dy : 0), wgsl: "select(0.0, dy, x >= p0 && x <= p1)" },
  test: { cases: SMALL_CASES.map((c) => ({ ...c, attrs: { min: -0.5, max: 1 } })), avoid: [-0.5, 1] },
});

/** a * scale + shift: the scalar forms of add, sub, mul and div. d/da = scale. */
export const affineOp: OpDef<{ scale: number; shift: number }> = elementwise<{ scale: number; shift: number }>({
  name: "affine",
  arity: 1,
  cpu: (a, _b, _c, scale, shift) => a * scale + shift,
  wgsl: "a * p0 + p1",
  params: (a) => [a.scale, a.shift],
  vjp: ({ dy, attrs }) => [apply1(affineOp, [dy], { scale: attrs.scale, shift: 0 })],
  test: { cases: SMALL_CASES.map((c) => ({ ...c, attrs: { scale: -1.5, shift: 0.25 } })) },
});

/** c / x: d/dx = -c / x^2. */
export const [reciprocalOp, reciprocalBackwardOp] = unary<{ numerator: number }>({
  name: "reciprocal",
  cpu: (x, c) => c / x,
  wgsl: "p0 / a",
  params: (a) => [a.numerator, 0],
  grad: { uses: "x", cpu: (dy, x, c) => (-dy * c) / (x * x), wgsl: "-dy * p0 / (x * x)" },
  test: { cases: SMALL_CASES.map((c) => ({ ...c, attrs: { numerator: 2 } })), domain: [0.3, 3] },
});

/** sign(x) in {-1, 0, 1}; its gradient is zero almost everywhere, so none flows. */
export const signOp = elementwise({
  name: "sign",
  arity: 1,
  cpu: (a) => Math.sign(a),
  wgsl: "sign(a)",
  vjp: () => [null],
  test: { cases: SMALL_CASES, avoid: [0], gradcheck: false },
});

/** Converts between float32 and int32 (float -> int truncates toward zero, like PyTorch). */
export const castOp = elementwise<{ dtype: "float32" | "int32" }>({
  name: "cast",
  arity: 1,
  accepts: ["any"],
  output: (attrs) => attrs.dtype,
  cpu: (a) => a,
  wgsl: "a",
  vjp: ({ inputs: [x], dy }) => [x.dtype === "float32" ? dy : null],
  test: {
    cases: [
      { inputs: [[3, 5]], attrs: { dtype: "int32" } },
      { inputs: [{ shape: [7], int: [-50, 50] }], attrs: { dtype: "float32" } },
    ],
    domain: [-9, 9],
    gradcheck: false,
  },
});

/** This module's ops, by name (the registry joins every module's table). */
export const unaryOps = {
  exp: expOp,
  expBackward: expBackwardOp,
  log: logOp,
  logBackward: logBackwardOp,
  sqrt: sqrtOp,
  sqrtBackward: sqrtBackwardOp,
  rsqrt: rsqrtOp,
  rsqrtBackward: rsqrtBackwardOp,
  abs: absOp,
  absBackward: absBackwardOp,
  sin: sinOp,
  sinBackward: sinBackwardOp,
  cos: cosOp,
  cosBackward: cosBackwardOp,
  relu: reluOp,
  reluBackward: reluBackwardOp,
  leakyRelu: leakyReluOp,
  leakyReluBackward: leakyReluBackwardOp,
  elu: eluOp,
  eluBackward: eluBackwardOp,
  sigmoid: sigmoidOp,
  sigmoidBackward: sigmoidBackwardOp,
  tanh: tanhOp,
  tanhBackward: tanhBackwardOp,
  gelu: geluOp,
  geluBackward: geluBackwardOp,
  geluTanh: geluTanhOp,
  geluTanhBackward: geluTanhBackwardOp,
  silu: siluOp,
  siluBackward: siluBackwardOp,
  softplus: softplusOp,
  softplusBackward: softplusBackwardOp,
  powScalar: powScalarOp,
  powScalarBackward: powScalarBackwardOp,
  clamp: clampOp,
  clampBackward: clampBackwardOp,
  affine: affineOp,
  reciprocal: reciprocalOp,
  reciprocalBackward: reciprocalBackwardOp,
  sign: signOp,
  cast: castOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    unary: typeof unaryOps;
  }
}
