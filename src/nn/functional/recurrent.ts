/**
 * Single-layer recurrent networks over batch-first sequences [B, T, I], with PyTorch's parameter
 * layout (weight_ih [G H, I], weight_hh [G H, H], biases [G H]; gate order i, f, g, o for the LSTM
 * and r, z, n for the GRU). The input projection of every step is one matmul up front; each step
 * then adds the hidden projection and applies the cell:
 *   RNN:  h = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)
 *   LSTM: i, f, g, o = σ, σ, tanh, σ of the gate rows; c = f c + i g; h = o tanh(c)
 *   GRU:  r, z = σ(...); n = tanh(x W_inᵀ + b_in + r (h W_hnᵀ + b_hn)); h = (1 - z) n + z h
 * `reverse` runs the sequence from its last step to its first (the backward half of a bidirectional
 * layer); the outputs stay in time order. Gradients flow through time by autograd.
 */
import { check, fmtShape } from "../../errors";
import { add, mul, sub } from "../../ops/binary";
import { zeros } from "../../ops/creation";
import { linear } from "../../ops/matmul";
import { reshape, slice, stack } from "../../ops/shape-ops";
import { relu, sigmoid, tanh } from "../../ops/unary-api";
import { withBackend } from "../../tensor/engine";
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

/** Row `t` of [B, T, F] as [B, F]. */
const step = (seq: Tensor, t: number) => reshape(slice(seq, 1, t, t + 1), [seq.shape[0], seq.shape[2]]);
/** Gate `k` of `count` from [B, count H]. */
const gate = (g: Tensor, k: number, hidden: number) => slice(g, 1, k * hidden, (k + 1) * hidden);

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
  const projected = linear(x, w.weightIh, w.biasIh); // [B, T, H]
  let h = initial(x, hidden, h0);
  const outputs: Tensor[] = []; // by time step
  for (const t of stepsOf(x, options.reverse)) {
    h = activation(add(step(projected, t), linear(h, w.weightHh, w.biasHh)));
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
  const projected = linear(x, w.weightIh, w.biasIh); // [B, T, 4H]
  let h = initial(x, hidden, state?.h0);
  let c = initial(x, hidden, state?.c0);
  const outputs: Tensor[] = []; // by time step
  for (const t of stepsOf(x, options.reverse)) {
    const g = add(step(projected, t), linear(h, w.weightHh, w.biasHh));
    const i = sigmoid(gate(g, 0, hidden));
    const f = sigmoid(gate(g, 1, hidden));
    const cand = tanh(gate(g, 2, hidden));
    const o = sigmoid(gate(g, 3, hidden));
    c = add(mul(f, c), mul(i, cand));
    h = mul(o, tanh(c));
    outputs[t] = h;
  }
  return { output: stack(outputs, 1), hidden: h, cell: c };
}

/** GRU. Returns the outputs [B, T, H] and the last hidden state. */
export function gru(x: Tensor, w: RecurrentWeights, h0?: Tensor | null, options: RecurrentOptions = {}): { output: Tensor; hidden: Tensor } {
  const hidden = checkWeights("gru", x, w, 3);
  const projected = linear(x, w.weightIh, w.biasIh); // [B, T, 3H]
  let h = initial(x, hidden, h0);
  const outputs: Tensor[] = []; // by time step
  for (const t of stepsOf(x, options.reverse)) {
    const gi = step(projected, t);
    const gh = linear(h, w.weightHh, w.biasHh);
    const r = sigmoid(add(gate(gi, 0, hidden), gate(gh, 0, hidden)));
    const z = sigmoid(add(gate(gi, 1, hidden), gate(gh, 1, hidden)));
    const n = tanh(add(gate(gi, 2, hidden), mul(r, gate(gh, 2, hidden))));
    h = add(mul(sub(1, z), n), mul(z, h));
    outputs[t] = h;
  }
  return { output: stack(outputs, 1), hidden: h };
}
