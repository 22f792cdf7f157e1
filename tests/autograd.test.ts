/**
 * Autograd semantics, as PyTorch has them: gradients accumulate in .grad across backward() calls,
 * reach a tensor used along several paths, reduce back over broadcast dims, stop at detach() and
 * noGrad(), and an explicit upstream gradient seeds a non-scalar backward.
 */
import { describe, expect, it } from "vitest";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { cpu64, webgpu } from "./helpers/backends";

const arr = async (t: dl.Tensor | null) => Array.from(await (t as dl.Tensor).data());

describe.each([
  ["cpu", async () => cpu64],
  ["webgpu", webgpu],
])("autograd on %s", (_, backendOf) => {
  const run = async <T>(fn: () => Promise<T>) => withBackend(await backendOf(), fn);

  it("accumulates into .grad across backward calls", () =>
    run(async () => {
      const x = dl.tensor([1, 2, 3], { requiresGrad: true });
      dl.sum(dl.mul(x, x)).backward(); // d/dx = 2x
      dl.sum(dl.mul(x, 3)).backward(); // + 3
      expect(await arr(x.grad)).toEqual([5, 7, 9]);
    }));

  it("sums the paths of a tensor used twice, and reduces broadcast gradients", () =>
    run(async () => {
      const x = dl.tensor([[1, 2, 3]], { requiresGrad: true }); // [1, 3], broadcast over 2 rows
      const b = dl.tensor([[10], [20]], { requiresGrad: true }); // [2, 1]
      const y = dl.add(dl.mul(x, x), dl.mul(x, b)); // [2, 3]
      dl.sum(y).backward();
      expect(await arr(x.grad)).toEqual([4 + 30, 8 + 30, 12 + 30]); // sum over rows of 2x + b
      expect(await arr(b.grad)).toEqual([6, 6]);
    }));

  it("seeds a non-scalar backward with the upstream gradient", () =>
    run(async () => {
      const x = dl.tensor([1, 2], { requiresGrad: true });
      dl.mul(x, x).backward(dl.tensor([1, 10]));
      expect(await arr(x.grad)).toEqual([2, 40]);
    }));

  it("stops at detach() and inside noGrad()", () =>
    run(async () => {
      const x = dl.tensor([3], { requiresGrad: true });
      const y = dl.mul(x.detach(), x); // only the second factor carries a gradient
      y.backward();
      expect(await arr(x.grad)).toEqual([3]);
      const z = dl.noGrad(() => dl.mul(x, x));
      expect(z.requiresGrad).toBe(false);
      expect(() => z.backward()).toThrow(/does not require a gradient/);
    }));

  it("keeps the graph with retainGraph", () =>
    run(async () => {
      const x = dl.tensor([2], { requiresGrad: true });
      const y = dl.mul(dl.mul(x, x), x); // x^3, d/dx = 3x^2 = 12
      y.backward(undefined, { retainGraph: true });
      y.backward();
      expect(await arr(x.grad)).toEqual([24]);
    }));
});
