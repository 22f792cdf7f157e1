/**
 * Basic layers: Linear (PyTorch's layout and default initialisation), Sequential, Flatten and the
 * activation functions as modules.
 */
import { check } from "../errors";
import { rand } from "../ops/creation";
import { linear } from "../ops/matmul";
import { flatten } from "../ops/shape-ops";
import * as act from "../ops/unary-api";
import type { Tensor } from "../tensor/tensor";
import { Module } from "./module";

/** y = x Wᵀ + b, weight [out, in]; weight and bias start uniform in ±1/sqrt(in), as in PyTorch. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    check(
      Number.isInteger(inFeatures) && inFeatures > 0 && Number.isInteger(outFeatures) && outFeatures > 0,
      "Linear",
      () => `sizes must be whole numbers > 0, got ${inFeatures} -> ${outFeatures}`,
    );
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = rand([outFeatures, inFeatures], { low: -bound, high: bound, requiresGrad: true });
    this.bias = options.bias === false ? null : rand([outFeatures], { low: -bound, high: bound, requiresGrad: true });
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/** Runs modules one after another. */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }
}

/** Flattens dims startDim..endDim (default: all but the batch dim). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

/** An activation function as a module. */
class Activation extends Module {
  constructor(private readonly fn: (x: Tensor) => Tensor) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

export class ReLU extends Activation {
  constructor() {
    super(act.relu);
  }
}
export class Tanh extends Activation {
  constructor() {
    super(act.tanh);
  }
}
export class Sigmoid extends Activation {
  constructor() {
    super(act.sigmoid);
  }
}
export class SiLU extends Activation {
  constructor() {
    super(act.silu);
  }
}
export class LeakyReLU extends Activation {
  constructor(readonly negativeSlope = 0.01) {
    super((x) => act.leakyRelu(x, negativeSlope));
  }
}
export class ELU extends Activation {
  constructor(readonly alpha = 1) {
    super((x) => act.elu(x, alpha));
  }
}
export class GELU extends Activation {
  constructor(readonly approximate: "none" | "tanh" = "none") {
    super((x) => act.gelu(x, { approximate }));
  }
}
export class Softplus extends Activation {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super((x) => act.softplus(x, { beta, threshold }));
  }
}
