/**
 * Adadelta with PyTorch's semantics (torch.optim.Adadelta), one fused kernel per step:
 *   g = grad + weight_decay p;   sq = ρ sq + (1 - ρ) g²
 *   delta = sqrt(acc + eps) / sqrt(sq + eps) g;   acc = ρ acc + (1 - ρ) delta²;   p = p - lr delta
 */

import { check } from "../errors";
import type { Tensor } from "../tensor/tensor";
import type { UpdateRule } from "./fused";
import { Optimizer, type ParamGroupInput, type Regularization, withDefaults } from "./optimizer";

export interface AdadeltaOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  weightDecay?: number;
}

type Settings = Required<AdadeltaOptions>;

export class Adadelta extends Optimizer<Settings> {
  constructor(params: Iterable<Tensor> | ParamGroupInput<Settings>[], options: AdadeltaOptions = {}, regularization?: Regularization) {
    const defaults: Settings = withDefaults<Settings>({ lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0 }, options);
    check(defaults.rho >= 0 && defaults.rho <= 1, "Adadelta", () => `rho must be in [0, 1], got ${defaults.rho}`);
    super("Adadelta", params, defaults, ["sq", "acc"], regularization);
  }

  protected rule(o: Settings): UpdateRule {
    return {
      name: "adadelta",
      states: ["sq", "acc"],
      scalars: { lr: o.lr, rho: o.rho, eps: o.eps, weightDecay: o.weightDecay },
      wgsl: `    g = g + u.weightDecay * p;
    let s = u.rho * sq[i] + (1.0 - u.rho) * g * g;
    sq[i] = s;
    let delta = sqrt(acc[i] + u.eps) / sqrt(s + u.eps) * g;
    acc[i] = u.rho * acc[i] + (1.0 - u.rho) * delta * delta;
    p = p - u.lr * delta;`,
      cpu: (grad, p, st, i) => {
        const g = grad + o.weightDecay * p;
        const s = o.rho * st.sq[i] + (1 - o.rho) * g * g;
        st.sq[i] = s;
        const delta = (Math.sqrt(st.acc[i] + o.eps) / Math.sqrt(s + o.eps)) * g;
        st.acc[i] = o.rho * st.acc[i] + (1 - o.rho) * delta * delta;
        return p - o.lr * delta;
      },
    };
  }
}
