/**
 * PyTorch parity of the sequence modules (tests/fixtures/sequence_parity.json) on the CPU reference,
 * WebGPU and the wasm backend: each module is built with the case's options, takes the case's
 * parameters by PyTorch state-dict name (loadStateDict, strict), and must give PyTorch's outputs,
 * input gradients and parameter gradients at relative 1e-4 + absolute 1e-5. The objective is
 * sum(output * upstream) over every output, as in the fixture.
 *
 * Covered so far: nn.RNN (tanh, relu), nn.LSTM, nn.GRU (layers, directions, initial states). The
 * fixture's other cases (attention, transformer layers, 1-D convolution and pooling, embedding,
 * sequence cross-entropy, positional encoding) are issue 12's next steps; the first test lists them.
 */
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { cpu32, wasm, webgpu } from "./helpers/backends";
import { type GoldenTensor, loadSequenceGoldens, type SequenceCase } from "./helpers/goldens";
import { expectClose } from "./helpers/op-cases";

type T = dl.Tensor;

/** Builds the module of a recurrent case with PyTorch's keyword arguments. */
function recurrentModule(c: SequenceCase) {
  const a = c.attrs as {
    input_size: number;
    hidden_size: number;
    num_layers?: number;
    bidirectional?: boolean;
    batch_first?: boolean;
    nonlinearity?: "tanh" | "relu";
  };
  const options = { numLayers: a.num_layers ?? 1, bidirectional: a.bidirectional ?? false, batchFirst: a.batch_first ?? false };
  if (c.op === "nn.lstm") return new dl.nn.LSTM(a.input_size, a.hidden_size, options);
  if (c.op === "nn.gru") return new dl.nn.GRU(a.input_size, a.hidden_size, options);
  return new dl.nn.RNN(a.input_size, a.hidden_size, { ...options, nonlinearity: c.op === "nn.rnn_relu" ? "relu" : (a.nonlinearity ?? "tanh") });
}

const RECURRENT = new Set(["nn.rnn_tanh", "nn.rnn_relu", "nn.lstm", "nn.gru"]);
const all = loadSequenceGoldens();
const recurrentCases = all.filter((c) => RECURRENT.has(c.op));

async function runRecurrent(backend: Backend, c: SequenceCase) {
  return withBackend(backend, async () => {
    const module = recurrentModule(c);
    const params = new Map(Object.entries(c.params ?? {}).map(([name, g]) => [name, { shape: g.shape, data: g.data }]));
    module.loadStateDict(params);
    const inputs: Record<string, T> = {};
    for (const [name, value] of Object.entries(c.inputs)) {
      const g = value as GoldenTensor;
      inputs[name] = dl.tensor(g.data, { shape: g.shape }).requiresGrad_();
    }
    const result = module.run(inputs.input, { hidden: inputs.h0, cell: inputs.c0 });
    const outputs: Record<string, T | undefined> = { output: result.output, h_n: result.hidden, c_n: result.cell };
    const terms = Object.entries(c.upstream ?? {}).map(([name, up]) => dl.sum(dl.mul(outputs[name] as T, dl.tensor(up.data, { shape: up.shape }))));
    terms.reduce((s, t) => dl.add(s, t)).backward();
    const out: Record<string, ArrayLike<number>> = {};
    for (const name of Object.keys(c.outputs)) out[name] = await (outputs[name] as T).data();
    const grads: Record<string, ArrayLike<number>> = {};
    for (const name of Object.keys(c.grads ?? {})) grads[name] = await (inputs[name].grad as T).data();
    const named = new Map(module.namedParameters());
    const paramGrads: Record<string, ArrayLike<number>> = {};
    for (const name of Object.keys(c.param_grads ?? {})) paramGrads[name] = await (named.get(name)?.grad as T).data();
    expect([...named.keys()]).toEqual(Object.keys(c.params ?? {})); // PyTorch's names, in PyTorch's order
    module.dispose();
    for (const t of Object.values(inputs)) t.dispose();
    return { out, grads, paramGrads };
  });
}

it("the fixture has the recurrent cases, and lists what the suite does not cover yet", () => {
  expect(new Set(recurrentCases.map((c) => c.op))).toEqual(RECURRENT);
  expect(recurrentCases.length).toBeGreaterThanOrEqual(10);
  expect([...new Set(all.filter((c) => !RECURRENT.has(c.op)).map((c) => c.op))].sort()).toEqual(
    [
      "avg_pool1d",
      "conv1d",
      "cross_entropy_seq",
      "embedding",
      "max_pool1d",
      "nn.multihead_attention",
      "nn.transformer_encoder_layer",
      "sinusoidal_positional_encoding",
    ].sort(),
  );
});

describe.each([
  ["cpu", async () => cpu32 as Backend],
  ["webgpu", async () => (await webgpu()) as Backend],
  ["wasm", async () => (await wasm()) as Backend],
])("recurrent modules against PyTorch on %s", (_, backendOf) => {
  it.each(recurrentCases.map((c, k) => ({ c, label: `${k} ${c.op} ${JSON.stringify(c.attrs)}` })))("$label", async ({ c }) => {
    const { out, grads, paramGrads } = await runRecurrent(await backendOf(), c);
    for (const [name, g] of Object.entries(c.outputs)) expectClose(out[name], (g as GoldenTensor).data, 1e-4, 1e-5, `${c.op} output ${name}`);
    for (const [name, g] of Object.entries(c.grads ?? {})) expectClose(grads[name], g.data, 1e-4, 1e-5, `${c.op} grad ${name}`);
    for (const [name, g] of Object.entries(c.param_grads ?? {})) expectClose(paramGrads[name], g.data, 1e-4, 1e-5, `${c.op} grad ${name}`);
  });
});
