/**
 * Memory stays flat: 10,000 small training steps (an MLP 2-8-8-1 with Adam on WebGPU) leave the
 * number of live tensors, buffers and bytes where they were after the first steps, and every
 * allocation is served by the pool.
 */
import { expect, it } from "vitest";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { webgpu } from "./helpers/backends";

it("10,000 training steps leave tensors and buffers flat", async () => {
  const gpu = await webgpu();
  await withBackend(gpu, async () => {
    dl.manualSeed(3);
    const x = dl.randn([10, 2]);
    const y = dl.rand([10, 1]);
    const model = new dl.nn.Sequential(new dl.nn.Linear(2, 8), new dl.nn.Tanh(), new dl.nn.Linear(8, 8), new dl.nn.Tanh(), new dl.nn.Linear(8, 1));
    const optimizer = new dl.optim.Adam(model.parameters(), { lr: 0.01 });
    const step = () =>
      dl.tidy(() => {
        optimizer.zeroGrad();
        const loss = dl.mseLoss(model.forward(x), y);
        loss.backward();
        optimizer.step();
        return loss;
      });
    let early: ReturnType<typeof dl.memory> | null = null;
    let createdEarly = 0;
    let first = 0;
    let last = 0;
    for (let i = 1; i <= 10_000; i++) {
      const loss = step();
      gpu.flush();
      if (i % 250 === 0 || i === 1) {
        const value = await loss.item();
        if (i === 1) first = value;
        last = value;
      }
      loss.dispose();
      if (i === 100) {
        await gpu.sync();
        early = dl.memory();
        createdEarly = gpu.pool.created;
      }
    }
    await gpu.sync();
    const late = dl.memory();
    expect(late.tensors).toBe(early?.tensors);
    expect(late.liveBuffers).toBe(early?.liveBuffers);
    expect(late.liveBytes).toBe(early?.liveBytes);
    expect(late.pooledBuffers).toBe(early?.pooledBuffers);
    expect(gpu.pool.created).toBe(createdEarly);
    expect(last).toBeLessThan(first);
    expect(gpu.errors).toEqual([]);
  });
});
