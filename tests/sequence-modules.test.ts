/**
 * The sequence modules beyond the fixture's cases, against real PyTorch (run here through
 * /usr/bin/python3): multi-head attention with other key and value widths (q/k/v_proj_weight) and
 * PyTorch's default [L, B, E] layout with per-head weights, recurrent layers in [T, B, F] layout
 * without biases, a transformer layer in [T, B, E]. Each module's state dict must carry PyTorch's
 * names in PyTorch's order, and the same weights and inputs must give PyTorch's outputs (float64
 * there, float32 here: relative 1e-4 + absolute 1e-5). Also: errors that name what is wrong.
 */
import { describe, expect, it } from "vitest";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { cpu32 } from "./helpers/backends";
import { expectClose } from "./helpers/op-cases";
import { python, skipWithoutTorch } from "./helpers/torch";

type T = dl.Tensor;

/** Builds the same module in PyTorch, loads our weights, runs it, prints its state-dict names and outputs. */
const TORCH_SCRIPT = `
import json, sys, torch
torch.set_default_dtype(torch.float64)
job = json.load(sys.stdin)
o = job["options"]
kind = job["kind"]
if kind == "mha":
    m = torch.nn.MultiheadAttention(o["embed_dim"], o["num_heads"], kdim=o.get("kdim"), vdim=o.get("vdim"), batch_first=o["batch_first"])
elif kind == "lstm":
    m = torch.nn.LSTM(o["input_size"], o["hidden_size"], num_layers=o["num_layers"], bias=o["bias"], bidirectional=o["bidirectional"])
elif kind == "gru":
    m = torch.nn.GRU(o["input_size"], o["hidden_size"], num_layers=o["num_layers"], bias=o["bias"], bidirectional=o["bidirectional"])
else:
    m = torch.nn.TransformerEncoderLayer(o["d_model"], o["nhead"], dim_feedforward=o["dim_feedforward"], dropout=0.0, activation=o["activation"], norm_first=o["norm_first"])
names = [n for n, _ in m.named_parameters()]
t = lambda g: torch.tensor(g["data"]).reshape(g["shape"])
m.load_state_dict({n: t(g) for n, g in job["params"].items()})
m.eval()
x = {n: t(g) for n, g in job["inputs"].items()}
with torch.no_grad():
    if kind == "mha":
        out, w = m(x["query"], x["key"], x["value"], average_attn_weights=False)
        outs = {"out": out, "weights": w}
    elif kind in ("lstm", "gru"):
        out, state = m(x["input"])
        outs = {"out": out, "h_n": state[0] if kind == "lstm" else state}
    else:
        outs = {"out": m(x["src"])}
print(json.dumps({"names": names, "outputs": {n: v.flatten().tolist() for n, v in outs.items()}}))
`;

const randomInput = (shape: number[]) => dl.randn(shape);
const golden = async (t: T) => ({ shape: t.shape, data: Array.from(await t.data()) });

/** Runs a module here and in PyTorch with the same weights; returns both. */
async function beside(kind: string, options: Record<string, unknown>, module: dl.nn.Module, inputs: Record<string, T>, ours: Record<string, T>) {
  const params: Record<string, unknown> = {};
  for (const [name, p] of module.namedParameters()) params[name] = await golden(p);
  const given: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(inputs)) given[name] = await golden(t);
  const run = python(["-c", TORCH_SCRIPT], { input: JSON.stringify({ kind, options, params, inputs: given }) });
  expect(run.stderr).toBe("");
  const torch = JSON.parse(run.stdout) as { names: string[]; outputs: Record<string, number[]> };
  expect(module.namedParameters().map(([n]) => n)).toEqual(torch.names);
  for (const [name, expected] of Object.entries(torch.outputs)) expectClose(await ours[name].data(), expected, 1e-4, 1e-5, `${kind} ${name}`);
}

describe.skipIf(skipWithoutTorch("tests/sequence-modules.test.ts"))("sequence modules beside real PyTorch", () => {
  it("multi-head attention with other key/value widths, [L, B, E] layout and per-head weights", async () => {
    await withBackend(cpu32, async () => {
      dl.manualSeed(3);
      const options = { embed_dim: 8, num_heads: 2, kdim: 5, vdim: 3, batch_first: false };
      const m = new dl.nn.MultiheadAttention(8, 2, { kdim: 5, vdim: 3 });
      for (const [, p] of m.namedParameters()) dl.nn.init.uniform_(p, -0.5, 0.5); // non-zero biases too
      const inputs = { query: randomInput([4, 2, 8]), key: randomInput([6, 2, 5]), value: randomInput([6, 2, 3]) };
      const r = m.attend(inputs.query, inputs.key, inputs.value, { averageAttnWeights: false });
      expect(r.output.shape).toEqual([4, 2, 8]);
      expect(r.weights.shape).toEqual([2, 2, 4, 6]);
      await beside("mha", options, m, inputs, { out: r.output, weights: r.weights });
    });
  });

  it("LSTM and GRU in [T, B, F] layout, two layers, both directions, no biases", async () => {
    await withBackend(cpu32, async () => {
      dl.manualSeed(4);
      for (const kind of ["lstm", "gru"] as const) {
        const options = { input_size: 3, hidden_size: 4, num_layers: 2, bias: false, bidirectional: true };
        const settings = { numLayers: 2, bias: false, bidirectional: true };
        const m = kind === "lstm" ? new dl.nn.LSTM(3, 4, settings) : new dl.nn.GRU(3, 4, settings);
        const input = randomInput([5, 2, 3]);
        const r = m.run(input);
        expect(r.output.shape).toEqual([5, 2, 8]);
        await beside(kind, options, m, { input }, { out: r.output, h_n: r.hidden });
      }
    });
  });

  it("a transformer encoder layer in [T, B, E] layout (pre-norm, gelu)", async () => {
    await withBackend(cpu32, async () => {
      dl.manualSeed(5);
      const options = { d_model: 8, nhead: 4, dim_feedforward: 12, activation: "gelu", norm_first: true };
      const m = new dl.nn.TransformerEncoderLayer(8, 4, { dimFeedforward: 12, dropout: 0, activation: "gelu", normFirst: true });
      m.eval();
      const src = randomInput([5, 3, 8]);
      await beside("encoder", options, m, { src }, { out: m.forward(src) });
    });
  });
});

describe("sequence module errors name what is wrong", () => {
  it("refuses bad sizes, layouts and states with the reason", () => {
    withBackend(cpu32, () => {
      expect(() => new dl.nn.MultiheadAttention(10, 3)).toThrow(/embedDim 10 must divide into 3 heads/);
      expect(() => new dl.nn.LSTM(3, 0)).toThrow(/hiddenSize must be a whole number > 0, got 0/);
      expect(() => new dl.nn.GRU(3, 4, { dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
      expect(() => new dl.nn.RNN(3, 4, { nonlinearity: "sigmoid" as "tanh" })).toThrow(/nonlinearity must be "tanh" or "relu"/);
      const lstm = new dl.nn.LSTM(3, 4, { batchFirst: true });
      expect(() => lstm.forward(dl.zeros([2, 5, 7]))).toThrow(/input must be \[batch, time, features\] with 3 features, got \[2, 5, 7\]/);
      expect(() => lstm.run(dl.zeros([2, 5, 3]), { hidden: dl.zeros([1, 3, 4]) })).toThrow(/initial hidden state must be \[1, 2, 4\]/);
      const mha = new dl.nn.MultiheadAttention(8, 2, { batchFirst: true });
      expect(() => mha.attend(dl.zeros([2, 4, 8]), dl.zeros([2, 5, 8]), dl.zeros([2, 6, 8]))).toThrow(
        /key and value must hold the query's 2 sequences, all of one length/,
      );
      expect(() => mha.attend(dl.zeros([2, 4, 8]), dl.zeros([2, 4, 8]), dl.zeros([2, 4, 8]), { keyPaddingMask: dl.zeros([2, 3]) })).toThrow(
        /keyPaddingMask must be \[2, 4\]/,
      );
      expect(() => dl.embedding(dl.tensor([1], { dtype: "int32" }), dl.zeros([4, 2]), { paddingIdx: 4 })).toThrow(
        /paddingIdx must be a whole number in \[-4, 4\)/,
      );
      expect(() => dl.crossEntropy(dl.zeros([2, 3]), dl.zeros([2, 3]), { ignoreIndex: 0 })).toThrow(/ignoreIndex .* int32 class targets/);
      expect(() => new dl.nn.PositionalEncoding(4, 8).forward(dl.zeros([1, 5, 8]))).toThrow(/input must be \[batch, time <= 4, 8\]/);
    });
  });

  it("an embedding's padding row starts at zero, and a fully ignored batch has no loss to average", async () => {
    await withBackend(cpu32, async () => {
      const table = new dl.nn.Embedding(5, 3, { paddingIdx: -1 });
      expect(table.paddingIdx).toBe(4);
      expect(Array.from((await table.weight.data()).slice(12, 15))).toEqual([0, 0, 0]);
      const loss = dl.crossEntropy(dl.zeros([2, 3]), dl.tensor([1, 1], { dtype: "int32" }), { ignoreIndex: 1 });
      expect(Number.isNaN((await loss.data())[0])).toBe(true); // PyTorch gives nan too
    });
  });
});
