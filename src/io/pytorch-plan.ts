/**
 * The plan of a PyTorch export: for each layer of a model spec, the torch.nn constructor that builds
 * it and the state_dict entries it owns, nested as buildModel() nests modules (a Sequential whose
 * children are "0", "1", ...; a residual layer's `body` Sequential and, when buildModel adds one, its
 * `projection`). Input sizes come from summarizeModel()'s shape inference. The same plan gives
 * specStateShapes(): the state_dict names and shapes a spec's model has, without building it.
 */
import { type LayerSummary, type ModelSummary, summarizeModel } from "../nn/shapes";
import { type ActivationName, type LayerSpec, type ModelSpec, parseModelSpec } from "../nn/spec";
import { call, type Py, type PyGroup, type PyItem, pyFloat, pyString, pyTuple } from "./python-source";
import { sequenceClass } from "./pytorch-sequence";

export interface Planned {
  /** state_dict prefix: "3", "1.body.0", "1.projection". */
  path: string;
  /** The playground's numbering ("3", "2.1") and layer type, for comments. */
  label: string;
  code: Py;
  /** state_dict entries relative to `path`: [name, shape]. */
  state: [string, number[]][];
  /** Modules inside (a residual block's body and projection). */
  inner: Planned[];
  /** The script's own class this module is (src/io/pytorch-sequence.ts), if it is one. */
  uses?: string;
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const shapeText = (shape: number[]) => shape.join("x");
const affine = (shape: number[]): [string, number[]][] => [
  ["weight", shape],
  ["bias", shape],
];

function planLayers(layers: LayerSpec[], input: number[], pathPrefix: string, labelPrefix: string, summary: Map<string, LayerSummary>): Planned[] {
  return layers.map((layer, i) => {
    const label = `${labelPrefix}${i + 1}`;
    const output = summary.get(label)?.outputShape;
    if (!output) throw new Error(`exportPyTorchScript: no shape for layer ${label}`);
    const planned = planLayer(layer, input, output, `${pathPrefix}${i}`, label, summary);
    input = output;
    return planned;
  });
}

function planLayer(layer: LayerSpec, input: number[], output: number[], path: string, label: string, summary: Map<string, LayerSummary>): Planned {
  const overTime = layer.type === "batchNorm" && input.length === 2; // a batch norm of a sequence's features
  const uses = overTime ? "TimeBatchNorm1d" : sequenceClass(layer.type);
  const node = (code: Py, state: [string, number[]][] = [], inner: Planned[] = []): Planned => ({
    path,
    label: `layer ${label}: ${layer.type} -> ${shapeText(output)}`,
    code,
    state,
    inner,
    ...(uses ? { uses } : {}),
  });
  const noBias =
    layer.type === "linear" || layer.type === "conv2d" || layer.type === "convTranspose2d" || layer.type === "conv1d" ? layer.bias === false : false;
  const bias = (n: number): [string, number[]][] => (noBias ? [] : [["bias", [n]]]);
  switch (layer.type) {
    case "linear": {
      const features = input[input.length - 1]; // a vector's, or each step's of a sequence
      return node(call("nn.Linear", [`${features}`, `${layer.units}`, noBias && "bias=False"]), [["weight", [layer.units, features]], ...bias(layer.units)]);
    }
    case "conv2d":
      return node(call("nn.Conv2d", convArgs(input[0], layer, noBias)), [
        ["weight", [layer.filters, input[0], layer.kernel, layer.kernel]],
        ...bias(layer.filters),
      ]);
    case "convTranspose2d": {
      const { stride = 1, padding = 0, outputPadding = 0, kernel: k } = layer;
      const args = [`${input[0]}`, `${layer.filters}`, `kernel_size=${k}`, stride !== 1 && `stride=${stride}`, padding > 0 && `padding=${padding}`];
      args.push(outputPadding > 0 && `output_padding=${outputPadding}`, noBias && "bias=False");
      return node(call("nn.ConvTranspose2d", args), [["weight", [input[0], layer.filters, k, k]], ...bias(layer.filters)]);
    }
    case "maxPool2d":
    case "avgPool2d": {
      const { kernel: k, stride = k, padding = 0 } = layer;
      const fn = layer.type === "maxPool2d" ? "nn.MaxPool2d" : "nn.AvgPool2d";
      return node(call(fn, [`kernel_size=${k}`, stride !== k && `stride=${stride}`, padding > 0 && `padding=${padding}`]));
    }
    case "adaptiveAvgPool2d":
      return node(call("nn.AdaptiveAvgPool2d", [`${layer.size}`]));
    case "upsample":
      return node(call("nn.Upsample", [`scale_factor=${layer.scale}`, 'mode="nearest"']));
    case "flatten":
      return node("nn.Flatten()");
    case "unflatten":
      return node(call("nn.Unflatten", ["1", pyTuple([layer.channels, layer.height, layer.width])]));
    case "batchNorm": {
      const { eps = 1e-5, momentum = 0.1 } = layer;
      const fn = overTime ? uses : input.length === 1 ? "nn.BatchNorm1d" : "nn.BatchNorm2d";
      const c = [overTime ? input[1] : input[0]];
      const state: [string, number[]][] = [...affine(c), ["running_mean", c], ["running_var", c]];
      return node(call(fn, [`${c[0]}`, eps !== 1e-5 && `eps=${pyFloat(eps)}`, momentum !== 0.1 && `momentum=${pyFloat(momentum)}`]), state);
    }
    case "layerNorm": {
      const { eps = 1e-5 } = layer;
      const normalized = input.length === 2 ? [input[1]] : input; // a sequence: each step's features
      const shape = normalized.length === 1 ? `${normalized[0]}` : `[${normalized.join(", ")}]`;
      return node(call("nn.LayerNorm", [shape, eps !== 1e-5 && `eps=${pyFloat(eps)}`]), affine(normalized));
    }
    case "dropout":
      return node(call("nn.Dropout", [`p=${pyFloat(layer.p)}`]));
    case "activation":
      return node(activation(layer.fn, layer.slope, layer.approximate));
    case "embedding": {
      const args = [`${layer.vocab}`, `${layer.dim}`, layer.paddingIdx !== undefined && `padding_idx=${layer.paddingIdx}`];
      return node(call(sequenceClass(layer.type), args), [["weight", [layer.vocab, layer.dim]]]);
    }
    case "rnn":
    case "lstm":
    case "gru": {
      const { units, layers = 1, bidirectional = false, dropout = 0 } = layer;
      const args = [
        `${input[1]}`,
        `${units}`,
        layers > 1 && `num_layers=${layers}`,
        layer.type === "rnn" && layer.nonlinearity === "relu" && 'nonlinearity="relu"',
        dropout > 0 && `dropout=${pyFloat(dropout)}`,
        bidirectional && "bidirectional=True",
        "batch_first=True",
      ];
      const rows = { rnn: 1, lstm: 4, gru: 3 }[layer.type] * units;
      const directions = bidirectional ? 2 : 1;
      const state: [string, number[]][] = [];
      for (let l = 0; l < layers; l++)
        for (const suffix of directions === 2 ? [`_l${l}`, `_l${l}_reverse`] : [`_l${l}`]) {
          const inputs = l === 0 ? input[1] : units * directions;
          state.push([`weight_ih${suffix}`, [rows, inputs]], [`weight_hh${suffix}`, [rows, units]], [`bias_ih${suffix}`, [rows]], [`bias_hh${suffix}`, [rows]]);
        }
      return node(call(sequenceClass(layer.type), args), state);
    }
    case "conv1d":
      return node(call(sequenceClass(layer.type), convArgs(input[1], layer, noBias)), [
        ["weight", [layer.filters, input[1], layer.kernel]],
        ...bias(layer.filters),
      ]);
    case "maxPool1d":
    case "avgPool1d": {
      const { kernel: k, stride = k, padding = 0 } = layer;
      return node(call(sequenceClass(layer.type), [`kernel_size=${k}`, stride !== k && `stride=${stride}`, padding > 0 && `padding=${padding}`]));
    }
    case "positional": {
      const learned = layer.kind === "learned";
      return node(call(sequenceClass(layer.type), [`${input[0]}`, `${input[1]}`, learned && "learned=True"]), [["table", input]]);
    }
    case "attention": {
      const { heads, causal = false, dropout = 0 } = layer;
      const args = [`${input[1]}`, `${heads}`, causal && "causal=True", dropout > 0 && `dropout=${pyFloat(dropout)}`];
      return node(call(sequenceClass(layer.type), args), attentionState(input[1]));
    }
    case "transformer": {
      const { heads, feedforward: ff, dropout = 0.1, activation = "relu", normFirst = false, causal = false } = layer;
      const F = input[1];
      const args = [
        `${F}`,
        `${heads}`,
        `${ff}`,
        dropout !== 0.1 && `dropout=${pyFloat(dropout)}`,
        activation !== "relu" && `activation=${pyString(activation)}`,
        normFirst && "norm_first=True",
        causal && "causal=True",
      ];
      const state: [string, number[]][] = [
        ...attentionState(F).map(([name, shape]): [string, number[]] => [`self_attn.${name}`, shape]),
        ["linear1.weight", [ff, F]],
        ["linear1.bias", [ff]],
        ["linear2.weight", [F, ff]],
        ["linear2.bias", [F]],
        ...affine([F]).map(([name, shape]): [string, number[]] => [`norm1.${name}`, shape]),
        ...affine([F]).map(([name, shape]): [string, number[]] => [`norm2.${name}`, shape]),
      ];
      return node(call(sequenceClass(layer.type), args), state);
    }
    case "lastStep":
    case "meanOverTime":
      return node(`${sequenceClass(layer.type)}()`);
    case "residual":
      return planResidual(layer.layers, input, output, path, label, summary, node);
  }
  return layer satisfies never;
}

/** A convolution's constructor arguments (nn.Conv2d's and nn.Conv1d's are the same), PyTorch's defaults left out. */
function convArgs(channels: number, layer: Extract<LayerSpec, { type: "conv2d" | "conv1d" }>, noBias: boolean): (string | false | undefined)[] {
  const { padding, stride = 1, dilation = 1, kernel } = layer;
  const pad = typeof padding === "string" ? `padding=${pyString(padding)}` : padding ? `padding=${padding}` : undefined;
  return [
    `${channels}`,
    `${layer.filters}`,
    `kernel_size=${kernel}`,
    stride !== 1 && `stride=${stride}`,
    pad,
    dilation !== 1 && `dilation=${dilation}`,
    noBias && "bias=False",
  ];
}

/** nn.MultiheadAttention's state for F features: the packed projection and the output projection. */
const attentionState = (F: number): [string, number[]][] => [
  ["in_proj_weight", [3 * F, F]],
  ["in_proj_bias", [3 * F]],
  ["out_proj.weight", [F, F]],
  ["out_proj.bias", [F]],
];

function activation(fn: ActivationName, slope: number | undefined, approximate: string | undefined): Py {
  switch (fn) {
    case "relu":
      return "nn.ReLU()";
    case "leakyRelu":
      return call("nn.LeakyReLU", [`negative_slope=${pyFloat(slope ?? 0.01)}`]);
    case "elu":
      return call("nn.ELU", [`alpha=${pyFloat(slope ?? 1)}`]);
    case "sigmoid":
      return "nn.Sigmoid()";
    case "tanh":
      return "nn.Tanh()";
    case "gelu":
      return approximate === "tanh" ? call("nn.GELU", ['approximate="tanh"']) : "nn.GELU()";
    case "silu":
      return "nn.SiLU()";
    case "softplus":
      return "nn.Softplus()";
  }
  return fn satisfies never;
}

/** A residual block: body as nn.Sequential, and the projection buildModel adds when shapes differ. */
function planResidual(
  layers: LayerSpec[],
  input: number[],
  output: number[],
  path: string,
  label: string,
  summary: Map<string, LayerSummary>,
  node: (code: Py, state?: [string, number[]][], inner?: Planned[]) => Planned,
): Planned {
  const body = planLayers(layers, input, `${path}.body.`, `${label}.`, summary);
  const items: PyItem[] = [{ node: sequential("nn.Sequential(", body) }];
  const inner = [...body];
  if (!same(input, output)) {
    const projection = planProjection(input, output, `${path}.projection`);
    items.push({ comment: projection.label }, { lead: "projection=", node: projection.code });
    inner.push(projection);
  }
  return node({ open: "Residual(", items, close: ")" }, [], inner);
}

function planProjection(input: number[], output: number[], path: string): Planned {
  if (input.length <= 2) {
    const [from, to] = [input[input.length - 1], output[output.length - 1]]; // a vector's features, or each step's
    const code = call("nn.Linear", [`${from}`, `${to}`]);
    const state: [string, number[]][] = [
      ["weight", [to, from]],
      ["bias", [to]],
    ];
    return { path, label: `skip connection: linear projection to ${shapeText(output)}`, code, state, inner: [] };
  }
  const stride = input[1] / output[1];
  const code = call("nn.Conv2d", [`${input[0]}`, `${output[0]}`, "kernel_size=1", stride !== 1 && `stride=${stride}`]);
  const state: [string, number[]][] = [
    ["weight", [output[0], input[0], 1, 1]],
    ["bias", [output[0]]],
  ];
  return { path, label: `skip connection: 1x1 convolution to ${shapeText(output)}`, code, state, inner: [] };
}

/** An nn.Sequential-like call with each planned module, its label as a comment above it. */
export function sequential(open: string, planned: Planned[]): PyGroup {
  return { open, items: planned.flatMap((p) => [{ comment: p.label }, { node: p.code }]), close: ")" };
}

/** The checked spec, its shape summary and the planned modules; throws a ModelSpecError naming the layer. */
export function plan(spec: ModelSpec, inputShape: number[]): { spec: ModelSpec; summary: ModelSummary; layers: Planned[] } {
  const checked = parseModelSpec(spec);
  const summary = summarizeModel(checked, inputShape); // throws ModelSpecError naming the layer
  const byIndex = new Map(summary.layers.map((l) => [l.index, l]));
  return { spec: checked, summary, layers: planLayers(checked.layers, inputShape, "", "", byIndex) };
}

/** The script's own classes the planned modules use (src/io/pytorch-sequence.ts). */
export function usedClasses(planned: Planned[], out = new Set<string>()): Set<string> {
  for (const p of planned) {
    if (p.uses) out.add(p.uses);
    usedClasses(p.inner, out);
  }
  return out;
}

/** Every state_dict name (prefixed by its module path) and shape of the planned modules. */
export function collectState(planned: Planned[], out: Map<string, number[]>): Map<string, number[]> {
  for (const p of planned) {
    for (const [name, shape] of p.state) out.set(`${p.path}.${name}`, shape);
    collectState(p.inner, out);
  }
  return out;
}

/**
 * The state_dict names and shapes of the model buildModel(spec, inputShape) makes (and of the
 * exported script's model, which has BatchNorm's num_batches_tracked besides), without building it.
 */
export function specStateShapes(spec: ModelSpec, inputShape: number[]): Map<string, number[]> {
  return collectState(plan(spec, inputShape).layers, new Map());
}
