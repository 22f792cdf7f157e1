/**
 * RMSProp with PyTorch's semantics (torch.optim.RMSprop), one fused kernel per step:
 *   g = grad + weight_decay p;   sq = α sq + (1 - α) g²
 *   centered: ga = α ga + (1 - α) g, avg = sqrt(sq - ga²) + eps;  else avg = sqrt(sq) + eps
 *   momentum: buf = momentum buf + g / avg, p = p - lr buf;       else p = p - lr g / avg
 */

import { check } from "../errors";
import type { Tensor } from "../tensor/tensor";
import type { UpdateRule } from "./fused";
import { Optimizer, type ParamGroupInput, type Regularization, withDefaults } from "./optimizer";

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

type Settings = Required<RMSpropOptions>;

export class RMSprop extends Optimizer<Settings> {
  constructor(params: Iterable<Tensor> | ParamGroupInput<Settings>[], options: RMSpropOptions = {}, regularization?: Regularization) {
    const defaults: Settings = withDefaults<Settings>({ lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }, options);
    check(defaults.alpha >= 0 && defaults.alpha < 1, "RMSprop", () => `alpha must be in [0, 1), got ${defaults.alpha}`);
    check(defaults.momentum >= 0, "RMSprop", () => `momentum must be >= 0, got ${defaults.momentum}`);
    super("RMSprop", params, defaults, ["sq", ...(defaults.centered ? ["ga"] : []), ...(defaults.momentum > 0 ? ["buf"] : [])], regularization);
  }

  protected rule(o: Settings): UpdateRule {
    const states = ["sq", ...(o.centered ? ["ga"] : []), ...(o.momentum > 0 ? ["buf"] : [])];
    return {
      name: `rmsprop${o.centered ? "/centered" : ""}${o.momentum > 0 ? "/momentum" : ""}`,
      states,
      scalars: { lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.weightDecay, momentum: o.momentum },
      wgsl: `    g = g + u.weightDecay * p;
    let s = u.alpha * sq[i] + (1.0 - u.alpha) * g * g;
    sq[i] = s;
    ${o.centered ? "let a = u.alpha * ga[i] + (1.0 - u.alpha) * g;\n    ga[i] = a;\n    let avg = sqrt(s - a * a) + u.eps;" : "let avg = sqrt(s) + u.eps;"}
    ${o.momentum > 0 ? "let b = u.momentum * buf[i] + g / avg;\n    buf[i] = b;\n    p = p - u.lr * b;" : "p = p - u.lr * g / avg;"}`,
      cpu: (grad, p, st, i) => {
        const g = grad + o.weightDecay * p;
        const s = o.alpha * st.sq[i] + (1 - o.alpha) * g * g;
        st.sq[i] = s;
        let avg = Math.sqrt(s) + o.eps;
        if (o.centered) {
          const a = o.alpha * st.ga[i] + (1 - o.alpha) * g;
          st.ga[i] = a;
          avg = Math.sqrt(s - a * a) + o.eps;
        }
        if (o.momentum > 0) {
          const b = o.momentum * st.buf[i] + g / avg;
          st.buf[i] = b;
          return p - o.lr * b;
        }
        return p - (o.lr * g) / avg;
      },
    };
  }
}
