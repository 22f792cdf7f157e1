/**
 * Binary and ternary elementwise ops with PyTorch broadcasting: arithmetic, comparisons, where.
 * Scalars take the cheaper unary paths (affine, powScalar, clamp...), so `x.mul(2)` uploads nothing.
 * Gradients come back at the output's (broadcast) shape; autograd sums them to each input's shape.
 */
import { OpError } from "../errors";
import { apply1 } from "../tensor/engine";
import { Tensor } from "../tensor/tensor";
import { scalarLike } from "./creation";
import { elementwise } from "./kernels/elementwise";
import { sigmoid } from "./math";
import type { OpTable } from "./op";
import { affineOp, clampOp, expOp, logOp, powScalarOp, reciprocalOp } from "./unary";

const BROADCAST_CASES = [
  { inputs: [[1], [1]] },
  { inputs: [[7], [7]] },
  {
    inputs: [
      [2, 3, 4],
      [3, 1],
    ],
  },
  {
    inputs: [
      [4, 1, 5],
      [3, 1],
    ],
  },
  { inputs: [[2, 5], [5]] },
  {
    inputs: [
      [3, 1, 1, 6],
      [1, 2, 5, 1],
    ],
  },
];

export const addOp = elementwise({
  name: "add",
  arity: 2,
  cpu: (a, b) => a + b,
  wgsl: "a + b",
  vjp: ({ dy }) => [dy, dy],
  test: { cases: BROADCAST_CASES },
});

export const subOp = elementwise({
  name: "sub",
  arity: 2,
  cpu: (a, b) => a - b,
  wgsl: "a - b",
  vjp: ({ dy }) => [dy, neg(dy)],
  test: { cases: BROADCAST_CASES },
});

export const mulOp = elementwise({
  name: "mul",
  arity: 2,
  cpu: (a, b) => a * b,
  wgsl: "a * b",
  vjp: ({ inputs: [a, b], dy, needs }) => [needs[0] ? mul(dy, b) : null, needs[1] ? mul(dy, a) : null],
  test: { cases: BROADCAST_CASES },
});

/** y = a / b: da = dy / b, db = -dy a / b^2 = -dy y / b. */
export const divOp = elementwise({
  name: "div",
  arity: 2,
  cpu: (a, b) => a / b,
  wgsl: "a / b",
  vjp: ({ inputs: [, b], outputs: [y], dy, needs }) => [needs[0] ? div(dy, b) : null, needs[1] ? neg(mul(dy, div(y, b))) : null],
  test: { cases: BROADCAST_CASES, domain: [0.5, 2] },
});

/** y = a^b: da = dy b a^(b-1), db = dy y log(a). */
export const powOp = elementwise({
  name: "pow",
  arity: 2,
  cpu: (a, b) => a ** b,
  wgsl: "pow_f(a, b)",
  vjp: ({ inputs: [a, b], outputs: [y], dy, needs }) => [needs[0] ? mul(dy, mul(b, pow(a, sub(b, 1)))) : null, needs[1] ? mul(dy, mul(y, log(a))) : null],
  test: { cases: BROADCAST_CASES.slice(0, 4), domain: [0.5, 2] },
});

/** Passes dy where the mask is nonzero (invert: where it is zero). The gradient of where/max/min. */
export const maskOp = elementwise<{ invert: boolean }>({
  name: "mask",
  arity: 2,
  accepts: ["float32", "any"],
  cpu: (a, m, _c, invert) => ((m !== 0) !== (invert !== 0) ? a : 0),
  wgsl: "select(0.0, a, (b != 0.0) != (p0 != 0.0))",
  params: (a) => [a.invert ? 1 : 0, 0],
  test: {
    cases: [
      {
        inputs: [
          [3, 4],
          [3, 4],
        ],
        attrs: { invert: false },
      },
      { inputs: [[3, 4], [4]], attrs: { invert: true } },
    ],
    avoid: [0],
    gradcheck: false,
  },
});

/** where(cond, a, b): a where cond is nonzero, else b. */
export const whereOp = elementwise({
  name: "where",
  arity: 3,
  accepts: ["any", "float32", "float32"],
  cpu: (c, a, b) => (c !== 0 ? a : b),
  wgsl: "select(c, b, a != 0.0)",
  vjp: ({ inputs: [cond], dy, needs }) => [
    null,
    needs[1] ? apply1(maskOp, [dy, cond], { invert: false }) : null,
    needs[2] ? apply1(maskOp, [dy, cond], { invert: true }) : null,
  ],
  test: { cases: [{ inputs: [{ shape: [3, 4], int: [0, 2] }, [3, 4], [3, 4]] }, { inputs: [{ shape: [4], int: [0, 2] }, [3, 1], [1]] }] },
});

export type Comparison = "eq" | "ne" | "lt" | "le" | "gt" | "ge";
const COMPARISONS: Comparison[] = ["eq", "ne", "lt", "le", "gt", "ge"];
const compareScalar = (cmp: number, a: number, b: number): boolean => [a === b, a !== b, a < b, a <= b, a > b, a >= b][cmp] as boolean;
const COMPARE_WGSL = "let r = array<bool, 6>((a == b), (a != b), (a < b), (a <= b), (a > b), (a >= b)); return select(0.0, 1.0, r[u32(p0)]);";

/** Elementwise comparison; returns a float32 mask of 0 and 1 (there is no bool dtype). */
export const compareOp = elementwise<{ cmp: Comparison }>({
  name: "compare",
  arity: 2,
  accepts: ["any", "any"],
  cpu: (a, b, _c, cmp) => (compareScalar(cmp, a, b) ? 1 : 0),
  wgsl: COMPARE_WGSL,
  params: (a) => [COMPARISONS.indexOf(a.cmp), 0],
  test: {
    cases: [
      ...COMPARISONS.map((cmp) => ({
        inputs: [
          { shape: [4, 5], int: [0, 3] },
          { shape: [5], int: [0, 3] },
        ],
        attrs: { cmp },
      })),
      {
        inputs: [
          [3, 4],
          [3, 4],
        ],
        attrs: { cmp: "lt" as Comparison },
      },
    ],
    gradcheck: false,
  },
});

/** Comparison with a scalar: a <cmp> value, as a float32 mask. */
export const compareScalarOp = elementwise<{ cmp: Comparison; value: number }>({
  name: "compareScalar",
  arity: 1,
  accepts: ["any"],
  cpu: (a, _b, _c, cmp, value) => (compareScalar(cmp, a, value) ? 1 : 0),
  wgsl: COMPARE_WGSL.replaceAll(" b)", " p1)"),
  params: (a) => [COMPARISONS.indexOf(a.cmp), a.value],
  test: { cases: COMPARISONS.map((cmp) => ({ inputs: [{ shape: [9], int: [0, 3] }], attrs: { cmp, value: 1 } })), gradcheck: false },
});

/**
 * Binary cross-entropy on logits x against targets t, per element, in the stable form
 * max(x, 0) - x t + log(1 + e^-|x|). d/dx = σ(x) - t, d/dt = -x.
 */
export const bceWithLogitsOp = elementwise({
  name: "bceWithLogits",
  arity: 2,
  cpu: (x, t) => Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x))),
  wgsl: "max(a, 0.0) - a * b + log(1.0 + exp(-abs(a)))",
  vjp: ({ inputs: [x, t], dy, needs }) => [needs[0] ? apply1(bceWithLogitsBackwardOp, [dy, x, t], {}) : null, needs[1] ? neg(mul(dy, x)) : null],
  test: {
    cases: [
      {
        inputs: [
          [7, 1],
          [7, 1],
        ],
      },
      { inputs: [[4, 3], [3]] },
    ],
  },
});

export const bceWithLogitsBackwardOp = elementwise({
  name: "bceWithLogitsBackward",
  arity: 3,
  cpu: (dy, x, t) => dy * (sigmoid(x) - t),
  wgsl: "a * (sigmoid_f(b) - c)",
  // Three SIMD passes: σ(x), minus t, times dy; a layout they cannot take goes to the reference,
  // which writes the whole output again.
  wasm: (ctx, [dy, x, t], [out]) => {
    for (const [name, inputs] of [
      ["sigmoid", [x]],
      ["sub", [out, t]],
      ["mul", [out, dy]],
    ] as const)
      if (ctx.elementwise(name, [...inputs], out, [0, 0]) === false) return false;
  },
  test: {
    cases: [
      {
        inputs: [
          [7, 1],
          [7, 1],
          [7, 1],
        ],
      },
    ],
    gradcheck: false,
  },
});

// ---- public functions ----

type Operand = Tensor | number;

function bothNumbers(op: string, a: Operand, b: Operand): never {
  throw new OpError(op, `expected at least one Tensor, got ${typeof a} ${String(a)} and ${typeof b} ${String(b)}`);
}

const affine = (x: Tensor, scale: number, shift: number) => apply1(affineOp, [x], { scale, shift });

/** a + b, broadcasting. */
export function add(a: Operand, b: Operand): Tensor {
  if (a instanceof Tensor && b instanceof Tensor) return apply1(addOp, [a, b], {});
  if (a instanceof Tensor) return affine(a, 1, b as number);
  if (b instanceof Tensor) return affine(b, 1, a);
  return bothNumbers("add", a, b);
}

/** a - b, broadcasting. */
export function sub(a: Operand, b: Operand): Tensor {
  if (a instanceof Tensor && b instanceof Tensor) return apply1(subOp, [a, b], {});
  if (a instanceof Tensor) return affine(a, 1, -(b as number));
  if (b instanceof Tensor) return affine(b, -1, a);
  return bothNumbers("sub", a, b);
}

/** a * b, broadcasting. */
export function mul(a: Operand, b: Operand): Tensor {
  if (a instanceof Tensor && b instanceof Tensor) return apply1(mulOp, [a, b], {});
  if (a instanceof Tensor) return affine(a, b as number, 0);
  if (b instanceof Tensor) return affine(b, a, 0);
  return bothNumbers("mul", a, b);
}

/** a / b, broadcasting. */
export function div(a: Operand, b: Operand): Tensor {
  if (a instanceof Tensor && b instanceof Tensor) return apply1(divOp, [a, b], {});
  if (a instanceof Tensor) return affine(a, 1 / (b as number), 0);
  if (b instanceof Tensor) return apply1(reciprocalOp, [b], { numerator: a });
  return bothNumbers("div", a, b);
}

/** a ** b, broadcasting (PyTorch's rules for negative bases). */
export function pow(a: Operand, b: Operand): Tensor {
  if (a instanceof Tensor && b instanceof Tensor) return apply1(powOp, [a, b], {});
  if (a instanceof Tensor) return apply1(powScalarOp, [a], { exponent: b as number });
  if (b instanceof Tensor) return apply1(expOp, [mul(b, Math.log(a))], {});
  return bothNumbers("pow", a, b);
}

/** -x */
export function neg(x: Tensor): Tensor {
  return affine(x, -1, 0);
}

function log(x: Tensor): Tensor {
  return apply1(logOp, [x], {});
}

/** Elementwise minimum; where a == b each side gets half the gradient (as in PyTorch). */
export function minimum(a: Operand, b: Operand): Tensor {
  if (typeof b === "number" && a instanceof Tensor) return apply1(clampOp, [a], { min: -Infinity, max: b });
  if (typeof a === "number" && b instanceof Tensor) return apply1(clampOp, [b], { min: -Infinity, max: a });
  return extremum(a as Tensor, b as Tensor, "lt");
}

/** Elementwise maximum; where a == b each side gets half the gradient (as in PyTorch). */
export function maximum(a: Operand, b: Operand): Tensor {
  if (typeof b === "number" && a instanceof Tensor) return apply1(clampOp, [a], { min: b, max: Infinity });
  if (typeof a === "number" && b instanceof Tensor) return apply1(clampOp, [b], { min: a, max: Infinity });
  return extremum(a as Tensor, b as Tensor, "gt");
}

/** max/min of two tensors built from where(): a where (a cmp b), b where (b cmp a), their mean on ties. */
function extremum(a: Tensor, b: Tensor, cmp: "lt" | "gt"): Tensor {
  const aWins = compare(a, b, cmp);
  const tie = compare(a, b, "eq");
  const picked = where(aWins, a, b);
  return where(tie, mul(add(a, b), 0.5), picked);
}

/** a <cmp> b as a float32 mask of 0/1. */
export function compare(a: Operand, b: Operand, cmp: Comparison): Tensor {
  if (a instanceof Tensor && b instanceof Tensor) return apply1(compareOp, [a, b], { cmp });
  const flipped: Record<Comparison, Comparison> = { eq: "eq", ne: "ne", lt: "gt", le: "ge", gt: "lt", ge: "le" };
  if (a instanceof Tensor) return apply1(compareScalarOp, [a], { cmp, value: b as number });
  if (b instanceof Tensor) return apply1(compareScalarOp, [b], { cmp: flipped[cmp], value: a });
  return bothNumbers(cmp, a, b);
}

export const eq = (a: Operand, b: Operand) => compare(a, b, "eq");
export const ne = (a: Operand, b: Operand) => compare(a, b, "ne");
export const lt = (a: Operand, b: Operand) => compare(a, b, "lt");
export const le = (a: Operand, b: Operand) => compare(a, b, "le");
export const gt = (a: Operand, b: Operand) => compare(a, b, "gt");
export const ge = (a: Operand, b: Operand) => compare(a, b, "ge");

/** a where cond is nonzero, else b (numbers become scalars on cond's backend). */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const ta = a instanceof Tensor ? a : scalarLike(a, cond);
  const tb = b instanceof Tensor ? b : scalarLike(b, cond);
  try {
    return apply1(whereOp, [cond, ta, tb], {});
  } finally {
    if (!(a instanceof Tensor)) ta.dispose();
    if (!(b instanceof Tensor)) tb.dispose();
  }
}

/** This module's ops, by name (the registry joins every module's table). */
export const binaryOps = {
  add: addOp,
  sub: subOp,
  mul: mulOp,
  div: divOp,
  pow: powOp,
  mask: maskOp,
  where: whereOp,
  compare: compareOp,
  compareScalar: compareScalarOp,
  bceWithLogits: bceWithLogitsOp,
  bceWithLogitsBackward: bceWithLogitsBackwardOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    binary: typeof binaryOps;
  }
}
