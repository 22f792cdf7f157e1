/**
 * Every registry op on WebGPU (Dawn; SwiftShader without a GPU) and on the wasm backend against the
 * CPU reference, forward and gradient, over each op's test cases (sizes of 1, odd sizes,
 * non-multiples of tiles, broadcasting), with the dispatch shapes of this adapter and with those of a
 * real GPU.
 * Iterates the registry, so a new op is covered without editing this file.
 */
import { describe, expect, it } from "vitest";
import { registry } from "../src/ops/registry";
import { cpu32, wasm, webgpu, webgpuWithGpuTuning } from "./helpers/backends";
import { describeCase, expectClose, makeInputs, prng, runOp } from "./helpers/op-cases";

const ATOL = 1e-5;

const TUNINGS = [
  { tuning: "adapter tuning", backend: webgpu },
  { tuning: "GPU tuning", backend: webgpuWithGpuTuning },
  { tuning: "wasm", backend: wasm },
];

describe.each(Object.values(registry).filter((op) => op.test))("$name", (op) => {
  const cases = op.test?.cases ?? [];
  const runs = TUNINGS.flatMap((t) => cases.map((c, i) => ({ ...c, i, ...t, label: `${describeCase(c.inputs, c.attrs)} (${t.tuning})` })));
  it.each(runs)("$label", async ({ inputs: specs, attrs = {}, i, backend }) => {
    const gpu = await backend();
    const inputs = makeInputs(op, specs, 1000 + i);
    const rtol = op.test?.rtol ?? 1e-4;
    const forward = await runOp(cpu32, op, inputs, attrs);
    const wantGrad =
      op.vjp !== undefined && forward.outputs[0].length > 0 && !(forward.outputs[0] instanceof Int32Array) && inputs.some((t) => t.dtype === "float32");
    const random = prng(7 + i);
    const upstream = wantGrad ? Array.from(forward.outputs[0], () => 2 * random() - 1) : undefined;
    const reference = upstream ? await runOp(cpu32, op, inputs, attrs, upstream) : forward;
    const actual = await runOp(gpu, op, inputs, attrs, upstream);
    reference.outputs.forEach((ref, k) => {
      expectClose(actual.outputs[k], ref, rtol, ATOL, `${op.name} output ${k}`);
    });
    reference.grads.forEach((ref, k) => {
      if (ref) expectClose(actual.grads[k] as Float32Array, ref, rtol, ATOL, `${op.name} grad of input ${k}`);
    });
    if ("errors" in gpu) expect(gpu.errors).toEqual([]);
  });
});
