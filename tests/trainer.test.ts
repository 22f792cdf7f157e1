/**
 * The trainer, on WebGPU: the spiral MLP reaches 97% test accuracy with fixed seeds; pause, one
 * step and resume work; a learning rate that blows up stops training with an explanation and the
 * last good (finite) weights; early stopping restores the best epoch; schedules change the rate per
 * epoch; k-fold cross-validation reports each fold.
 */
import { describe, expect, it } from "vitest";
import { subset } from "../src/data/dataset";
import { spiral } from "../src/data/spiral";
import { trainTestSplit } from "../src/data/splits";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { crossValidate } from "../src/train/cross-validate";
import { lossByName } from "../src/train/objectives";
import { evaluateWith, Trainer } from "../src/train/trainer";
import { webgpu } from "./helpers/backends";

const { nn, optim } = dl;

function mlp(hidden: number[], classes: number) {
  const layers: dl.nn.Module[] = [];
  [2, ...hidden].forEach((n, i) => {
    layers.push(new nn.Linear(n, hidden[i] ?? classes));
    if (i < hidden.length) layers.push(new nn.ReLU());
  });
  return new nn.Sequential(...layers);
}

describe("trainer", () => {
  it("trains the spiral MLP to at least 97% test accuracy with fixed seeds", async () => {
    const gpu = await webgpu();
    await withBackend(gpu, async () => {
      dl.manualSeed(1);
      const { train, test } = trainTestSplit(spiral({ points: 600, classes: 3, noise: 0.1, seed: 4 }), { trainRatio: 0.8, seed: 2 });
      const model = mlp([64, 64], 3);
      const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
      const trainer = new Trainer({ model, optimizer, loss: lossByName("crossEntropy"), train, val: test, batchSize: 32, epochs: 60, seed: 3 });
      const steps: number[] = [];
      trainer.on("step", (e) => steps.push(e.step));
      const end = await trainer.run();
      expect(end.reason).toBe("done");
      const last = trainer.epochs[trainer.epochs.length - 1];
      expect(last.val?.classification?.accuracy).toBeGreaterThanOrEqual(0.97);
      expect(last.trainLoss).toBeLessThan(trainer.epochs[0].trainLoss / 4);
      expect(steps).toEqual(Array.from({ length: 60 * 15 }, (_, i) => i + 1)); // every step reported, in order
      optimizer.dispose();
      model.dispose();
    });
  });

  it("pauses, runs one step, resumes and stops on request", async () => {
    const gpu = await webgpu();
    await withBackend(gpu, async () => {
      const data = spiral({ points: 90, classes: 3, seed: 1 });
      const model = mlp([8], 3);
      const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
      const trainer = new Trainer({ model, optimizer, loss: lossByName("crossEntropy"), train: data, batchSize: 10, epochs: 1000, readbackDepth: 1 });
      const done = trainer.run();
      await new Promise((r) => setTimeout(r, 50));
      trainer.pause();
      await new Promise((r) => setTimeout(r, 100));
      const atPause = trainer.step;
      await new Promise((r) => setTimeout(r, 100));
      expect(trainer.step).toBe(atPause);
      trainer.stepOnce();
      await expect.poll(() => trainer.step, { timeout: 30_000 }).toBe(atPause + 1);
      trainer.resume();
      await expect.poll(() => trainer.step, { timeout: 30_000 }).toBeGreaterThan(atPause + 5);
      trainer.stop();
      const end = await done;
      expect(end.reason).toBe("stopped");
      optimizer.dispose();
      model.dispose();
    });
  });

  it("once parked after a pause, has reported every step it took (what a snapshot must match); a finished run is parked", async () => {
    const gpu = await webgpu();
    await withBackend(gpu, async () => {
      const data = spiral({ points: 90, classes: 3, seed: 1 });
      const model = mlp([8], 3);
      const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
      const trainer = new Trainer({ model, optimizer, loss: lossByName("crossEntropy"), train: data, batchSize: 10, epochs: 1000, readbackDepth: 4 });
      const reported: number[] = [];
      trainer.on("step", (e) => reported.push(e.step));
      const done = trainer.run();
      await expect.poll(() => trainer.step, { timeout: 30_000 }).toBeGreaterThan(20);
      trainer.pause();
      await trainer.whenParked();
      expect(reported.at(-1)).toBe(trainer.step); // losses in flight (up to 4) landed before it resolved
      trainer.stop();
      await done;
      await trainer.whenParked(); // stopped: nothing under way
      optimizer.dispose();
      model.dispose();
    });
  });

  it("stops on a diverging loss, explains it, and keeps finite weights", async () => {
    const gpu = await webgpu();
    await withBackend(gpu, async () => {
      dl.manualSeed(2);
      const data = spiral({ points: 90, classes: 3, seed: 1 });
      const model = mlp([16], 3);
      const optimizer = new optim.SGD(model.parameters(), { lr: 1e30 });
      const trainer = new Trainer({ model, optimizer, loss: lossByName("crossEntropy"), train: data, batchSize: 30, epochs: 50 });
      const end = await trainer.run();
      expect(end.reason).toBe("diverged");
      expect(end.message).toMatch(
        /^the loss became (NaN|Infinity) at step \d+: training diverged\. The weights are back to those after step 0\. Likely cause: the learning rate \(SGD 1e\+30\) is too high: lower it \(try 1e\+29\) or clip gradients/,
      );
      for (const p of model.parameters()) expect(Array.from(await p.data()).every(Number.isFinite)).toBe(true);
      optimizer.dispose();
      model.dispose();
    });
  });

  it("early stopping restores the best epoch, and schedules set the rate per epoch", async () => {
    const gpu = await webgpu();
    await withBackend(gpu, async () => {
      dl.manualSeed(3);
      // Labels that are pure noise: the validation loss gets worse as the model memorises them.
      const data = spiral({ points: 120, classes: 3, seed: 5 });
      const noisy = { ...data, y: Int32Array.from(data.y, (_, i) => (i * 7919) % 3) };
      const train = subset(
        noisy,
        Array.from({ length: 80 }, (_, i) => i),
      );
      const val = subset(
        noisy,
        Array.from({ length: 40 }, (_, i) => 80 + i),
      );
      const model = mlp([64, 64], 3);
      const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
      const scheduler = new optim.StepLR(optimizer, 1, 0.9);
      const trainer = new Trainer({
        model,
        optimizer,
        loss: lossByName("crossEntropy"),
        train,
        val,
        batchSize: 16,
        epochs: 200,
        scheduler,
        earlyStopping: { patience: 3 },
      });
      const end = await trainer.run();
      expect(end.reason).toBe("early-stopping");
      const losses = trainer.epochs.map((e) => e.val?.loss ?? Number.NaN);
      const bestEpoch = losses.indexOf(Math.min(...losses)) + 1;
      expect(end.message).toContain(`restored the weights of epoch ${bestEpoch}`);
      expect(trainer.epochs.length).toBe(bestEpoch + 3);
      const after = await evaluateWith(trainer, val);
      expect(after.loss).toBeCloseTo(Math.min(...losses), 4);
      expect(trainer.epochs.map((e) => e.lr).slice(0, 3)).toEqual([0.01, expect.closeTo(0.009, 8), expect.closeTo(0.0081, 8)]); // the rate each epoch trained at
      optimizer.dispose();
      model.dispose();
    });
  });

  it("cross-validates over k folds", async () => {
    const gpu = await webgpu();
    await withBackend(gpu, async () => {
      dl.manualSeed(4);
      const data = spiral({ points: 150, classes: 3, noise: 0.1, seed: 7 });
      const result = await crossValidate(
        data,
        3,
        () => {
          const model = mlp([32, 32], 3);
          return { model, optimizer: new optim.Adam(model.parameters(), { lr: 0.02 }) };
        },
        { loss: lossByName("crossEntropy"), batchSize: 25, epochs: 40, seed: 1 },
      );
      expect(result.folds).toHaveLength(3);
      expect(result.folds.map((f) => f.n)).toEqual([50, 50, 50]);
      expect(result.score.name).toBe("accuracy");
      expect(result.score.mean).toBeGreaterThan(0.8);
      expect(result.score.std).toBeGreaterThanOrEqual(0);
    });
  });
});
