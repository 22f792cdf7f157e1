/**
 * The op registry: every primitive op, by name. Tests iterate over it (WebGPU vs CPU, gradient
 * checks, shader compilation), so an op added to its module's table is tested without touching a
 * list elsewhere. Each module declares its table in `OpModules` (src/ops/op.ts), and `MODULES`
 * below must have every one of them: leaving a module out does not compile.
 */
import { augmentOps } from "./augment";
import { binaryOps } from "./binary";
import { convOps } from "./conv";
import { creationOps } from "./creation";
import { indexingOps } from "./indexing";
import { matmulOps } from "./matmul";
import type { OpDef, OpModules } from "./op";
import { poolOps } from "./pool";
import { recurrentCellOps } from "./recurrent-cells";
import { reduceOps } from "./reduce";
import { shapeOps } from "./shape-ops";
import { softmaxOps } from "./softmax";
import { unaryOps } from "./unary";

/** Every op module's table. */
export const MODULES: OpModules = {
  unary: unaryOps,
  binary: binaryOps,
  reduce: reduceOps,
  shape: shapeOps,
  creation: creationOps,
  matmul: matmulOps,
  softmax: softmaxOps,
  conv: convOps,
  pool: poolOps,
  indexing: indexingOps,
  augment: augmentOps,
  recurrentCells: recurrentCellOps,
};

/** The name of every registry op. */
export type OpName = { [M in keyof OpModules]: keyof OpModules[M] }[keyof OpModules];

function join(): Record<OpName, OpDef> {
  const out: Record<string, OpDef> = {};
  for (const table of Object.values(MODULES) as Record<string, OpDef>[])
    for (const [name, op] of Object.entries(table)) {
      if (out[name]) throw new Error(`registry: two ops are named ${name}`);
      out[name] = op;
    }
  return out as Record<OpName, OpDef>;
}

/** Every registry op, keyed by name. */
export const registry: Readonly<Record<OpName, OpDef>> = join();
