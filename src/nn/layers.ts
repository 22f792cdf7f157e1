/**
 * Basic layers, with PyTorch's names, layouts and default initialisation: Linear, Sequential,
 * Flatten, Unflatten, Dropout, Embedding and the activation functions as modules.
 */
import { check } from "../errors";
import { zeros } from "../ops/creation";
import { dropout, embedding, paddingIndex } from "../ops/indexing";
import { linear } from "../ops/matmul";
import { flatten, reshape } from "../ops/shape-ops";
import { logSoftmax, softmax } from "../ops/softmax";
import * as act from "../ops/unary-api";
import type { Tensor } from "../tensor/tensor";
import { type InitScheme, initLayer, normal_, zeroRow_ } from "./init";
import { Module } from "./module";

function checkSizes(layer: string, sizes: Record<string, number>): void {
  for (const [name, v] of Object.entries(sizes)) check(Number.isInteger(v) && v > 0, layer, () => `${name} must be a whole number > 0, got ${v}`);
}

/** y = x Wᵀ + b, weight [out, in]; starts as PyTorch's Linear does (uniform ±1/sqrt(in)) by default. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean; init?: InitScheme } = {},
  ) {
    super();
    checkSizes("Linear", { inFeatures, outFeatures });
    this.weight = zeros([outFeatures, inFeatures], { requiresGrad: true });
    this.bias = options.bias === false ? null : zeros([outFeatures], { requiresGrad: true });
    initLayer(this.weight, this.bias, options.init);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/** Runs modules one after another; children are named "0", "1", ... as in PyTorch. */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
  }

  override children(): [string, Module][] {
    return this.layers.map((l, i) => [String(i), l]);
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

/** Reshapes each example's vector to `shape` (torch.nn.Unflatten(1, shape)): [N, C·H·W] -> [N, C, H, W]. */
export class Unflatten extends Module {
  constructor(readonly shape: readonly number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return reshape(x, [x.shape[0], ...this.shape]);
  }
}

/** Zeroes elements with probability p in training (scaling the rest by 1/(1-p)); identity in eval. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    check(p >= 0 && p < 1, "Dropout", () => `p must be in [0, 1), got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}

/** A lookup table: int32 indices [...] -> rows [..., dim]; rows start N(0, 1) as in PyTorch. */
export class Embedding extends Module {
  readonly weight: Tensor;
  /** The row padding tokens look up: it starts at zero and takes no gradient (PyTorch's padding_idx). */
  readonly paddingIdx: number | undefined;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: { paddingIdx?: number } = {},
  ) {
    super();
    checkSizes("Embedding", { numEmbeddings, embeddingDim });
    this.paddingIdx = paddingIndex(options.paddingIdx, numEmbeddings);
    this.weight = normal_(zeros([numEmbeddings, embeddingDim], { requiresGrad: true }));
    if (this.paddingIdx !== undefined) zeroRow_(this.weight, this.paddingIdx);
  }

  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
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
export class Softmax extends Activation {
  constructor(readonly dim = -1) {
    super((x) => softmax(x, dim));
  }
}
export class LogSoftmax extends Activation {
  constructor(readonly dim = -1) {
    super((x) => logSoftmax(x, dim));
  }
}
