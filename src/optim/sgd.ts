/**
 * Stochastic gradient descent with PyTorch's semantics (torch.optim.SGD), one fused kernel per step:
 *   g = grad + weight_decay p
 *   with momentum: buf = g at the first step, else momentum buf + (1 - dampening) g;
 *                  g = g + momentum buf (Nesterov) or g = buf
 *   p = p - lr g
 */

import { check } from "../errors";
import type { Tensor } from "../tensor/tensor";
import type { UpdateRule } from "./fused";
import { Optimizer, type ParamGroupInput, type Regularization, withDefaults } from "./optimizer";

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

type Settings = Required<SGDOptions>;

export class SGD extends Optimizer<Settings> {
  constructor(params: Iterable<Tensor> | ParamGroupInput<Settings>[], options: SGDOptions, regularization?: Regularization) {
    const defaults: Settings = withDefaults<Settings>({ lr: options.lr, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }, options);
    check(defaults.momentum >= 0, "SGD", () => `momentum must be >= 0, got ${defaults.momentum}`);
    check(defaults.weightDecay >= 0, "SGD", () => `weightDecay must be >= 0, got ${defaults.weightDecay}`);
    check(!defaults.nesterov || (defaults.momentum > 0 && defaults.dampening === 0), "SGD", () => "Nesterov momentum needs momentum > 0 and dampening 0");
    super("SGD", params, defaults, defaults.momentum !== 0 ? ["buf"] : [], regularization);
  }

  protected rule(o: Settings, step: number): UpdateRule {
    const scalars = {
      lr: o.lr,
      weightDecay: o.weightDecay,
      momentum: o.momentum,
      dampening: o.dampening,
      nesterov: o.nesterov ? 1 : 0,
      first: step === 1 ? 1 : 0,
    };
    if (o.momentum === 0)
      return {
        name: "sgd",
        states: [],
        scalars,
        wgsl: "    p = p - u.lr * (g + u.weightDecay * p);",
        cpu: (g, p) => p - o.lr * (g + o.weightDecay * p),
      };
    return {
      name: "sgd/momentum",
      states: ["buf"],
      scalars,
      wgsl: `    g = g + u.weightDecay * p;
    var b = g;
    if (u.first == 0.0) { b = u.momentum * buf[i] + (1.0 - u.dampening) * g; }
    buf[i] = b;
    p = p - u.lr * select(b, g + u.momentum * b, u.nesterov == 1.0);`,
      cpu: (grad, p, s, i) => {
        const g = grad + o.weightDecay * p;
        const b = step === 1 ? g : o.momentum * s.buf[i] + (1 - o.dampening) * g;
        s.buf[i] = b;
        return p - o.lr * (o.nesterov ? g + o.momentum * b : b);
      },
    };
  }
}
