/**
 * Optimizer features beyond the PyTorch trajectories: parameter groups with their own settings,
 * gradient clipping by norm and by value, L1/L2 penalties, and the learning-rate schedules' values
 * (PyTorch's closed forms), on the CPU reference and on WebGPU.
 */
import { describe, expect, it } from "vitest";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { cpu32, webgpu } from "./helpers/backends";

const { optim } = dl;
const values = async (t: dl.Tensor) => Array.from(await t.data()).map((v) => Number(v.toFixed(6)));

describe.each([
  ["cpu", async () => cpu32],
  ["webgpu", webgpu],
])("optimizer features on %s", (_, backendOf) => {
  const run = async <T>(fn: () => Promise<T>) => withBackend(await backendOf(), fn);

  it("parameter groups keep their own learning rates", () =>
    run(async () => {
      const a = dl.tensor([1, 1], { requiresGrad: true });
      const b = dl.tensor([1], { requiresGrad: true });
      const opt = new optim.SGD([{ params: [a] }, { params: [b], options: { lr: 0.5 } }], { lr: 0.1 });
      dl.sum(dl.add(dl.sum(a), b)).backward(); // every gradient is 1
      opt.step();
      expect(await values(a)).toEqual([0.9, 0.9]);
      expect(await values(b)).toEqual([0.5]);
      opt.lr = 0.01;
      expect(opt.groups.map((g) => g.options.lr)).toEqual([0.01, 0.01]);
      opt.dispose();
    }));

  it("clips gradients by global norm and by value", () =>
    run(async () => {
      const w = dl.tensor([0, 0], { requiresGrad: true });
      const opt = new optim.SGD([w], { lr: 1 });
      dl.sum(dl.mul(w, dl.tensor([3, 4]))).backward(); // gradient [3, 4], norm 5
      opt.clipGradNorm(1);
      expect(await values(w.grad as dl.Tensor)).toEqual([0.6, 0.8]);
      opt.zeroGrad();
      dl.sum(dl.mul(w, dl.tensor([3, -0.5]))).backward();
      opt.clipGradValue(1);
      expect(await values(w.grad as dl.Tensor)).toEqual([1, -0.5]);
      opt.zeroGrad();
      dl.sum(dl.mul(w, dl.tensor([0.3, 0.4]))).backward(); // norm 0.5: under the limit, unchanged
      opt.clipGradNorm(1);
      expect(await values(w.grad as dl.Tensor)).toEqual([0.3, 0.4]);
      opt.dispose();
    }));

  it("adds L1 and L2 penalties to the gradients", () =>
    run(async () => {
      const w = dl.tensor([2, -3], { requiresGrad: true });
      const opt = new optim.SGD([w], { lr: 1 }, { l1: 0.1, l2: 0.5 });
      dl.sum(dl.mul(w, 0)).backward(); // zero data gradient: only the penalties move w
      opt.step();
      // w - (0.1 sign(w) + 0.5 w)
      expect(await values(w)).toEqual([0.9, -1.4]);
      opt.dispose();
    }));
});

describe("learning-rate schedules", () => {
  const optimizer = () => withBackend(cpu32, () => new optim.SGD([dl.zeros([1], { requiresGrad: true })], { lr: 1 }));
  const trace = (s: { step(): void; lastLr: number[] }, n: number) =>
    Array.from({ length: n }, () => {
      const lr = s.lastLr[0];
      s.step();
      return Number(lr.toFixed(6));
    });

  it("StepLR, ExponentialLR, CosineAnnealingLR and LinearLR follow PyTorch", () => {
    expect(trace(new optim.StepLR(optimizer(), 2, 0.5), 6)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    expect(trace(new optim.ExponentialLR(optimizer(), 0.9), 4)).toEqual([1, 0.9, 0.81, 0.729]);
    expect(trace(new optim.CosineAnnealingLR(optimizer(), 4, 0), 6)).toEqual([1, 0.853553, 0.5, 0.146447, 0, 0]);
    expect(trace(new optim.LinearLR(optimizer(), 0.25, 1, 3), 5)).toEqual([0.25, 0.5, 0.75, 1, 1]);
  });

  it("SequentialLR chains a warm-up into a decay", () => {
    const opt = optimizer();
    const s = new optim.SequentialLR(opt, [new optim.LinearLR(opt, 0.5, 1, 2), new optim.ExponentialLR(opt, 0.5)], [2]);
    expect(trace(s, 5)).toEqual([0.5, 0.75, 1, 0.5, 0.25]);
  });

  it("ReduceLROnPlateau cuts the rate after `patience` epochs without improvement", () => {
    const opt = optimizer();
    const s = new optim.ReduceLROnPlateau(opt, { patience: 2, factor: 0.5 });
    const lrs = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95].map((loss) => {
      s.step(loss);
      return s.lastLr[0];
    });
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5]);
  });
});
