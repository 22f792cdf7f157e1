/**
 * Recurrent layers as in torch.nn: RNN (tanh or relu), LSTM and GRU, with PyTorch's options
 * (num_layers, bidirectional, batch_first, dropout between layers, bias, an initial state in and the
 * final state out) and its state-dict names (weight_ih_l0, bias_hh_l1_reverse, ...), so weights move
 * both ways unchanged. Each layer and direction runs the cell of src/nn/functional/recurrent.ts: the
 * input projection of every time step as one matmul, then the recurrence. Layer l > 0 reads the
 * previous layer's outputs (both directions concatenated), after dropout while training.
 *
 * Shapes (PyTorch's): input [T, B, I], or [B, T, I] with batchFirst; output [.., D H] in the same
 * layout (D = 2 when bidirectional); states [L D, B, H], indexed layer * D + direction.
 */
import { check, fmtShape } from "../errors";
import { zeros } from "../ops/creation";
import { dropout } from "../ops/indexing";
import { cat, reshape, slice, stack, transpose } from "../ops/shape-ops";
import type { Tensor } from "../tensor/tensor";
import { gru, lstm, type RecurrentWeights, rnn } from "./functional/recurrent";
import { uniform_ } from "./init";
import { Module } from "./module";

export type RecurrentMode = "rnn_tanh" | "rnn_relu" | "lstm" | "gru";

export interface RecurrentOptions {
  numLayers?: number;
  /** Biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output [B, T, F] instead of [T, B, F] (default false, as in PyTorch). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, while training. */
  dropout?: number;
  bidirectional?: boolean;
}

/** What a recurrent layer returns: the outputs, and the final hidden (and, for an LSTM, cell) states [L D, B, H]. */
export interface RecurrentResult {
  output: Tensor;
  hidden: Tensor;
  cell?: Tensor;
}

/** Gate rows per hidden unit in weight_ih / weight_hh. */
const GATES: Record<RecurrentMode, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };
/** The class name each mode is built by, for messages. */
const LABEL: Record<RecurrentMode, string> = { rnn_tanh: "RNN", rnn_relu: "RNN", lstm: "LSTM", gru: "GRU" };

abstract class Recurrent extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  constructor(
    readonly mode: RecurrentMode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentOptions = {},
  ) {
    super();
    const name = LABEL[mode];
    this.numLayers = options.numLayers ?? 1;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    this.bidirectional = options.bidirectional ?? false;
    for (const [key, v] of Object.entries({ inputSize, hiddenSize, numLayers: this.numLayers }))
      check(Number.isInteger(v) && v > 0, name, () => `${key} must be a whole number > 0, got ${v}`);
    check(this.dropout >= 0 && this.dropout < 1, name, () => `dropout must be in [0, 1), got ${this.dropout}`);
    // PyTorch's names and order: per layer, per direction: weight_ih, weight_hh, bias_ih, bias_hh;
    // all start U(±1/sqrt(hidden)) as in PyTorch.
    const rows = GATES[mode] * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    const fields = this as unknown as Record<string, Tensor>;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const inputs = layer === 0 ? inputSize : hiddenSize * this.directions;
      for (const suffix of this.suffixes(layer)) {
        fields[`weight_ih${suffix}`] = uniform_(zeros([rows, inputs], { requiresGrad: true }), -bound, bound);
        fields[`weight_hh${suffix}`] = uniform_(zeros([rows, hiddenSize], { requiresGrad: true }), -bound, bound);
        if (this.bias) {
          fields[`bias_ih${suffix}`] = uniform_(zeros([rows], { requiresGrad: true }), -bound, bound);
          fields[`bias_hh${suffix}`] = uniform_(zeros([rows], { requiresGrad: true }), -bound, bound);
        }
      }
    }
  }

  get directions(): 1 | 2 {
    return this.bidirectional ? 2 : 1;
  }

  /** The state-dict suffix of each direction of `layer` ("_l0", "_l0_reverse"). */
  private suffixes(layer: number): string[] {
    return this.bidirectional ? [`_l${layer}`, `_l${layer}_reverse`] : [`_l${layer}`];
  }

  /** The weights of one layer and direction. */
  private weights(suffix: string): RecurrentWeights {
    const fields = this as unknown as Record<string, Tensor | undefined>;
    return {
      weightIh: fields[`weight_ih${suffix}`] as Tensor,
      weightHh: fields[`weight_hh${suffix}`] as Tensor,
      biasIh: fields[`bias_ih${suffix}`] ?? null,
      biasHh: fields[`bias_hh${suffix}`] ?? null,
    };
  }

  /** The outputs alone (as a layer of a Sequential). */
  forward(x: Tensor): Tensor {
    return this.run(x).output;
  }

  /** Runs the sequence from the initial states (zeros when not given); `cell` only for an LSTM. */
  run(x: Tensor, initial: { hidden?: Tensor | null; cell?: Tensor | null } = {}): RecurrentResult {
    const name = LABEL[this.mode];
    const layout = this.batchFirst ? "[batch, time, features]" : "[time, batch, features]";
    check(x.rank === 3 && x.shape[2] === this.inputSize, name, () => `input must be ${layout} with ${this.inputSize} features, got ${fmtShape(x.shape)}`);
    let seq = this.batchFirst ? x : transpose(x, 0, 1); // [B, T, F]
    const batch = seq.shape[0];
    const states = this.numLayers * this.directions;
    for (const [key, given] of Object.entries(initial))
      check(
        !given || (given.rank === 3 && given.shape[0] === states && given.shape[1] === batch && given.shape[2] === this.hiddenSize),
        name,
        () =>
          `initial ${key} state must be [${states}, ${batch}, ${this.hiddenSize}] (layers x directions, batch, hidden), got ${fmtShape((given as Tensor).shape)}`,
      );
    const stateAt = (t: Tensor | null | undefined, k: number) => (t ? reshape(slice(t, 0, k, k + 1), [batch, this.hiddenSize]) : null);
    const hiddens: Tensor[] = [];
    const cells: Tensor[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      if (layer > 0) seq = dropout(seq, this.dropout, this.training);
      const outputs = this.suffixes(layer).map((suffix, direction) => {
        const k = layer * this.directions + direction;
        const w = this.weights(suffix);
        const options = { reverse: direction === 1 };
        const h0 = stateAt(initial.hidden, k);
        if (this.mode === "lstm") {
          const r = lstm(seq, w, { h0, c0: stateAt(initial.cell, k) }, options);
          cells.push(r.cell);
          hiddens.push(r.hidden);
          return r.output;
        }
        const r = this.mode === "gru" ? gru(seq, w, h0, options) : rnn(seq, w, h0, { ...options, nonlinearity: this.mode === "rnn_relu" ? "relu" : "tanh" });
        hiddens.push(r.hidden);
        return r.output;
      });
      seq = outputs.length === 1 ? outputs[0] : cat(outputs, 2);
    }
    return {
      output: this.batchFirst ? seq : transpose(seq, 0, 1),
      hidden: stack(hiddens, 0),
      ...(this.mode === "lstm" ? { cell: stack(cells, 0) } : {}),
    };
  }
}

/** Elman RNN, h' = tanh (or relu) of x W_ihᵀ + b_ih + h W_hhᵀ + b_hh. */
export class RNN extends Recurrent {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions & { nonlinearity?: "tanh" | "relu" } = {}) {
    check(
      options.nonlinearity === undefined || options.nonlinearity === "tanh" || options.nonlinearity === "relu",
      "RNN",
      () => `nonlinearity must be "tanh" or "relu", got ${JSON.stringify(options.nonlinearity)}`,
    );
    super(options.nonlinearity === "relu" ? "rnn_relu" : "rnn_tanh", inputSize, hiddenSize, options);
  }
}

/** Long short-term memory: input, forget and output gates over a cell state. */
export class LSTM extends Recurrent {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super("lstm", inputSize, hiddenSize, options);
  }
}

/** Gated recurrent unit: reset and update gates. */
export class GRU extends Recurrent {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super("gru", inputSize, hiddenSize, options);
  }
}
