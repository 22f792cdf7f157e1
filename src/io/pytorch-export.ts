/**
 * Exports a model spec as a runnable PyTorch script: the same architecture written with torch.nn, so
 * that a .safetensors file saved by the playground loads into it with load_state_dict and the model
 * can be trained further in PyTorch (and saved back in a form the playground loads).
 *
 * The script runs with torch alone: it reads and writes safetensors with the `safetensors` package
 * when that is installed and with a small built-in reader and writer when not (Debian has no
 * package for it). Its default weights file is the one next to the script. Its docstring says how
 * inputs are prepared and what outputs mean for the network's purpose (src/io/pytorch-usage.ts).
 * tests/io-pytorch.test.ts runs every script in real PyTorch against this engine.
 */
import type { ModelSummary } from "../nn/shapes";
import type { ModelSpec } from "../nn/spec";
import { isPythonIdentifier, pyLiteral, pyString, pyTuple, render } from "./python-source";
import { collectState, plan, sequential, usedClasses } from "./pytorch-plan";
import { sequenceDefinitions } from "./pytorch-sequence";
import { type ExportPurpose, usageText } from "./pytorch-usage";

export { specStateShapes } from "./pytorch-plan";
export type { ExportPurpose, InputKind } from "./pytorch-usage";

/** Options of exportPyTorchScript(). */
export interface PyTorchExportOptions {
  /** The weights file, next to the script, that main() loads when no path is given (default "model.safetensors"). */
  weightsFile?: string;
  /** The name of the model class, an nn.Sequential subclass (default "Model"). */
  className?: string;
  /** What the network is for (default: a classifier of unscaled features). */
  purpose?: ExportPurpose;
}

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

const IMPORTS = `import ctypes
import json
import os
import struct
import sys

import torch
from torch import nn

try:
    from safetensors.torch import load_file, save_file
except ImportError:  # no safetensors package: the built-in reader and writer
    load_file = save_file = None`;

/** safetensors without the package: the format is an 8-byte header length, a JSON header, the data. */
const SAFETENSORS = `DTYPES = {
    "F32": torch.float32,
    "F64": torch.float64,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
}


def read_safetensors(path):
    """Read a .safetensors file without the safetensors package.

    The file holds an 8-byte little-endian header length, a JSON header
    giving each tensor's dtype, shape and byte range, then the raw data.
    """
    with open(path, "rb") as file:
        raw = file.read()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    header.pop("__metadata__", None)
    data = raw[8 + size :]
    state = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = DTYPES[entry["dtype"]]
        if end > begin:
            flat = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype)
        else:
            flat = torch.zeros(0, dtype=dtype)
        state[name] = flat.reshape(entry["shape"])
    return state


def write_safetensors(state, path, metadata):
    """Write CPU tensors as .safetensors without the safetensors package."""
    names = {dtype: name for name, dtype in DTYPES.items()}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, tensor in state.items():
        tensor = tensor.detach().cpu().contiguous()
        size = tensor.numel() * tensor.element_size()
        blobs.append(ctypes.string_at(tensor.data_ptr(), size))
        header[name] = {
            "dtype": names[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + size],
        }
        offset += size
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # the data starts at a multiple of 8
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))`;

const HELPERS = `def load_weights(model, path=WEIGHTS_FILE):
    """Load a .safetensors file saved by the playground into the model.

    The playground does not keep BatchNorm's num_batches_tracked (a step
    counter PyTorch only uses when momentum is None), so those keys may be
    missing from the file; any other missing or unexpected key is an error.
    """
    state = (load_file or read_safetensors)(path)
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
        name: tensor.detach().cpu().float().contiguous()
        for name, tensor in model.state_dict().items()
        if not name.endswith("num_batches_tracked")
    }
    metadata = {
        "format": "webgpu-dl-playground",
        "version": "1",
        "spec": json.dumps(SPEC),
        "inputShape": json.dumps(list(INPUT_SHAPE)),
    }
    if save_file is not None:
        save_file(state, path, metadata=metadata)
    else:
        write_safetensors(state, path, metadata)


def parameter_groups(model, lr):
    """The optimizer's parameter groups as the playground trained the model.

    A layer SPEC marks "frozen" keeps its weights (its parameters stop
    requiring gradients) and one with "lrScale" trains at lr times it; the
    others at lr. Pass the result to an optimizer: torch.optim.Adam(groups).
    """
    groups = []
    for index, layer in enumerate(SPEC["layers"]):
        params = list(model[index].parameters())
        if layer.get("frozen"):
            for param in params:
                param.requires_grad_(False)
        elif params:
            scale = layer.get("lrScale", 1)
            groups.append({"params": params, "lr": lr * scale})
    return groups`;

function docstring(className: string, summary: ModelSummary, inputShape: number[], stateNames: string[], purpose: ExportPurpose): string {
  const usage = usageText(purpose);
  const names = stateNames.length
    ? `The file names its tensors as the state_dict does:\n    ${stateNames.slice(0, 2).map(pyString).join(", ")}, ...`
    : "This model has no weights.";
  const indent = (lines: string[]) => lines.map((l) => `    ${l}`).join("\n");
  return `"""A model exported from the WebGPU Deep Learning Playground.

Model class: ${className}
Input: (N, ${inputShape.join(", ")}),
${indent(usage.input)}
Output: (N, ${summary.outputShape.join(", ")}),
${indent(usage.output)}
Parameters: ${summary.totalParams.toLocaleString("en-US")}

Usage:
    python this_script.py [weights.safetensors]

It needs torch (pip install torch, or Debian's python3-torch); the
safetensors package is used when installed, a built-in reader otherwise.
main() loads the weights (by default the file next to this script), runs
the model on an example batch in eval mode and prints the output shape.
${names}
"""`;
}

const TAKEN = ["Residual", "SPEC", "INPUT_SHAPE", "OUTPUT_SHAPE", "WEIGHTS_FILE", "HERE", "DTYPES"];
const TAKEN_MODULES = ["torch", "nn", "json", "os", "struct", "sys", "ctypes", "load_file", "save_file"];
const TAKEN_FUNCTIONS = ["read_safetensors", "write_safetensors", "load_weights", "save_weights", "main"];

function assertIdentifier(name: string): void {
  if (!isPythonIdentifier(name) || [...TAKEN, ...TAKEN_MODULES, ...TAKEN_FUNCTIONS].includes(name))
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
  const purpose = options.purpose ?? { kind: "classifier", input: checked.layers[0].type === "embedding" ? "tokens" : "features" };
  const usage = usageText(purpose);
  const usesResidual = checked.layers.some((l) => l.type === "residual"); // only residuals nest layers
  const body = sequential("super().__init__(", layers);
  const sections = [
    docstring(className, summary, inputShape, [...collectState(layers, new Map()).keys()], purpose),
    IMPORTS,
    [
      "HERE = os.path.dirname(os.path.abspath(__file__))",
      `WEIGHTS_FILE = os.path.join(HERE, ${pyString(weightsFile)})`,
      `INPUT_SHAPE = ${pyTuple(inputShape)}`,
      `OUTPUT_SHAPE = ${pyTuple(summary.outputShape)}`,
      "",
      "# The playground's description of this model (save_weights() stores it).",
      ...render(pyLiteral(checked), 0, "SPEC = "),
    ].join("\n"),
  ];
  const definitions = [
    ...(usesResidual ? [RESIDUAL_CLASS] : []),
    ...sequenceDefinitions(usedClasses(layers)),
    [
      `class ${className}(nn.Sequential):`,
      `    """Input (N, ${inputShape.join(", ")}), output (N, ${summary.outputShape.join(", ")})."""`,
      "",
      "    def __init__(self):",
      ...render(body, 8),
    ].join("\n"),
    SAFETENSORS,
    HELPERS,
    ["# Continue training in PyTorch", "# ----------------------------", ...usage.training.map((l) => (l ? `# ${l}` : "#"))]
      .join("\n")
      .replaceAll("CLASS", className),
    [
      "def main():",
      '    """Load the weights, run the model on an example batch, print its shape."""',
      "    path = sys.argv[1] if len(sys.argv) > 1 else WEIGHTS_FILE",
      `    model = load_weights(${className}(), path)`,
      "    model.eval()",
      `    x = ${usage.exampleBatch(2)}`,
      "    with torch.no_grad():",
      "        y = model(x)",
      '    print(f"output shape: {tuple(y.shape)}")',
      '    assert tuple(y.shape) == (2, *OUTPUT_SHAPE), "unexpected output shape"',
    ].join("\n"),
    'if __name__ == "__main__":\n    main()',
  ];
  return `${sections.join("\n\n")}\n\n\n${definitions.join("\n\n\n")}\n`;
}
