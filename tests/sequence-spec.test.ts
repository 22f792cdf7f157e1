/**
 * Sequence layers in the model spec: they parse (with other libraries' names suggested), their
 * shapes and parameter counts are inferred without building (and equal what buildModel() builds),
 * the built models run on batches of sequences or tokens, and a misplaced layer is refused with a
 * message that names it and says what to change.
 */
import { describe, expect, it } from "vitest";
import * as dl from "../src/index";
import { specStateShapes } from "../src/io/pytorch-plan";
import { withBackend } from "../src/tensor/engine";
import { cpu32 } from "./helpers/backends";

type Spec = dl.nn.ModelSpec;

const CASES: [string, Spec, number[], number[]][] = [
  [
    "a character model: embedding, positions, causal transformer, a head per step",
    {
      layers: [
        { type: "embedding", vocab: 30, dim: 16, paddingIdx: 0 },
        { type: "positional" },
        { type: "transformer", heads: 4, feedforward: 32, causal: true },
        { type: "linear", units: 30 },
      ],
    },
    [12],
    [12, 30],
  ],
  [
    "an LSTM classifier: two bidirectional layers, the last step",
    {
      layers: [
        { type: "embedding", vocab: 50, dim: 8 },
        { type: "lstm", units: 10, layers: 2, bidirectional: true, dropout: 0.2 },
        { type: "lastStep" },
        { type: "linear", units: 2 },
      ],
    },
    [9],
    [2],
  ],
  [
    "a series model: 1-D convolution, batch norm and pooling, a GRU, the mean over time",
    {
      layers: [
        { type: "conv1d", filters: 8, kernel: 5, stride: 2, padding: 2 },
        { type: "batchNorm" },
        { type: "activation", fn: "relu" },
        { type: "maxPool1d", kernel: 2 },
        { type: "gru", units: 6 },
        { type: "layerNorm" },
        { type: "meanOverTime" },
        { type: "linear", units: 1 },
      ],
    },
    [40, 3],
    [1],
  ],
  [
    "an RNN with relu, attention and learned positions",
    {
      layers: [
        { type: "rnn", units: 6, nonlinearity: "relu" },
        { type: "positional", kind: "learned" },
        { type: "attention", heads: 3, dropout: 0.1 },
        { type: "avgPool1d", kernel: 2 },
        { type: "flatten" },
        { type: "linear", units: 4 },
      ],
    },
    [8, 2],
    [4],
  ],
];

describe("sequence layers in the model spec", () => {
  it.each(CASES)("%s: parses, infers its shapes and parameters, builds and runs", async (_, spec, inputShape, outputShape) => {
    await withBackend(cpu32, async () => {
      expect(dl.nn.parseModelSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
      const summary = dl.nn.summarizeModel(spec, inputShape);
      expect(summary.outputShape).toEqual(outputShape);
      const built = dl.nn.buildModel(spec, inputShape);
      expect(built.model.parameterCount()).toBe(summary.totalParams);
      // The state dict is what the exported script's model has, name for name and shape for shape.
      const ours = new Map([...built.model.stateDict()].map(([name, t]) => [name, t.shape]));
      expect(ours).toEqual(specStateShapes(spec, inputShape));
      const tokens = spec.layers[0].type === "embedding";
      const x = tokens
        ? dl.tensor(
            Array.from({ length: 4 * inputShape[0] }, (_, i) => (i * 3) % 7),
            { shape: [4, ...inputShape], dtype: "int32" },
          )
        : dl.randn([4, ...inputShape]);
      built.model.train();
      const y = built.model.forward(x);
      expect(y.shape).toEqual([4, ...outputShape]);
      dl.mean(y).backward(); // every parameter takes a gradient
      for (const [name, p] of built.model.namedParameters()) expect(p.grad, name).toBeTruthy();
      expect([...(await y.data())].every(Number.isFinite)).toBe(true);
      built.model.dispose();
    });
  });

  it("refuses a misplaced sequence layer, naming it and what to change", () => {
    const fails = (layers: Spec["layers"], input: number[]) => () => dl.nn.summarizeModel({ layers }, input);
    expect(fails([{ type: "lstm", units: 4 }], [1, 28, 28])).toThrow(
      "layer 1 lstm: expects a sequence (time x features) but its input is a 1-channel 28x28 image; add an embedding or choose a sequence dataset",
    );
    expect(fails([{ type: "gru", units: 4 }], [2])).toThrow(
      "layer 1 gru: expects a sequence (time x features) but its input is a vector of 2; for tokens add an embedding before it",
    );
    expect(
      fails(
        [
          { type: "embedding", vocab: 5, dim: 2 },
          { type: "embedding", vocab: 5, dim: 2 },
        ],
        [6],
      ),
    ).toThrow("layer 2 embedding: expects token indices (a sequence of tokens) but its input is a sequence of 6 steps x 2 features");
    expect(fails([{ type: "attention", heads: 3 }], [5, 8])).toThrow("layer 1 attention: its 8 features do not split into 3 heads");
    expect(fails([{ type: "lstm", units: 4, dropout: 0.5 }], [5, 8])).toThrow("layer 1 lstm: dropout applies between stacked layers; set layers to 2 or more");
    expect(fails([{ type: "conv1d", filters: 4, kernel: 9 }], [5, 8])).toThrow("layer 1 conv1d: kernel 9 is longer than its 5 steps");
    expect(fails([{ type: "maxPool1d", kernel: 7 }], [5, 8])).toThrow("layer 1 maxPool1d: a window of 7 steps does not fit its 5 steps");
    expect(fails([{ type: "lastStep" }], [8])).toThrow("layer 1 lastStep: expects a sequence");
  });

  it("validates sequence settings from untrusted JSON and suggests our names for other libraries'", () => {
    expect(() => dl.nn.parseModelSpec({ layers: [{ type: "embedding", vocab: 10, dim: 4, paddingIdx: 10 }] })).toThrow(
      "layer 1 embedding paddingIdx: must be a token of the vocabulary (0 to 9), got 10",
    );
    expect(() => dl.nn.parseModelSpec({ layers: [{ type: "MultiheadAttention", heads: 2 }] })).toThrow(/Did you mean "attention"/);
    expect(() => dl.nn.parseModelSpec({ layers: [{ type: "transformer", heads: 2 }] })).toThrow(/feedforward/);
    expect(() => dl.nn.parseModelSpec({ layers: [{ type: "lstm", units: 4, bidirectional: "yes" }] })).toThrow(/bidirectional/);
    expect(() => dl.nn.parseModelSpec({ layers: [{ type: "positional", kind: "rotary" }] })).toThrow(/sinusoidal.*learned/);
  });
});
