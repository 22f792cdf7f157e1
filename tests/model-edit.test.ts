/**
 * The model builder's pure half: every catalog default is a valid layer where its input fits, edits
 * never mutate and land where asked (also inside residual blocks), the output layer is fitted to the
 * task, every preset builds for its kind of data with the right output, and an invalid spec is
 * placed at the layer that causes it with the engine's reason.
 */
import { describe, expect, it } from "vitest";
import { summarizeModel } from "../src/nn/shapes";
import { type LayerSpec, type ModelSpec, parseModelSpec } from "../src/nn/spec";
import { fieldsOf, fits, kindOf, LAYER_GROUPS, LAYER_KINDS } from "../src/ui/builder/layer-catalog";
import {
  addLayer,
  analyzeModel,
  errorLocation,
  fitOutput,
  formatCompact,
  formatCount,
  formatShape,
  getLayer,
  isOutputLayer,
  moveLayer,
  removeLayer,
  shapeAt,
  updateLayer,
} from "../src/ui/builder/model-edit";
import { DEFAULT_PRESET, dataKind, defaultModel, MODEL_PRESETS, matchPreset, presetSpec, presetsFor } from "../src/ui/builder/model-presets";

const POINTS = [2];
const IMAGE = [1, 28, 28];

/** Deep-freezes a spec so an edit that mutates it throws. */
function frozen<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

const relu: LayerSpec = { type: "activation", fn: "relu" };
const BLOCK: LayerSpec = { type: "residual", layers: [{ type: "linear", units: 8 }, relu, { type: "linear", units: 8 }] };
const MLP: ModelSpec = frozen({ layers: [{ type: "linear", units: 8 }, relu, BLOCK, { type: "linear", units: 3 }] });

describe("layer catalog", () => {
  it("has a label, description and group for every kind, each group non-empty", () => {
    const ids = LAYER_KINDS.map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const k of LAYER_KINDS) {
      expect(k.label.length).toBeGreaterThan(1);
      expect(k.description.length).toBeGreaterThan(20);
    }
    for (const g of LAYER_GROUPS) expect(LAYER_KINDS.some((k) => k.group === g)).toBe(true);
  });

  for (const [name, input] of [
    ["vector", POINTS],
    ["image", IMAGE],
    ["3-channel image", [3, 8, 8]],
    ["sequence", [12, 8]],
  ] as const) {
    it(`every default that fits a ${name} input parses and summarizes on it`, () => {
      const fitting = LAYER_KINDS.filter((k) => fits(k.needs, [...input]));
      expect(fitting.length).toBeGreaterThan(8);
      for (const kind of fitting) {
        const layer = kind.create([...input]);
        const spec = parseModelSpec({ layers: [layer] });
        expect(kindOf(layer).id).toBe(kind.id);
        const summary = summarizeModel(spec, [...input]);
        expect(summary.totalParams).toBeGreaterThanOrEqual(0);
        if (kind.id === "residual") expect(summary.outputShape).toEqual(input); // defaults keep the shape: identity skip
      }
    });
  }

  it("field descriptors name real settings with sensible ranges, and defaults sit in range", () => {
    const layers = [
      ...LAYER_KINDS.map((k) => k.create(k.needs === "vector" ? POINTS : k.needs === "sequence" ? [12, 8] : IMAGE)),
      { type: "activation", fn: "leakyRelu" },
      { type: "activation", fn: "elu" },
      { type: "activation", fn: "gelu" },
      { type: "activation", fn: "gelu", approximate: "tanh" },
    ];
    for (const layer of layers as LayerSpec[])
      for (const f of fieldsOf(layer)) {
        const value = (layer as Record<string, unknown>)[f.name] ?? f.fallback;
        if (f.required) expect(value, `${layer.type}.${f.name}`).toBeDefined();
        if (f.kind === "number" && typeof value === "number") {
          expect(value).toBeGreaterThanOrEqual(f.min!);
          expect(value).toBeLessThanOrEqual(f.max!);
        }
        if (f.kind === "select" && value !== undefined) expect(f.options!.map((o) => o.value)).toContain(value);
        // The engine's default written out explicitly is still a valid setting.
        if (value !== undefined) parseModelSpec({ layers: [{ ...layer, [f.name]: value }] });
      }
    expect(fieldsOf({ type: "activation", fn: "relu" }).map((f) => f.name)).toEqual(["fn"]);
    expect(fieldsOf({ type: "activation", fn: "leakyRelu" }).map((f) => f.name)).toEqual(["fn", "slope"]);
    expect(fieldsOf({ type: "activation", fn: "gelu" }).map((f) => f.name)).toEqual(["fn", "approximate"]);
  });
});

describe("edits", () => {
  it("add inserts at the path, at the top level and inside a residual block", () => {
    const top = addLayer(MLP, [1], { type: "dropout", p: 0.1 });
    expect(top.layers.map((l) => l.type)).toEqual(["linear", "dropout", "activation", "residual", "linear"]);
    const inner = addLayer(MLP, [2, 3], { type: "batchNorm" });
    expect(getLayer(inner, [2, 3])).toEqual({ type: "batchNorm" });
    expect((getLayer(inner, [2]) as { layers: LayerSpec[] }).layers).toHaveLength(4);
    expect(inner.layers[0]).toBe(MLP.layers[0]); // untouched layers are shared, not copied
    expect(() => addLayer(MLP, [9], relu)).toThrow(RangeError);
    expect(() => addLayer(MLP, [0, 0], relu)).toThrow(/no residual block/);
  });

  it("remove, move and update leave the original untouched", () => {
    expect(removeLayer(MLP, [1]).layers.map((l) => l.type)).toEqual(["linear", "residual", "linear"]);
    expect((getLayer(removeLayer(MLP, [2, 1]), [2]) as { layers: LayerSpec[] }).layers.map((l) => l.type)).toEqual(["linear", "linear"]);
    expect(moveLayer(MLP, [0], 1).layers.map((l) => l.type)).toEqual(["activation", "linear", "residual", "linear"]);
    expect(getLayer(moveLayer(MLP, [2, 1], -1), [2, 0])).toEqual(relu);
    expect(() => moveLayer(MLP, [0], -1)).toThrow(RangeError);
    expect(() => moveLayer(MLP, [2, 2], 1)).toThrow(RangeError);
    expect(getLayer(updateLayer(MLP, [2, 0], { units: 5 }), [2, 0])).toEqual({ type: "linear", units: 5 });
    expect(getLayer(updateLayer(MLP, [0], { bias: false }), [0])).toEqual({ type: "linear", units: 8, bias: false });
    expect(MLP.layers[0]).toEqual({ type: "linear", units: 8 });
  });

  it("update with undefined removes the setting (back to the engine's default)", () => {
    const leaky = frozen({ layers: [{ type: "activation", fn: "leakyRelu", slope: 0.2 }] }) as ModelSpec;
    expect(updateLayer(leaky, [0], { fn: "relu", slope: undefined }).layers[0]).toEqual({ type: "activation", fn: "relu" });
  });

  it("a residual block keeps at least one layer", () => {
    const one = frozen({ layers: [{ type: "residual", layers: [relu] }] }) as ModelSpec;
    expect(() => removeLayer(one, [0, 0])).toThrow(/at least one layer/);
    expect(removeLayer(one, [0]).layers).toEqual([]);
  });

  it("keeps the init scheme", () => {
    const spec = frozen({ ...MLP, init: "kaimingNormal" }) as ModelSpec;
    expect(addLayer(spec, [0], relu).init).toBe("kaimingNormal");
  });
});

describe("output layer", () => {
  it("sets the last Linear's units or appends one", () => {
    expect(fitOutput(MLP, 3)).toBe(MLP);
    expect(fitOutput(MLP, 2).layers.at(-1)).toEqual({ type: "linear", units: 2 });
    expect(fitOutput(frozen({ layers: [{ type: "linear", units: 8 }, relu] }), 1).layers).toEqual([
      { type: "linear", units: 8 },
      relu,
      { type: "linear", units: 1 },
    ]);
    expect(fitOutput({ layers: [] }, 4).layers).toEqual([{ type: "linear", units: 4 }]);
    expect(fitOutput(frozen({ layers: [{ type: "linear", units: 8, bias: false }] }), 2).layers).toEqual([{ type: "linear", units: 2, bias: false }]);
    expect(isOutputLayer(MLP, [3])).toBe(true);
    expect(isOutputLayer(MLP, [2])).toBe(false);
    expect(isOutputLayer(MLP, [2, 2])).toBe(false);
  });
});

describe("presets", () => {
  for (const preset of MODEL_PRESETS) {
    it(`${preset.id} builds for ${preset.kind} with the task's output size`, () => {
      const inputs = preset.kind === "images" ? [IMAGE, [3, 32, 32]] : [POINTS, [4]];
      for (const input of inputs)
        for (const outputSize of [1, 3, 10]) {
          const spec = parseModelSpec(presetSpec(preset, outputSize));
          const analysis = analyzeModel(spec, input);
          expect(analysis.error).toBeNull();
          expect(analysis.outputShape).toEqual([outputSize]);
          expect(fitOutput(spec, outputSize)).toBe(spec);
          expect(matchPreset(spec, input, outputSize)?.id).toBe(preset.id);
        }
    });
  }

  it("are filtered by kind of data, with a default for each", () => {
    expect(dataKind(POINTS)).toBe("points");
    expect(dataKind(IMAGE)).toBe("images");
    expect(presetsFor([4]).map((p) => p.id)).toEqual(["linear", "tf-playground", "relu-mlp", "wide-relu"]);
    expect(presetsFor(IMAGE).map((p) => p.id)).toEqual(["image-mlp", "lenet", "small-resnet"]);
    expect(defaultModel(IMAGE, 10)).toEqual(presetSpec(MODEL_PRESETS.find((p) => p.id === DEFAULT_PRESET.images)!, 10));
    expect(analyzeModel(defaultModel(POINTS, 3), POINTS).outputShape).toEqual([3]);
    expect(matchPreset(updateLayer(defaultModel(POINTS, 3), [0], { units: 5 }), POINTS, 3)).toBeUndefined();
  });

  it("fit sequence data: tokens start with an embedding, a label per step keeps the steps", () => {
    const sequences = [
      { input: [20, 2], data: { vocab: 0, perStep: false }, out: (n: number) => [n] },
      { input: [16], data: { vocab: 28, perStep: false }, out: (n: number) => [n] },
      { input: [16], data: { vocab: 28, perStep: true }, out: (n: number) => [16, n] },
      { input: [12, 3], data: { vocab: 0, perStep: true }, out: (n: number) => [12, n] },
    ];
    for (const { input, data, out } of sequences) {
      const presets = presetsFor(input, data);
      expect(presets.map((p) => p.id)).toEqual(["seq-rnn", "seq-lstm", "seq-gru", "seq-cnn", "seq-transformer"]);
      expect(dataKind(input, data)).toBe("sequences");
      for (const preset of presets) {
        const spec = parseModelSpec(presetSpec(preset, 5));
        const analysis = analyzeModel(spec, input);
        expect(analysis.error, `${preset.id} on ${input}`).toBeNull();
        expect(analysis.outputShape).toEqual(out(5));
        expect(spec.layers[0].type === "embedding").toBe(data.vocab > 0);
        expect(matchPreset(spec, input, 5, data)?.id).toBe(preset.id);
      }
      expect(defaultModel(input, 5, data)).toEqual(presetSpec(presets.find((p) => p.id === DEFAULT_PRESET.sequences)!, 5));
    }
  });

  it("LeNet-5 has the classic 61,706 parameters on MNIST", () => {
    const lenet = MODEL_PRESETS.find((p) => p.id === "lenet")!;
    expect(analyzeModel(presetSpec(lenet, 10), IMAGE).totalParams).toBe(61_706);
  });
});

describe("analysis", () => {
  it("gives every layer's input, output shape and parameters, blocks including their projection", () => {
    const a = analyzeModel(MLP, POINTS);
    expect(a.error).toBeNull();
    expect(a.layers.get("0")).toEqual({ input: [2], outputShape: [8], params: 24 });
    expect(a.layers.get("2.0")).toEqual({ input: [8], outputShape: [8], params: 72 });
    expect(a.layers.get("2")?.params).toBe(144);
    expect(a.totalParams).toBe(24 + 144 + 27);
    const projected = analyzeModel(updateLayer(MLP, [2, 2], { units: 4 }), POINTS);
    expect(projected.layers.get("2")).toEqual({ input: [8], outputShape: [4], params: 72 + 36 + (8 * 4 + 4) });
    expect(projected.totalParams).toBe(summarizeModel(updateLayer(MLP, [2, 2], { units: 4 }), POINTS).totalParams);
  });

  it("reads the layer a ModelSpecError names", () => {
    expect(errorLocation("layer 3 conv2d: kernel 5 is larger than its 4x4 input")).toEqual({ path: [2], detail: "kernel 5 is larger than its 4x4 input" });
    expect(errorLocation("layer 4.2 linear: expects a vector")).toEqual({ path: [3, 1], detail: "expects a vector" });
    expect(errorLocation("layer 12: expected an object")).toEqual({ path: [11], detail: "expected an object" });
    expect(errorLocation('model: "layers" must be a non-empty list')).toEqual({ path: null, detail: '"layers" must be a non-empty list' });
  });

  it("places a shape error at the layer, keeping the layers above it", () => {
    const spec: ModelSpec = {
      layers: [
        { type: "conv2d", filters: 4, kernel: 5 },
        { type: "maxPool2d", kernel: 2 },
        { type: "maxPool2d", kernel: 2 },
        { type: "maxPool2d", kernel: 2 },
        { type: "conv2d", filters: 4, kernel: 5 },
        { type: "flatten" },
        { type: "linear", units: 10 },
      ],
    };
    const a = analyzeModel(spec, IMAGE);
    expect(a.error?.path).toEqual([4]);
    expect(a.error?.message).toMatch(/^layer 5 conv2d: kernel 5 is larger than its 3x3 input; lower the kernel/);
    expect(a.error?.detail).toMatch(/^kernel 5 is larger/);
    expect(a.error?.input).toEqual([4, 3, 3]);
    expect([...a.layers.keys()]).toEqual(["0", "1", "2", "3"]);
    expect(a.totalParams).toBeNull();
    expect(() => summarizeModel(spec, IMAGE)).toThrow(a.error!.message); // same words as the engine's
  });

  it("places errors inside a residual block at the inner layer, numbered from the top", () => {
    const bad = updateLayer(MLP, [2, 1], { fn: "swish" });
    const a = analyzeModel(bad, POINTS);
    expect(a.error?.path).toEqual([2, 1]);
    expect(a.error?.message).toMatch(/^layer 3\.2 activation fn: expected one of/);
    expect([...a.layers.keys()]).toEqual(["0", "1", "2.0"]);
    const image = analyzeModel({ layers: [{ type: "residual", layers: [{ type: "flatten" }, { type: "conv2d", filters: 2, kernel: 3 }] }] }, IMAGE);
    expect(image.error?.path).toEqual([0, 1]);
    expect(image.error?.input).toEqual([784]);
  });

  it("places a block-level error at the block", () => {
    const block: ModelSpec = { layers: [{ type: "residual", layers: [{ type: "conv2d", filters: 2, kernel: 3 }] }] };
    const a = analyzeModel(block, IMAGE);
    expect(a.error?.path).toEqual([0]);
    expect(a.error?.detail).toMatch(/1x1 projection of the skip connection cannot match/);
    expect(a.layers.get("0.0")?.outputShape).toEqual([2, 26, 26]);
    expect(analyzeModel({ layers: [{ type: "residual", layers: [] }] }, POINTS).error?.path).toEqual([0]);
  });

  it("reports the first error in reading order, invalid settings included", () => {
    const spec: ModelSpec = {
      layers: [
        { type: "linear", units: 8 },
        { type: "dropout", p: 1 },
        { type: "conv2d", filters: 2, kernel: 3 },
        { type: "linear", units: 2.5 },
      ],
    };
    const a = analyzeModel(spec, POINTS);
    expect(a.error?.path).toEqual([1]);
    expect(a.error?.detail).toBe("p: expected a number at least 0 and below 1, got 1");
    expect(analyzeModel(updateLayer(spec, [1], { p: 0.5 }), POINTS).error?.message).toMatch(/^layer 3 conv2d: expects an image/);
  });

  it("reports model-level problems without a layer", () => {
    expect(analyzeModel({ layers: [] }, POINTS).error).toMatchObject({ path: null, detail: '"layers" must be a non-empty list' });
    expect(analyzeModel({ layers: [relu], init: "lecun" as never }, POINTS).error).toMatchObject({ path: null });
  });

  it("knows the shape entering any insertion point", () => {
    const a = analyzeModel(MLP, [5]);
    expect(shapeAt(a, [0], [5])).toEqual([5]);
    expect(shapeAt(a, [1], [5])).toEqual([8]);
    expect(shapeAt(a, [2, 0], [5])).toEqual([8]);
    expect(shapeAt(a, [2, 3], [5])).toEqual([8]);
    const broken = analyzeModel(updateLayer(MLP, [0], { units: 0 }), [5]);
    expect(shapeAt(broken, [2], [5])).toBeNull();
  });

  it("formats shapes and counts", () => {
    expect(formatShape([16, 14, 14])).toBe("16×14×14");
    expect(formatShape([32])).toBe("32");
    expect(formatCount(61706)).toBe("61,706");
    expect([9999, 10_000, 61706, 999_499, 999_500, 1_179_776].map(formatCompact)).toEqual(["9,999", "10k", "61.7k", "999k", "1M", "1.18M"]);
  });
});
