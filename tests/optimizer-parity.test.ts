/**
 * Optimizers against PyTorch: every `optimizer` case of tests/fixtures/pytorch_parity.json (a tanh
 * MLP 3-4-2, weights [in, out], full-batch MSE, as many steps as the case records) on the CPU reference and on WebGPU: the loss
 * before each step and every parameter after each step.
 */
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend";
import * as dl from "../src/index";
import { Adadelta, Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from "../src/optim";
import { withBackend } from "../src/tensor/engine";
import { cpu32, wasm, webgpu } from "./helpers/backends";
import { type GoldenTensor, loadGoldens } from "./helpers/goldens";
import { expectClose } from "./helpers/op-cases";

/** Parses "adam lr=0.01 amsgrad" into a name and its settings. */
function parseName(name: string): { kind: string; lr: number; settings: Record<string, number | boolean> } {
  const [kind, ...rest] = name.split(" ");
  const settings: Record<string, number | boolean> = {};
  for (const part of rest) {
    const [k, v] = part.split("=");
    settings[k] = v === undefined ? true : Number(v);
  }
  return { kind, lr: settings.lr as number, settings };
}

const MAKERS: Record<string, (params: dl.Tensor[], lr: number, s: Record<string, number | boolean>) => Optimizer> = {
  sgd: (p, lr, s) => new SGD(p, { lr, momentum: (s.momentum as number) ?? 0, nesterov: Boolean(s.nesterov), weightDecay: (s.weight_decay as number) ?? 0 }),
  adam: (p, lr, s) => new Adam(p, { lr, amsgrad: Boolean(s.amsgrad), weightDecay: (s.weight_decay as number) ?? 0 }),
  adamw: (p, lr, s) => new AdamW(p, { lr, weightDecay: (s.weight_decay as number) ?? 0.01 }),
  adagrad: (p, lr) => new Adagrad(p, { lr }),
  rmsprop: (p, lr, s) => new RMSprop(p, { lr, alpha: (s.alpha as number) ?? 0.99, momentum: (s.momentum as number) ?? 0 }),
  adadelta: (p, lr) => new Adadelta(p, { lr }),
};

const cases = loadGoldens().filter((c) => c.op === "optimizer" && MAKERS[parseName(String(c.attrs.name)).kind]);

describe.each([
  ["cpu", async () => cpu32 as Backend],
  ["webgpu", async () => (await webgpu()) as Backend],
  ["wasm", async () => (await wasm()) as Backend],
])("optimizers against PyTorch on %s", (_, backendOf) => {
  it("covers every optimizer case of the fixtures", () => {
    expect(cases.length).toBeGreaterThan(0);
    expect(loadGoldens().filter((c) => c.op === "optimizer").length).toBe(cases.length);
  });
  it.each(cases.map((c) => ({ c, label: String(c.attrs.name) })))("$label", async ({ c }) => {
    const backend = await backendOf();
    const { kind, lr, settings } = parseName(String(c.attrs.name));
    const X = c.inputs.X as GoldenTensor;
    const Y = c.inputs.Y as GoldenTensor;
    const init = c.inputs.init as GoldenTensor[];
    const expectedLosses = c.outputs.losses as number[];
    const expectedParams = c.outputs.params_after_each_step as GoldenTensor[][];
    await withBackend(backend, async () => {
      const x = dl.tensor(X.data, { shape: X.shape });
      const y = dl.tensor(Y.data, { shape: Y.shape });
      const params = init.map((p) => dl.tensor(p.data, { shape: p.shape, requiresGrad: true }));
      const [w1, b1, w2, b2] = params;
      const optimizer = MAKERS[kind](params, lr, settings);
      expect(expectedParams.length).toBe(expectedLosses.length);
      for (let step = 0; step < expectedLosses.length; step++) {
        const loss = dl.tidy(() => {
          optimizer.zeroGrad();
          const out = dl.add(dl.matmul(dl.tanh(dl.add(dl.matmul(x, w1), b1)), w2), b2);
          const l = dl.mseLoss(out, y);
          l.backward();
          optimizer.step();
          return l;
        });
        expectClose([await loss.item()], [expectedLosses[step]], 1e-4, 1e-5, `loss before step ${step + 1}`);
        loss.dispose();
        for (let k = 0; k < 4; k++) expectClose(await params[k].data(), expectedParams[step][k].data, 1e-4, 1e-5, `param ${k} after step ${step + 1}`);
      }
      optimizer.dispose();
      for (const t of [x, y, ...params]) t.dispose();
    });
  });
});
