/**
 * Single-layer recurrent networks over batch-first sequences [B, T, I], with PyTorch's parameter
 * layout (weight_ih [G H, I], weight_hh [G H, H], biases [G H]; gate order i, f, g, o for the LSTM
 * and r, z, n for the GRU). The input projection of every step is one matmul up front; each step
 * then adds the hidden projection and applies the cell, the LSTM's and the GRU's gate math as one
 * fused op each (src/ops/recurrent-cells.ts, with its gradient):
 *   RNN:  h = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)
 *   LSTM: i, f, g, o = σ, σ, tanh, σ of the gate rows; c = f c + i g; h = o tanh(c)
 *   GRU:  r, z = σ(...); n = tanh(x W_inᵀ + b_in + r (h W_hnᵀ + b_hn)); h = (1 - z) n + z h
 * `reverse` runs the sequence from its last step to its first (the backward half of a bidirectional
 * layer); the outputs stay in time order. Gradients flow through time by autograd.
 */
import { check, fmtShape } from "../../errors";
import { add } from "../../ops/binary";
import { zeros } from "../../ops/creation";
import { linear } from "../../ops/matmul";
import { gruCellOp, lstmCellOp } from "../../ops/recurrent-cells";
import { stack, unbind } from "../../ops/shape-ops";
import { relu, tanh } from "../../ops/unary-api";
import { apply, apply1, withBackend } from "../../tensor/engine";
import type { Tensor } from "../../tensor/tensor";

export interface RecurrentWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh?: Tensor | null;
  biasHh?: Tensor | null;
}

function checkWeights(op: string, x: Tensor, w: RecurrentWeights, gates: number): number {
  check(x.rank === 3, op, () => `input must be [batch, time, features], got ${fmtShape(x.shape)}`);
  const hidden = w.weightHh.shape[1];
  check(
    w.weightIh.rank === 2 && w.weightIh.shape[0] === gates * hidden && w.weightIh.shape[1] === x.shape[2],
    op,
    () => `weightIh must be [${gates * hidden}, ${x.shape[2]}], got ${fmtShape(w.weightIh.shape)}`,
  );
  check(
    w.weightHh.rank === 2 && w.weightHh.shape[0] === gates * hidden,
    op,
    () => `weightHh must be [${gates * hidden}, ${hidden}], got ${fmtShape(w.weightHh.shape)}`,
  );
  return hidden;
}

/** The steps of [B, T, F], each [B, F]: one op, whose gradient stacks the steps' gradients back. */
const steps = (seq: Tensor) => unbind(seq, 1);

function initial(x: Tensor, hidden: number, given?: Tensor | null): Tensor {
  if (given) {
    check(
      given.rank === 2 && given.shape[0] === x.shape[0] && given.shape[1] === hidden,
      "recurrent",
      () => `initial state must be [${x.shape[0]}, ${hidden}], got ${fmtShape(given.shape)}`,
    );
    return given;
  }
  return withBackend(x.backend, () => zeros([x.shape[0], hidden]));
}

export interface RecurrentOptions {
  /** Run from the last time step to the first. */
  reverse?: boolean;
}

/** The time steps in the order a direction visits them. */
const stepsOf = (x: Tensor, reverse = false) => Array.from({ length: x.shape[1] }, (_, k) => (reverse ? x.shape[1] - 1 - k : k));

/**
 * Elman RNN (tanh, or relu as PyTorch's nonlinearity="relu"). Returns the outputs [B, T, H] and the
 * last hidden state [B, H].
 */
export function rnn(
  x: Tensor,
  w: RecurrentWeights,
  h0?: Tensor | null,
  options: RecurrentOptions & { nonlinearity?: "tanh" | "relu" } = {},
): { output: Tensor; hidden: Tensor } {
  const hidden = checkWeights("rnn", x, w, 1);
  const activation = options.nonlinearity === "relu" ? relu : tanh;
  const projected = steps(linear(x, w.weightIh, w.biasIh)); // T x [B, H]
  let h = initial(x, hidden, h0);
  const outputs: Tensor[] = []; // by time step
  for (const t of stepsOf(x, options.reverse)) {
    h = activation(add(projected[t], linear(h, w.weightHh, w.biasHh)));
    outputs[t] = h;
  }
  return { output: stack(outputs, 1), hidden: h };
}

/** LSTM. Returns the outputs [B, T, H] and the last hidden and cell states. */
export function lstm(
  x: Tensor,
  w: RecurrentWeights,
  state?: { h0?: Tensor | null; c0?: Tensor | null },
  options: RecurrentOptions = {},
): { output: Tensor; hidden: Tensor; cell: Tensor } {
  const hidden = checkWeights("lstm", x, w, 4);
  const projected = steps(linear(x, w.weightIh, w.biasIh)); // T x [B, 4H]
  let h = initial(x, hidden, state?.h0);
  let c = initial(x, hidden, state?.c0);
  const outputs: Tensor[] = []; // by time step
  for (const t of stepsOf(x, options.reverse)) {
    const gates = add(projected[t], linear(h, w.weightHh, w.biasHh));
    [h, c] = apply(lstmCellOp, [gates, c], {}); // the gate math, fused
    outputs[t] = h;
  }
  return { output: stack(outputs, 1), hidden: h, cell: c };
}

/** GRU. Returns the outputs [B, T, H] and the last hidden state. */
export function gru(x: Tensor, w: RecurrentWeights, h0?: Tensor | null, options: RecurrentOptions = {}): { output: Tensor; hidden: Tensor } {
  const hidden = checkWeights("gru", x, w, 3);
  const projected = steps(linear(x, w.weightIh, w.biasIh)); // T x [B, 3H]
  let h = initial(x, hidden, h0);
  const outputs: Tensor[] = []; // by time step
  for (const t of stepsOf(x, options.reverse)) {
    h = apply1(gruCellOp, [projected[t], linear(h, w.weightHh, w.biasHh), h], {}); // the gate math, fused
    outputs[t] = h;
  }
  return { output: stack(outputs, 1), hidden: h };
}
