/**
 * Memory stays flat: 10,000 small training steps (an MLP 2-8-8-1 with Adam, on WebGPU and on the wasm
 * backend) leave the number of live tensors, buffers and bytes where they were after the first steps,
 * and every allocation is served by the pool (no new GPU buffer; the wasm heap's used part no larger).
 */
import { expect, it } from "vitest";
import type { Backend } from "../src/backend/backend";
import type { WasmBackend } from "../src/backend/wasm/wasm-backend";
import { WebGPUBackend } from "../src/backend/webgpu/webgpu-backend";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { wasm, webgpu } from "./helpers/backends";

/** Allocations that did not come from a pool so far. */
const created = (b: Backend) => (b instanceof WebGPUBackend ? b.pool.created : (b as WasmBackend).heap.highWater);
const sync = (b: Backend) => (b instanceof WebGPUBackend ? b.sync() : Promise.resolve());

it.each([
  ["WebGPU", webgpu],
  ["wasm", wasm],
] as const)("10,000 training steps leave tensors and buffers flat on %s", async (_, backend) => {
  const gpu: Backend = await backend();
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
        await sync(gpu);
        early = dl.memory();
        createdEarly = created(gpu);
      }
    }
    await sync(gpu);
    const late = dl.memory();
    expect(late.tensors).toBe(early?.tensors);
    expect(late.liveBuffers).toBe(early?.liveBuffers);
    expect(late.liveBytes).toBe(early?.liveBytes);
    expect(late.pooledBuffers).toBe(early?.pooledBuffers);
    expect(created(gpu)).toBe(createdEarly);
    expect(last).toBeLessThan(first);
    if (gpu instanceof WebGPUBackend) expect(gpu.errors).toEqual([]);
  });
});
