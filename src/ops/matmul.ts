/**
 * Matrix products: matmul (2-D, batched, broadcast batch dims, PyTorch's 1-D rules) and linear.
 * One registry op with optional transposes and a fused bias runs them all on the GEMM core; the
 * transposes let the gradients dA = dC Bᵀ and dB = Aᵀ dC read their operands in place.
 */

import matmulWgsl from "../../shaders/matmul.wgsl?raw";
import { Uniforms } from "../backend/webgpu/kernel";
import { check, fmtShape } from "../errors";
import { apply1 } from "../tensor/engine";
import { broadcastShapes, broadcastStrides, coalesceDims, sizeOf, stridesOf } from "../tensor/shape";
import type { Tensor } from "../tensor/tensor";
import { gemmGrid, gemmKernel, gemmTile } from "./kernels/gemm";
import { defineOp, type OpDef, type OpTable, type TensorMeta } from "./op";
import { reshape } from "./shape-ops";

export interface MatmulAttrs {
  /** Read A as its last two dims swapped. */
  transposeA: boolean;
  /** Read B as its last two dims swapped. */
  transposeB: boolean;
}

/** The product's geometry: sizes, batch broadcasting and the strides each operand is read with. */
function plan(a: TensorMeta, b: TensorMeta, { transposeA, transposeB }: MatmulAttrs) {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [M, Ka] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const [Kb, N] = transposeB ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchShape = broadcastShapes("matmul", batchA, batchB);
  const sa = stridesOf(a.shape);
  const sb = stridesOf(b.shape);
  const aBatch = broadcastStrides(batchA, batchShape).map((s) => s * M * Ka);
  const bBatch = broadcastStrides(batchB, batchShape).map((s) => s * Kb * N);
  return {
    M,
    N,
    K: Ka,
    Kb,
    batchShape,
    batch: sizeOf(batchShape),
    aBatch,
    bBatch,
    aM: transposeA ? sa[ra - 1] : sa[ra - 2],
    aK: transposeA ? sa[ra - 2] : sa[ra - 1],
    bK: transposeB ? sb[rb - 1] : sb[rb - 2],
    bN: transposeB ? sb[rb - 2] : sb[rb - 1],
  };
}

/** For each product of the batch: its index and where its A and B start (elements). */
function* batchOffsets(p: ReturnType<typeof plan>): Generator<[number, number, number]> {
  const batchStrides = stridesOf(p.batchShape);
  for (let t = 0; t < p.batch; t++) {
    let aOff = 0;
    let bOff = 0;
    for (let d = 0; d < p.batchShape.length; d++) {
      const coord = Math.floor(t / batchStrides[d]) % p.batchShape[d];
      aOff += coord * p.aBatch[d];
      bOff += coord * p.bBatch[d];
    }
    yield [t, aOff, bOff];
  }
}

/** C = op(A) @ op(B) (+ bias over the last dim). */
export const matmulOp: OpDef<MatmulAttrs> = defineOp<MatmulAttrs>({
  name: "matmul",
  infer(inputs, attrs) {
    const [a, b, bias] = inputs;
    check(inputs.length === 2 || inputs.length === 3, "matmul", () => `expected 2 or 3 inputs (a, b, bias), got ${inputs.length}`);
    for (const [t, n] of [
      [a, "a"],
      [b, "b"],
    ] as const) {
      check(t.dtype === "float32", "matmul", () => `${n} is ${t.dtype}, expected float32`);
      check(t.shape.length >= 2, "matmul", () => `${n} has shape ${fmtShape(t.shape)}; the op needs at least 2 dims (matmul() handles 1-D)`);
    }
    const p = plan(a, b, attrs);
    check(
      p.K === p.Kb,
      "matmul",
      () =>
        `a ${fmtShape(a.shape)}${attrs.transposeA ? "ᵀ" : ""} and b ${fmtShape(b.shape)}${attrs.transposeB ? "ᵀ" : ""} do not chain: a has ${p.K} columns but b has ${p.Kb} rows`,
    );
    if (bias) check(bias.shape.length === 1 && bias.shape[0] === p.N, "matmul", () => `bias has shape ${fmtShape(bias.shape)}, expected [${p.N}]`);
    return [{ shape: [...p.batchShape, p.M, p.N], dtype: "float32" }];
  },
  cpu([a, b, bias], [c], attrs) {
    const p = plan(a, b, attrs);
    for (const [t, aOff, bOff] of batchOffsets(p)) {
      for (let m = 0; m < p.M; m++)
        for (let n = 0; n < p.N; n++) {
          let s = bias ? bias.data[n] : 0;
          for (let k = 0; k < p.K; k++) s += a.data[aOff + m * p.aM + k * p.aK] * b.data[bOff + k * p.bK + n * p.bN];
          c.data[(t * p.M + m) * p.N + n] = s;
        }
    }
  },
  gpu(ctx, [a, b, bias], [c], attrs) {
    const p = plan(a, b, attrs);
    const batch = coalesceDims(p.batchShape, [p.aBatch, p.bBatch]);
    check(batch.shape.length <= 4, "matmul", () => `more than 4 batch dims after merging (${fmtShape(p.batchShape)})`);
    const tile = gemmTile(ctx.tuning, p.M, p.N);
    const fills = bias
      ? { BIAS_DECL: "@group(0) @binding(4) var<storage, read> bias: array<f32>;\nfn bias_at(n: u32) -> f32 { return bias[n]; }" }
      : { BIAS_DECL: "fn bias_at(n: u32) -> f32 { return 0.0; }" };
    const kernel = gemmKernel(
      bias ? "matmul+bias" : "matmul",
      matmulWgsl,
      fills,
      bias ? ["read", "read", "write", "read"] : ["read", "read", "write"],
      tile,
      {},
      4,
    );
    const u = new Uniforms()
      .u32(p.M)
      .u32(p.N)
      .u32(p.K)
      .u32(p.batch)
      .u32(batch.shape.length)
      .u32(p.aM)
      .u32(p.aK)
      .u32(p.bK)
      .u32(p.bN)
      .u32Array(batch.shape, 1)
      .u32Array(batch.strides[0] ?? [], 1)
      .u32Array(batch.strides[1] ?? [], 1);
    const bindings = [a.binding, b.binding, c.binding];
    if (bias) bindings.push(bias.binding);
    ctx.dispatch(kernel, bindings, u, gemmGrid(tile, p.M, p.N, p.batch));
  },
  wasm(ctx, [a, b, bias], [c], attrs) {
    const p = plan(a, b, attrs);
    for (const [t, aOff, bOff] of batchOffsets(p))
      ctx.gemm({
        M: p.M,
        N: p.N,
        K: p.K,
        a: a.offset + aOff * 4,
        aM: p.aM,
        aK: p.aK,
        b: b.offset + bOff * 4,
        bK: p.bK,
        bN: p.bN,
        c: c.offset + t * p.M * p.N * 4,
        bias: bias ? bias.offset : 0,
      });
  },
  vjp: ({ inputs: [a, b, bias], dy, attrs: { transposeA: tA, transposeB: tB }, needs }) => {
    const dc = dy;
    const mm = (x: Tensor, y: Tensor, transposeA: boolean, transposeB: boolean) => apply1(matmulOp, [x, y], { transposeA, transposeB });
    // C = op(A) op(B): d op(A) = dC op(B)ᵀ, d op(B) = op(A)ᵀ dC; transpose back where A or B was read transposed.
    const da = needs[0] ? (tA ? mm(b, dc, tB, true) : mm(dc, b, false, !tB)) : null;
    const db = needs[1] ? (tB ? mm(dc, a, true, tA) : mm(a, dc, !tA, false)) : null;
    return [da, db, bias && needs[2] ? dc : null]; // bias: autograd sums dC down to [N]
  },
  test: {
    cases: [
      {
        inputs: [
          [1, 1],
          [1, 1],
        ],
        attrs: { transposeA: false, transposeB: false },
      },
      {
        inputs: [
          [4, 5],
          [5, 4],
        ],
        attrs: { transposeA: false, transposeB: false },
      },
      {
        inputs: [
          [17, 34],
          [34, 9],
        ],
        attrs: { transposeA: false, transposeB: false },
      },
      {
        inputs: [
          [70, 33],
          [33, 66],
        ],
        attrs: { transposeA: false, transposeB: false },
      },
      {
        inputs: [
          [5, 7],
          [9, 5],
        ],
        attrs: { transposeA: true, transposeB: true },
      },
      {
        inputs: [
          [2, 3, 5, 5],
          [2, 3, 5, 6],
        ],
        attrs: { transposeA: false, transposeB: false },
      },
      {
        inputs: [
          [4, 1, 7, 5],
          [3, 5, 4],
        ],
        attrs: { transposeA: false, transposeB: false },
      },
      { inputs: [[6, 13], [10, 13], [10]], attrs: { transposeA: false, transposeB: true } },
    ],
  },
});

/**
 * Matrix product with PyTorch's rules: 1-D operands are treated as a row (a) or column (b) vector
 * and that dim is dropped from the result; batch dims broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  check(a.rank >= 1 && b.rank >= 1, "matmul", () => `both operands need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  const a2 = a.rank === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.rank === 1 ? reshape(b, [b.shape[0], 1]) : b;
  let out: Tensor;
  if (b2.rank === 2 && a2.rank > 2) {
    // [..., M, K] @ [K, N]: fold the batch into M, so the gradient of b is one product, not a sum.
    const k = a2.shape[a2.rank - 1];
    out = reshape(apply1(matmulOp, [reshape(a2, [-1, k]), b2], { transposeA: false, transposeB: false }), [...a2.shape.slice(0, -1), b2.shape[1]]);
  } else {
    out = apply1(matmulOp, [a2, b2], { transposeA: false, transposeB: false });
  }
  if (a.rank === 1 && b.rank === 1) return reshape(out, []);
  if (a.rank === 1) return reshape(out, [...out.shape.slice(0, -2), out.shape[out.rank - 1]]);
  if (b.rank === 1) return reshape(out, out.shape.slice(0, -1));
  return out;
}

/** y = x Wᵀ + b with PyTorch's layout: weight [out, in], bias [out]; x [..., in]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  check(weight.rank === 2, "linear", () => `weight must be [out, in], got ${fmtShape(weight.shape)}`);
  const inFeatures = weight.shape[1];
  check(
    x.rank >= 1 && x.shape[x.rank - 1] === inFeatures,
    "linear",
    () => `input ${fmtShape(x.shape)} must end in ${inFeatures} features to match weight ${fmtShape(weight.shape)}`,
  );
  const flat = x.rank === 2 ? x : reshape(x, [-1, inFeatures]);
  const inputs = bias ? [flat, weight, bias] : [flat, weight];
  const y = apply1(matmulOp, inputs, { transposeA: false, transposeB: true });
  return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), weight.shape[0]]);
}

/** This module's ops, by name (the registry joins every module's table). */
export const matmulOps = {
  matmul: matmulOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    matmul: typeof matmulOps;
  }
}
