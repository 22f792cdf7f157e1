/**
 * Adam and AdamW with PyTorch's semantics (torch.optim.Adam / AdamW), one fused kernel per step:
 *   Adam:  g = grad + weight_decay p          AdamW: p = p (1 - lr weight_decay), g = grad
 *   m = β1 m + (1 - β1) g,   v = β2 v + (1 - β2) g²   (AMSGrad: vmax = max(vmax, v), used for v)
 *   p = p - (lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps),   bc_k = 1 - β_k^step
 */

import { check } from "../errors";
import type { Tensor } from "../tensor/tensor";
import type { UpdateRule } from "./fused";
import { Optimizer, type ParamGroupInput, type Regularization, withDefaults } from "./optimizer";

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

type Settings = Required<AdamOptions>;

export class Adam extends Optimizer<Settings> {
  constructor(
    params: Iterable<Tensor> | ParamGroupInput<Settings>[],
    options: AdamOptions = {},
    regularization?: Regularization,
    private readonly decoupled = false,
  ) {
    const name = decoupled ? "AdamW" : "Adam";
    const defaults: Settings = withDefaults<Settings>({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: decoupled ? 1e-2 : 0, amsgrad: false }, options);
    check(
      defaults.betas.every((b) => b >= 0 && b < 1),
      name,
      () => `betas must be in [0, 1), got [${defaults.betas}]`,
    );
    check(defaults.eps > 0, name, () => `eps must be > 0, got ${defaults.eps}`);
    check(defaults.weightDecay >= 0, name, () => `weightDecay must be >= 0, got ${defaults.weightDecay}`);
    super(name, params, defaults, defaults.amsgrad ? ["m", "v", "vmax"] : ["m", "v"], regularization);
  }

  protected rule(o: Settings, step: number): UpdateRule {
    const [beta1, beta2] = o.betas;
    const bc1 = 1 - beta1 ** step;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    const decoupled = this.decoupled;
    const scalars = { lr: o.lr, beta1, beta2, eps: o.eps, weightDecay: o.weightDecay, decoupled: decoupled ? 1 : 0, bc1, bc2Sqrt };
    return {
      name: o.amsgrad ? "adam/amsgrad" : "adam",
      states: o.amsgrad ? ["m", "v", "vmax"] : ["m", "v"],
      scalars,
      wgsl: `    if (u.decoupled == 1.0) { p = p * (1.0 - u.lr * u.weightDecay); } else { g = g + u.weightDecay * p; }
    let mi = u.beta1 * m[i] + (1.0 - u.beta1) * g;
    let vi = u.beta2 * v[i] + (1.0 - u.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    ${o.amsgrad ? "let second = max(vmax[i], vi);\n    vmax[i] = second;" : "let second = vi;"}
    p = p - (u.lr / u.bc1) * mi / (sqrt(second) / u.bc2Sqrt + u.eps);`,
      cpu: (grad, param, s, i) => {
        let p = param;
        let g = grad;
        if (decoupled) p *= 1 - o.lr * o.weightDecay;
        else g += o.weightDecay * p;
        const mi = beta1 * s.m[i] + (1 - beta1) * g;
        const vi = beta2 * s.v[i] + (1 - beta2) * g * g;
        s.m[i] = mi;
        s.v[i] = vi;
        let second = vi;
        if (o.amsgrad) {
          second = Math.max(s.vmax[i], vi);
          s.vmax[i] = second;
        }
        return p - ((o.lr / bc1) * mi) / (Math.sqrt(second) / bc2Sqrt + o.eps);
      },
    };
  }
}

/** AdamW: Adam with decoupled weight decay (default 0.01). */
export class AdamW extends Adam {
  constructor(params: Iterable<Tensor> | ParamGroupInput<Settings>[], options: AdamOptions = {}, regularization?: Regularization) {
    super(params, options, regularization, true);
  }
}
