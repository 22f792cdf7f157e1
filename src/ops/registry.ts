/**
 * The op registry: every primitive op, by name. Tests iterate over it (WebGPU vs CPU, gradient
 * checks, shader compilation), so an op added here is tested without touching a list elsewhere.
 */
import * as augment from "./augment";
import * as binary from "./binary";
import * as conv from "./conv";
import * as creation from "./creation";
import * as indexing from "./indexing";
import * as matmul from "./matmul";
import type { OpDef } from "./op";
import * as pool from "./pool";
import * as reduce from "./reduce";
import * as shape from "./shape-ops";
import * as softmax from "./softmax";
import * as unary from "./unary";

const modules: Record<string, unknown>[] = [unary, binary, reduce, shape, creation, matmul, softmax, conv, pool, indexing, augment];

function collect(): Record<string, OpDef> {
  const out: Record<string, OpDef> = {};
  for (const m of modules)
    for (const value of Object.values(m)) {
      const op = value as OpDef;
      if (op && typeof op === "object" && typeof op.name === "string" && typeof op.cpu === "function" && typeof op.gpu === "function") {
        if (out[op.name] && out[op.name] !== op) throw new Error(`registry: two ops are named ${op.name}`);
        out[op.name] = op;
      }
    }
  return out;
}

/** Every registry op, keyed by name. */
export const registry: Readonly<Record<string, OpDef>> = collect();
