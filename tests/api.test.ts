/**
 * The public API keeps PyTorch's conventions where they are easy to get wrong: padding='same' with
 * even kernels, transposed-convolution output sizes, F.pad's last-dim-first order, arange's dtype,
 * stack/cat/squeeze shapes, 1-D matmul, reading values back, and seeded randomness.
 */
import { describe, expect, it } from "vitest";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { cpu32, webgpu } from "./helpers/backends";

describe.each([
  ["cpu", async () => cpu32],
  ["webgpu", webgpu],
])("API conventions on %s", (_, backendOf) => {
  const run = async <T>(fn: () => Promise<T>) => withBackend(await backendOf(), fn);

  it("padding 'same' keeps the size and puts the odd extra pixel after, like PyTorch", () =>
    run(async () => {
      const x = dl.randn([1, 2, 7, 6]);
      const w = dl.randn([3, 2, 4, 4]);
      const same = dl.conv2d(x, w, null, { padding: "same" });
      expect(same.shape).toEqual([1, 3, 7, 6]);
      const explicit = dl.conv2d(dl.pad(x, [1, 2, 1, 2]), w); // left 1, right 2, top 1, bottom 2
      const [a, b] = [await same.data(), await explicit.data()];
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 4);
      expect(() => dl.conv2d(x, w, null, { padding: "same", stride: 2 })).toThrow(/padding='same' needs stride 1/);
    }));

  it("convTranspose2d sizes the output as (H - 1) s - 2p + d (k - 1) + outputPadding + 1", () =>
    run(async () => {
      const y = dl.convTranspose2d(dl.randn([2, 4, 5, 6]), dl.randn([4, 3, 3, 3]), dl.randn([3]), { stride: 2, padding: 1, outputPadding: 1 });
      expect(y.shape).toEqual([2, 3, 10, 12]);
    }));

  it("shape functions follow torch", () =>
    run(async () => {
      const a = dl.arange(6);
      expect(a.dtype).toBe("int32");
      expect(dl.arange(0, 1, 0.25).dtype).toBe("float32");
      expect(await dl.arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
      const m = dl.reshape(a.float(), [2, 3]);
      expect(await dl.transpose(m, 0, 1).toArray()).toEqual([
        [0, 3],
        [1, 4],
        [2, 5],
      ]);
      expect(dl.stack([m, m], 1).shape).toEqual([2, 2, 3]);
      expect(dl.cat([m, m], -1).shape).toEqual([2, 6]);
      expect(dl.squeeze(dl.zeros([1, 3, 1])).shape).toEqual([3]);
      expect(await dl.slice(m, 1, -2).toArray()).toEqual([
        [1, 2],
        [4, 5],
      ]);
      expect(await dl.matmul(dl.tensor([1, 2]), dl.tensor([3, 4])).item()).toBe(11);
    }));

  it("the same seed draws the same numbers", () =>
    run(async () => {
      dl.manualSeed(42);
      const a = await dl.randn([5]).data();
      dl.manualSeed(42);
      const b = await dl.randn([5]).data();
      expect(Array.from(a)).toEqual(Array.from(b));
    }));
});

it("the CPU and WebGPU backends draw the same random numbers from one seed", async () => {
  const gpu = await webgpu();
  dl.manualSeed(7);
  const onCpu = await withBackend(cpu32, () => dl.rand([1000])).data();
  dl.manualSeed(7);
  const onGpu = await withBackend(gpu, () => dl.rand([1000])).data();
  expect(Array.from(onGpu)).toEqual(Array.from(onCpu));
});
