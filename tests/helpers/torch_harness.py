"""Runs exported PyTorch scripts in real PyTorch for tests/io-pytorch.test.ts.

    /usr/bin/python3 torch_harness.py JOBS.json

JOBS.json lists folders, each holding an exported script (`script`), the
name of its model class, the weights this engine saved under the name the
script expects (`weights`) and inputs.safetensors (example batches). For each folder, with the script
imported as a module and only its own functions used to read and write:

- main() runs as `python model.py` would, from another working directory
  and with no argument, so it must find the weights next to the script;
- eval.safetensors: in eval mode and float64 (the weights and inputs are
  float32 values, so both engines compute from the same numbers and only
  the arithmetic's rounding differs), for every input batch, the output
  ("<input>") and each top-level layer's output ("<input>.<i>");
- trained.safetensors: the weights after a few Adam steps (on the batch
  named "normal", or "tokens" for a model that reads tokens) in train mode and
  float32 (save_weights), and trained_eval.safetensors: the eval outputs
  after them, again in float64.

Prints one JSON line per folder: {"folder": ..., "main": "<main's output>"}.
"""

import contextlib
import importlib.util
import io
import json
import os
import sys
import tempfile

import torch


def load_script(path):
    spec = importlib.util.spec_from_file_location(f"exported_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def eval_outputs(model, inputs):
    """Each batch's output and every top-level layer's output, in eval mode and float64."""
    model.eval().double()
    out = {}
    with torch.no_grad():
        for name, x in inputs.items():
            x = x.double()
            h = x
            for i, layer in enumerate(model):
                h = layer(h)
                out[f"{name}.{i}"] = h.contiguous()
            out[name] = model(x).contiguous()
    return out


def train_a_little(model, module, x, steps=3):
    """A few Adam steps on a fixed random regression target, in train mode, over the script's
    parameter_groups() (each parameter in one group or frozen: one module per SPEC layer)."""
    torch.manual_seed(0)
    model.train().float()
    with torch.no_grad():
        target = torch.randn_like(model(x))
    groups = module.parameter_groups(model, lr=1e-2)
    assert len(model) == len(module.SPEC["layers"]), (len(model), len(module.SPEC["layers"]))
    grouped = [id(p) for g in groups for p in g["params"]] + [id(p) for p in model.parameters() if not p.requires_grad]
    assert sorted(grouped) == sorted(id(p) for p in model.parameters()), "parameter_groups() misses or repeats a parameter"
    optimizer = torch.optim.Adam(groups)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), target)
        loss.backward()
        optimizer.step()


def run_main(script, module):
    """main() as `python model.py` from another folder: the weights must be found next to the script."""
    previous_cwd, previous_argv = os.getcwd(), sys.argv
    printed = io.StringIO()
    with tempfile.TemporaryDirectory() as elsewhere:
        try:
            os.chdir(elsewhere)
            sys.argv = [script]
            with contextlib.redirect_stdout(printed):
                module.main()
        finally:
            os.chdir(previous_cwd)
            sys.argv = previous_argv
    return printed.getvalue()


def check(folder, script_name, weights_name, class_name):
    script = os.path.join(folder, script_name)
    module = load_script(script)
    printed = run_main(script, module)
    inputs = module.read_safetensors(os.path.join(folder, "inputs.safetensors"))
    model = module.load_weights(getattr(module, class_name)(), os.path.join(folder, weights_name))
    meta = {"format": "torch-harness"}
    module.write_safetensors(eval_outputs(model, inputs), os.path.join(folder, "eval.safetensors"), meta)
    train_a_little(model, module, inputs["normal"] if "normal" in inputs else inputs["tokens"])
    module.save_weights(model, os.path.join(folder, "trained.safetensors"))
    module.write_safetensors(eval_outputs(model, inputs), os.path.join(folder, "trained_eval.safetensors"), meta)
    return printed


def main():
    torch.set_num_threads(1)
    with open(sys.argv[1]) as file:
        jobs = json.load(file)
    for job in jobs:
        printed = check(job["folder"], job["script"], job["weights"], job["className"])
        print(json.dumps({"folder": job["folder"], "main": printed}), flush=True)


if __name__ == "__main__":
    main()
