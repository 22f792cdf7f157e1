/**
 * Elementwise ops as WebAssembly SIMD: the wasm half of the registry ops named below (their CPU
 * reference and WGSL sit with the op, in src/ops/binary.ts and src/ops/unary.ts; the registry tests
 * hold the three to the same numbers). Each formula is written once over `Lanes` and emitted for
 * 4-lane vectors and for the scalar tail. Each op gets three functions, name/mode(n, a, b, out, p0, p1),
 * for the innermost run of a broadcast: "vv" both operands step, "vs" b stays (a broadcast scalar),
 * "sv" a stays; the driver (WasmBackend.elementwise) walks the outer dimensions.
 */
import type { Code, Local, ModuleBuilder } from "../asm";
import { constant, exp, log1pExpNegAbs, sigmoid, tanh } from "./transcendental";

/** The instructions a formula needs, for vectors or single floats. */
export interface Lanes {
  type: "v128" | "f32";
  width: number;
  load(c: Code): void;
  store(c: Code): void;
  /** Spreads the f32 on the stack over the lanes (nothing for single floats). */
  splat(c: Code): void;
  add(c: Code): void;
  sub(c: Code): void;
  mul(c: Code): void;
  div(c: Code): void;
  sqrt(c: Code): void;
  max(c: Code): void;
  min(c: Code): void;
  abs(c: Code): void;
  /** Rounds to the nearest integer (ties to even). */
  nearest(c: Code): void;
  /** Replaces an integral k (−126..128) by 2^k, built from its exponent bits. */
  pow2(c: Code): void;
  /** Stack: a, b -> "is a < b" (a lane mask, or an i32). */
  less(c: Code): void;
  /** Replaces the value on the stack by "is it > 0" (a lane mask, or an i32). */
  positive(c: Code): void;
  /** Stack: ifTrue, ifFalse, condition (from `positive`) -> the chosen value. */
  select(c: Code): void;
}

export const VECTOR: Lanes = {
  type: "v128",
  width: 4,
  load: (c) => c.v128_load(),
  store: (c) => c.v128_store(),
  splat: (c) => c.f32x4_splat(),
  add: (c) => c.f32x4_add(),
  sub: (c) => c.f32x4_sub(),
  mul: (c) => c.f32x4_mul(),
  div: (c) => c.f32x4_div(),
  sqrt: (c) => c.f32x4_sqrt(),
  max: (c) => c.f32x4_max(),
  min: (c) => c.f32x4_min(),
  abs: (c) => c.f32x4_abs(),
  nearest: (c) => c.f32x4_nearest(),
  pow2: (c) => c.i32x4_trunc_sat_f32x4_s().i32_const(127).i32x4_splat().i32x4_add().i32_const(23).i32x4_shl(),
  less: (c) => c.f32x4_lt(),
  positive: (c) => c.f32_const(0).f32x4_splat().f32x4_gt(),
  select: (c) => c.v128_bitselect(),
};

export const SCALAR: Lanes = {
  type: "f32",
  width: 1,
  load: (c) => c.f32_load(),
  store: (c) => c.f32_store(),
  splat: () => {},
  add: (c) => c.f32_add(),
  sub: (c) => c.f32_sub(),
  mul: (c) => c.f32_mul(),
  div: (c) => c.f32_div(),
  sqrt: (c) => c.f32_sqrt(),
  max: (c) => c.f32_max(),
  min: (c) => c.f32_min(),
  abs: (c) => c.f32_abs(),
  nearest: (c) => c.f32_nearest(),
  pow2: (c) => c.i32_trunc_sat_f32_s().i32_const(127).i32_add().i32_const(23).i32_shl().f32_reinterpret_i32(),
  less: (c) => c.f32_lt(),
  positive: (c) => c.f32_const(0).f32_gt(),
  select: (c) => c.select(),
};

/**
 * Emits a loop over elements 0..n−1: four at a time while four remain, then one by one. `each(l)` is
 * called once for each kind of lane, before its loop (to set things up), and returns what to emit for
 * one element given `at`, the element's byte offset.
 */
export function overElements(c: Code, n: Local, each: (l: Lanes) => (at: Local) => void): void {
  const [i, at, vectorEnd] = [c.local("i32"), c.local("i32"), c.local("i32")];
  c.local_get(n).i32_const(-4).i32_and().local_set(vectorEnd);
  for (const [l, from, to] of [
    [VECTOR, 0, vectorEnd],
    [SCALAR, vectorEnd, n],
  ] as const) {
    const element = each(l);
    c.for_(i, from, to, l.width, () => {
      c.local_get(i).i32_const(2).i32_shl().local_set(at);
      element(at);
    });
  }
}

/** f32 parameters as they are (single floats) or spread over four lanes (vectors), by kind of lane. */
export function laneParams<K extends string>(c: Code, params: Record<K, Local>): (l: Lanes) => Record<K, Local> {
  const names = Object.keys(params) as K[];
  const spread = Object.fromEntries(names.map((name) => [name, c.local("v128")])) as Record<K, Local>;
  for (const name of names) c.local_get(params[name]).f32x4_splat().local_set(spread[name]);
  return (l) => (l.width === 4 ? spread : params);
}

/** A formula: pushes the result for operands a, b and parameters p0, p1 (all locals of the lane type). */
type Formula = (c: Code, l: Lanes, a: Local, b: Local, p0: Local, p1: Local) => void;

const binary =
  (op: "add" | "sub" | "mul" | "div"): Formula =>
  (c, l, a, b) => {
    c.local_get(a).local_get(b);
    l[op](c);
  };

/** The ops with a kernel, by registry name. */
export const ELEMENTWISE_FORMULAS: Record<string, Formula> = {
  add: binary("add"),
  sub: binary("sub"),
  mul: binary("mul"),
  div: binary("div"),
  // a·scale + shift
  affine: (c, l, a, _b, p0, p1) => {
    c.local_get(a).local_get(p0);
    l.mul(c);
    c.local_get(p1);
    l.add(c);
  },
  // max(x, 0): NaN stays NaN, as Math.max
  relu: (c, l, a) => {
    c.local_get(a).f32_const(0);
    l.splat(c);
    l.max(c);
  },
  // x > 0 ? x : slope·x
  leakyRelu: (c, l, a, _b, p0) => {
    c.local_get(a).local_get(p0).local_get(a);
    l.mul(c);
    c.local_get(a);
    l.positive(c);
    l.select(c);
  },
  // (dy, x): x > 0 ? dy : 0
  reluBackward: (c, l, a, b) => {
    c.local_get(a).f32_const(0);
    l.splat(c);
    c.local_get(b);
    l.positive(c);
    l.select(c);
  },
  // (dy, x): x > 0 ? dy : slope·dy
  leakyReluBackward: (c, l, a, b, p0) => {
    c.local_get(a).local_get(p0).local_get(a);
    l.mul(c);
    c.local_get(b);
    l.positive(c);
    l.select(c);
  },
  exp: (c, l, a) => exp(c, l, a),
  sigmoid: (c, l, a) => sigmoid(c, l, a),
  tanh: (c, l, a) => tanh(c, l, a),
  // (x, t): max(x, 0) − x·t + log(1 + e^−|x|)
  bceWithLogits: (c, l, a, b) => {
    c.local_get(a);
    constant(c, l, 0);
    l.max(c);
    c.local_get(a).local_get(b);
    l.mul(c);
    l.sub(c);
    log1pExpNegAbs(c, l, a);
    l.add(c);
  },
  // (dy, y): dy·y
  expBackward: binary("mul"),
  // (dy, x): dy / x
  logBackward: binary("div"),
  // (dy, y): dy·y·(1 − y)
  sigmoidBackward: (c, l, a, b) => {
    c.local_get(a).local_get(b);
    l.mul(c);
    constant(c, l, 1);
    c.local_get(b);
    l.sub(c);
    l.mul(c);
  },
  // (dy, y): dy·(1 − y²)
  tanhBackward: (c, l, a, b) => {
    c.local_get(a);
    constant(c, l, 1);
    c.local_get(b).local_get(b);
    l.mul(c);
    l.sub(c);
    l.mul(c);
  },
};

export const MODES = ["vv", "vs", "sv"] as const;
export type Mode = (typeof MODES)[number];

/** Adds name/mode(n, a, b, out, p0, p1) for every formula and mode. */
export function addElementwiseFunctions(m: ModuleBuilder): void {
  for (const [name, formula] of Object.entries(ELEMENTWISE_FORMULAS))
    for (const mode of MODES)
      m.function(`${name}/${mode}`, ["i32", "i32", "i32", "i32", "f32", "f32"], [], (c) => {
        const [n, aBase, bBase, out, p0, p1] = [0, 1, 2, 3, 4, 5].map((i) => c.param(i));
        const paramsOf = laneParams(c, { p0, p1 });
        overElements(c, n, (l) => {
          const [a, b] = [c.local(l.type), c.local(l.type)];
          // A broadcast operand is read once: its single value, spread over the lanes.
          for (const [still, base, local] of [
            [mode === "sv", aBase, a],
            [mode === "vs", bBase, b],
          ] as const) {
            if (!still) continue;
            c.local_get(base).f32_load();
            l.splat(c);
            c.local_set(local);
          }
          const q = paramsOf(l);
          return (at) => {
            if (mode !== "sv") {
              c.local_get(aBase).local_get(at).i32_add();
              l.load(c);
              c.local_set(a);
            }
            if (mode !== "vs") {
              c.local_get(bBase).local_get(at).i32_add();
              l.load(c);
              c.local_set(b);
            }
            c.local_get(out).local_get(at).i32_add();
            formula(c, l, a, b, q.p0, q.p1);
            l.store(c);
          };
        });
      });
}
