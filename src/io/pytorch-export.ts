/**
 * Exports a model spec as a runnable PyTorch script: the same architecture written with torch.nn, so
 * that a .safetensors file saved by the playground loads into it with load_state_dict and the model
 * can be trained further in PyTorch (and saved back in a form the playground loads).
 *
 * The script mirrors how buildModel() nests modules: a Sequential whose children are "0", "1", ...,
 * and for a residual layer a Residual module with `body` (a Sequential) and, when buildModel adds one,
 * a `projection` (1x1 Conv2d or Linear). Input sizes come from summarizeModel()'s shape inference.
 * The same plan gives specStateShapes(): the state_dict names and shapes a spec's model has.
 */
import { type LayerSummary, summarizeModel } from "../nn/build";
import { type LayerSpec, type ModelSpec, parseModelSpec } from "../nn/spec";

/** Options of exportPyTorchScript(). */
export interface PyTorchExportOptions {
  /** The weights file main() loads when no path is given (default "model.safetensors"). */
  weightsFile?: string;
  /** The name of the model class, an nn.Sequential subclass (default "Model"). */
  className?: string;
}

// ---------------------------------------------------------------------------------------------
// Python source as a tree that is printed on one line when it fits, else one item per line.

type Py = string | PyGroup;
interface PyGroup {
  open: string;
  items: PyItem[];
  close: string;
}
type PyItem = { comment: string } | { lead?: string; node: Py };

/** PEP 8's maximum line length. */
const WIDTH = 79;

const call = (fn: string, args: (string | false | undefined)[]): PyGroup => ({
  open: `${fn}(`,
  items: args.filter((a): a is string => typeof a === "string").map((node) => ({ node })),
  close: ")",
});

function flat(node: Py): string | null {
  if (typeof node === "string") return node;
  const parts: string[] = [];
  for (const item of node.items) {
    if ("comment" in item) return null;
    const inner = flat(item.node);
    if (inner === null) return null;
    parts.push((item.lead ?? "") + inner);
  }
  return `${node.open}${parts.join(", ")}${node.close}`;
}

/** Lines of `lead + node + trail` at `indent`, broken one item per line when too long. */
function render(node: Py, indent: number, lead = "", trail = ""): string[] {
  const pad = " ".repeat(indent);
  const one = flat(node);
  if (one !== null && (typeof node === "string" || pad.length + lead.length + one.length + trail.length <= WIDTH)) return [`${pad}${lead}${one}${trail}`];
  const group = node as PyGroup;
  // As black does: the items on one line of their own if they fit, else one item per line.
  const inner = one === null ? null : one.slice(group.open.length, one.length - group.close.length);
  if (inner !== null && pad.length + 4 + inner.length <= WIDTH) return [`${pad}${lead}${group.open}`, `${pad}    ${inner}`, `${pad}${group.close}${trail}`];
  const lines = [`${pad}${lead}${group.open}`];
  for (const item of group.items) {
    if ("comment" in item) lines.push(`${pad}    # ${item.comment}`);
    else lines.push(...render(item.node, indent + 4, item.lead ?? "", ","));
  }
  lines.push(`${pad}${group.close}${trail}`);
  return lines;
}

/** A Python float literal (eps=1e-05 style values; integers get ".0"). */
function pyFloat(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? `${v}.0` : String(v);
}

const pyString = (s: string) => JSON.stringify(s);
const pyTuple = (shape: number[]) => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`);

/** A JSON value as a Python literal (true -> True). */
function pyLiteral(value: unknown): Py {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" || typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return { open: "[", items: value.map((v) => ({ node: pyLiteral(v) })), close: "]" };
  const entries = Object.entries(value as Record<string, unknown>);
  return { open: "{", items: entries.map(([k, v]) => ({ lead: `${JSON.stringify(k)}: `, node: pyLiteral(v) })), close: "}" };
}

// ---------------------------------------------------------------------------------------------
// The module plan: one entry per layer, with its torch.nn constructor and state_dict entries.

interface Planned {
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
      return node(activation(layer.fn, layer.slope));
    case "residual":
      return planResidual(layer.layers, input, output, path, label, summary, node);
  }
}

function activation(fn: string, slope: number | undefined): Py {
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
      return "nn.GELU()";
    case "silu":
      return "nn.SiLU()";
    default:
      return "nn.Softplus()";
  }
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

function sequential(open: string, planned: Planned[]): PyGroup {
  return { open, items: planned.flatMap((p) => [{ comment: p.label }, { node: p.code }]), close: ")" };
}

function plan(spec: ModelSpec, inputShape: number[]) {
  const checked = parseModelSpec(spec);
  const summary = summarizeModel(checked, inputShape); // throws ModelSpecError naming the layer
  const byIndex = new Map(summary.layers.map((l) => [l.index, l]));
  return { spec: checked, summary, layers: planLayers(checked.layers, inputShape, "", "", byIndex) };
}

function collectState(planned: Planned[], out: Map<string, number[]>): Map<string, number[]> {
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

// ---------------------------------------------------------------------------------------------
// The script

const RESIDUAL_CLASS = `class Residual(nn.Module):
    """y = body(x) + skip(x), as the playground's residual layer computes it.

    The skip connection is the identity, or a projection (a 1x1 convolution
    with the body's stride, or a linear layer) when the body changes the
    shape.
    """

    def __init__(self, body, projection=None):
        super().__init__()
        self.body = body
        self.projection = projection

    def forward(self, x):
        skip = x if self.projection is None else self.projection(x)
        return self.body(x) + skip`;

const HELPERS = `def load_weights(model, path):
    """Load a .safetensors file saved by the playground into the model.

    The playground does not keep BatchNorm's num_batches_tracked (a step
    counter PyTorch only uses when momentum is None), so those keys may be
    missing from the file; any other missing or unexpected key is an error.
    """
    state = load_file(path)
    result = model.load_state_dict(state, strict=False)
    missing = [
        key
        for key in result.missing_keys
        if not key.endswith("num_batches_tracked")
    ]
    if missing or result.unexpected_keys:
        raise RuntimeError(
            f"{path} does not fit this model: missing {missing}, "
            f"unexpected {result.unexpected_keys}"
        )
    return model


def save_weights(model, path):
    """Save the weights as a .safetensors file the playground can load."""
    state = {
        name: tensor.detach().float().contiguous()
        for name, tensor in model.state_dict().items()
        if not name.endswith("num_batches_tracked")
    }
    metadata = {
        "format": "webgpu-dl-playground",
        "version": "1",
        "spec": json.dumps(SPEC),
        "inputShape": json.dumps(list(INPUT_SHAPE)),
    }
    save_file(state, path, metadata=metadata)`;

const CONTINUE_TRAINING = `# Continue training in PyTorch
# ----------------------------
# The weights are ordinary parameters, so training goes on from where the
# playground stopped:
#
#     model = load_weights(CLASS(), WEIGHTS_FILE)
#     model.train()  # dropout on, batch norm updates its running statistics
#     optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
#     for epoch in range(10):
#         for inputs, targets in loader:  # a torch.utils.data.DataLoader
#             optimizer.zero_grad()
#             loss = nn.functional.cross_entropy(model(inputs), targets)
#             loss.backward()
#             optimizer.step()
#     save_weights(model, "trained.safetensors")  # the playground loads it
#
# Use the loss the playground trained with (cross_entropy for classes,
# mse_loss for values). The file holds no optimizer state, so the optimizer
# starts afresh: a learning rate near the one the playground ended with
# avoids a jump in the loss. Inputs are float32 batches of INPUT_SHAPE; on a
# GPU, call model.to("cuda") before creating the optimizer and move each
# batch with inputs.to("cuda").`;

function docstring(className: string, summary: ReturnType<typeof summarizeModel>, inputShape: number[], stateNames: string[]): string {
  const names = stateNames.length
    ? `The file names its tensors as the state_dict does:\n    ${stateNames.slice(0, 2).map(pyString).join(", ")}, ...`
    : "This model has no weights.";
  return `"""A model exported from the WebGPU Deep Learning Playground.

Model class: ${className}
Input: a float32 batch of shape (N, ${inputShape.join(", ")})
Output: (N, ${summary.outputShape.join(", ")})
Parameters: ${summary.totalParams.toLocaleString("en-US")}

Usage:
    pip install torch safetensors
    python this_script.py [weights.safetensors]

main() loads the weights the playground saved, runs the model on a random
batch in eval mode and prints the output shape.
${names}
"""`;
}

function assertIdentifier(name: string): void {
  const keywords = ["False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except"];
  keywords.push(
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
  );
  const taken = [
    "Residual",
    "SPEC",
    "INPUT_SHAPE",
    "OUTPUT_SHAPE",
    "WEIGHTS_FILE",
    "torch",
    "nn",
    "json",
    "sys",
    "load_file",
    "save_file",
    "load_weights",
    "save_weights",
    "main",
  ];
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || keywords.includes(name) || taken.includes(name))
    throw new Error(`exportPyTorchScript: className ${JSON.stringify(name)} is not a free Python identifier; use a name like "Model" or "SpiralNet"`);
}

/**
 * A runnable, PEP 8 Python script defining the spec's architecture with torch.nn, whose state_dict
 * names are those of model.stateDict(), with load_weights(), save_weights() and a main() that runs
 * the saved weights. Throws a ModelSpecError when the spec does not fit inputShape.
 */
export function exportPyTorchScript(spec: ModelSpec, inputShape: number[], options: PyTorchExportOptions = {}): string {
  const className = options.className ?? "Model";
  assertIdentifier(className);
  const weightsFile = options.weightsFile ?? "model.safetensors";
  const { spec: checked, summary, layers } = plan(spec, inputShape);
  const usesResidual = checked.layers.some((l) => l.type === "residual"); // only residuals nest layers
  const body = sequential("super().__init__(", layers);
  const sections = [
    docstring(className, summary, inputShape, [...collectState(layers, new Map()).keys()]),
    "import json\nimport sys\n\nimport torch\nfrom safetensors.torch import load_file, save_file\nfrom torch import nn",
    [
      `WEIGHTS_FILE = ${pyString(weightsFile)}`,
      `INPUT_SHAPE = ${pyTuple(inputShape)}`,
      `OUTPUT_SHAPE = ${pyTuple(summary.outputShape)}`,
      "",
      "# The playground's description of this model (save_weights() stores it).",
      ...render(pyLiteral(checked), 0, "SPEC = "),
    ].join("\n"),
  ];
  const definitions = [
    ...(usesResidual ? [RESIDUAL_CLASS] : []),
    [
      `class ${className}(nn.Sequential):`,
      `    """Input (N, ${inputShape.join(", ")}), output (N, ${summary.outputShape.join(", ")})."""`,
      "",
      "    def __init__(self):",
      ...render(body, 8),
    ].join("\n"),
    HELPERS,
    CONTINUE_TRAINING.replace("CLASS", className),
    [
      "def main():",
      '    """Load the weights, run the model on a random batch, print its shape."""',
      "    path = sys.argv[1] if len(sys.argv) > 1 else WEIGHTS_FILE",
      `    model = load_weights(${className}(), path)`,
      "    model.eval()",
      "    x = torch.randn(2, *INPUT_SHAPE)",
      "    with torch.no_grad():",
      "        y = model(x)",
      '    print(f"output shape: {tuple(y.shape)}")',
      '    assert tuple(y.shape) == (2, *OUTPUT_SHAPE), "unexpected output shape"',
    ].join("\n"),
    'if __name__ == "__main__":\n    main()',
  ];
  return `${sections.join("\n\n")}\n\n\n${definitions.join("\n\n\n")}\n`;
}
