/**
 * Creating tensors: from JavaScript data (tensor), constants (zeros, ones, full), sequences (arange)
 * and seeded random draws (rand, randn). Constants, sequences and random draws are registry ops with
 * no inputs, so they are generated on the device instead of uploaded.
 */

import mathWgsl from "../../shaders/math.wgsl?raw";
import randomWgsl from "../../shaders/random.wgsl?raw";
import rngWgsl from "../../shaders/rng.wgsl?raw";
import type { DType } from "../backend/backend";
import { cachedKernel, fillTemplate, Uniforms } from "../backend/webgpu/kernel";
import { check, fmtShape } from "../errors";
import { apply1, getBackend, withBackend } from "../tensor/engine";
import { nextKey, normal01, uniform01 } from "../tensor/random";
import { checkShape, sizeOf } from "../tensor/shape";
import { Tensor } from "../tensor/tensor";
import { arangeOnGpu, fillOnGpu } from "./kernels/copy";
import { defineOp, type OpTable } from "./op";

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

function finish(t: Tensor, options: CreateOptions): Tensor {
  return options.requiresGrad ? t.requiresGrad_() : t;
}

function checkDtype(op: string, dtype: unknown): DType {
  check(dtype === "float32" || dtype === "int32", op, () => `dtype must be "float32" or "int32", got ${String(dtype)}`);
  return dtype as DType;
}

/** A tensor filled with one value. */
export const fullOp = defineOp<{ shape: number[]; value: number; dtype: DType }>({
  name: "full",
  infer: (_, { shape, dtype }) => [{ shape, dtype }],
  cpu(_, [y], { value }) {
    y.data.fill(value);
  },
  gpu(ctx, _, [y], { value, dtype }) {
    fillOnGpu(ctx, y.binding, sizeOf(y.shape), value, dtype);
  },
  test: {
    cases: [
      { inputs: [], attrs: { shape: [3, 4], value: 2.5, dtype: "float32" } },
      { inputs: [], attrs: { shape: [5], value: -3, dtype: "int32" } },
    ],
  },
});

/** start, start + step, ... (n elements). */
export const arangeOp = defineOp<{ start: number; step: number; n: number; dtype: DType }>({
  name: "arange",
  infer: (_, { n, dtype }) => [{ shape: [n], dtype }],
  cpu(_, [y], { start, step }) {
    for (let i = 0; i < y.data.length; i++) y.data[i] = start + i * step;
  },
  gpu(ctx, _, [y], { start, step, n, dtype }) {
    arangeOnGpu(ctx, y.binding, n, start, step, dtype);
  },
  test: {
    cases: [
      { inputs: [], attrs: { start: -2, step: 0.5, n: 9, dtype: "float32" } },
      { inputs: [], attrs: { start: 3, step: -1, n: 7, dtype: "int32" } },
    ],
  },
});

type RandomAttrs = { shape: number[]; key: number; a: number; b: number };

function randomOp(name: "rand" | "randn", mode: 0 | 1) {
  return defineOp<RandomAttrs>({
    name,
    infer: (_, { shape }) => [{ shape, dtype: "float32" }],
    cpu(_, [y], { key, a, b }) {
      for (let i = 0; i < y.data.length; i++) y.data[i] = mode === 0 ? a + (b - a) * uniform01(key, i) : a + b * normal01(key, i);
    },
    gpu(ctx, _, [y], { key, a, b }) {
      const n = sizeOf(y.shape);
      const kernel = cachedKernel(`random/${name}`, () => ({
        code: fillTemplate(randomWgsl, { RNG: `${rngWgsl}\n${mathWgsl}` }),
        bindings: ["write"],
        constants: { MODE: mode },
      }));
      ctx.dispatch(kernel, [y.binding], new Uniforms().u32(n).u32(key).f32(a).f32(b), [Math.min(Math.ceil(n / 256), ctx.tuning.gridWorkgroups)]);
    },
    test: { cases: [{ inputs: [], attrs: { shape: [3, 333], key: 12345, a: -1, b: 2 } }], rtol: mode === 1 ? 1e-3 : undefined },
  });
}

/** Uniform samples in [a, b). */
export const randOp = randomOp("rand", 0);
/** Normal samples with mean a and standard deviation b. */
export const randnOp = randomOp("randn", 1);

// ---- public functions ----

type Nested = number | boolean | readonly Nested[];

function shapeOfNested(data: Nested, op: string): number[] {
  const shape: number[] = [];
  let level: Nested = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return checkShape(op, shape);
}

function flattenNested(data: Nested, shape: number[], op: string): number[] {
  const out: number[] = [];
  const walk = (v: Nested, depth: number) => {
    if (depth === shape.length) {
      check(typeof v === "number" || typeof v === "boolean", op, () => `expected a number at depth ${depth}, got ${Array.isArray(v) ? "an array" : typeof v}`);
      out.push(Number(v));
      return;
    }
    check(
      Array.isArray(v) && v.length === shape[depth],
      op,
      () => `ragged nested array: expected ${shape[depth]} items at depth ${depth} (shape ${fmtShape(shape)})`,
    );
    for (const item of v as readonly Nested[]) walk(item, depth + 1);
  };
  walk(data, 0);
  return out;
}

/**
 * A tensor from JavaScript data: a number, nested arrays, or a typed array (give `shape` for a
 * typed array that is not 1-D). Int32Array data becomes int32 unless `dtype` says otherwise.
 */
export function tensor(data: Nested | Float32Array | Int32Array | Float64Array | Uint8Array, options: CreateOptions & { shape?: number[] } = {}): Tensor {
  let values: ArrayLike<number>;
  let shape: number[];
  if (ArrayBuffer.isView(data)) {
    values = data;
    shape = options.shape ? checkShape("tensor", options.shape) : [data.length];
    check(sizeOf(shape) === data.length, "tensor", () => `shape ${fmtShape(shape)} needs ${sizeOf(shape)} values, the typed array has ${data.length}`);
  } else {
    shape = shapeOfNested(data, "tensor");
    values = flattenNested(data, shape, "tensor");
    if (options.shape) {
      const s = checkShape("tensor", options.shape);
      check(sizeOf(s) === values.length, "tensor", () => `shape ${fmtShape(s)} needs ${sizeOf(s)} values, the data has ${values.length}`);
      shape = s;
    }
  }
  const dtype = checkDtype("tensor", options.dtype ?? (data instanceof Int32Array ? "int32" : "float32"));
  if (dtype === "int32")
    for (let i = 0; i < values.length; i++)
      check(Number.isInteger(values[i]), "tensor", () => `int32 data must be whole numbers, element ${i} is ${values[i]}`);
  return finish(new Tensor(shape, dtype, getBackend().upload(values, dtype)), options);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  const dtype = checkDtype("full", options.dtype ?? "float32");
  if (dtype === "int32") check(Number.isInteger(value), "full", () => `an int32 tensor cannot hold ${value}`);
  return finish(apply1(fullOp, [], { shape: checkShape("full", shape), value, dtype }), options);
}

export const zeros = (shape: readonly number[], options: CreateOptions = {}) => full(shape, 0, options);
export const ones = (shape: readonly number[], options: CreateOptions = {}) => full(shape, 1, options);
/** Zeros with t's shape and dtype, on t's backend. */
export const zerosLike = (t: Tensor, options: CreateOptions = {}) => withBackend(t.backend, () => full(t.shape, 0, { dtype: t.dtype, ...options }));
/** Ones with t's shape and dtype, on t's backend. */
export const onesLike = (t: Tensor, options: CreateOptions = {}) => withBackend(t.backend, () => full(t.shape, 1, { dtype: t.dtype, ...options }));

/** A one-element, zero-dim float32 tensor on `like`'s backend. */
export function scalarLike(value: number, like: Tensor): Tensor {
  return new Tensor([], "float32", like.backend.upload([value], "float32"));
}

/**
 * arange(end), arange(start, end) or arange(start, end, step): [start, end) by step, like
 * torch.arange; int32 when all arguments are whole numbers, float32 otherwise (or as `dtype` says).
 */
export function arange(startOrEnd: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  const start = end === undefined ? 0 : startOrEnd;
  const stop = end === undefined ? startOrEnd : end;
  check(step !== 0 && Number.isFinite(step), "arange", () => `step must be a nonzero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const whole = [start, stop, step].every(Number.isInteger);
  const dtype = checkDtype("arange", options.dtype ?? (whole ? "int32" : "float32"));
  return finish(apply1(arangeOp, [], { start, step, n, dtype }), options);
}

/** Uniform samples in [low, high) from the seeded generator (see manualSeed). */
export function rand(shape: readonly number[], options: CreateOptions & { low?: number; high?: number } = {}): Tensor {
  const { low = 0, high = 1 } = options;
  return finish(apply1(randOp, [], { shape: checkShape("rand", shape), key: nextKey(), a: low, b: high }), options);
}

/** Normal samples (mean 0, std 1 unless given) from the seeded generator (see manualSeed). */
export function randn(shape: readonly number[], options: CreateOptions & { mean?: number; std?: number } = {}): Tensor {
  const { mean = 0, std = 1 } = options;
  return finish(apply1(randnOp, [], { shape: checkShape("randn", shape), key: nextKey(), a: mean, b: std }), options);
}

/** This module's ops, by name (the registry joins every module's table). */
export const creationOps = {
  full: fullOp,
  arange: arangeOp,
  rand: randOp,
  randn: randnOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    creation: typeof creationOps;
  }
}
