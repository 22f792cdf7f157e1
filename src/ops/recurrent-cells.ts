/**
 * Fused recurrent cells: a time step's gate math as one kernel (and its gradient as one more), not
 * a dozen elementwise dispatches (WGSL, and WebAssembly SIMD in src/backend/wasm/kernels/recurrent.ts). The matmuls stay outside: the input projection of every step is
 * one GEMM before the recurrence, the hidden projection one per step (src/nn/functional/recurrent.ts).
 *
 *   LSTM step: gates [B, 4H] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh (order i, f, g, o), c [B, H]:
 *     i, f, o = σ(gate); g = tanh(gate); c' = f c + i g; h' = o tanh(c')
 *   its gradient, from dh' and dc':
 *     dc_t = dc' + dh' o (1 - tanh² c')           (all that reaches c')
 *     d gate_i = dc_t g i (1 - i);  d gate_f = dc_t c f (1 - f)
 *     d gate_g = dc_t i (1 - g²);   d gate_o = dh' tanh(c') o (1 - o);  dc = dc_t f
 *
 *   GRU step: gi = x W_ihᵀ + b_ih, gh = h W_hhᵀ + b_hh [B, 3H] (order r, z, n), h [B, H]:
 *     r = σ(gi_r + gh_r); z = σ(gi_z + gh_z); n = tanh(gi_n + r gh_n); h' = (1 - z) n + z h
 *   its gradient, from dh':
 *     dn = dh' (1 - z)(1 - n²); dz = dh' (h - n) z (1 - z); dr = dn gh_n r (1 - r)
 *     d gi = [dr, dz, dn];  d gh = [dr, dz, dn r];  dh = dh' z
 */
import gruCellWgsl from "../../shaders/gru_cell.wgsl?raw";
import gruCellBackwardWgsl from "../../shaders/gru_cell_backward.wgsl?raw";
import lstmCellWgsl from "../../shaders/lstm_cell.wgsl?raw";
import lstmCellBackwardWgsl from "../../shaders/lstm_cell_backward.wgsl?raw";
import mathWgsl from "../../shaders/math.wgsl?raw";
import recurrentCellWgsl from "../../shaders/recurrent_cell.wgsl?raw";
import type { GpuContext, GpuTensor } from "../backend/webgpu/context";
import type { Access } from "../backend/webgpu/kernel";
import { cachedKernel, fillTemplate, Uniforms } from "../backend/webgpu/kernel";
import { check, fmtShape } from "../errors";
import { apply } from "../tensor/engine";
import { zerosLike } from "./creation";
import { sigmoid } from "./math";
import { defineOp, type OpTable, type TensorMeta } from "./op";

/** Checks a cell's [B, G H] gate inputs and its [B, H] states; returns B and H. */
function cellSizes(op: string, gates: TensorMeta, gateCount: number, states: TensorMeta[]): { B: number; H: number } {
  check(
    gates.shape.length === 2 && gates.shape[1] % gateCount === 0,
    op,
    () => `gate inputs must be [batch, ${gateCount} x hidden], got ${fmtShape(gates.shape)}`,
  );
  const [B, H] = [gates.shape[0], gates.shape[1] / gateCount];
  for (const s of states)
    check(
      s.shape.length === 2 && s.shape[0] === B && s.shape[1] === H,
      op,
      () => `states must be [${B}, ${H}] beside gates ${fmtShape(gates.shape)}, got ${fmtShape(s.shape)}`,
    );
  for (const t of [gates, ...states]) check(t.dtype === "float32", op, () => `expected float32 tensors, got ${t.dtype}`);
  return { B, H };
}

/** One thread per (batch row, hidden unit), 256 to a workgroup: the cell's shader in the shared frame. */
function dispatchCell(ctx: GpuContext, name: string, cell: string, tensors: GpuTensor[], outputs: number, B: number, H: number): void {
  const access: Access[] = tensors.map((_, k) => (k < tensors.length - outputs ? "read" : "write"));
  const kernel = cachedKernel(name, () => ({ code: fillTemplate(recurrentCellWgsl, { MATH: mathWgsl, CELL: cell }), bindings: access }));
  const n = B * H;
  ctx.dispatch(
    kernel,
    tensors.map((t) => t.binding),
    new Uniforms().u32(n).u32(H),
    [Math.min(Math.ceil(n / 256), ctx.tuning.gridWorkgroups)],
  );
}

const CASES = (gates: number) => [
  {
    inputs: [
      [3, gates * 5],
      [3, 5],
    ],
  },
  {
    inputs: [
      [1, gates],
      [1, 1],
    ],
  },
  {
    inputs: [
      [70, gates * 9],
      [70, 9],
    ],
  },
];

/** LSTM step: [gates [B, 4H], c [B, H]] -> [h' [B, H], c' [B, H]]. */
export const lstmCellOp = defineOp({
  name: "lstmCell",
  infer([gates, c]) {
    const { B, H } = cellSizes("lstmCell", gates, 4, [c]);
    return [
      { shape: [B, H], dtype: "float32" },
      { shape: [B, H], dtype: "float32" },
    ];
  },
  cpu([gates, c], [h, cNext]) {
    const H = c.shape[1];
    for (let e = 0; e < c.data.length; e++) {
      const at = Math.floor(e / H) * 4 * H + (e % H);
      const [i, f, g, o] = [sigmoid(gates.data[at]), sigmoid(gates.data[at + H]), Math.tanh(gates.data[at + 2 * H]), sigmoid(gates.data[at + 3 * H])];
      cNext.data[e] = f * c.data[e] + i * g;
      h.data[e] = o * Math.tanh(cNext.data[e]);
    }
  },
  gpu(ctx, [gates, c], [h, cNext]) {
    dispatchCell(ctx, "lstmCell", lstmCellWgsl, [gates, c, h, cNext], 2, c.shape[0], c.shape[1]);
  },
  wasm(ctx, [gates, c], [h, cNext]) {
    ctx.kernels.lstmCell(c.shape[0], c.shape[1], gates.offset, c.offset, h.offset, cNext.offset);
  },
  vjp: ({ inputs: [gates, c], dy, grads }) => apply(lstmCellBackwardOp, [gates, c, dy, grads[1] ?? zerosLike(c)], {}),
  test: { cases: CASES(4) },
});

/** The LSTM step's gradient: [gates, c, dh', dc'] -> [d gates, dc]. */
export const lstmCellBackwardOp = defineOp({
  name: "lstmCellBackward",
  infer([gates, c, dh, dcNext]) {
    cellSizes("lstmCellBackward", gates, 4, [c, dh, dcNext]);
    return [
      { shape: [...gates.shape], dtype: "float32" },
      { shape: [...c.shape], dtype: "float32" },
    ];
  },
  cpu([gates, c, dh, dcNext], [dGates, dc]) {
    const H = c.shape[1];
    for (let e = 0; e < c.data.length; e++) {
      const at = Math.floor(e / H) * 4 * H + (e % H);
      const [i, f, g, o] = [sigmoid(gates.data[at]), sigmoid(gates.data[at + H]), Math.tanh(gates.data[at + 2 * H]), sigmoid(gates.data[at + 3 * H])];
      const tc = Math.tanh(f * c.data[e] + i * g);
      const dct = dcNext.data[e] + dh.data[e] * o * (1 - tc * tc);
      dGates.data[at] = dct * g * i * (1 - i);
      dGates.data[at + H] = dct * c.data[e] * f * (1 - f);
      dGates.data[at + 2 * H] = dct * i * (1 - g * g);
      dGates.data[at + 3 * H] = dh.data[e] * tc * o * (1 - o);
      dc.data[e] = dct * f;
    }
  },
  gpu(ctx, [gates, c, dh, dcNext], [dGates, dc]) {
    dispatchCell(ctx, "lstmCellBackward", lstmCellBackwardWgsl, [gates, c, dh, dcNext, dGates, dc], 2, c.shape[0], c.shape[1]);
  },
  wasm(ctx, [gates, c, dh, dcNext], [dGates, dc]) {
    ctx.kernels.lstmCellBackward(c.shape[0], c.shape[1], gates.offset, c.offset, dh.offset, dcNext.offset, dGates.offset, dc.offset);
  },
  test: {
    cases: [
      {
        inputs: [
          [4, 12],
          [4, 3],
          [4, 3],
          [4, 3],
        ],
      },
      {
        inputs: [
          [65, 8],
          [65, 2],
          [65, 2],
          [65, 2],
        ],
      },
    ],
  },
});

/** GRU step: [gi [B, 3H], gh [B, 3H], h [B, H]] -> h' [B, H]. */
export const gruCellOp = defineOp({
  name: "gruCell",
  infer([gi, gh, h]) {
    const { B, H } = cellSizes("gruCell", gi, 3, [h]);
    check(
      gh.shape.length === 2 && gh.shape[0] === B && gh.shape[1] === 3 * H,
      "gruCell",
      () => `gh must be [${B}, ${3 * H}] like gi, got ${fmtShape(gh.shape)}`,
    );
    return [{ shape: [B, H], dtype: "float32" }];
  },
  cpu([gi, gh, h], [hNext]) {
    const H = h.shape[1];
    for (let e = 0; e < h.data.length; e++) {
      const at = Math.floor(e / H) * 3 * H + (e % H);
      const r = sigmoid(gi.data[at] + gh.data[at]);
      const z = sigmoid(gi.data[at + H] + gh.data[at + H]);
      const n = Math.tanh(gi.data[at + 2 * H] + r * gh.data[at + 2 * H]);
      hNext.data[e] = (1 - z) * n + z * h.data[e];
    }
  },
  gpu(ctx, [gi, gh, h], [hNext]) {
    dispatchCell(ctx, "gruCell", gruCellWgsl, [gi, gh, h, hNext], 1, h.shape[0], h.shape[1]);
  },
  wasm(ctx, [gi, gh, h], [hNext]) {
    ctx.kernels.gruCell(h.shape[0], h.shape[1], gi.offset, gh.offset, h.offset, hNext.offset);
  },
  vjp: ({ inputs: [gi, gh, h], dy }) => apply(gruCellBackwardOp, [gi, gh, h, dy], {}),
  test: { cases: CASES(3).map(({ inputs: [g, s] }) => ({ inputs: [g, g, s] })) },
});

/** The GRU step's gradient: [gi, gh, h, dh'] -> [d gi, d gh, dh]. */
export const gruCellBackwardOp = defineOp({
  name: "gruCellBackward",
  infer([gi, gh, h, dh]) {
    cellSizes("gruCellBackward", gi, 3, [h, dh]);
    return [
      { shape: [...gi.shape], dtype: "float32" },
      { shape: [...gh.shape], dtype: "float32" },
      { shape: [...h.shape], dtype: "float32" },
    ];
  },
  cpu([gi, gh, h, dhNext], [dgi, dgh, dh]) {
    const H = h.shape[1];
    for (let e = 0; e < h.data.length; e++) {
      const at = Math.floor(e / H) * 3 * H + (e % H);
      const r = sigmoid(gi.data[at] + gh.data[at]);
      const z = sigmoid(gi.data[at + H] + gh.data[at + H]);
      const ghn = gh.data[at + 2 * H];
      const n = Math.tanh(gi.data[at + 2 * H] + r * ghn);
      const d = dhNext.data[e];
      const dn = d * (1 - z) * (1 - n * n);
      const dz = d * (h.data[e] - n) * z * (1 - z);
      const dr = dn * ghn * r * (1 - r);
      dgi.data[at] = dgh.data[at] = dr;
      dgi.data[at + H] = dgh.data[at + H] = dz;
      dgi.data[at + 2 * H] = dn;
      dgh.data[at + 2 * H] = dn * r;
      dh.data[e] = d * z;
    }
  },
  gpu(ctx, [gi, gh, h, dhNext], [dgi, dgh, dh]) {
    dispatchCell(ctx, "gruCellBackward", gruCellBackwardWgsl, [gi, gh, h, dhNext, dgi, dgh, dh], 3, h.shape[0], h.shape[1]);
  },
  wasm(ctx, [gi, gh, h, dhNext], [dgi, dgh, dh]) {
    ctx.kernels.gruCellBackward(h.shape[0], h.shape[1], gi.offset, gh.offset, h.offset, dhNext.offset, dgi.offset, dgh.offset, dh.offset);
  },
  test: {
    cases: [
      {
        inputs: [
          [4, 9],
          [4, 9],
          [4, 3],
          [4, 3],
        ],
      },
      {
        inputs: [
          [65, 6],
          [65, 6],
          [65, 2],
          [65, 2],
        ],
      },
    ],
  },
});

export const recurrentCellOps = {
  lstmCell: lstmCellOp,
  lstmCellBackward: lstmCellBackwardOp,
  gruCell: gruCellOp,
  gruCellBackward: gruCellBackwardOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    recurrentCells: typeof recurrentCellOps;
  }
}
