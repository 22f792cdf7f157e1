/**
 * Stochastic gradient descent with PyTorch's semantics (momentum, dampening, Nesterov, weight
 * decay), one fused kernel (shaders/sgd.wgsl) per step over the whole parameter arena.
 */

import sgdWgsl from "../../shaders/sgd.wgsl?raw";
import { cachedKernel, fillTemplate, Uniforms } from "../backend/webgpu/kernel";
import { check } from "../errors";
import { defineOp, type OpDef } from "../ops/op";
import type { Tensor } from "../tensor/tensor";
import { Optimizer } from "./optimizer";

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

type SgdAttrs = Required<SGDOptions> & { first: boolean };

const MOMENTUM_RULE = `@group(0) @binding(3) var<storage, read_write> buf: array<f32>;
fn with_momentum(i: u32, g: f32) -> f32 {
  var b = g;
  if (params.first == 0u) { b = params.momentum * buf[i] + (1.0 - params.dampening) * g; }
  buf[i] = b;
  return select(b, g + params.momentum * b, params.nesterov == 1u);
}`;

/** In place: grad (read) -> param, momentum buffer (read-write). */
export const sgdStepOp: OpDef<SgdAttrs> = defineOp<SgdAttrs>({
  name: "sgdStep",
  infer: () => [],
  cpu([grad], [param, buf], a) {
    for (let i = 0; i < param.data.length; i++) {
      let g = grad.data[i] + a.weightDecay * param.data[i];
      if (a.momentum !== 0) {
        const b = a.first ? g : a.momentum * buf.data[i] + (1 - a.dampening) * g;
        buf.data[i] = b;
        g = a.nesterov ? g + a.momentum * b : b;
      }
      param.data[i] -= a.lr * g;
    }
  },
  gpu(ctx, [grad], [param, buf], a) {
    const momentum = a.momentum !== 0;
    const kernel = cachedKernel(`sgd/${momentum ? "momentum" : "plain"}`, () => ({
      code: fillTemplate(sgdWgsl, { MOMENTUM: momentum ? MOMENTUM_RULE : "fn with_momentum(i: u32, g: f32) -> f32 { return g; }" }),
      bindings: momentum ? ["read", "write", "write"] : ["read", "write"],
    }));
    const n = param.shape[0];
    const u = new Uniforms()
      .u32(n)
      .f32(a.lr)
      .f32(a.weightDecay)
      .f32(a.momentum)
      .f32(a.dampening)
      .u32(a.nesterov ? 1 : 0)
      .u32(a.first ? 1 : 0);
    const bindings = momentum ? [grad.binding, param.binding, buf.binding] : [grad.binding, param.binding];
    ctx.dispatch(kernel, bindings, u, [Math.min(Math.ceil(n / 256), ctx.tuning.gridWorkgroups)]);
  },
});

export class SGD extends Optimizer {
  readonly options: Required<SGDOptions>;

  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    const { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = options;
    check(lr > 0 && Number.isFinite(lr), "SGD", () => `lr must be a positive number, got ${lr}`);
    check(momentum >= 0, "SGD", () => `momentum must be >= 0, got ${momentum}`);
    check(weightDecay >= 0, "SGD", () => `weightDecay must be >= 0, got ${weightDecay}`);
    check(!nesterov || (momentum > 0 && dampening === 0), "SGD", () => "Nesterov momentum needs momentum > 0 and dampening 0");
    super("SGD", params, momentum !== 0 ? 1 : 0);
    this.options = { lr, momentum, dampening, nesterov, weightDecay };
  }

  protected update(): [OpDef<never>, object] {
    return [sgdStepOp as OpDef<never>, { ...this.options, first: this.stepCount === 1 }];
  }
}
