/**
 * The op contract (DESIGN §2). An op is declared once, as one object: its shape rule, its CPU
 * reference, its WebGPU kernel, its gradient, and hints for the tests that check all of them. The
 * engine, both backends and the test suites read these objects; nothing keeps a second list of ops.
 */
import type { DType, HostArray } from "../backend/backend";
import type { WasmContext, WasmTensor } from "../backend/wasm/wasm-backend";
import type { GpuContext, GpuTensor } from "../backend/webgpu/context";
import type { Tensor } from "../tensor/tensor";

export interface TensorMeta {
  shape: number[];
  dtype: DType;
}

/** A tensor as the CPU reference sees it. */
export interface CpuTensor {
  readonly shape: number[];
  readonly dtype: DType;
  readonly data: HostArray;
}

/** What a gradient function gets: the op's inputs, outputs, attrs and the upstream gradients. */
export interface VjpArgs<A> {
  inputs: Tensor[];
  outputs: Tensor[];
  attrs: A;
  /** d(objective)/d(output 0): every differentiable op's gradient starts here (zeros if only another output got one). */
  dy: Tensor;
  /** d(objective)/d(output i) for every output; null where an output received no gradient. */
  grads: (Tensor | null)[];
  /** Which inputs need a gradient (skip work for the others). */
  needs: boolean[];
}

/** A random float input: its shape, and optionally its own range. */
export interface FloatInputSpec {
  shape: number[];
  domain?: [number, number];
}
/** An int32 input with values in [lo, hi). */
export interface IntInputSpec {
  shape: number[];
  int: [number, number];
}
export type InputSpec = number[] | FloatInputSpec | IntInputSpec;

/** Hints for the registry-driven tests (WebGPU vs CPU, gradient checks). */
export interface OpTest<A> {
  /** `gradcheck: false` on a case whose gradient is not the derivative by design (an embedding's padding row). */
  cases: { inputs: InputSpec[]; attrs?: A; gradcheck?: false }[];
  /** Range of random float inputs (default [-2, 2]). */
  domain?: [number, number];
  /** Points where the op has a kink; random inputs keep at least 0.05 away from them. */
  avoid?: number[];
  /** Relative tolerance of WebGPU vs CPU (default 1e-4, plus absolute 1e-5). */
  rtol?: number;
  /** Inputs in the gradient check are not perturbed where the op is not differentiable (e.g. indices). */
  gradcheck?: boolean;
}

export interface OpDef<A extends object = object> {
  readonly name: string;
  /**
   * Output 0 holds input 0's elements in the same order (reshape-like): the engine shares the
   * storage instead of running the kernels, which still define the op for the tests.
   */
  readonly aliases?: boolean;
  /** Output shapes and dtypes; throws OpError (naming the op) on invalid input. */
  infer(inputs: TensorMeta[], attrs: A): TensorMeta[];
  /** CPU reference: plain loops over typed arrays. The source of truth. */
  cpu(inputs: CpuTensor[], outputs: CpuTensor[], attrs: A): void;
  /** WebGPU: records dispatches computing the same as `cpu`. */
  gpu(ctx: GpuContext, inputs: GpuTensor[], outputs: GpuTensor[], attrs: A): void;
  /**
   * The wasm backend's fast path (WebAssembly SIMD kernels), computing the same as `cpu`; an op
   * without one, or whose `wasm` returns false for these attrs, runs `cpu` on that backend's memory.
   */
  wasm?(ctx: WasmContext, inputs: WasmTensor[], outputs: WasmTensor[], attrs: A): false | undefined;
  /** Gradient, written with registry ops; absent for ops that are not differentiable. */
  vjp?(args: VjpArgs<A>): (Tensor | null)[];
  test?: OpTest<A>;
}

/** Declares an op; the identity function, there for type inference of `attrs`. */
export function defineOp<A extends object = Record<string, never>>(def: OpDef<A>): OpDef<A> {
  return def;
}

/** A module's ops by name; each key must be its op's `name` (tests/registry-parity.test.ts checks). */
// biome-ignore lint/suspicious/noExplicitAny: ops differ in their attrs
export type OpTable = Record<string, OpDef<any>>;

/**
 * Every op module, each adding its table here where it is defined (`declare module "./op"`).
 * The registry must list every key, so a module left out of it is a compile error.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging, one module at a time
export interface OpModules {}
