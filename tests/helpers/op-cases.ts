/**
 * Runs registry ops from their test hints: seeded random inputs that respect each op's domain and
 * kinks, forward (and backward with a random upstream gradient) on any backend, and a closeness
 * check that reports the worst element.
 */
import { expect } from "vitest";
import type { Backend, DType, HostArray } from "../../src/backend/backend";
import { tensor } from "../../src/ops/creation";
import type { InputSpec, OpDef } from "../../src/ops/op";
import { apply, withBackend } from "../../src/tensor/engine";
import { sizeOf } from "../../src/tensor/shape";
import type { Tensor } from "../../src/tensor/tensor";

export interface HostInput {
  shape: number[];
  dtype: DType;
  data: number[];
}

/** mulberry32: a small seeded PRNG for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random inputs for one test case of `op`. */
export function makeInputs(op: OpDef, specs: InputSpec[], seed: number): HostInput[] {
  const random = prng(seed);
  const [lo, hi] = op.test?.domain ?? [-2, 2];
  const avoid = op.test?.avoid ?? [];
  return specs.map((spec) => {
    const shape = Array.isArray(spec) ? spec : spec.shape;
    const n = sizeOf(shape);
    if (!Array.isArray(spec) && "int" in spec) {
      const [a, b] = spec.int;
      return { shape, dtype: "int32", data: Array.from({ length: n }, () => a + Math.floor(random() * (b - a))) };
    }
    const [l, h] = !Array.isArray(spec) && "domain" in spec && spec.domain ? spec.domain : [lo, hi];
    const data = Array.from({ length: n }, () => {
      for (;;) {
        const v = l + (h - l) * random();
        if (avoid.every((k) => Math.abs(v - k) > 0.05)) return Math.fround(v);
      }
    });
    return { shape, dtype: "float32", data };
  });
}

export interface OpRun {
  outputs: HostArray[];
  /** Gradients of sum(output0 * upstream) for each float input (null for int inputs). */
  grads: (HostArray | null)[];
}

/** Runs `op` on `backend`; with `upstream`, also backward through output 0. */
export async function runOp(backend: Backend, op: OpDef, inputs: HostInput[], attrs: object, upstream?: number[]): Promise<OpRun> {
  const made: Tensor[] = [];
  const { outs, ins } = withBackend(backend, () => {
    const ins = inputs.map((i) => {
      const t = tensor(i.data, { shape: i.shape, dtype: i.dtype });
      if (upstream && i.dtype === "float32") t.requiresGrad_();
      made.push(t);
      return t;
    });
    const outs = apply(op, ins, attrs);
    made.push(...outs);
    if (upstream) {
      const seed = tensor(upstream, { shape: outs[0].shape });
      made.push(seed);
      outs[0].backward(seed);
    }
    return { outs, ins };
  });
  const outputs = await Promise.all(outs.map((o) => o.data()));
  const grads = await Promise.all(ins.map((t) => (t.grad ? t.grad.data() : null)));
  for (const t of made) t.dispose();
  return { outputs, grads };
}

/** Expects |actual - expected| <= atol + rtol |expected| everywhere (NaN matches NaN). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) expect.fail(`${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`);
}

export function describeCase(inputs: InputSpec[], attrs: object | undefined): string {
  const shapes = inputs.map((s) => `[${(Array.isArray(s) ? s : s.shape).join(",")}]`).join(" ");
  return `${shapes}${attrs && Object.keys(attrs).length ? ` ${JSON.stringify(attrs)}` : ""}`;
}
