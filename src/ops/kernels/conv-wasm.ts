/**
 * The wasm backend's convolutions, as GEMMs over columns (src/backend/wasm/kernels/columns.ts: row
 * (ci, i, j) of an image's columns holds what kernel tap (ci, i, j) sees at every output pixel), except
 * the forward pass of a convolution with few output channels (stride 1 along the width): building its
 * columns would cost more than its multiply-adds, so the direct kernel of src/backend/wasm/kernels/
 * conv-direct.ts reads the input where it lies (2.4x TF.js on the bench's 3->16 5x5 convolution). The
 * images go in chunks: a chunk's columns sit side by side in one matrix cols [C_in·KH·KW, B·OH·OW], so
 * that each pass is one large product that the threads share, whatever the channel counts:
 *
 *   forward          Y = W·cols                      then each image's rows moved to y (+ bias)
 *   weight gradient  dW += dY·colsᵀ                  dY: the chunk's dy gathered as [C_out, B·OH·OW]
 *   input gradient   dcols = Wᵀ·dY                   then col2im adds each image's block into dx
 */
import type { ColumnArgs } from "../../backend/wasm/kernels/columns";
import { CONV_BLOCK, type DirectConvArgs, PLAN_FIELDS, ROW_SLACK } from "../../backend/wasm/kernels/conv-direct";
import type { WasmContext, WasmTensor } from "../../backend/wasm/wasm-backend";

/** A convolution's sizes: input [n, cIn, h, w], weight [cOut, cIn, kh, kw], output [n, cOut, oh, ow]. */
export interface ConvSizes {
  n: number;
  cIn: number;
  h: number;
  w: number;
  cOut: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
}

export interface ConvWindow {
  stride: [number, number];
  padding: [number, number, number, number];
  dilation: [number, number];
}

/**
 * Most floats of a chunk's columns, as many images as fit (at least one): 4 MB, so that the columns
 * and their packed copy stay in the last-level cache (1.3-1.5x faster than 16 MB chunks on the
 * 3->16 5x5 convolution of the bench, measured on 2 cores).
 */
const CHUNK_FLOATS = 1 << 20;

/** What a chunk's pass gets: its first image, its image count, its columns and the [C_out, B·OH·OW] block, and their row length. */
interface Chunk {
  first: number;
  count: number;
  cols: number;
  block: number;
  ld: number;
}

/** Runs `pass` over the images in chunks, with scratch columns and a [C_out, B·OH·OW] block. */
function inChunks(ctx: WasmContext, d: ConvSizes, pass: (chunk: Chunk) => void): void {
  const rows = d.cIn * d.kh * d.kw;
  const ohw = d.oh * d.ow;
  const per = Math.max(1, Math.min(d.n, Math.floor(CHUNK_FLOATS / (rows * ohw))));
  const colsBytes = rows * per * ohw * 4;
  const blockBytes = d.cOut * per * ohw * 4;
  const cols = ctx.heap.allocate(colsBytes);
  const block = ctx.heap.allocate(blockBytes);
  try {
    for (let first = 0; first < d.n; first += per) {
      const count = Math.min(per, d.n - first);
      pass({ first, count, cols, block, ld: count * ohw });
    }
  } finally {
    ctx.heap.free(block, blockBytes);
    ctx.heap.free(cols, colsBytes);
  }
}

/** The column kernels' arguments for image `image` (byte offset) and its block of columns. */
function columnArgs(image: number, cols: number, ld: number, d: ConvSizes, g: ConvWindow): ColumnArgs {
  return [image, cols, ld, d.cIn, d.h, d.w, d.oh, d.ow, d.kh, d.kw, g.stride[0], g.stride[1], g.padding[0], g.padding[2], g.dilation[0], g.dilation[1]];
}

/** Each image's columns of the chunk, side by side (the images shared among the threads). */
function chunkColumns(ctx: WasmContext, x: WasmTensor, d: ConvSizes, g: ConvWindow, c: Chunk): void {
  const image = d.cIn * d.h * d.w * 4;
  const ohw = d.oh * d.ow;
  const parts = Array.from({ length: c.count }, (_, b) => columnArgs(x.offset + (c.first + b) * image, c.cols + b * ohw * 4, c.ld, d, g));
  ctx.parallel("im2col", parts);
}

/**
 * Moves rows of OH·OW floats between the chunk's block [C_out, B·OH·OW] and a tensor [N, C_out, OH·OW]
 * (toBlock: gather dy; else: scatter y, adding bias[co] when given).
 */
function moveRows(ctx: WasmContext, t: WasmTensor, d: ConvSizes, c: Chunk, toBlock: boolean, bias?: WasmTensor): void {
  const ohw = d.oh * d.ow;
  const heap = ctx.heap.f32(0, ctx.heap.memory.buffer.byteLength / 4);
  const biases = bias ? ctx.heap.f32(bias.offset, d.cOut) : null;
  const affine = ctx.kernels["affine/vv"];
  for (let b = 0; b < c.count; b++)
    for (let co = 0; co < d.cOut; co++) {
      const inBlock = c.block / 4 + co * c.ld + b * ohw;
      const inTensor = t.offset / 4 + ((c.first + b) * d.cOut + co) * ohw;
      if (toBlock) heap.copyWithin(inBlock, inTensor, inTensor + ohw);
      else if (biases) affine(ohw, inBlock * 4, inBlock * 4, inTensor * 4, 1, biases[co]);
      else heap.copyWithin(inTensor, inBlock, inBlock + ohw);
    }
}

/**
 * Whether the forward pass goes without columns (src/backend/wasm/kernels/conv-direct.ts): stride 1
 * along the width, and few output channels, where building and packing the columns would cost more
 * than the multiply-adds.
 */
function takesDirect(d: ConvSizes, g: ConvWindow): boolean {
  return g.stride[1] === 1 && d.cOut <= DIRECT_MAX_CHANNELS;
}

/** Most output channels the direct convolution takes (a 32->64 convolution is faster through columns, measured). */
const DIRECT_MAX_CHANNELS = 16;

/**
 * The forward pass without columns: the weights splatted block by block (bias first), a plan of sizes
 * and tap offsets, one padded image of scratch per band of images, the bands shared by the threads.
 */
function conv2dDirect(ctx: WasmContext, x: WasmTensor, w: WasmTensor, bias: WasmTensor | undefined, y: WasmTensor, d: ConvSizes, g: ConvWindow): void {
  if (d.n === 0 || d.oh === 0 || d.ow === 0) return; // nothing to compute (and no bands to cut)
  const [pt, pb, pl, pr] = g.padding;
  const taps = d.cIn * d.kh * d.kw;
  const hp = pt + d.h + pb;
  const wp = pl + d.w + pr + ROW_SLACK; // a row's last pixels read no further
  const blocks = Math.ceil(d.cOut / CONV_BLOCK);
  const heap = ctx.heap;
  const weightBytes = blocks * (1 + taps) * CONV_BLOCK * 16;
  const planBytes = (PLAN_FIELDS.length + taps) * 4;
  const scratchBytes = Math.ceil((d.cIn * hp * wp) / 4) * 16;
  const bands = Math.min(d.n, ctx.threads);
  const weights = heap.allocate(weightBytes);
  const plan = heap.allocate(planBytes);
  const scratch = heap.allocate(scratchBytes * bands);
  try {
    const splats = heap.f32(weights, weightBytes / 4);
    const wValues = heap.f32(w.offset, d.cOut * taps);
    const biases = bias ? heap.f32(bias.offset, d.cOut) : null;
    splats.fill(0);
    for (let co = 0; co < d.cOut; co++) {
      // Channel co is splat co % CONV_BLOCK of block ⌊co / CONV_BLOCK⌋: its bias, then each tap's weight.
      const at = Math.floor(co / CONV_BLOCK) * (1 + taps) * CONV_BLOCK * 4 + (co % CONV_BLOCK) * 4;
      if (biases) splats.fill(biases[co], at, at + 4);
      for (let k = 0; k < taps; k++) {
        const to = at + (1 + k) * CONV_BLOCK * 4;
        splats.fill(wValues[co * taps + k], to, to + 4);
      }
    }
    const fields = { cIn: d.cIn, h: d.h, w: d.w, cOut: d.cOut, oh: d.oh, ow: d.ow, taps, sh: g.stride[0], pt, pl, hp, wp };
    const planValues = heap.i32(plan, planBytes / 4);
    planValues.set(PLAN_FIELDS.map((f) => fields[f]));
    let k = PLAN_FIELDS.length;
    for (let ci = 0; ci < d.cIn; ci++)
      for (let i = 0; i < d.kh; i++) for (let j = 0; j < d.kw; j++) planValues[k++] = ((ci * hp + i * g.dilation[0]) * wp + j * g.dilation[1]) * 4;
    const per = Math.ceil(d.n / bands);
    const parts: DirectConvArgs[] = [];
    for (let b = 0; b < bands; b++) {
      const n0 = b * per;
      if (n0 < d.n) parts.push([x.offset, y.offset, weights, plan, scratch + b * scratchBytes, n0, Math.min(d.n, n0 + per)]);
    }
    ctx.parallel("convDirect", parts);
  } finally {
    heap.free(scratch, scratchBytes * bands);
    heap.free(plan, planBytes);
    heap.free(weights, weightBytes);
  }
}

export function conv2dWasm(ctx: WasmContext, x: WasmTensor, w: WasmTensor, bias: WasmTensor | undefined, y: WasmTensor, d: ConvSizes, g: ConvWindow): void {
  if (takesDirect(d, g)) {
    conv2dDirect(ctx, x, w, bias, y, d, g);
    return;
  }
  const rows = d.cIn * d.kh * d.kw;
  inChunks(ctx, d, (c) => {
    chunkColumns(ctx, x, d, g, c);
    ctx.gemm({ M: d.cOut, N: c.ld, K: rows, a: w.offset, aM: rows, aK: 1, b: c.cols, bK: c.ld, bN: 1, c: c.block, bias: 0 });
    moveRows(ctx, y, d, c, false, bias);
  });
}

export function conv2dBackwardWeightWasm(ctx: WasmContext, x: WasmTensor, dy: WasmTensor, dw: WasmTensor, d: ConvSizes, g: ConvWindow): void {
  const rows = d.cIn * d.kh * d.kw;
  ctx.heap.f32(dw.offset, d.cOut * rows).fill(0);
  inChunks(ctx, d, (c) => {
    chunkColumns(ctx, x, d, g, c);
    moveRows(ctx, dy, d, c, true);
    ctx.gemm({ M: d.cOut, N: rows, K: c.ld, a: c.block, aM: c.ld, aK: 1, b: c.cols, bK: 1, bN: c.ld, c: dw.offset, bias: 0, accumulate: true });
  });
}

export function conv2dBackwardInputWasm(ctx: WasmContext, dy: WasmTensor, w: WasmTensor, dx: WasmTensor, d: ConvSizes, g: ConvWindow): void {
  const rows = d.cIn * d.kh * d.kw;
  const image = d.cIn * d.h * d.w;
  const ohw = d.oh * d.ow;
  ctx.heap.f32(dx.offset, d.n * image).fill(0);
  inChunks(ctx, d, (c) => {
    moveRows(ctx, dy, d, c, true);
    ctx.gemm({ M: rows, N: c.ld, K: d.cOut, a: w.offset, aM: 1, aK: rows, b: c.block, bK: c.ld, bN: 1, c: c.cols, bias: 0 });
    // Each image's columns summed into its own block of dx: the images shared among the threads.
    const parts = Array.from({ length: c.count }, (_, b) => columnArgs(dx.offset + (c.first + b) * image * 4, c.cols + b * ohw * 4, c.ld, d, g));
    ctx.parallel("col2imAdd", parts);
  });
}
