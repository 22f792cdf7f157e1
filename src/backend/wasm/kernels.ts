/**
 * The wasm backend's compiled kernels: one module holding every function the kernel emitters write
 * (src/backend/wasm/kernels/), instantiated over the backend's memory. Built once when the backend
 * starts, with relaxed-SIMD fused multiply-adds where the runtime has them.
 */
import { hasRelaxedSimd, ModuleBuilder } from "./asm";
import type { GemmPart } from "./gemm";
import { MAX_PAGES } from "./heap";
import { type AdamArgs, addAdamFunctions } from "./kernels/adam";
import { addAdaptiveFunctions } from "./kernels/adaptive";
import { type AvgPoolArgs, addAvgPoolFunctions } from "./kernels/avg-pool";
import { addColumnFunctions, type ColumnArgs } from "./kernels/columns";
import { addDirectConvFunctions, type DirectConvArgs } from "./kernels/conv-direct";
import { addDropoutFunctions, type DropoutArgs } from "./kernels/dropout";
import { addElementwiseFunctions, type Mode } from "./kernels/elementwise";
import { addGemmFunctions } from "./kernels/gemm";
import { addPoolFunctions, type PoolArgs } from "./kernels/pool";
import { addRecurrentFunctions } from "./kernels/recurrent";
import { addReduceFunctions } from "./kernels/reduce";
import { addSgdFunctions } from "./kernels/sgd";
import { addSoftmaxFunctions } from "./kernels/softmax";
import { addUpsampleFunctions, type UpsampleArgs } from "./kernels/upsample";

/** An elementwise kernel: (n, a, b, out, p0, p1), byte offsets. */
export type ElementwiseKernel = (n: number, a: number, b: number, out: number, p0: number, p1: number) => void;

/** The exported functions, by name (byte offsets and element counts are i32). */
export interface WasmKernels {
  /** B's columns in panels of NR (src/backend/wasm/kernels/gemm.ts). */
  packB(b: number, bN: number, bK: number, cols: number, kc: number, dst: number): void;
  /** One thread's rows or columns of a product over B packed whole (src/backend/wasm/gemm.ts). */
  gemmPart(...args: GemmPart): void;
  /** Adam's update in place (src/backend/wasm/kernels/adam.ts). */
  adam(...args: AdamArgs): void;
  adamAmsgrad(...args: AdamArgs): void;
  /** SGD's update, plain and with momentum (src/backend/wasm/kernels/sgd.ts). */
  sgd(n: number, grad: number, param: number, lr: number, wd: number): void;
  sgdMomentum(n: number, grad: number, param: number, buf: number, lr: number, wd: number, mu: number, keep: number, c1: number, c2: number): void;
  /** RMSprop (4 variants), Adagrad and Adadelta in place (src/backend/wasm/kernels/adaptive.ts): n, then pointers, then f32 scalars. */
  rmsprop(n: number, grad: number, param: number, sq: number, lr: number, alpha: number, eps: number, wd: number, momentum: number): void;
  rmspropCentered(n: number, grad: number, param: number, sq: number, ga: number, lr: number, alpha: number, eps: number, wd: number, momentum: number): void;
  rmspropMomentum(n: number, grad: number, param: number, sq: number, buf: number, lr: number, alpha: number, eps: number, wd: number, momentum: number): void;
  rmspropCenteredMomentum(
    n: number,
    grad: number,
    param: number,
    sq: number,
    ga: number,
    buf: number,
    lr: number,
    alpha: number,
    eps: number,
    wd: number,
    momentum: number,
  ): void;
  adagrad(n: number, grad: number, param: number, sum: number, clr: number, wd: number, eps: number): void;
  adadelta(n: number, grad: number, param: number, sq: number, acc: number, lr: number, rho: number, eps: number, wd: number): void;
  /** The elementwise kernels by "op/mode" (src/backend/wasm/kernels/elementwise.ts). */
  readonly [elementwise: `${string}/${Mode}`]: ElementwiseKernel;
  /** A convolution's columns of one image, and their sum back into an image (src/backend/wasm/kernels/columns.ts). */
  im2col(...args: ColumnArgs): void;
  col2imAdd(...args: ColumnArgs): void;
  /** A convolution with few output channels, without columns (src/backend/wasm/kernels/conv-direct.ts). */
  convDirect(...args: DirectConvArgs): void;
  /** Max pooling and its gradient (src/backend/wasm/kernels/pool.ts). */
  maxPool2d(...args: PoolArgs): void;
  maxPool2dBackward(...args: PoolArgs): void;
  /** Average pooling (windowed or adaptive) and its gradient (src/backend/wasm/kernels/avg-pool.ts). */
  avgPool2d(...args: AvgPoolArgs): void;
  avgPool2dBackward(...args: AvgPoolArgs): void;
  /** Nearest-neighbour upsampling and its gradient (src/backend/wasm/kernels/upsample.ts). */
  upsampleNearest(...args: UpsampleArgs): void;
  upsampleNearestBackward(...args: UpsampleArgs): void;
  /** softmax or logSoftmax (log = 1) over rows of D contiguous floats, and their gradients (src/backend/wasm/kernels/softmax.ts). */
  softmaxRows(x: number, y: number, rows: number, D: number, log: number): void;
  softmaxBackwardRows(dy: number, y: number, dx: number, rows: number, D: number, log: number): void;
  /** The fused LSTM and GRU steps and their gradients over rows of H units (src/backend/wasm/kernels/recurrent.ts). */
  lstmCell(rows: number, H: number, gates: number, c: number, h: number, cNext: number): void;
  lstmCellBackward(rows: number, H: number, gates: number, c: number, dh: number, dcNext: number, dGates: number, dc: number): void;
  gruCell(rows: number, H: number, gi: number, gh: number, h: number, hNext: number): void;
  gruCellBackward(rows: number, H: number, gi: number, gh: number, h: number, dhNext: number, dgi: number, dgh: number, dh: number): void;
  /** Dropout with the reference's mask (src/backend/wasm/kernels/dropout.ts). */
  dropout(...args: DropoutArgs): void;
  /** The sum of n contiguous floats, and their largest (max 1) or smallest (src/backend/wasm/kernels/reduce.ts). */
  sumRun(at: number, n: number): number;
  extremeRun(at: number, n: number, max: number): number;
}

export interface CompiledKernels {
  kernels: WasmKernels;
  /** The compiled module (helper threads instantiate it over the same memory). */
  module: WebAssembly.Module;
  /** Whether the multiply-adds are fused (relaxed SIMD). */
  fma: boolean;
}

/** Compiles the kernels and instantiates them over `memory` (`shared`: a memory threads share). */
export async function compileKernels(memory: WebAssembly.Memory, shared = false): Promise<CompiledKernels> {
  const fma = hasRelaxedSimd();
  const builder = addGemmFunctions(new ModuleBuilder(), fma);
  addAdamFunctions(builder);
  addAdaptiveFunctions(builder);
  addColumnFunctions(builder);
  addDirectConvFunctions(builder, fma);
  addDropoutFunctions(builder);
  addElementwiseFunctions(builder);
  addPoolFunctions(builder);
  addAvgPoolFunctions(builder);
  addRecurrentFunctions(builder);
  addReduceFunctions(builder);
  addSgdFunctions(builder);
  addSoftmaxFunctions(builder);
  addUpsampleFunctions(builder);
  const bytes = builder.build(shared ? { initialPages: 1, maximumPages: MAX_PAGES, shared: true } : { initialPages: 1 });
  const module = await WebAssembly.compile(bytes as BufferSource);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return { kernels: instance.exports as unknown as WasmKernels, module, fma };
}
