/**
 * Scaled dot-product attention: softmax(q kᵀ · scale + mask) v, scale = 1/sqrt(d) by default, over
 * [..., L, d] queries and [..., S, d] keys and values. A causal mask lets query i see keys j <= i.
 */
import { check, fmtShape } from "../../errors";
import { mul, where } from "../../ops/binary";
import { tensor } from "../../ops/creation";
import { matmul, matmulOp } from "../../ops/matmul";
import { softmax } from "../../ops/softmax";
import { apply1, withBackend } from "../../tensor/engine";
import type { Tensor } from "../../tensor/tensor";

export interface AttentionOptions {
  /** Query i attends to keys 0..i only. */
  isCausal?: boolean;
  /** 1 where attention is allowed, 0 where not; broadcasts to [..., L, S]. */
  attnMask?: Tensor | null;
  /** Defaults to 1/sqrt(d). */
  scale?: number;
}

export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  check(v.rank === q.rank, "scaledDotProductAttention", () => `v must have q's rank, got ${fmtShape(v.shape)} beside ${fmtShape(q.shape)}`);
  return matmul(attentionWeights(q, k, options), v);
}

/** The attention probabilities softmax(q kᵀ · scale + mask) [..., L, S]: row i is how query i spreads over the keys. */
export function attentionWeights(q: Tensor, k: Tensor, options: AttentionOptions = {}): Tensor {
  check(
    q.rank >= 2 && k.rank === q.rank,
    "scaledDotProductAttention",
    () => `q and k must have the same rank >= 2, got ${fmtShape(q.shape)} and ${fmtShape(k.shape)}`,
  );
  const d = q.shape[q.rank - 1];
  check(k.shape[k.rank - 1] === d, "scaledDotProductAttention", () => `q and k must share their last dim, got ${d} and ${k.shape[k.rank - 1]}`);
  const scale = options.scale ?? 1 / Math.sqrt(d);
  let scores = mul(apply1(matmulOp, [q, k], { transposeA: false, transposeB: true }), scale); // [..., L, S]
  const L = q.shape[q.rank - 2];
  const S = k.shape[k.rank - 2];
  if (options.isCausal) scores = where(causalMask(L, S, q), scores, -Infinity);
  if (options.attnMask) scores = where(options.attnMask, scores, -Infinity);
  return softmax(scores, -1);
}

/** [L, S]: 1 where query i may see key j (j <= i), on `like`'s backend. */
export function causalMask(L: number, S: number, like: Tensor): Tensor {
  const allowed = Array.from({ length: L * S }, (_, i) => (i % S <= Math.floor(i / S) ? 1 : 0));
  return withBackend(like.backend, () => tensor(allowed, { shape: [L, S] }));
}
