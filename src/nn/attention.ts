/**
 * Attention modules as in torch.nn: MultiheadAttention and TransformerEncoderLayer, with PyTorch's
 * parameters and state-dict names (in_proj_weight, out_proj.weight, self_attn.in_proj_bias,
 * linear1.weight, norm2.bias, ...), so weights move both ways unchanged.
 *
 * Multi-head attention over [B, L, E] queries and [B, S, kdim / vdim] keys and values (batchFirst;
 * otherwise [L, B, E] and [S, B, ·], PyTorch's default layout):
 *   q, k, v = query W_qᵀ + b_q, key W_kᵀ + b_k, value W_vᵀ + b_v   (W_q, W_k, W_v: rows of
 *   in_proj_weight; q_proj_weight, k_proj_weight, v_proj_weight when kdim or vdim differ from E)
 *   each of h heads takes d = E / h of those features:
 *   weights = softmax(q_h k_hᵀ / sqrt(d), masked)   [B, h, L, S]
 *   out = concat_h(weights v_h) W_oᵀ + b_o
 * Masks follow nn.MultiheadAttention: 1 (true) where attention is NOT allowed: attnMask [L, S] (or
 * isCausal: key j > query i), keyPaddingMask [B, S] (padding keys). The weights come back averaged
 * over the heads (PyTorch's default) or per head.
 */
import { check, fmtShape } from "../errors";
import { add, sub, where } from "../ops/binary";
import { zeros } from "../ops/creation";
import { dropout } from "../ops/indexing";
import { linear, matmul } from "../ops/matmul";
import { mean } from "../ops/reduce";
import { permute, reshape, slice, transpose } from "../ops/shape-ops";
import { gelu, relu } from "../ops/unary-api";
import type { Tensor } from "../tensor/tensor";
import { attentionWeights, causalMask } from "./functional/attention";
import { constant_, xavierUniform_ } from "./init";
import { Dropout, Linear } from "./layers";
import { Module } from "./module";
import { LayerNorm } from "./normalization";

export interface AttentionCall {
  /** 1 where query i may not attend to key j: [L, S]. */
  attnMask?: Tensor | null;
  /** Each query attends to keys up to its own position only. */
  isCausal?: boolean;
  /** 1 where a key is padding: [B, S]. */
  keyPaddingMask?: Tensor | null;
  /** The weights averaged over the heads [B, L, S] (default), or per head [B, h, L, S]. */
  averageAttnWeights?: boolean;
}

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  /** Features of the keys and values (default embedDim). */
  kdim?: number;
  vdim?: number;
  /** [B, L, E] inputs and outputs instead of PyTorch's default [L, B, E]. */
  batchFirst?: boolean;
}

export class MultiheadAttention extends Module {
  // PyTorch's parameters, in its order: one packed projection when keys and values have E features,
  // else one per input.
  readonly in_proj_weight?: Tensor;
  readonly q_proj_weight?: Tensor;
  readonly k_proj_weight?: Tensor;
  readonly v_proj_weight?: Tensor;
  readonly in_proj_bias: Tensor | null;
  readonly out_proj: Linear;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    readonly options: MultiheadAttentionOptions = {},
  ) {
    super();
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    for (const [key, v] of Object.entries({ embedDim, numHeads, kdim: this.kdim, vdim: this.vdim }))
      check(Number.isInteger(v) && v > 0, "MultiheadAttention", () => `${key} must be a whole number > 0, got ${v}`);
    check(embedDim % numHeads === 0, "MultiheadAttention", () => `embedDim ${embedDim} must divide into ${numHeads} heads`);
    const p = options.dropout ?? 0;
    check(p >= 0 && p < 1, "MultiheadAttention", () => `dropout must be in [0, 1), got ${p}`);
    this.headDim = embedDim / numHeads;
    // PyTorch's start: Xavier-uniform projections, zero biases.
    const weight = (inputs: number, rows = embedDim) => xavierUniform_(zeros([rows, inputs], { requiresGrad: true }));
    if (this.kdim === embedDim && this.vdim === embedDim) this.in_proj_weight = weight(embedDim, 3 * embedDim);
    else {
      this.q_proj_weight = weight(embedDim);
      this.k_proj_weight = weight(this.kdim);
      this.v_proj_weight = weight(this.vdim);
    }
    this.in_proj_bias = options.bias === false ? null : constant_(zeros([3 * embedDim], { requiresGrad: true }), 0);
    this.out_proj = new Linear(embedDim, embedDim, { bias: options.bias !== false });
    if (this.out_proj.bias) constant_(this.out_proj.bias, 0);
  }

  /** Projection `part` (0 queries, 1 keys, 2 values): its weight [E, features] and bias [E]. */
  private projection(part: 0 | 1 | 2): { weight: Tensor; bias: Tensor | null } {
    const E = this.embedDim;
    const bias = this.in_proj_bias ? slice(this.in_proj_bias, 0, part * E, (part + 1) * E) : null;
    if (this.in_proj_weight) return { weight: slice(this.in_proj_weight, 0, part * E, (part + 1) * E), bias };
    return { weight: [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight][part] as Tensor, bias };
  }

  /** Self-attention's output alone (as a layer). */
  forward(x: Tensor): Tensor {
    return this.attend(x, x, x).output;
  }

  /**
   * Attention of `query` over `key` and `value` (batch-first [B, L, E] and [B, S, kdim / vdim], or
   * their [L, B, ·] forms): the output, laid out as the query, and the weights [B, L, S] (per head:
   * [B, h, L, S]).
   */
  attend(query: Tensor, key: Tensor, value: Tensor, call: AttentionCall = {}): { output: Tensor; weights: Tensor } {
    const E = this.embedDim;
    const layout = this.options.batchFirst ? "[batch, length" : "[length, batch";
    const features = { query: E, key: this.kdim, value: this.vdim };
    for (const [name, t] of Object.entries({ query, key, value })) {
      const f = features[name as keyof typeof features];
      check(t.rank === 3 && t.shape[2] === f, "MultiheadAttention", () => `${name} must be ${layout}, ${f}], got ${fmtShape(t.shape)}`);
    }
    const batchFirst = (t: Tensor) => (this.options.batchFirst ? t : transpose(t, 0, 1));
    const [q0, k0, v0] = [batchFirst(query), batchFirst(key), batchFirst(value)];
    const [B, L] = q0.shape;
    const S = k0.shape[1];
    check(
      k0.shape[0] === B && v0.shape[0] === B && v0.shape[1] === S,
      "MultiheadAttention",
      () => `key and value must hold the query's ${B} sequences, all of one length, got ${fmtShape(key.shape)} and ${fmtShape(value.shape)}`,
    );
    const project = (x: Tensor, part: 0 | 1 | 2) => {
      const { weight, bias } = this.projection(part);
      return this.heads(linear(x, weight, bias)); // [B, h, ·, d]
    };
    const [q, k, v] = [project(q0, 0), project(k0, 1), project(v0, 2)];
    const blocked = this.blockedMask(call, B, L, S, query);
    let weights = attentionWeights(q, k, blocked ? { attnMask: sub(1, blocked) } : {}); // [B, h, L, S]
    const attended = matmul(dropout(weights, this.options.dropout ?? 0, this.training), v); // [B, h, L, d]
    const output = this.out_proj.forward(reshape(permute(attended, [0, 2, 1, 3]), [B, L, E]));
    if (call.averageAttnWeights !== false) weights = mean(weights, [1]);
    return { output: batchFirst(output), weights };
  }

  /** [B, L, E] as [B, h, L, d]. */
  private heads(x: Tensor): Tensor {
    return permute(reshape(x, [x.shape[0], x.shape[1], this.numHeads, this.headDim]), [0, 2, 1, 3]);
  }

  /** 1 where attention is not allowed, broadcasting to [B, h, L, S]; null when nothing is masked. */
  private blockedMask(call: AttentionCall, B: number, L: number, S: number, like: Tensor): Tensor | null {
    let blocked: Tensor | null = null;
    const join = (m: Tensor) => (blocked = blocked ? where(blocked, 1, m) : m);
    if (call.isCausal) join(sub(1, causalMask(L, S, like)));
    if (call.attnMask) {
      check(
        call.attnMask.rank === 2 && call.attnMask.shape[0] === L && call.attnMask.shape[1] === S,
        "MultiheadAttention",
        () => `attnMask must be [${L}, ${S}], got ${fmtShape((call.attnMask as Tensor).shape)}`,
      );
      join(call.attnMask);
    }
    if (call.keyPaddingMask) {
      const m = call.keyPaddingMask;
      check(m.rank === 2 && m.shape[0] === B && m.shape[1] === S, "MultiheadAttention", () => `keyPaddingMask must be [${B}, ${S}], got ${fmtShape(m.shape)}`);
      join(reshape(m, [B, 1, 1, S]));
    }
    return blocked;
  }
}

/**
 * One encoder layer of a transformer (nn.TransformerEncoderLayer): self-attention and a
 * feed-forward block (linear1, relu or gelu, dropout, linear2), each with a residual connection and
 * a layer norm, after it (PyTorch's default) or before it (normFirst):
 *   post-norm: x = norm1(x + sa(x)); x = norm2(x + ff(x))
 *   pre-norm:  x = x + sa(norm1(x)); x = x + ff(norm2(x))
 */
export class TransformerEncoderLayer extends Module {
  readonly self_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    readonly options: {
      dimFeedforward?: number;
      dropout?: number;
      activation?: "relu" | "gelu";
      normFirst?: boolean;
      layerNormEps?: number;
      /** [B, T, dModel] instead of PyTorch's default [T, B, dModel]. */
      batchFirst?: boolean;
    } = {},
  ) {
    super();
    const p = options.dropout ?? 0.1;
    const activation = options.activation ?? "relu";
    check(
      activation === "relu" || activation === "gelu",
      "TransformerEncoderLayer",
      () => `activation must be "relu" or "gelu", got ${JSON.stringify(activation)}`,
    );
    const ff = options.dimFeedforward ?? 2048;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: options.batchFirst });
    this.linear1 = new Linear(dModel, ff);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel);
    this.norm1 = new LayerNorm(dModel, { eps: options.layerNormEps ?? 1e-5 });
    this.norm2 = new LayerNorm(dModel, { eps: options.layerNormEps ?? 1e-5 });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
  }

  forward(x: Tensor): Tensor {
    return this.encode(x);
  }

  /** x [B, T, dModel] (batchFirst) or [T, B, dModel] through the layer; `call` masks the self-attention. */
  encode(x: Tensor, call: AttentionCall = {}): Tensor {
    const attend = (h: Tensor) => this.dropout1.forward(this.self_attn.attend(h, h, h, call).output);
    const feedForward = (h: Tensor) => this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.activate(this.linear1.forward(h)))));
    if (this.options.normFirst) {
      const h = add(x, attend(this.norm1.forward(x)));
      return add(h, feedForward(this.norm2.forward(h)));
    }
    const h = this.norm1.forward(add(x, attend(x)));
    return this.norm2.forward(add(h, feedForward(h)));
  }

  private activate(x: Tensor): Tensor {
    return this.options.activation === "gelu" ? gelu(x) : relu(x);
  }
}
