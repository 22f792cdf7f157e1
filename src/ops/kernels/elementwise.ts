/**
 * The elementwise op family: one WGSL template (shaders/elementwise.wgsl), one CPU loop, shared by
 * every unary, binary and ternary op. An op is declared by its per-element formula in JavaScript
 * (the reference) and in WGSL (spliced into the template); broadcasting is handled once, here.
 */

import template from "../../../shaders/elementwise.wgsl?raw";
import mathWgsl from "../../../shaders/math.wgsl?raw";
import type { DType } from "../../backend/backend";
import type { GpuContext, GpuTensor } from "../../backend/webgpu/context";
import { cachedKernel, fillTemplate, storageDecls, Uniforms } from "../../backend/webgpu/kernel";
import { check, fmtShape } from "../../errors";
import { broadcastShapes, broadcastStrides, coalesceDims, sameShape, stridesOf } from "../../tensor/shape";
import { defineOp, type OpDef, type OpTest, type VjpArgs } from "../op";

/** Which dtypes an input accepts. */
export type Accepts = "float32" | "int32" | "any";

export interface ElementwiseSpec<A extends object> {
  name: string;
  arity: 1 | 2 | 3;
  /** Reference formula for one element (computed in float64, stored at the tensor's precision). */
  cpu: (a: number, b: number, c: number, p0: number, p1: number) => number;
  /** WGSL: an f32 expression of a, b, c, p0, p1 (or a body with `return`). */
  wgsl: string;
  /** Scalar parameters p0, p1 from the attrs. */
  params?: (attrs: A) => [number, number];
  /** Accepted input dtypes (default: float32 for every input). */
  accepts?: Accepts[];
  /** Output dtype (default float32), fixed or chosen by the attrs (cast). */
  output?: DType | ((attrs: A) => DType);
  vjp?: (args: VjpArgs<A>) => (import("../../tensor/tensor").Tensor | null)[];
  /** The wasm backend's way, where it is not one formula of WasmContext.elementwise (false: the reference). */
  wasm?: OpDef<A>["wasm"];
  test?: OpTest<A>;
}

const MAX_RANK = 8;

function kernelFor(name: string, wgsl: string, dtypes: DType[], output: DType, broadcast: boolean) {
  const key = `elementwise/${name}/${dtypes.join(",")}->${output}/${broadcast ? "broadcast" : "flat"}`;
  return cachedKernel(key, () => {
    const inputs = dtypes.map((_, k) => ({ name: `in${k}`, access: "read" as const, type: "array<u32>" }));
    const loads = [0, 1, 2]
      .map((k) => {
        if (k >= dtypes.length) return `fn load_${k}(i: u32) -> f32 { return 0.0; }`;
        const read = dtypes[k] === "int32" ? `f32(bitcast<i32>(in${k}[i]))` : `bitcast<f32>(in${k}[i])`;
        return `fn load_${k}(i: u32) -> f32 { return ${read}; }`;
      })
      .join("\n");
    const store = output === "int32" ? "out[i] = bitcast<u32>(i32(v));" : "out[i] = bitcast<u32>(v);";
    const code = fillTemplate(template, {
      BINDINGS: storageDecls([...inputs, { name: "out", access: "write", type: "array<u32>" }]),
      LOADS: loads,
      STORE: `fn store(i: u32, v: f32) { ${store} }`,
      OP: wgsl.includes("return") ? wgsl : `return ${wgsl};`,
      HELPERS: mathWgsl,
      BROADCAST: String(broadcast),
    });
    return { code, bindings: [...dtypes.map(() => "read" as const), "write" as const] };
  });
}

/** Records one elementwise dispatch (used by the family's ops and by fused backward ops). */
function recordElementwise(ctx: GpuContext, name: string, wgsl: string, inputs: GpuTensor[], out: GpuTensor, p: [number, number]): void {
  const n = out.shape.reduce((x, y) => x * y, 1);
  const flat = inputs.every((t) => sameShape(t.shape, out.shape));
  let shape: number[] = [n];
  let strides: number[][] = inputs.map(() => [1]);
  if (!flat) {
    const merged = coalesceDims(
      out.shape,
      inputs.map((t) => broadcastStrides(t.shape, out.shape)),
    );
    shape = merged.shape;
    strides = merged.strides;
    check(shape.length <= MAX_RANK, name, () => `broadcasting ${inputs.map((t) => fmtShape(t.shape)).join(" and ")} needs more than ${MAX_RANK} dims`);
  }
  const kernel = kernelFor(
    name,
    wgsl,
    inputs.map((t) => t.dtype),
    out.dtype,
    !flat,
  );
  const u = new Uniforms()
    .u32(n)
    .u32(flat ? 1 : shape.length)
    .f32(p[0])
    .f32(p[1])
    .u32Array(flat ? [n] : shape, 2);
  for (let k = 0; k < 3; k++) u.u32Array(flat ? [] : (strides[k] ?? []), 2);
  const groups = Math.min(Math.ceil(n / 256), ctx.tuning.gridWorkgroups);
  ctx.dispatch(kernel, [...inputs.map((t) => t.binding), out.binding], u, [groups]);
}

/** Declares an elementwise op from its per-element formulas. */
export function elementwise<A extends object = Record<string, never>>(spec: ElementwiseSpec<A>): OpDef<A> {
  const accepts = spec.accepts ?? Array.from({ length: spec.arity }, () => "float32" as Accepts);
  const outputOf = (attrs: A): DType => (typeof spec.output === "function" ? spec.output(attrs) : (spec.output ?? "float32"));
  const params = spec.params ?? (() => [0, 0] as [number, number]);
  return defineOp<A>({
    name: spec.name,
    infer(inputs, attrs) {
      check(inputs.length === spec.arity, spec.name, () => `expected ${spec.arity} inputs, got ${inputs.length}`);
      inputs.forEach((t, i) => {
        const ok = accepts[i] === "any" || accepts[i] === t.dtype;
        check(
          ok,
          spec.name,
          () => `input ${i} is ${t.dtype} ${fmtShape(t.shape)}, expected ${accepts[i]}${accepts[i] === "float32" ? "; convert it with .float()" : ""}`,
        );
      });
      return [{ shape: broadcastShapes(spec.name, ...inputs.map((t) => t.shape)), dtype: outputOf(attrs) }];
    },
    cpu(inputs, [out], attrs) {
      const [p0, p1] = params(attrs);
      const n = out.data.length;
      const data = inputs.map((t) => t.data);
      const round = out.dtype === "int32" ? Math.trunc : (v: number) => v;
      if (inputs.every((t) => sameShape(t.shape, out.shape))) {
        const [a, b, c] = data;
        for (let i = 0; i < n; i++) out.data[i] = round(spec.cpu(a[i], b ? b[i] : 0, c ? c[i] : 0, p0, p1));
        return;
      }
      const strides = inputs.map((t) => broadcastStrides(t.shape, out.shape));
      const outStrides = stridesOf(out.shape);
      const offsets = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        offsets.fill(0);
        let rest = i;
        for (let d = 0; d < out.shape.length; d++) {
          const coord = Math.floor(rest / outStrides[d]);
          rest -= coord * outStrides[d];
          for (let k = 0; k < strides.length; k++) offsets[k] += coord * strides[k][d];
        }
        const a = data[0][offsets[0]];
        const b = data.length > 1 ? data[1][offsets[1]] : 0;
        const c = data.length > 2 ? data[2][offsets[2]] : 0;
        out.data[i] = round(spec.cpu(a, b, c, p0, p1));
      }
    },
    gpu(ctx, inputs, [out], attrs) {
      recordElementwise(ctx, spec.name, spec.wgsl, inputs, out, params(attrs));
    },
    // The ops with a WebAssembly formula (src/backend/wasm/kernels/elementwise.ts) run it; the rest their reference.
    wasm: spec.wasm ?? ((ctx, inputs, [out], attrs) => ctx.elementwise(spec.name, inputs, out, params(attrs))),
    vjp: spec.vjp,
    test: spec.test,
  });
}
