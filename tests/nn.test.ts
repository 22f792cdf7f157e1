/**
 * Modules and model specs: PyTorch's state_dict names, buildModel's shapes and parameter counts
 * (LeNet-5 has the classic 61,706), its errors naming the layer, batch norm and dropout in train and
 * eval, initialiser statistics, and loading weights that do not fit changes nothing.
 */
import { describe, expect, it } from "vitest";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { cpu32 } from "./helpers/backends";

const { nn } = dl;
const onCpu = <T>(fn: () => T) => withBackend(cpu32, fn);

const LENET: dl.nn.ModelSpec = {
  layers: [
    { type: "conv2d", filters: 6, kernel: 5, padding: 2 },
    { type: "activation", fn: "relu" },
    { type: "maxPool2d", kernel: 2 },
    { type: "conv2d", filters: 16, kernel: 5 },
    { type: "activation", fn: "relu" },
    { type: "maxPool2d", kernel: 2 },
    { type: "flatten" },
    { type: "linear", units: 120 },
    { type: "activation", fn: "relu" },
    { type: "linear", units: 84 },
    { type: "activation", fn: "relu" },
    { type: "linear", units: 10 },
  ],
};

describe("model specs", () => {
  it("LeNet-5 on 1x28x28: shapes, 61,706 parameters, and a forward pass of that shape", () =>
    onCpu(() => {
      const built = nn.buildModel(LENET, [1, 28, 28]);
      expect(built.layers.map((l) => l.outputShape)).toEqual([
        [6, 28, 28],
        [6, 28, 28],
        [6, 14, 14],
        [16, 10, 10],
        [16, 10, 10],
        [16, 5, 5],
        [400],
        [120],
        [120],
        [84],
        [84],
        [10],
      ]);
      expect(built.totalParams).toBe(61706);
      expect(built.model.parameterCount()).toBe(61706);
      expect(built.model.forward(dl.zeros([2, 1, 28, 28])).shape).toEqual([2, 10]);
    }));

  it("a residual block adds a 1x1 projection when its body changes the shape", () =>
    onCpu(() => {
      const spec = dl.nn.parseModelSpec({
        layers: [
          { type: "conv2d", filters: 8, kernel: 3, padding: 1 },
          { type: "residual", layers: [{ type: "conv2d", filters: 16, kernel: 3, stride: 2, padding: 1 }, { type: "batchNorm" }] },
          { type: "activation", fn: "relu" },
          { type: "adaptiveAvgPool2d", size: 1 },
          { type: "flatten" },
          { type: "linear", units: 10 },
        ],
      });
      const built = nn.buildModel(spec, [3, 16, 16]);
      expect(built.layers.map((l) => [l.index, l.outputShape.join("x")])).toEqual([
        ["1", "8x16x16"],
        ["2", "16x8x8"],
        ["2.1", "16x8x8"],
        ["2.2", "16x8x8"],
        ["3", "16x8x8"],
        ["4", "16x1x1"],
        ["5", "16"],
        ["6", "10"],
      ]);
      const projection = 16 * 8 + 16;
      expect(built.layers[1].params).toBe(16 * 8 * 9 + 16 + 2 * 16 + projection);
      expect(built.model.parameterCount()).toBe(built.totalParams);
      expect(built.model.forward(dl.randn([2, 3, 16, 16])).shape).toEqual([2, 10]);
    }));

  it("explains an invalid layer, naming it", () =>
    onCpu(() => {
      const tooBig: dl.nn.ModelSpec = {
        layers: [
          { type: "maxPool2d", kernel: 2 },
          { type: "maxPool2d", kernel: 2 },
          { type: "conv2d", filters: 4, kernel: 5 },
        ],
      };
      expect(() => nn.buildModel(tooBig, [1, 16, 16])).toThrow(
        "layer 3 conv2d: kernel 5 is larger than its 4x4 input; lower the kernel or remove a pooling layer above it",
      );
      expect(() => nn.buildModel({ layers: [{ type: "linear", units: 3 }] }, [1, 8, 8])).toThrow(
        "layer 1 linear: expects a vector but its input is a 1-channel 8x8 image; add a flatten layer before it",
      );
      expect(() => nn.parseModelSpec({ layers: [{ type: "linear", units: -2 }] })).toThrow(
        "layer 1 linear units: expected a whole number from 1 to 65,536, got -2",
      );
      expect(() => nn.parseModelSpec({ layers: [{ type: "conv3d" }] })).toThrow(
        /layer 1 type: "conv3d" is not a layer type; expected one of linear, conv2d.*Did you mean "conv2d"\?/,
      );
      expect(() => nn.parseModelSpec({ layers: [{ type: "dropout", p: 1.5 }] })).toThrow(
        "layer 1 dropout p: expected a number at least 0 and below 1, got 1.5",
      );
      expect(() => nn.parseModelSpec({ layers: [{ type: "linear", units: 2, kernel: 3 }] })).toThrow(
        "layer 1 linear kernel: unknown key. A linear layer takes units, bias",
      );
      expect(() => nn.parseModelSpec("garbage")).toThrow(/model: expected an object \(a model\), got "garbage"/);
      expect(() => nn.parseModelSpec({ layers: [{ type: "activation", fn: "gelu", approximate: "erf" }] })).toThrow(
        'layer 1 activation approximate: expected one of "none", "tanh", got "erf"',
      );
      expect(() => nn.parseModelSpec({ layers: [{ type: "activation", fn: "relu", approximate: "tanh" }] })).toThrow(
        "layer 1 activation approximate: applies to gelu only; remove it from this relu activation",
      );
    }));

  it("builds GELU exactly or by its tanh approximation, as the spec says", () =>
    onCpu(async () => {
      const x = dl.tensor([-2, -0.5, 0.3, 1.7], { shape: [1, 4] });
      const gelu = (approximate?: "none" | "tanh") =>
        nn.buildModel(nn.parseModelSpec({ layers: [{ type: "activation", fn: "gelu", ...(approximate ? { approximate } : {}) }] }), [4]).model;
      expect(Array.from(await gelu("tanh").forward(x).data())).toEqual(Array.from(await dl.gelu(x, { approximate: "tanh" }).data()));
      expect(Array.from(await gelu().forward(x).data())).toEqual(Array.from(await dl.gelu(x).data()));
      expect(Array.from(await gelu("tanh").forward(x).data())).not.toEqual(Array.from(await gelu().forward(x).data()));
    }));
});

describe("modules", () => {
  it("names parameters and buffers like PyTorch's state_dict", () =>
    onCpu(() => {
      const model = new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3), new nn.ReLU(), new nn.Linear(3, 2, { bias: false }));
      expect([...model.stateDict().keys()]).toEqual(["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "1.running_mean", "1.running_var"]);
    }));

  it("batch norm uses batch statistics in training and running ones in eval", () =>
    onCpu(async () => {
      const bn = new nn.BatchNorm1d(2);
      const x = dl.tensor([
        [1, 10],
        [3, 30],
      ]);
      expect(await bn.forward(x).toArray()).toEqual([
        [expect.closeTo(-1, 4), expect.closeTo(-1, 4)],
        [expect.closeTo(1, 4), expect.closeTo(1, 4)],
      ]);
      // running mean = 0.9 * 0 + 0.1 * batch mean; running var uses the unbiased variance
      expect(Array.from(await bn.runningMean.data())).toEqual([expect.closeTo(0.2, 6), expect.closeTo(2, 5)]);
      expect(Array.from(await bn.runningVar.data())).toEqual([expect.closeTo(0.9 + 0.1 * 2, 5), expect.closeTo(0.9 + 0.1 * 200, 4)]);
      bn.eval();
      const y = await bn.forward(x).data();
      expect(y[0]).toBeCloseTo((1 - 0.2) / Math.sqrt(1.1 + 1e-5), 4);
    }));

  it("dropout is active in training only", () =>
    onCpu(async () => {
      const d = new nn.Dropout(0.5);
      const x = dl.ones([1000]);
      const train = Array.from(await d.forward(x).data());
      expect(train.filter((v) => v === 0).length).toBeGreaterThan(400);
      expect(train.filter((v) => v === 2).length).toBeGreaterThan(400);
      d.eval();
      expect(Array.from(await d.forward(x).data()).every((v) => v === 1)).toBe(true);
    }));

  it("initialisers draw with the expected spread", () =>
    onCpu(async () => {
      dl.manualSeed(5);
      const std = async (t: dl.Tensor) => {
        const d = Array.from(await t.data());
        const m = d.reduce((a, b) => a + b, 0) / d.length;
        return Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length);
      };
      const w = dl.zeros([256, 512]);
      expect(await std(nn.init.kaimingNormal_(w, { nonlinearity: "relu" }))).toBeCloseTo(Math.sqrt(2 / 512), 3);
      expect(await std(nn.init.xavierUniform_(w))).toBeCloseTo(Math.sqrt(6 / (512 + 256)) / Math.sqrt(3), 3);
      const linear = new nn.Linear(100, 50);
      const values = Array.from(await linear.weight.data());
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.1);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.09);
    }));

  it("loading weights that do not fit changes nothing", () =>
    onCpu(async () => {
      const model = new nn.Sequential(new nn.Linear(2, 2));
      const before = Array.from(await model.layers[0].parameters()[0].data());
      const bad = new Map([
        ["0.weight", { shape: [2, 2], data: [9, 9, 9, 9] }],
        ["0.bias", { shape: [3], data: [1, 2, 3] }],
      ]);
      expect(() => model.loadStateDict(bad)).toThrow("loadStateDict: the weights do not fit this model: 0.bias has shape [3], the model expects [2]");
      expect(Array.from(await model.layers[0].parameters()[0].data())).toEqual(before);
      const good = new Map([
        ["0.weight", { shape: [2, 2], data: [1, 2, 3, 4] }],
        ["0.bias", { shape: [2], data: [5, 6] }],
      ]);
      model.loadStateDict(good);
      expect(await model.forward(dl.tensor([[1, 1]])).toArray()).toEqual([[8, 13]]);
    }));
});
