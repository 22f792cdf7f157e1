/**
 * Positional encodings: what tells attention (which sees a set, not a sequence) where each token is.
 * Sinusoidal (the transformer paper's, fixed): PE[pos, 2i] = sin(pos / 10000^(2i/d)),
 * PE[pos, 2i+1] = cos(pos / 10000^(2i/d)), so each pair of features turns at its own wavelength;
 * or learned: a table of one trainable vector per position. Either is added to the inputs
 * [B, T, d] (batch-first), position t to every example's step t.
 */
import { check, fmtShape } from "../errors";
import { add } from "../ops/binary";
import { tensor, zeros } from "../ops/creation";
import { slice } from "../ops/shape-ops";
import type { Tensor } from "../tensor/tensor";
import { normal_ } from "./init";
import { Module } from "./module";

/** The sinusoidal table [maxLen, dModel]. */
export function sinusoidalPositionalEncoding(maxLen: number, dModel: number): Tensor {
  for (const [key, v] of Object.entries({ maxLen, dModel }))
    check(Number.isInteger(v) && v > 0, "sinusoidalPositionalEncoding", () => `${key} must be a whole number > 0, got ${v}`);
  const table = new Float32Array(maxLen * dModel);
  for (let pos = 0; pos < maxLen; pos++)
    for (let f = 0; f < dModel; f++) {
      const angle = pos / 10000 ** ((2 * Math.floor(f / 2)) / dModel);
      table[pos * dModel + f] = f % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  return tensor(table, { shape: [maxLen, dModel] });
}

/** Adds a position's vector to each step of [B, T, dModel] inputs, for sequences of up to maxLen steps. */
export class PositionalEncoding extends Module {
  /** The learned table (a parameter), or the sinusoidal one (a buffer, saved with the weights). */
  readonly table: Tensor;

  constructor(
    readonly maxLen: number,
    readonly dModel: number,
    readonly kind: "sinusoidal" | "learned" = "sinusoidal",
  ) {
    super();
    check(kind === "sinusoidal" || kind === "learned", "PositionalEncoding", () => `kind must be "sinusoidal" or "learned", got ${JSON.stringify(kind)}`);
    this.table = kind === "learned" ? normal_(zeros([maxLen, dModel], { requiresGrad: true }), 0, 0.02) : sinusoidalPositionalEncoding(maxLen, dModel);
  }

  forward(x: Tensor): Tensor {
    check(
      x.rank === 3 && x.shape[2] === this.dModel && x.shape[1] <= this.maxLen,
      "PositionalEncoding",
      () => `input must be [batch, time <= ${this.maxLen}, ${this.dModel}], got ${fmtShape(x.shape)}`,
    );
    return add(x, slice(this.table, 0, 0, x.shape[1]));
  }
}
