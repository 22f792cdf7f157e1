/**
 * PyTorch parity of the sequence models (tests/fixtures/sequence_parity.json) on the CPU reference,
 * WebGPU and the wasm backend, at relative 1e-4 + absolute 1e-5: outputs, input gradients and, for
 * the modules (cases named nn.*), parameter gradients. A module is built with the case's options and
 * takes the case's parameters by PyTorch state-dict name (loadStateDict, strict), and its parameters
 * must carry PyTorch's names in PyTorch's order. The objective is sum(output * upstream) over every
 * output, as in the fixture. Every case of the fixture is covered (the first test checks).
 */
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { cpu32, wasm, webgpu } from "./helpers/backends";
import { type GoldenTensor, loadSequenceGoldens, type SequenceCase } from "./helpers/goldens";
import { expectClose } from "./helpers/op-cases";

type T = dl.Tensor;
type Inputs = Record<string, T>;
type Outputs = Record<string, T | undefined>;
type A = Record<string, unknown>;

const num = (v: unknown, fallback: number) => (typeof v === "number" ? v : fallback);
const golden = (g: unknown, dtype: "float32" | "int32" = "float32") => dl.tensor((g as GoldenTensor).data, { shape: (g as GoldenTensor).shape, dtype });

/** A module case: the module built with PyTorch's keyword arguments, and how it runs on the inputs. */
interface ModuleCase {
  module: dl.nn.Module;
  run(inputs: Inputs): Outputs;
}

function recurrent(c: SequenceCase): ModuleCase {
  const a = c.attrs as { input_size: number; hidden_size: number; num_layers?: number; bidirectional?: boolean; batch_first?: boolean };
  const options = { numLayers: a.num_layers ?? 1, bidirectional: a.bidirectional ?? false, batchFirst: a.batch_first ?? false };
  const module =
    c.op === "nn.lstm"
      ? new dl.nn.LSTM(a.input_size, a.hidden_size, options)
      : c.op === "nn.gru"
        ? new dl.nn.GRU(a.input_size, a.hidden_size, options)
        : new dl.nn.RNN(a.input_size, a.hidden_size, { ...options, nonlinearity: c.op === "nn.rnn_relu" ? "relu" : "tanh" });
  return {
    module,
    run: (i) => {
      const r = module.run(i.input, { hidden: i.h0, cell: i.c0 });
      return { output: r.output, h_n: r.hidden, c_n: r.cell };
    },
  };
}

const MODULES: Record<string, (c: SequenceCase) => ModuleCase> = {
  "nn.rnn_tanh": recurrent,
  "nn.rnn_relu": recurrent,
  "nn.lstm": recurrent,
  "nn.gru": recurrent,
  "nn.multihead_attention": (c) => {
    const a = c.attrs as { embed_dim: number; num_heads: number; batch_first: boolean; variant: string; key_padding_mask?: GoldenTensor };
    const module = new dl.nn.MultiheadAttention(a.embed_dim, a.num_heads, { batchFirst: a.batch_first });
    return {
      module,
      run: (i) => {
        const call = { isCausal: a.variant === "self_causal", keyPaddingMask: a.key_padding_mask ? golden(a.key_padding_mask) : null };
        const r = module.attend(i.query, i.key ?? i.query, i.value ?? i.query, call);
        return { out: r.output, attn_weights: r.weights };
      },
    };
  },
  "nn.transformer_encoder_layer": (c) => {
    const a = c.attrs as {
      d_model: number;
      nhead: number;
      dim_feedforward: number;
      dropout: number;
      activation: "relu" | "gelu";
      batch_first: boolean;
      norm_first: boolean;
      src_mask: string;
    };
    expect(a.src_mask).toBe("causal");
    const module = new dl.nn.TransformerEncoderLayer(a.d_model, a.nhead, {
      dimFeedforward: a.dim_feedforward,
      dropout: a.dropout,
      activation: a.activation,
      normFirst: a.norm_first,
      batchFirst: a.batch_first,
    });
    return { module, run: (i) => ({ out: module.encode(i.src, { isCausal: true }) }) };
  },
};

/** How each functional case of the fixture is computed with this engine. */
const FUNCTIONS: Record<string, (i: Inputs, a: A) => Outputs> = {
  conv1d: (i, a) => ({ out: dl.conv1d(i.input, i.weight, i.bias, { stride: num(a.stride, 1), padding: num(a.padding, 0), dilation: num(a.dilation, 1) }) }),
  max_pool1d: (i, a) => ({ out: dl.maxPool1d(i.input, num(a.kernel_size, 2), { stride: num(a.stride, num(a.kernel_size, 2)), padding: num(a.padding, 0) }) }),
  avg_pool1d: (i, a) => ({
    out: dl.avgPool1d(i.input, num(a.kernel_size, 2), {
      stride: num(a.stride, num(a.kernel_size, 2)),
      padding: num(a.padding, 0),
      countIncludePad: a.count_include_pad !== false,
    }),
  }),
  embedding: (i, a) => ({ out: dl.embedding(i.indices, i.weight, { paddingIdx: a.padding_idx as number | undefined }) }),
  cross_entropy_seq: (i, a) => ({
    out: dl.crossEntropy(i.logits, i.target, { ignoreIndex: num(a.ignore_index, -100), reduction: a.reduction as dl.Reduction }),
  }),
  sinusoidal_positional_encoding: (_, a) => ({ out: dl.sinusoidalPositionalEncoding(num(a.max_len, 0), num(a.d_model, 0)) }),
};

/** Inputs that hold indices (int32). */
const INT_INPUTS: Record<string, string[]> = { embedding: ["indices"], cross_entropy_seq: ["target"] };

const cases = loadSequenceGoldens();

async function runCase(backend: Backend, c: SequenceCase) {
  return withBackend(backend, async () => {
    const built = MODULES[c.op]?.(c);
    built?.module.loadStateDict(new Map(Object.entries(c.params ?? {})));
    const inputs: Inputs = {};
    for (const [name, value] of Object.entries(c.inputs)) {
      inputs[name] = golden(value, INT_INPUTS[c.op]?.includes(name) ? "int32" : "float32");
      if (c.grads?.[name]) inputs[name].requiresGrad_();
    }
    const outputs = built ? built.run(inputs) : FUNCTIONS[c.op](inputs, c.attrs ?? {});
    const terms = Object.entries(c.upstream ?? {}).map(([name, up]) => dl.sum(dl.mul(outputs[name] as T, golden(up))));
    if (terms.length && (Object.keys(c.grads ?? {}).length || built)) terms.reduce((s, t) => dl.add(s, t)).backward();
    const read = async (t: T | null | undefined, what: string) => {
      expect(t, what).toBeTruthy();
      return (t as T).data();
    };
    const out: Record<string, ArrayLike<number>> = {};
    for (const name of Object.keys(c.outputs)) out[name] = await read(outputs[name], `output ${name}`);
    const grads: Record<string, ArrayLike<number>> = {};
    for (const name of Object.keys(c.grads ?? {})) grads[name] = await read(inputs[name].grad, `gradient of ${name}`);
    const named = new Map(built?.module.namedParameters() ?? []);
    if (built) expect([...named.keys()]).toEqual(Object.keys(c.params ?? {})); // PyTorch's names, in PyTorch's order
    const paramGrads: Record<string, ArrayLike<number>> = {};
    for (const name of Object.keys(c.param_grads ?? {})) paramGrads[name] = await read(named.get(name)?.grad, `gradient of ${name}`);
    built?.module.dispose();
    for (const t of Object.values(inputs)) t.dispose();
    return { out, grads, paramGrads };
  });
}

it("covers every case of the fixture", () => {
  expect(cases.length).toBeGreaterThanOrEqual(24);
  expect(cases.map((c) => c.op).filter((op) => !MODULES[op] && !FUNCTIONS[op])).toEqual([]);
  expect(cases.filter((c) => c.op.startsWith("nn.")).every((c) => MODULES[c.op] && c.params && c.param_grads)).toBe(true);
});

describe.each([
  ["cpu", async () => cpu32 as Backend],
  ["webgpu", async () => (await webgpu()) as Backend],
  ["wasm", async () => (await wasm()) as Backend],
])("sequence models against PyTorch on %s", (_, backendOf) => {
  it.each(cases.map((c, k) => ({ c, label: `${k} ${c.op} ${JSON.stringify(c.attrs).slice(0, 80)}` })))("$label", async ({ c }) => {
    const { out, grads, paramGrads } = await runCase(await backendOf(), c);
    for (const [name, g] of Object.entries(c.outputs)) expectClose(out[name], (g as GoldenTensor).data, 1e-4, 1e-5, `${c.op} output ${name}`);
    for (const [name, g] of Object.entries(c.grads ?? {})) expectClose(grads[name], g.data, 1e-4, 1e-5, `${c.op} grad ${name}`);
    for (const [name, g] of Object.entries(c.param_grads ?? {})) expectClose(paramGrads[name], g.data, 1e-4, 1e-5, `${c.op} grad ${name}`);
  });
});
