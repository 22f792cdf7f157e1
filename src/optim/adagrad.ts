/**
 * AdaGrad with PyTorch's semantics (torch.optim.Adagrad), one fused kernel per step:
 *   g = grad + weight_decay p;   clr = lr / (1 + (step - 1) lr_decay)
 *   sum = sum + g²;              p = p - clr g / (sqrt(sum) + eps)
 */

import { check } from "../errors";
import type { Tensor } from "../tensor/tensor";
import type { UpdateRule } from "./fused";
import { Optimizer, type ParamGroupInput, type Regularization, withDefaults } from "./optimizer";

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

type Settings = Required<AdagradOptions>;

export class Adagrad extends Optimizer<Settings> {
  constructor(params: Iterable<Tensor> | ParamGroupInput<Settings>[], options: AdagradOptions = {}, regularization?: Regularization) {
    const defaults: Settings = withDefaults<Settings>({ lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 }, options);
    check(defaults.initialAccumulatorValue >= 0, "Adagrad", () => `initialAccumulatorValue must be >= 0, got ${defaults.initialAccumulatorValue}`);
    super("Adagrad", params, defaults, ["sum"], regularization);
    this.initState();
  }

  protected override initState(): void {
    const value = this.groups[0].options.initialAccumulatorValue;
    if (value) this.fillState("sum", value);
  }

  protected rule(o: Settings, step: number): UpdateRule {
    const clr = o.lr / (1 + (step - 1) * o.lrDecay);
    return {
      name: "adagrad",
      states: ["sum"],
      scalars: { clr, weightDecay: o.weightDecay, eps: o.eps },
      wgsl: `    g = g + u.weightDecay * p;
    let s = sum[i] + g * g;
    sum[i] = s;
    p = p - u.clr * g / (sqrt(s) + u.eps);`,
      cpu: (grad, p, state, i) => {
        const g = grad + o.weightDecay * p;
        const s = state.sum[i] + g * g;
        state.sum[i] = s;
        return p - (clr * g) / (Math.sqrt(s) + o.eps);
      },
    };
  }
}
