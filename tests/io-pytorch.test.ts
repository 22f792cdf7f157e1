/**
 * The PyTorch export, checked without PyTorch (it cannot be installed here): each script parses and
 * compiles with python3 and keeps to PEP 8's layout, and runs under FAKE_TORCH, a stand-in for torch
 * and safetensors.torch with PyTorch's constructor signatures, state_dict naming and output-shape
 * formulas. Under it the script's modules must have exactly our state_dict names and shapes, every
 * layer our output shape, main() must load a file saveModel() wrote, and save_weights() must write
 * one loadModel() reads back. Deliberately broken scripts show that these checks fail.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as dl from "../src/index";
import { exportPyTorchScript, loadModel, saveModel, specStateShapes } from "../src/io";
import { withBackend } from "../src/tensor/engine";
import { cpu32 } from "./helpers/backends";

const onCpu = <T>(fn: () => T) => withBackend(cpu32, fn);

const MLP: dl.nn.ModelSpec = {
  layers: [
    { type: "linear", units: 16 },
    { type: "activation", fn: "relu" },
    { type: "linear", units: 16 },
    { type: "activation", fn: "tanh" },
    { type: "linear", units: 3 },
  ],
};

const LENET_BN: dl.nn.ModelSpec = {
  layers: [
    { type: "conv2d", filters: 6, kernel: 5, padding: 2 },
    { type: "batchNorm" },
    { type: "activation", fn: "relu" },
    { type: "maxPool2d", kernel: 2 },
    { type: "conv2d", filters: 16, kernel: 5 },
    { type: "batchNorm", momentum: 0.3 },
    { type: "activation", fn: "relu" },
    { type: "maxPool2d", kernel: 2 },
    { type: "flatten" },
    { type: "linear", units: 32 },
    { type: "batchNorm" },
    { type: "activation", fn: "relu" },
    { type: "dropout", p: 0.2 },
    { type: "linear", units: 10 },
  ],
};

const RESNET: dl.nn.ModelSpec = {
  layers: [
    { type: "conv2d", filters: 8, kernel: 3, padding: 1 },
    { type: "batchNorm" },
    { type: "activation", fn: "relu" },
    { type: "residual", layers: [{ type: "conv2d", filters: 8, kernel: 3, padding: 1 }, { type: "batchNorm" }, { type: "activation", fn: "relu" }] },
    { type: "residual", layers: [{ type: "conv2d", filters: 16, kernel: 3, stride: 2, padding: 1, bias: false }, { type: "batchNorm" }] },
    { type: "activation", fn: "relu" },
    { type: "adaptiveAvgPool2d", size: 1 },
    { type: "flatten" },
    { type: "linear", units: 10 },
  ],
};

/** Every layer type and option: paddings, strides, both batch norms, projections, nesting. */
const EVERY_LAYER: dl.nn.ModelSpec = {
  layers: [
    { type: "conv2d", filters: 4, kernel: 3, padding: "same", dilation: 2 },
    { type: "batchNorm", eps: 0.001, momentum: 0.05 },
    { type: "activation", fn: "leakyRelu", slope: 0.2 },
    { type: "maxPool2d", kernel: 3, stride: 2, padding: 1 },
    { type: "convTranspose2d", filters: 6, kernel: 3, stride: 2, padding: 1, outputPadding: 1, bias: false },
    { type: "activation", fn: "elu", slope: 0.5 },
    { type: "avgPool2d", kernel: 2, padding: 1 },
    { type: "conv2d", filters: 8, kernel: 3, padding: "valid", bias: false },
    { type: "layerNorm", eps: 0.0001 },
    { type: "upsample", scale: 2 },
    {
      type: "residual",
      layers: [
        { type: "conv2d", filters: 8, kernel: 3, padding: 1 },
        { type: "activation", fn: "gelu" },
        { type: "residual", layers: [{ type: "conv2d", filters: 8, kernel: 1 }] },
      ],
    },
    {
      type: "residual",
      layers: [
        { type: "conv2d", filters: 12, kernel: 3, stride: 2, padding: 1 },
        { type: "activation", fn: "silu" },
      ],
    },
    { type: "activation", fn: "softplus" },
    { type: "adaptiveAvgPool2d", size: 2 },
    { type: "flatten" },
    { type: "dropout", p: 0.1 },
    { type: "linear", units: 20, bias: false },
    { type: "batchNorm" },
    { type: "activation", fn: "tanh" },
    {
      type: "residual",
      layers: [
        { type: "linear", units: 16 },
        { type: "activation", fn: "sigmoid" },
      ],
    },
    { type: "layerNorm" },
    { type: "activation", fn: "relu" },
    { type: "linear", units: 5 },
  ],
};

const SPECS: [string, dl.nn.ModelSpec, number[]][] = [
  ["MLP", MLP, [2]],
  ["LeNet-like CNN with batch norm", LENET_BN, [1, 16, 16]],
  ["residual CNN", RESNET, [3, 8, 8]],
  ["every layer type", EVERY_LAYER, [3, 12, 12]],
];

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "io-pytorch-"));
  writeFileSync(join(dir, "fake_torch.py"), FAKE_TORCH);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function python(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("python3", args, { input, encoding: "utf8", cwd: dir, timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes a file into the temporary folder and returns its path. */
function put(name: string, content: string | Uint8Array): string {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

interface Inspection {
  state: Record<string, number[]>;
  outputs: Record<string, number[]>;
}

function inspect(script: string): Inspection {
  const result = python(["fake_torch.py", "inspect", put("inspect.py", script), "Model"]);
  if (result.status !== 0) throw new Error(`the script failed under fake torch:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Inspection;
}

/** Our state_dict shapes, plus the num_batches_tracked PyTorch's BatchNorm has beside each running_mean. */
function expectedTorchState(model: dl.nn.Module): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, t] of model.stateDict()) {
    out[name] = t.shape;
    if (name.endsWith(".running_mean")) out[name.replace("running_mean", "num_batches_tracked")] = [];
  }
  return out;
}

/** Module paths ("2.body.0") and per-example output shapes of every layer, from summarizeModel. */
function expectedOutputs(spec: dl.nn.ModelSpec, inputShape: number[]): Record<string, number[]> {
  const summary = dl.nn.summarizeModel(spec, inputShape);
  const out: Record<string, number[]> = { "": summary.outputShape };
  for (const layer of summary.layers)
    out[
      layer.index
        .split(".")
        .map((n) => Number(n) - 1)
        .join(".body.")
    ] = layer.outputShape;
  return out;
}

describe("PyTorch export", () => {
  it.each(SPECS)("%s: the script parses and compiles, is deterministic and laid out as PEP 8 asks", (_, spec, inputShape) => {
    const script = exportPyTorchScript(spec, inputShape);
    expect(exportPyTorchScript(spec, inputShape)).toBe(script);
    const parsed = python(["-c", "import ast, sys; source = sys.stdin.read(); ast.parse(source); compile(source, 'model.py', 'exec')"], script);
    expect(parsed.stderr).toBe("");
    expect(parsed.status).toBe(0);
    const lines = script.split("\n");
    expect(lines.filter((l) => l.length > 79)).toEqual([]);
    expect(lines.filter((l) => /\s$/.test(l) || l.includes("\t"))).toEqual([]);
    expect(script.endsWith(")\n") && !script.endsWith("\n\n")).toBe(true);
    lines.forEach((line, i) => {
      if (i > 0 && /^(def|class) /.test(line)) expect(lines.slice(i - 3, i)).toMatchObject([expect.not.stringMatching(/^$/), "", ""]);
    });
    expect(script.indexOf("\nimport ")).toBeLessThan(script.indexOf("\nclass "));
  });

  it.each(SPECS)("%s: under fake torch its modules have our state_dict names and shapes, and each layer our output shape", (_, spec, inputShape) =>
    onCpu(() => {
      const { model } = dl.nn.buildModel(spec, inputShape);
      const { state, outputs } = inspect(exportPyTorchScript(spec, inputShape));
      expect(state).toEqual(expectedTorchState(model));
      const layerOutputs = Object.fromEntries(Object.entries(outputs).filter(([path]) => !/\.(body|projection)$/.test(path)));
      expect(layerOutputs).toEqual(expectedOutputs(spec, inputShape));
      expect(specStateShapes(spec, inputShape)).toEqual(new Map([...model.stateDict()].map(([name, t]) => [name, t.shape])));
    }),
  );

  it.each(SPECS)("%s: main() loads the weights saveModel() wrote and prints the output shape", (_, spec, inputShape) =>
    onCpu(async () => {
      const { model, outputShape } = dl.nn.buildModel(spec, inputShape);
      const weights = put("model.safetensors", await saveModel(model, spec, inputShape));
      const run = python(["fake_torch.py", "run", put("model.py", exportPyTorchScript(spec, inputShape)), weights]);
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe(`output shape: (2, ${outputShape.join(", ")})\n`);
      expect(run.status).toBe(0);
    }),
  );

  it("save_weights() writes a file loadModel() reads back with the same weights", () =>
    onCpu(async () => {
      dl.manualSeed(3);
      const inputShape = [3, 12, 12];
      const { model } = dl.nn.buildModel(EVERY_LAYER, inputShape);
      model.eval();
      const script = put("model.py", exportPyTorchScript(EVERY_LAYER, inputShape, { className: "EveryLayerNet" }));
      const weights = put("model.safetensors", await saveModel(model, EVERY_LAYER, inputShape));
      const resave = python(["fake_torch.py", "resave", script, "EveryLayerNet", weights, join(dir, "trained.safetensors")]);
      expect(resave.stderr).toBe("");
      const loaded = loadModel(new Uint8Array(readFileSync(join(dir, "trained.safetensors"))));
      expect(loaded.spec).toEqual(EVERY_LAYER);
      expect(loaded.inputShape).toEqual(inputShape);
      const x = dl.randn([2, ...inputShape]);
      expect(Array.from(await loaded.model.eval().forward(x).data())).toEqual(Array.from(await model.forward(x).data()));
    }));

  it("the checks catch a script that does not match the model", () =>
    onCpu(async () => {
      const inputShape = [3, 8, 8];
      const { model } = dl.nn.buildModel(RESNET, inputShape);
      const script = exportPyTorchScript(RESNET, inputShape);
      const weights = put("model.safetensors", await saveModel(model, RESNET, inputShape));
      const wrongKernel = script.replace("nn.Conv2d(8, 8, kernel_size=3, padding=1)", "nn.Conv2d(8, 8, kernel_size=5, padding=2)");
      const missingLayer = script.replace(/\n *# layer 3: activation.*\n *nn\.ReLU\(\),/, "");
      const noProjection = script.replace(/\n *# skip connection.*\n.*projection=.*/, "");
      for (const broken of [wrongKernel, missingLayer, noProjection]) {
        expect(broken).not.toBe(script);
        const run = python(["fake_torch.py", "run", put("broken.py", broken), weights]);
        expect(run.status).not.toBe(0);
      }
      expect(inspect(wrongKernel).state).not.toEqual(expectedTorchState(model));
      expect(inspect(missingLayer).state).not.toEqual(expectedTorchState(model));
      expect(() => inspect(noProjection)).toThrow(/cannot add/);
    }));

  it("names the class and weights file as asked, and explains a spec or name it cannot export", () => {
    const script = exportPyTorchScript(MLP, [2], { className: "SpiralNet", weightsFile: "spiral.safetensors" });
    expect(script).toContain("class SpiralNet(nn.Sequential):");
    expect(script).toContain('WEIGHTS_FILE = "spiral.safetensors"');
    expect(script).toContain("model = load_weights(SpiralNet(), path)");
    expect(script).not.toContain("class Residual");
    expect(script).toContain("# Continue training in PyTorch");
    expect(() => exportPyTorchScript(MLP, [2], { className: "my model" })).toThrow('exportPyTorchScript: className "my model" is not a free Python identifier');
    expect(() => exportPyTorchScript(MLP, [2], { className: "Residual" })).toThrow("not a free Python identifier");
    expect(() => exportPyTorchScript(MLP, [1, 8, 8])).toThrow("layer 1 linear: expects a vector but its input is a 1-channel 8x8 image");
  });
});

/**
 * A stand-in for torch and safetensors.torch (written to a temporary folder by the tests): modules
 * with PyTorch's signatures, state_dict names and shape formulas; tensors that hold a shape, a
 * dtype and raw bytes, and do no arithmetic; load_file/save_file as the format describes them.
 */
const FAKE_TORCH = `"""A stand-in for torch and safetensors.torch, to run exported scripts where
torch is not installed. Modules keep PyTorch's constructor signatures,
state_dict names and output-shape formulas; tensors carry a shape, a dtype
and raw bytes (no arithmetic). Usage:

    python3 fake_torch.py run SCRIPT WEIGHTS     runs the script's main()
    python3 fake_torch.py inspect SCRIPT CLASS   prints state_dict shapes and
                                                 each module's output shape
    python3 fake_torch.py resave SCRIPT CLASS WEIGHTS OUT
                                                 load_weights + save_weights
"""
import json
import math
import runpy
import struct
import sys
import types
from collections import OrderedDict, namedtuple

ITEM_BYTES = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4}


class Tensor:
    def __init__(self, shape, dtype="F32", data=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        size = math.prod(self.shape) * ITEM_BYTES[dtype]
        self.data = bytes(size) if data is None else data
        assert len(self.data) == size, "data does not match the shape"

    def __add__(self, other):
        if self.shape != other.shape:
            raise RuntimeError(f"cannot add {self.shape} and {other.shape}")
        return Tensor(self.shape)

    def detach(self):
        return self

    def float(self):
        if self.dtype != "F32":
            raise NotImplementedError("fake torch converts no dtypes")
        return self

    def contiguous(self):
        return self


class Parameter(Tensor):
    pass


class no_grad:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def randn(*shape):
    return Tensor(shape)


IncompatibleKeys = namedtuple(
    "IncompatibleKeys", ["missing_keys", "unexpected_keys"]
)


class Module:
    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "output_shape", None)

    def __setattr__(self, name, value):
        if "_modules" not in self.__dict__:
            raise AttributeError("assignment before Module.__init__()")
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        for kind in ("_parameters", "_buffers", "_modules"):
            found = self.__dict__.get(kind, {})
            if name in found:
                return found[name]
        raise AttributeError(name)

    def register_parameter(self, name, value):
        self._parameters[name] = value

    def register_buffer(self, name, value):
        self._buffers[name] = value

    def add_module(self, name, module):
        self._modules[name] = module

    def __call__(self, x):
        y = self.forward(x)
        object.__setattr__(self, "output_shape", y.shape)
        return y

    def train(self, mode=True):
        object.__setattr__(self, "training", mode)
        for module in self._modules.values():
            module.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def named_modules(self, prefix=""):
        yield prefix, self
        for name, module in self._modules.items():
            yield from module.named_modules(f"{prefix}.{name}" if prefix else name)

    def state_dict(self, prefix=""):
        out = OrderedDict()
        for name, p in self._parameters.items():
            if p is not None:
                out[prefix + name] = p
        for name, b in self._buffers.items():
            out[prefix + name] = b
        for name, module in self._modules.items():
            out.update(module.state_dict(f"{prefix}{name}."))
        return out

    def load_state_dict(self, state, strict=True):
        own = self.state_dict()
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        errors = [
            f"size mismatch for {k}: {state[k].shape} in the checkpoint, "
            f"{own[k].shape} in the model"
            for k in own
            if k in state and state[k].shape != own[k].shape
        ]
        if strict and (missing or unexpected):
            errors.append(f"missing {missing}, unexpected {unexpected}")
        if errors:
            raise RuntimeError("Error(s) in loading state_dict: " + "; ".join(errors))
        for k, t in own.items():
            if k in state:
                if state[k].dtype != t.dtype:
                    raise NotImplementedError("fake torch converts no dtypes")
                t.data = state[k].data
        return IncompatibleKeys(missing, unexpected)


def check(condition, message):
    if not condition:
        raise RuntimeError(message)


def whole(*values):
    for v in values:
        check(type(v) is int, f"expected an int, got {v!r}")


class Sequential(Module):
    def __init__(self, *modules):
        super().__init__()
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x


class Linear(Module):
    def __init__(self, in_features, out_features, bias=True, device=None,
                 dtype=None):
        super().__init__()
        whole(in_features, out_features)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter((out_features, in_features))
        if bias:
            self.bias = Parameter((out_features,))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        check(x.shape[-1] == self.in_features, f"Linear got {x.shape}")
        return Tensor(x.shape[:-1] + (self.out_features,))


def conv_size(size, kernel, stride, padding, dilation):
    out = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    check(out >= 1, "output size is too small")
    return out


class Conv2d(Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1,
                 padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        whole(in_channels, out_channels, kernel_size, stride, dilation)
        if isinstance(padding, str):
            check(padding in ("same", "valid"), f"bad padding {padding!r}")
            if padding == "same" and stride != 1:
                raise ValueError("padding='same' is not supported for "
                                 "strided convolutions")
        else:
            whole(padding)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.k, self.s, self.p, self.d = kernel_size, stride, padding, dilation
        self.weight = Parameter((out_channels, in_channels, kernel_size,
                                 kernel_size))
        if bias:
            self.bias = Parameter((out_channels,))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        check(len(x.shape) == 4 and x.shape[1] == self.in_channels,
              f"Conv2d got {x.shape}")
        if self.p == "same":
            h, w = x.shape[2:]
        else:
            p = 0 if self.p == "valid" else self.p
            h, w = (conv_size(n, self.k, self.s, p, self.d)
                    for n in x.shape[2:])
        return Tensor((x.shape[0], self.out_channels, h, w))


class ConvTranspose2d(Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1,
                 padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__()
        whole(in_channels, out_channels, kernel_size, stride, padding,
              output_padding, dilation)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.k, self.s, self.p, self.d = kernel_size, stride, padding, dilation
        self.op = output_padding
        self.weight = Parameter((in_channels, out_channels, kernel_size,
                                 kernel_size))
        if bias:
            self.bias = Parameter((out_channels,))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        check(len(x.shape) == 4 and x.shape[1] == self.in_channels,
              f"ConvTranspose2d got {x.shape}")
        check(self.op < self.s or self.op < self.d,
              "output padding must be smaller than either stride or dilation")
        h, w = ((n - 1) * self.s - 2 * self.p + self.d * (self.k - 1)
                + self.op + 1 for n in x.shape[2:])
        return Tensor((x.shape[0], self.out_channels, h, w))


class MaxPool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices=False, ceil_mode=False):
        super().__init__()
        stride = kernel_size if stride is None else stride
        whole(kernel_size, stride, padding, dilation)
        self.k, self.s, self.p, self.d = kernel_size, stride, padding, dilation

    def forward(self, x):
        check(len(x.shape) == 4, f"MaxPool2d got {x.shape}")
        check(self.p <= ((self.k - 1) * self.d + 1) // 2,
              "pad should be at most half of effective kernel size")
        h, w = (conv_size(n, self.k, self.s, self.p, self.d)
                for n in x.shape[2:])
        return Tensor(x.shape[:2] + (h, w))


class AvgPool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        stride = kernel_size if stride is None else stride
        whole(kernel_size, stride, padding)
        check(count_include_pad, "the playground counts the padding")
        self.k, self.s, self.p = kernel_size, stride, padding

    def forward(self, x):
        check(len(x.shape) == 4, f"AvgPool2d got {x.shape}")
        check(self.p <= self.k // 2, "pad should be at most half of kernel")
        h, w = (conv_size(n, self.k, self.s, self.p, 1) for n in x.shape[2:])
        return Tensor(x.shape[:2] + (h, w))


class AdaptiveAvgPool2d(Module):
    def __init__(self, output_size):
        super().__init__()
        whole(output_size)
        self.size = output_size

    def forward(self, x):
        check(len(x.shape) == 4, f"AdaptiveAvgPool2d got {x.shape}")
        return Tensor(x.shape[:2] + (self.size, self.size))


class Upsample(Module):
    def __init__(self, size=None, scale_factor=None, mode="nearest",
                 align_corners=None, recompute_scale_factor=None):
        super().__init__()
        check(size is None and mode == "nearest", "unexpected Upsample")
        self.scale = scale_factor

    def forward(self, x):
        check(len(x.shape) == 4, f"Upsample got {x.shape}")
        h, w = (math.floor(n * self.scale) for n in x.shape[2:])
        return Tensor(x.shape[:2] + (h, w))


class Flatten(Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        check((start_dim, end_dim) == (1, -1), "unexpected Flatten")

    def forward(self, x):
        return Tensor((x.shape[0], math.prod(x.shape[1:])))


class _BatchNorm(Module):
    ranks = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None):
        super().__init__()
        whole(num_features)
        check(affine and track_running_stats, "unexpected BatchNorm")
        self.num_features = num_features
        self.weight = Parameter((num_features,))
        self.bias = Parameter((num_features,))
        self.register_buffer("running_mean", Tensor((num_features,)))
        self.register_buffer("running_var", Tensor((num_features,)))
        self.register_buffer("num_batches_tracked", Tensor((), "I64"))

    def forward(self, x):
        check(len(x.shape) in self.ranks and x.shape[1] == self.num_features,
              f"{type(self).__name__} got {x.shape}")
        return Tensor(x.shape)


class BatchNorm1d(_BatchNorm):
    ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    ranks = (4,)


class LayerNorm(Module):
    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True,
                 bias=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.shape = tuple(normalized_shape)
        whole(*self.shape)
        self.weight = Parameter(self.shape)
        self.bias = Parameter(self.shape)

    def forward(self, x):
        check(x.shape[-len(self.shape):] == self.shape,
              f"LayerNorm{self.shape} got {x.shape}")
        return Tensor(x.shape)


class Dropout(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        check(0 <= p <= 1, f"dropout probability {p}")

    def forward(self, x):
        return Tensor(x.shape)


def activation(name, **defaults):
    def __init__(self, *args, **kwargs):
        Module.__init__(self)
        unknown = set(kwargs) - set(defaults)
        check(not unknown and len(args) <= len(defaults),
              f"{name} got {args} {kwargs}")

    def forward(self, x):
        return Tensor(x.shape)

    return type(name, (Module,), {"__init__": __init__, "forward": forward})


ReLU = activation("ReLU", inplace=False)
LeakyReLU = activation("LeakyReLU", negative_slope=0.01, inplace=False)
ELU = activation("ELU", alpha=1.0, inplace=False)
Sigmoid = activation("Sigmoid")
Tanh = activation("Tanh")
GELU = activation("GELU", approximate="none")
SiLU = activation("SiLU", inplace=False)
Softplus = activation("Softplus", beta=1.0, threshold=20.0)


def load_file(filename, device="cpu"):
    with open(filename, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    check((8 + n) % 8 == 0, "the data section is not 8-byte aligned")
    check(raw[8:9] == b"{", "the header does not start with {")
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", None)
    check(metadata is None or all(isinstance(v, str) for v in
                                  metadata.values()), "bad metadata")
    data = raw[8 + n:]
    out = OrderedDict()
    end = 0
    for name, info in sorted(header.items(),
                             key=lambda e: e[1]["data_offsets"]):
        begin, stop = info["data_offsets"]
        size = math.prod(info["shape"]) * ITEM_BYTES[info["dtype"]]
        check(begin == end and stop - begin == size, f"bad offsets: {name}")
        out[name] = Tensor(info["shape"], info["dtype"], data[begin:stop])
        end = stop
    check(end == len(data), "bytes after the last tensor")
    return out


def save_file(tensors, filename, metadata=None):
    header = {}
    if metadata is not None:
        check(all(isinstance(v, str) for v in metadata.values()),
              "metadata values must be strings")
        header["__metadata__"] = metadata
    offset = 0
    for name, t in tensors.items():
        header[name] = {"dtype": t.dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(t.data)]}
        offset += len(t.data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(filename, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for t in tensors.values():
            f.write(t.data)


def install():
    torch = types.ModuleType("torch")
    nn = types.ModuleType("torch.nn")
    for name, value in list(globals().items()):
        if isinstance(value, type) and issubclass(value, Module):
            setattr(nn, name, value)
    nn.Parameter = Parameter
    torch.nn = nn
    torch.Tensor = Tensor
    torch.randn = randn
    torch.no_grad = no_grad
    safetensors = types.ModuleType("safetensors")
    safetensors_torch = types.ModuleType("safetensors.torch")
    safetensors_torch.load_file = load_file
    safetensors_torch.save_file = save_file
    safetensors.torch = safetensors_torch
    sys.modules.update({"torch": torch, "torch.nn": nn,
                        "safetensors": safetensors,
                        "safetensors.torch": safetensors_torch})


def main():
    install()
    command, script = sys.argv[1], sys.argv[2]
    if command == "run":
        sys.argv = [script, *sys.argv[3:]]
        runpy.run_path(script, run_name="__main__")
        return
    namespace = runpy.run_path(script, run_name="exported")
    model = namespace[sys.argv[3]]()
    if command == "inspect":
        model.eval()
        model(randn(2, *namespace["INPUT_SHAPE"]))
        print(json.dumps({
            "state": {k: list(t.shape) for k, t in model.state_dict().items()},
            "outputs": {path: list(m.output_shape[1:])
                        for path, m in model.named_modules()
                        if m.output_shape is not None},
        }))
    elif command == "resave":
        namespace["load_weights"](model, sys.argv[4])
        namespace["save_weights"](model, sys.argv[5])


if __name__ == "__main__":
    main()
`;
