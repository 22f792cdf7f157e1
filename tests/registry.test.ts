/**
 * The registry itself: every op a module exports is in that module's table, under its own name,
 * so that no op falls out of the registry-driven suites (a module left out of the registry is a
 * compile error; see src/ops/registry.ts).
 */
import { expect, it } from "vitest";
import * as augment from "../src/ops/augment";
import * as binary from "../src/ops/binary";
import * as conv from "../src/ops/conv";
import * as creation from "../src/ops/creation";
import * as indexing from "../src/ops/indexing";
import * as matmul from "../src/ops/matmul";
import type { OpDef } from "../src/ops/op";
import * as pool from "../src/ops/pool";
import * as recurrentCells from "../src/ops/recurrent-cells";
import * as reduce from "../src/ops/reduce";
import { MODULES, registry } from "../src/ops/registry";
import * as shape from "../src/ops/shape-ops";
import * as softmax from "../src/ops/softmax";
import * as unary from "../src/ops/unary";

const SOURCES: Record<keyof typeof MODULES, Record<string, unknown>> = {
  unary,
  binary,
  reduce,
  shape,
  creation,
  matmul,
  softmax,
  conv,
  pool,
  indexing,
  augment,
  recurrentCells,
};

const isOp = (v: unknown): v is OpDef =>
  !!v && typeof v === "object" && typeof (v as OpDef).name === "string" && typeof (v as OpDef).cpu === "function" && typeof (v as OpDef).gpu === "function";

it("each module's table holds every op it exports, keyed by the op's name", () => {
  for (const [module, exports] of Object.entries(SOURCES)) {
    const table = MODULES[module as keyof typeof MODULES] as Record<string, OpDef>;
    const exported = Object.values(exports).filter(isOp);
    expect(new Set(Object.values(table)), module).toEqual(new Set(exported));
    for (const [key, op] of Object.entries(table)) expect(op.name, `${module}.${key}`).toBe(key);
  }
});

it("the registry is every module's table joined", () => {
  const all = Object.values(MODULES).flatMap((t) => Object.keys(t));
  expect(Object.keys(registry).sort()).toEqual(all.sort());
});
