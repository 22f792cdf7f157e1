import { describe, expect, it } from "vitest";
import * as dl from "../src";
import { withBackend } from "../src/tensor/engine";
import { webgpu } from "./helpers/backends";

describe("smoke", () => {
  it("adds on webgpu", async () => {
    const gpu = await webgpu();
    console.log(gpu.description, gpu.tuning);
    const out = await withBackend(gpu, async () => {
      const a = dl.tensor([[1, 2, 3], [4, 5, 6]]);
      const b = dl.tensor([10, 20, 30]);
      const c = dl.add(a, b).relu().mul(2);
      const m = dl.matmul(a, dl.transpose(a, 0, 1));
      const s = dl.softmax(a, 1);
      const r = dl.sum(a, 0);
      return [await c.toArray(), await m.toArray(), await s.toArray(), await r.toArray()];
    });
    console.log(JSON.stringify(out));
    expect(out[0]).toEqual([[22, 44, 66], [28, 50, 72]]);
    expect(gpu.errors).toEqual([]);
  });
});
