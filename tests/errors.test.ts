/**
 * Bad input never crashes or corrupts: each kind of invalid call throws an error that names the op,
 * what it received and what it expected. Runs on the CPU reference unless the case is about WebGPU.
 */
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../src/backend/cpu";
import { nodeGpu } from "../src/backend/node-gpu";
import type { WasmBackend } from "../src/backend/wasm/wasm-backend";
import { WebGPUBackend } from "../src/backend/webgpu/webgpu-backend";
import * as dl from "../src/index";
import { getBackend, setBackend, withBackend } from "../src/tensor/engine";
import { cpu32, webgpu } from "./helpers/backends";

const onCpu = <T>(fn: () => T) => withBackend(cpu32, fn);

describe("invalid calls explain themselves", () => {
  it("shape mismatch in broadcasting", () => {
    onCpu(() =>
      expect(() => dl.add(dl.zeros([2, 3]), dl.zeros([4]))).toThrow(
        /add: shapes \[2, 3\] and \[4\] cannot be broadcast: dim -1 has sizes 3 and 4; expected equal sizes or 1/,
      ),
    );
  });
  it("matmul operands that do not chain", () => {
    onCpu(() =>
      expect(() => dl.matmul(dl.zeros([2, 3]), dl.zeros([4, 5]))).toThrow(/matmul: a \[2, 3\] and b \[4, 5\] do not chain: a has 3 columns but b has 4 rows/),
    );
  });
  it("a dim out of range", () => {
    onCpu(() => expect(() => dl.sum(dl.zeros([2, 3]), 2)).toThrow(/sum: dim 2 is out of range for a tensor of rank 2; expected a dim in \[-2, 1\]/));
  });
  it("a wrong dtype", () => {
    onCpu(() =>
      expect(() => dl.relu(dl.zeros([3], { dtype: "int32" }))).toThrow(/relu: input 0 is int32 \[3\], expected float32; convert it with \.float\(\)/),
    );
  });
  it("use after dispose", () => {
    onCpu(() => {
      const t = dl.ones([2]);
      t.dispose();
      expect(() => dl.exp(t)).toThrow(/exp: input 0 \(float32 \[2\]\) was disposed/);
    });
  });
  it("a tensor made inside tidy() and used after it", () => {
    onCpu(() => {
      let inner: dl.Tensor | null = null;
      dl.tidy(() => {
        inner = dl.ones([2]);
      });
      expect(() => dl.exp(inner as unknown as dl.Tensor)).toThrow(
        /was disposed; a tensor cannot be used after dispose\(\) or after the tidy\(\) that made it ended/,
      );
    });
  });
  it("an impossible reshape", () => {
    onCpu(() => expect(() => dl.reshape(dl.zeros([2, 3]), [4, 2])).toThrow(/reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4, 2\] \(8 elements\)/));
  });
  it("a convolution kernel larger than its input", () => {
    onCpu(() =>
      expect(() => dl.conv2d(dl.zeros([1, 1, 4, 4]), dl.zeros([2, 1, 5, 5]))).toThrow(
        /conv2d: kernel 5x5 \(dilation 1x1\) does not fit the 4x4 input with padding \[0,0,0,0\]; lower the kernel or dilation, add padding, or remove a pooling layer before it/,
      ),
    );
  });
  it("channels that do not match the weight", () => {
    onCpu(() =>
      expect(() => dl.conv2d(dl.zeros([1, 3, 8, 8]), dl.zeros([2, 1, 3, 3]))).toThrow(/conv2d: input has 3 channels but weight \[2, 1, 3, 3\] expects 1/),
    );
  });
  it("backward from a tensor that is not a scalar", () => {
    onCpu(() => {
      const x = dl.ones([3], { requiresGrad: true });
      expect(() => dl.mul(x, 2).backward()).toThrow(
        /backward: a gradient can only be implied for a one-element output; this one has shape \[3\], so pass the upstream gradient/,
      );
    });
  });
  it("backward twice through a freed graph", () => {
    onCpu(() => {
      const x = dl.ones([3], { requiresGrad: true });
      const y = dl.sum(dl.mul(x, x));
      y.backward();
      expect(() => y.backward()).toThrow(/backward: the graph through sum was freed by an earlier backward\(\); pass \{ retainGraph: true \}/);
    });
  });
  it("tensors on two backends", async () => {
    const gpu = await webgpu();
    const a = withBackend(gpu, () => dl.ones([2]));
    const b = onCpu(() => dl.ones([2]));
    expect(() => dl.add(a, b)).toThrow(/add: input 1 \(float32 \[2\]\) lives on CPU but input 0 on WebGPU: .*; move tensors to one backend/);
  });
  it("ragged or non-integer data", () => {
    onCpu(() => {
      expect(() => dl.tensor([[1, 2], [3]])).toThrow(/tensor: ragged nested array: expected 2 items at depth 1/);
      expect(() => dl.tensor([1.5], { dtype: "int32" })).toThrow(/tensor: int32 data must be whole numbers, element 0 is 1.5/);
    });
  });
  it("an index or a label out of range", () => {
    onCpu(() => {
      expect(() => dl.indexSelect(dl.zeros([3, 2]), 0, dl.tensor([0, 3], { dtype: "int32" }))).toThrow(
        /indexSelect: index 3 at position 1 is out of range for dim 0 of size 3/,
      );
      expect(() => dl.oneHot(dl.tensor([1, 5], { dtype: "int32" }), 3)).toThrow(/oneHot: label 5 at position 1 is outside \[0, 3\)/);
    });
  });
  it("an optimizer given bad settings or parameters", () => {
    onCpu(() => {
      const w = dl.ones([2], { requiresGrad: true });
      expect(() => new dl.optim.SGD([w], { lr: -1 })).toThrow(/SGD: lr must be a positive number, got -1/);
      expect(() => new dl.optim.Adam([dl.ones([2])])).toThrow(/Adam: parameter 0 \(\[2\]\) must be a float32 leaf with requiresGrad/);
    });
  });
});

describe("WebGPU limits and failures", () => {
  it("a tensor larger than the device allows is refused before allocating", async () => {
    const gpu = await webgpu();
    const max = gpu.limits.maxStorageBufferBindingSize;
    const n = Math.ceil(max / 4) + 1024;
    expect(() => withBackend(gpu, () => dl.zeros([n]))).toThrow(
      new RegExp(`allocate: a float32 tensor of ${n} elements needs ${n * 4} bytes, more than this device's maxStorageBufferBindingSize of ${max} bytes`),
    );
    expect(gpu.memory().liveBuffers).toBeGreaterThanOrEqual(0);
  });
  it("a lost device is reported, and the CPU backend keeps working", async () => {
    const gpu = await WebGPUBackend.create(await nodeGpu());
    const t = withBackend(gpu, () => dl.ones([4]));
    gpu.device.destroy();
    await expect.poll(() => gpu.lost, { timeout: 30_000 }).not.toBeNull();
    expect(() => withBackend(gpu, () => dl.exp(t))).toThrow(/WebGPU device was lost \(.*\); start the engine again with init\(\), or use the CPU backend/);
    const cpu = new CpuBackend();
    expect(Array.from(await withBackend(cpu, () => dl.exp(dl.zeros([2]))).data())).toEqual([1, 1]);
  });
  it("init() takes the wasm backend, saying why, when there is no WebGPU", async () => {
    const before = getBackend();
    const result = await dl.init({ gpu: undefined, backend: "auto" });
    expect(result.kind).toBe("wasm");
    expect(result.fallbackReason).toBe("this environment has no WebGPU (navigator.gpu is undefined)");
    expect(result.description).toMatch(/^wasm \(WebAssembly SIMD.*, \d threads?\): this environment has no WebGPU \(navigator.gpu is undefined\)$/);
    await expect(dl.init({ gpu: undefined, backend: "webgpu" })).rejects.toThrow(/WebGPU could not start: this environment has no WebGPU/);
    (result.backend as WasmBackend).dispose();
    setBackend(before);
  });
  it("init() prefers the wasm backend to a GPU emulated on the CPU, unless WebGPU is asked for", async () => {
    const before = getBackend();
    const auto = await dl.init({ gpu: await nodeGpu() });
    expect(auto.kind).toBe("wasm");
    expect(auto.fallbackReason).toMatch(/^the only WebGPU adapter \(.*SwiftShader.*\) emulates a GPU on the CPU/i);
    (auto.backend as WasmBackend).dispose();
    const pinned = await dl.init({ gpu: await nodeGpu(), backend: "webgpu" });
    expect(pinned.kind).toBe("webgpu");
    expect(pinned.fallbackReason).toBeUndefined();
    expect(pinned.description).toMatch(/^WebGPU: .*swiftshader/i);
    setBackend(before);
  });
});
