/**
 * Reports evaluate the model while the Trainer keeps stepping it. evaluate() switches a model to
 * eval mode across its awaits, which would let training steps run without dropout or with batch
 * norm's running statistics; an EvalView instead switches the real model for the length of each
 * synchronous forward only, so a step recorded between two of its batches sees training mode.
 */
import { Module } from "../nn/module";
import type { Tensor } from "../tensor/tensor";

/** A module whose forward is `inner`'s forward in eval mode; its own train()/eval() leave `inner` alone. */
export class EvalView extends Module {
  constructor(private readonly inner: Module) {
    super();
    this.training = false;
  }

  /** No children, so that train()/eval() stop here. */
  override children(): [string, Module][] {
    return [];
  }

  forward(x: Tensor): Tensor {
    const was = this.inner.training;
    this.inner.eval();
    try {
      return this.inner.forward(x);
    } finally {
      this.inner.train(was);
    }
  }
}
