/**
 * Columns of a convolution, for the wasm backend's GEMM-based conv2d: one image's input unrolled so
 * that a convolution is one matrix product. Row r = (ci·KH + i)·KW + j of `cols` holds, for every
 * output pixel (oh, ow), the input value that kernel tap (ci, i, j) sees there (0 in the padding):
 *
 *   cols[r][oh·OW + ow] = x[ci][oh·sh − pt + i·dh][ow·sw − pl + j·dw]
 *
 * Then y = W·cols (W as [C_out, C_in·KH·KW]); dW = dy·colsᵀ; and dx is col2im(Wᵀ·dy), which adds each
 * column entry back where it came from.
 */

/** One convolution's sizes and geometry, as the conv ops describe it. */
export interface ColumnGeometry {
  cIn: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  stride: [number, number];
  /** [top, bottom, left, right] */
  padding: [number, number, number, number];
  dilation: [number, number];
}

/**
 * Calls visit(at, row, firstColumn) for each row of output pixels of each kernel tap: `at` is where
 * the row (oh, 0) of tap r = (ci, i, j) starts in cols; `row` is where the input row it reads starts in
 * the image, (ci, ih, 0) with ih = oh·sh − pt + i·dh, or -1 when ih falls in the padding; pixel ow of
 * the row reads input column firstColumn + ow·sw, where firstColumn = j·dw − pl.
 */
function eachColumnRow(g: ColumnGeometry, visit: (at: number, row: number, firstColumn: number) => void): void {
  const [sh, dh, dw] = [g.stride[0], g.dilation[0], g.dilation[1]];
  const [pt, pl] = [g.padding[0], g.padding[2]];
  let at = 0;
  for (let ci = 0; ci < g.cIn; ci++)
    for (let i = 0; i < g.kh; i++)
      for (let j = 0; j < g.kw; j++)
        for (let oh = 0; oh < g.oh; oh++, at += g.ow) {
          const ih = oh * sh - pt + i * dh;
          visit(at, ih < 0 || ih >= g.h ? -1 : (ci * g.h + ih) * g.w, j * dw - pl);
        }
}

/**
 * Fills cols [C_in·KH·KW, OH·OW] from the image x[xAt ...] ([C_in, H, W]). (The sizes are read into
 * locals first: read from the geometry object inside the loop, they made it three times slower.)
 */
export function im2col(x: Float32Array, xAt: number, g: ColumnGeometry, cols: Float32Array): void {
  const [sw, width, outWidth] = [g.stride[1], g.w, g.ow];
  eachColumnRow(g, (at, row, first) => {
    if (row < 0) {
      cols.fill(0, at, at + outWidth);
      return;
    }
    const from = xAt + row;
    for (let ow = 0; ow < outWidth; ow++) {
      const iw = first + ow * sw;
      cols[at + ow] = iw >= 0 && iw < width ? x[from + iw] : 0;
    }
  });
}

/** Adds cols [C_in·KH·KW, OH·OW] back into the image dx[dxAt ...] ([C_in, H, W]): im2col's transpose. */
export function col2imAdd(cols: Float32Array, g: ColumnGeometry, dx: Float32Array, dxAt: number): void {
  const [sw, width, outWidth] = [g.stride[1], g.w, g.ow];
  eachColumnRow(g, (at, row, first) => {
    if (row < 0) return;
    const to = dxAt + row;
    for (let ow = 0; ow < outWidth; ow++) {
      const iw = first + ow * sw;
      if (iw >= 0 && iw < width) dx[to + iw] += cols[at + ow];
    }
  });
}
