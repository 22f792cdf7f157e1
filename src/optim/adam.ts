/**
 * Adam and AdamW with PyTorch's semantics (bias correction, AMSGrad, L2 vs decoupled weight
 * decay), one fused kernel (shaders/adam.wgsl) per step over the whole parameter arena.
 */

import adamWgsl from "../../shaders/adam.wgsl?raw";
import { cachedKernel, fillTemplate, Uniforms } from "../backend/webgpu/kernel";
import { check } from "../errors";
import { defineOp, type OpDef } from "../ops/op";
import type { Tensor } from "../tensor/tensor";
import { Optimizer } from "./optimizer";

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

type AdamAttrs = { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; amsgrad: boolean; step: number };

const AMSGRAD_RULE = `@group(0) @binding(5) var<storage, read_write> vmax: array<f32>;
fn second_moment(i: u32, v_new: f32) -> f32 {
  let mx = max(vmax[i], v_new);
  vmax[i] = mx;
  return mx;
}`;

/** In place: grad (read) -> param, m, v (and vmax for AMSGrad). */
export const adamStepOp: OpDef<AdamAttrs> = defineOp<AdamAttrs>({
  name: "adamStep",
  infer: () => [],
  cpu([grad], [param, m, v, vmax], a) {
    const bc1 = 1 - a.beta1 ** a.step;
    const bc2Sqrt = Math.sqrt(1 - a.beta2 ** a.step);
    for (let i = 0; i < param.data.length; i++) {
      let p = param.data[i];
      let g = grad.data[i];
      if (a.decoupled) p *= 1 - a.lr * a.weightDecay;
      else g += a.weightDecay * p;
      const mi = a.beta1 * m.data[i] + (1 - a.beta1) * g;
      const vi = a.beta2 * v.data[i] + (1 - a.beta2) * g * g;
      m.data[i] = mi;
      v.data[i] = vi;
      let second = vi;
      if (a.amsgrad) {
        second = Math.max(vmax.data[i], vi);
        vmax.data[i] = second;
      }
      param.data[i] = p - ((a.lr / bc1) * mi) / (Math.sqrt(second) / bc2Sqrt + a.eps);
    }
  },
  gpu(ctx, [grad], [param, m, v, vmax], a) {
    const kernel = cachedKernel(`adam/${a.amsgrad ? "amsgrad" : "plain"}`, () => ({
      code: fillTemplate(adamWgsl, { AMSGRAD: a.amsgrad ? AMSGRAD_RULE : "fn second_moment(i: u32, v_new: f32) -> f32 { return v_new; }" }),
      bindings: a.amsgrad ? ["read", "write", "write", "write", "write"] : ["read", "write", "write", "write"],
    }));
    const n = param.shape[0];
    const u = new Uniforms()
      .u32(n)
      .f32(a.lr)
      .f32(a.beta1)
      .f32(a.beta2)
      .f32(a.eps)
      .f32(a.weightDecay)
      .u32(a.decoupled ? 1 : 0)
      .f32(1 - a.beta1 ** a.step)
      .f32(Math.sqrt(1 - a.beta2 ** a.step));
    const bindings = [grad.binding, param.binding, m.binding, v.binding];
    if (a.amsgrad) bindings.push(vmax.binding);
    ctx.dispatch(kernel, bindings, u, [Math.min(Math.ceil(n / 256), ctx.tuning.gridWorkgroups)]);
  },
});

export class Adam extends Optimizer {
  readonly options: Required<AdamOptions>;

  constructor(
    params: Iterable<Tensor>,
    options: AdamOptions = {},
    private readonly decoupled = false,
  ) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = decoupled ? 1e-2 : 0, amsgrad = false } = options;
    const name = decoupled ? "AdamW" : "Adam";
    check(lr > 0 && Number.isFinite(lr), name, () => `lr must be a positive number, got ${lr}`);
    check(
      betas.every((b) => b >= 0 && b < 1),
      name,
      () => `betas must be in [0, 1), got [${betas}]`,
    );
    check(eps > 0, name, () => `eps must be > 0, got ${eps}`);
    check(weightDecay >= 0, name, () => `weightDecay must be >= 0, got ${weightDecay}`);
    super(name, params, amsgrad ? 3 : 2);
    this.options = { lr, betas, eps, weightDecay, amsgrad };
  }

  protected update(): [OpDef<never>, object] {
    const { lr, betas, eps, weightDecay, amsgrad } = this.options;
    return [adamStepOp as OpDef<never>, { lr, beta1: betas[0], beta2: betas[1], eps, weightDecay, decoupled: this.decoupled, amsgrad, step: this.stepCount }];
  }
}

/** AdamW: Adam with decoupled weight decay (default 0.01). */
export class AdamW extends Adam {
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super(params, options, true);
  }
}
