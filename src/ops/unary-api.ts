/**
 * Public functions for the unary ops (PyTorch names and defaults).
 */
import { apply1 } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import * as u from "./unary";

const un = (op: Parameters<typeof apply1>[0], x: Tensor, attrs: object = {}) => apply1(op as never, [x], attrs);

export const exp = (x: Tensor) => un(u.expOp, x);
export const log = (x: Tensor) => un(u.logOp, x);
export const sqrt = (x: Tensor) => un(u.sqrtOp, x);
export const rsqrt = (x: Tensor) => un(u.rsqrtOp, x);
export const abs = (x: Tensor) => un(u.absOp, x);
export const sign = (x: Tensor) => un(u.signOp, x);
export const sin = (x: Tensor) => un(u.sinOp, x);
export const cos = (x: Tensor) => un(u.cosOp, x);
export const relu = (x: Tensor) => un(u.reluOp, x);
export const leakyRelu = (x: Tensor, negativeSlope = 0.01) => un(u.leakyReluOp, x, { negativeSlope });
export const elu = (x: Tensor, alpha = 1) => un(u.eluOp, x, { alpha });
export const sigmoid = (x: Tensor) => un(u.sigmoidOp, x);
export const tanh = (x: Tensor) => un(u.tanhOp, x);
export const silu = (x: Tensor) => un(u.siluOp, x);

/** GELU; approximate "tanh" uses the tanh formula, "none" (default) the exact erf form. */
export const gelu = (x: Tensor, options: { approximate?: "none" | "tanh" } = {}) => un(options.approximate === "tanh" ? u.geluTanhOp : u.geluOp, x);

/** log(1 + e^(βx)) / β, linear where βx > threshold (PyTorch defaults β = 1, threshold = 20). */
export const softplus = (x: Tensor, options: { beta?: number; threshold?: number } = {}) =>
  un(u.softplusOp, x, { beta: options.beta ?? 1, threshold: options.threshold ?? 20 });

/** Clamps to [min, max]; either bound may be omitted. */
export const clamp = (x: Tensor, min?: number, max?: number) => un(u.clampOp, x, { min: min ?? -Infinity, max: max ?? Infinity });

/** Converts to float32 or int32 (float to int truncates toward zero). */
export const cast = (x: Tensor, dtype: "float32" | "int32") => (x.dtype === dtype ? clone(x) : un(u.castOp, x, { dtype }));

/** A copy with its own storage (gradients flow through). */
export const clone = (x: Tensor) => (x.dtype === "float32" ? un(u.affineOp, x, { scale: 1, shift: 0 }) : un(u.castOp, x, { dtype: "int32" }));
