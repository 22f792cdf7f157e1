/**
 * Normalisation layers with running statistics: BatchNorm1d ([N, C] or [N, C, L]), BatchNorm2d
 * ([N, C, H, W]) and LayerNorm, as in PyTorch (weight 1, bias 0, running mean 0 and variance 1).
 * In training, batch norm normalises with the batch statistics and folds them into the running
 * ones; in eval() it uses the running ones.
 */
import { check, fmtShape } from "../errors";
import { ones, zeros } from "../ops/creation";
import type { Tensor } from "../tensor/tensor";
import { batchNorm, layerNorm } from "./functional/normalization";
import { Module } from "./module";

class BatchNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;

  constructor(
    private readonly layer: string,
    private readonly ranks: number[],
    readonly numFeatures: number,
    readonly options: { eps?: number; momentum?: number; affine?: boolean } = {},
  ) {
    super();
    check(Number.isInteger(numFeatures) && numFeatures > 0, layer, () => `numFeatures must be a whole number > 0, got ${numFeatures}`);
    const affine = options.affine ?? true;
    this.weight = affine ? ones([numFeatures], { requiresGrad: true }) : null;
    this.bias = affine ? zeros([numFeatures], { requiresGrad: true }) : null;
    this.runningMean = zeros([numFeatures]);
    this.runningVar = ones([numFeatures]);
  }

  forward(x: Tensor): Tensor {
    check(
      this.ranks.includes(x.rank) && x.shape[1] === this.numFeatures,
      this.layer,
      () => `expected input of rank ${this.ranks.join(" or ")} with ${this.numFeatures} channels in dim 1, got ${fmtShape(x.shape)}`,
    );
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: this.training,
      momentum: this.options.momentum ?? 0.1,
      eps: this.options.eps ?? 1e-5,
    });
  }
}

export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: { eps?: number; momentum?: number; affine?: boolean } = {}) {
    super("BatchNorm1d", [2, 3], numFeatures, options);
  }
}

export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: { eps?: number; momentum?: number; affine?: boolean } = {}) {
    super("BatchNorm2d", [4], numFeatures, options);
  }
}

/** Whether `model` has a batch norm anywhere (it cannot train on a batch of one example). */
export function hasBatchNorm(model: Module): boolean {
  return model instanceof BatchNorm || model.children().some(([, child]) => hasBatchNorm(child));
}

export class LayerNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly normalizedShape: number[];

  constructor(
    normalizedShape: number | number[],
    readonly options: { eps?: number; elementwiseAffine?: boolean } = {},
  ) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? ones(this.normalizedShape, { requiresGrad: true }) : null;
    this.bias = affine ? zeros(this.normalizedShape, { requiresGrad: true }) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.options.eps ?? 1e-5);
  }
}
