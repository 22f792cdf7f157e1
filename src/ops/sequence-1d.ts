/**
 * 1-D convolution and pooling over sequences [N, C, L] (PyTorch's conv1d, max_pool1d, avg_pool1d):
 * each is its 2-D form over a height of 1, so the sequence models share the image kernels (the
 * GEMM convolution, the pooling windows) and their gradients on every backend.
 */
import { check, fmtShape } from "../errors";
import type { Tensor } from "../tensor/tensor";
import { conv2d } from "./conv";
import { avgPool2d, maxPool2d } from "./pool";
import { reshape } from "./shape-ops";

export interface Conv1dOptions {
  stride?: number;
  /** Zeros on each end, or 'valid' (none) or 'same' (output length = input length, stride 1). */
  padding?: number | "same" | "valid";
  dilation?: number;
}

export interface Pool1dOptions {
  /** Defaults to the kernel size. */
  stride?: number;
  padding?: number;
  ceilMode?: boolean;
}

/** [N, C, L] as [N, C, 1, L]. */
function asImage(op: string, x: Tensor): Tensor {
  check(x.rank === 3, op, () => `input must be [batch, channels, length], got ${fmtShape(x.shape)}`);
  return reshape(x, [x.shape[0], x.shape[1], 1, x.shape[2]]);
}

/** [N, C, 1, L'] back to [N, C, L']. */
const asSequence = (y: Tensor) => reshape(y, [y.shape[0], y.shape[1], y.shape[3]]);

/** 1-D convolution of x [N, C_in, L] with weight [C_out, C_in, K] (+ bias [C_out]). */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  check(weight.rank === 3, "conv1d", () => `weight must be [C_out, C_in, K], got ${fmtShape(weight.shape)}`);
  const { padding = 0 } = options;
  const y = conv2d(asImage("conv1d", x), reshape(weight, [weight.shape[0], weight.shape[1], 1, weight.shape[2]]), bias, {
    stride: [1, options.stride ?? 1],
    padding: typeof padding === "number" ? [0, padding] : padding,
    dilation: [1, options.dilation ?? 1],
  });
  return asSequence(y);
}

/** Max over windows of `kernelSize` steps of x [N, C, L]. */
export function maxPool1d(x: Tensor, kernelSize: number, options: Pool1dOptions = {}): Tensor {
  return asSequence(maxPool2d(asImage("maxPool1d", x), [1, kernelSize], windowOptions(kernelSize, options)));
}

/** Mean over windows of `kernelSize` steps of x [N, C, L]; countIncludePad (default true) divides by the full window. */
export function avgPool1d(x: Tensor, kernelSize: number, options: Pool1dOptions & { countIncludePad?: boolean } = {}): Tensor {
  return asSequence(avgPool2d(asImage("avgPool1d", x), [1, kernelSize], { ...windowOptions(kernelSize, options), countIncludePad: options.countIncludePad }));
}

const windowOptions = (kernelSize: number, o: Pool1dOptions) => ({
  stride: [1, o.stride ?? kernelSize] as [number, number],
  padding: [0, o.padding ?? 0] as [number, number],
  ceilMode: o.ceilMode,
});
