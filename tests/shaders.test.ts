/**
 * Every WGSL shader and every variant compiles: the kernels of every registry op's test cases (with
 * the emulator's and a GPU's dispatch shapes) and of every optimizer variant are built, then each is
 * compiled and checked for errors and warnings, and its pipeline created with its constants. Every
 * file in shaders/ must be part of some kernel.
 */
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { builtKernels } from "../src/backend/webgpu/kernel";
import type { WebGPUBackend } from "../src/backend/webgpu/webgpu-backend";
import * as dl from "../src/index";
import { registry } from "../src/ops/registry";
import { withBackend } from "../src/tensor/engine";
import { webgpu, webgpuWithGpuTuning } from "./helpers/backends";
import { makeInputs, runOp } from "./helpers/op-cases";

async function buildEveryKernel(gpu: WebGPUBackend): Promise<void> {
  for (const op of Object.values(registry))
    for (const [i, c] of (op.test?.cases ?? []).entries()) {
      const inputs = makeInputs(op, c.inputs, 3000 + i);
      const forward = await runOp(gpu, op, inputs, c.attrs ?? {});
      const differentiable = op.vjp && !(forward.outputs[0] instanceof Int32Array) && inputs.some((t) => t.dtype === "float32");
      if (differentiable)
        await runOp(
          gpu,
          op,
          inputs,
          c.attrs ?? {},
          Array.from(forward.outputs[0], () => 1),
        );
    }
  await withBackend(gpu, async () => {
    const makers = [
      (p: dl.Tensor[]) => new dl.optim.SGD(p, { lr: 0.1 }),
      (p: dl.Tensor[]) => new dl.optim.SGD(p, { lr: 0.1, momentum: 0.9 }),
      (p: dl.Tensor[]) => new dl.optim.Adam(p),
      (p: dl.Tensor[]) => new dl.optim.Adam(p, { amsgrad: true }),
      (p: dl.Tensor[]) => new dl.optim.Adagrad(p),
      (p: dl.Tensor[]) => new dl.optim.RMSprop(p),
      (p: dl.Tensor[]) => new dl.optim.RMSprop(p, { centered: true, momentum: 0.9 }),
      (p: dl.Tensor[]) => new dl.optim.Adadelta(p),
    ];
    for (const make of makers) {
      const w = dl.randn([3, 2], { requiresGrad: true });
      const opt = make([w]);
      dl.sum(dl.mul(w, w)).backward();
      opt.step();
      await w.data();
      opt.dispose();
      w.dispose();
    }
  });
}

beforeAll(async () => {
  await buildEveryKernel(await webgpu());
  await buildEveryKernel(await webgpuWithGpuTuning());
}, 300_000);

it("every shader and variant compiles without errors or warnings", async () => {
  const gpu = await webgpu();
  const kernels = builtKernels();
  expect(kernels.length).toBeGreaterThan(100);
  const problems: string[] = [];
  const modules = new Map<string, GPUShaderModule>();
  for (const k of kernels) {
    let module = modules.get(k.code);
    if (!module) {
      module = gpu.device.createShaderModule({ code: k.code, label: k.key });
      modules.set(k.code, module);
      const info = await module.getCompilationInfo();
      for (const m of info.messages) if (m.type !== "info") problems.push(`${k.key}: ${m.type} at ${m.lineNum}:${m.linePos}: ${m.message}`);
    }
    try {
      await gpu.device.createComputePipelineAsync({
        layout: "auto",
        compute: { module, entryPoint: "main", constants: k.constants as Record<string, number> },
      });
    } catch (e) {
      problems.push(`${k.key} ${JSON.stringify(k.constants ?? {})}: ${e instanceof Error ? e.message : e}`);
    }
  }
  expect(problems).toEqual([]);
  expect(gpu.errors).toEqual([]);
});

it("every file in shaders/ is part of a kernel", () => {
  const codes = builtKernels().map((k) => k.code);
  const unused = readdirSync("shaders")
    .filter((f) => f.endsWith(".wgsl"))
    .filter((f) => {
      const firstLine = readFileSync(`shaders/${f}`, "utf8").split("\n")[0];
      return !codes.some((c) => c.includes(firstLine));
    });
  expect(unused).toEqual([]);
});
