/**
 * Strided copies and fills, on the CPU, on the wasm backend's heap, and as dispatches of
 * shaders/copy.wgsl and shaders/fill.wgsl:
 * the building blocks of every data-movement op (permute, expand, slice, cat, pad, creation).
 */

import copyWgsl from "../../../shaders/copy.wgsl?raw";
import fillWgsl from "../../../shaders/fill.wgsl?raw";
import type { HostArray } from "../../backend/backend";
import type { WasmContext, WasmTensor } from "../../backend/wasm/wasm-backend";
import type { GpuBinding, GpuContext } from "../../backend/webgpu/context";
import { cachedKernel, Uniforms } from "../../backend/webgpu/kernel";
import { check } from "../../errors";
import { coalesceDims, sizeOf, walkOffsets } from "../../tensor/shape";

/** A strided walk: for each coordinate of `shape`, dst[dstOffset + c·dstStrides] = src[srcOffset + c·srcStrides]. */
export interface StridedCopy {
  shape: number[];
  srcStrides: number[];
  dstStrides: number[];
  srcOffset: number;
  dstOffset: number;
}

export function copyOnCpu(src: HostArray, dst: HostArray, c: StridedCopy): void {
  const { shape, srcStrides, dstStrides } = c;
  const n = sizeOf(shape);
  const rank = shape.length;
  for (let i = 0; i < n; i++) {
    let rest = i;
    let s = c.srcOffset;
    let d = c.dstOffset;
    for (let k = rank - 1; k >= 0; k--) {
      const coord = rest % shape[k];
      rest = (rest - coord) / shape[k];
      s += coord * srcStrides[k];
      d += coord * dstStrides[k];
    }
    dst[d] = src[s];
  }
}

/**
 * The strided copy on the wasm backend's heap: the dims merged, then each innermost run copied in one
 * call (a contiguous run with copyWithin, a broadcast one with fill, others element by element), the
 * outer dims walked like an odometer. Both tensors are 4-byte elements of one heap.
 */
export function copyOnWasm(ctx: WasmContext, src: WasmTensor, dst: WasmTensor, c: StridedCopy): void {
  const n = sizeOf(c.shape);
  if (n === 0) return;
  const merged = coalesceDims(c.shape, [c.srcStrides, c.dstStrides]);
  const shape = merged.shape.length ? merged.shape : [1];
  const [srcStrides, dstStrides] = merged.shape.length ? merged.strides : [[1], [1]];
  const last = shape.length - 1;
  const [inner, si, di] = [shape[last], srcStrides[last], dstStrides[last]];
  // One view over the whole heap, in elements of the tensors' type (an int32 read as a float could be
  // a NaN, whose bits a copy through a number need not keep).
  const words = ctx.heap.memory.buffer.byteLength / 4;
  const heap = src.dtype === "int32" ? ctx.heap.i32(0, words) : ctx.heap.f32(0, words);
  const [from, to] = [walkOffsets(shape.slice(0, last), srcStrides.slice(0, last)), walkOffsets(shape.slice(0, last), dstStrides.slice(0, last))];
  for (let o = 0; o < from.length; o++) {
    const s = src.offset / 4 + c.srcOffset + from[o];
    const d = dst.offset / 4 + c.dstOffset + to[o];
    if (si === 1 && di === 1) heap.copyWithin(d, s, s + inner);
    else if (si === 0 && di === 1) heap.fill(heap[s], d, d + inner);
    else for (let k = 0; k < inner; k++) heap[d + k * di] = heap[s + k * si];
  }
}

export function copyOnGpu(ctx: GpuContext, src: GpuBinding, dst: GpuBinding, c: StridedCopy): void {
  const n = sizeOf(c.shape);
  if (n === 0) return;
  const merged = coalesceDims(c.shape, [c.srcStrides, c.dstStrides]);
  const shape = merged.shape.length ? merged.shape : [1];
  const [srcStrides, dstStrides] = merged.shape.length ? merged.strides : [[1], [1]];
  check(shape.length <= 8, "copy", () => `more than 8 dims after merging (shape [${c.shape.join(", ")}])`);
  const kernel = cachedKernel("copy/strided", () => ({ code: copyWgsl, bindings: ["read", "write"] }));
  const u = new Uniforms().u32(n).u32(shape.length).u32(c.srcOffset).u32(c.dstOffset).u32Array(shape, 2).u32Array(srcStrides, 2).u32Array(dstStrides, 2);
  ctx.dispatch(kernel, [src, dst], u, [Math.min(Math.ceil(n / 256), ctx.tuning.gridWorkgroups)]);
}

/** Fills `dst` with the 32-bit pattern of `value` (float32 or int32). */
export function fillOnGpu(ctx: GpuContext, dst: GpuBinding, n: number, value: number, dtype: "float32" | "int32"): void {
  if (n === 0) return;
  const bits = dtype === "int32" ? new Uint32Array(Int32Array.of(value).buffer)[0] : new Uint32Array(Float32Array.of(value).buffer)[0];
  const kernel = cachedKernel("fill/constant", () => ({ code: fillWgsl, bindings: ["write"], constants: { MODE: 0 } }));
  ctx.dispatch(kernel, [dst], new Uniforms().u32(n).u32(bits).f32(0).f32(0), [Math.min(Math.ceil(n / 256), ctx.tuning.gridWorkgroups)]);
}

/** Fills `dst` with start, start + step, ... */
export function arangeOnGpu(ctx: GpuContext, dst: GpuBinding, n: number, start: number, step: number, dtype: "float32" | "int32"): void {
  if (n === 0) return;
  const intOut = dtype === "int32" ? 1 : 0;
  const kernel = cachedKernel(`fill/arange/${dtype}`, () => ({ code: fillWgsl, bindings: ["write"], constants: { MODE: 1, INT_OUT: intOut } }));
  ctx.dispatch(kernel, [dst], new Uniforms().u32(n).u32(0).f32(start).f32(step), [Math.min(Math.ceil(n / 256), ctx.tuning.gridWorkgroups)]);
}
