/**
 * A residual block: y = body(x) + skip(x), where skip is the identity or, when the body changes the
 * shape, a projection (a 1x1 convolution with the body's stride for images, a linear layer for
 * vectors), as in ResNet. Activations after the sum belong to the next layer.
 */
import { add } from "../ops/binary";
import type { Tensor } from "../tensor/tensor";
import { Module } from "./module";

export class Residual extends Module {
  /**
   * @param body the layers the input goes through
   * @param projection maps the input to the body's output shape (omit when the shapes agree)
   */
  constructor(
    readonly body: Module,
    readonly projection: Module | null = null,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return add(this.body.forward(x), this.projection ? this.projection.forward(x) : x);
  }
}
