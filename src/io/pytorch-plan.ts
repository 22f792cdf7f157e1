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
  const node = (code: Py, state: [string, number[]][] = [], inner: Planned[] = []): Planned => ({
    path,
    label: `layer ${label}: ${layer.type} -> ${shapeText(output)}`,
    code,
    state,
    inner,
  });
  const noBias = layer.type === "linear" || layer.type === "conv2d" || layer.type === "convTranspose2d" ? layer.bias === false : false;
  const bias = (n: number): [string, number[]][] => (noBias ? [] : [["bias", [n]]]);
  switch (layer.type) {
    case "linear":
      return node(call("nn.Linear", [`${input[0]}`, `${layer.units}`, noBias && "bias=False"]), [["weight", [layer.units, input[0]]], ...bias(layer.units)]);
    case "conv2d": {
      const { padding, stride = 1, dilation = 1, kernel: k } = layer;
      const pad = typeof padding === "string" ? `padding=${pyString(padding)}` : padding ? `padding=${padding}` : undefined;
      const args = [
        `${input[0]}`,
        `${layer.filters}`,
        `kernel_size=${k}`,
        stride !== 1 && `stride=${stride}`,
        pad,
        dilation !== 1 && `dilation=${dilation}`,
        noBias && "bias=False",
      ];
      return node(call("nn.Conv2d", args), [["weight", [layer.filters, input[0], k, k]], ...bias(layer.filters)]);
    }
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
      const fn = input.length === 1 ? "nn.BatchNorm1d" : "nn.BatchNorm2d";
      const c = [input[0]];
      const state: [string, number[]][] = [...affine(c), ["running_mean", c], ["running_var", c]];
      return node(call(fn, [`${input[0]}`, eps !== 1e-5 && `eps=${pyFloat(eps)}`, momentum !== 0.1 && `momentum=${pyFloat(momentum)}`]), state);
    }
    case "layerNorm": {
      const { eps = 1e-5 } = layer;
      const shape = input.length === 1 ? `${input[0]}` : `[${input.join(", ")}]`;
      return node(call("nn.LayerNorm", [shape, eps !== 1e-5 && `eps=${pyFloat(eps)}`]), affine(input));
    }
    case "dropout":
      return node(call("nn.Dropout", [`p=${pyFloat(layer.p)}`]));
    case "activation":
      return node(activation(layer.fn, layer.slope, layer.approximate));
    case "residual":
      return planResidual(layer.layers, input, output, path, label, summary, node);
  }
  return layer satisfies never;
}

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
  if (input.length === 1) {
    const code = call("nn.Linear", [`${input[0]}`, `${output[0]}`]);
    const state: [string, number[]][] = [
      ["weight", [output[0], input[0]]],
      ["bias", [output[0]]],
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
