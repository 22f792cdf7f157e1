/**
 * The model spec's sequence layers as modules over batch-first sequences [B, T, F] (what
 * buildModel() makes for the spec's conv1d, pooling, attention, transformer, lastStep and
 * meanOverTime layers, and for a batch norm over a sequence; rnn, lstm, gru, embedding and positional use their modules directly). Each
 * keeps its torch.nn parent's parameter names, so a spec's state dict matches the exported script's,
 * whose classes do the same (src/io/pytorch-plan.ts).
 */
import { mean } from "../ops/reduce";
import { slice, squeeze, transpose } from "../ops/shape-ops";
import { cast } from "../ops/unary-api";
import type { Tensor } from "../tensor/tensor";
import { MultiheadAttention, TransformerEncoderLayer } from "./attention";
import { AvgPool1d, Conv1d, MaxPool1d } from "./conv";
import { Embedding } from "./layers";
import { Module } from "./module";
import { BatchNorm1d } from "./normalization";

/** [B, T, F] as [B, F, T] (channels first, as the 1-D ops read it) and back. */
const swapTimeAndFeatures = (x: Tensor) => transpose(x, 1, 2);

/** A 1-D convolution over time: the features are its channels; [B, T, F] -> [B, T', filters]. */
export class TimeConv1d extends Conv1d {
  override forward(x: Tensor): Tensor {
    return swapTimeAndFeatures(super.forward(swapTimeAndFeatures(x)));
  }
}

/** Batch norm of each feature over the batch and the time steps: [B, T, F] -> [B, T, F]. */
export class TimeBatchNorm1d extends BatchNorm1d {
  override forward(x: Tensor): Tensor {
    return swapTimeAndFeatures(super.forward(swapTimeAndFeatures(x)));
  }
}

/** Max or mean over windows of time steps, feature by feature: [B, T, F] -> [B, T', F]. */
export class TimePool1d extends Module {
  private readonly pool: Module;

  constructor(kind: "max" | "avg", kernel: number, options: { stride?: number; padding?: number }) {
    super();
    this.pool = kind === "max" ? new MaxPool1d(kernel, options) : new AvgPool1d(kernel, options);
  }

  override children(): [string, Module][] {
    return []; // no parameters: nothing to name
  }

  forward(x: Tensor): Tensor {
    return swapTimeAndFeatures(this.pool.forward(swapTimeAndFeatures(x)));
  }
}

/** Token indices [B, T] (int32, or whole floats) -> vectors [B, T, dim]. */
export class TokenEmbedding extends Embedding {
  override forward(indices: Tensor): Tensor {
    return super.forward(indices.dtype === "int32" ? indices : cast(indices, "int32"));
  }
}

/** Self-attention over a sequence, optionally causal (each step sees itself and the steps before). */
export class SelfAttention extends MultiheadAttention {
  constructor(
    features: number,
    heads: number,
    readonly causal: boolean,
    dropout = 0,
  ) {
    super(features, heads, { dropout, batchFirst: true });
  }

  override forward(x: Tensor): Tensor {
    return this.attend(x, x, x, { isCausal: this.causal }).output;
  }
}

/** A transformer encoder layer over [B, T, F], optionally causal. */
export class EncoderLayer extends TransformerEncoderLayer {
  constructor(
    features: number,
    heads: number,
    readonly causal: boolean,
    options: { dimFeedforward: number; dropout?: number; activation?: "relu" | "gelu"; normFirst?: boolean },
  ) {
    super(features, heads, { ...options, dropout: options.dropout ?? 0.1, batchFirst: true }); // PyTorch's default dropout
  }

  override forward(x: Tensor): Tensor {
    return this.encode(x, { isCausal: this.causal });
  }
}

/** The last time step: [B, T, F] -> [B, F] (what a recurrent layer has read of the whole sequence). */
export class LastStep extends Module {
  forward(x: Tensor): Tensor {
    const time = x.shape[1];
    return squeeze(slice(x, 1, time - 1, time), 1);
  }
}

/** The mean over time: [B, T, F] -> [B, F]. */
export class MeanOverTime extends Module {
  forward(x: Tensor): Tensor {
    return mean(x, [1]);
  }
}
