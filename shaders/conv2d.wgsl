// Convolution variants of the GEMM core (gemm.wgsl is appended): implicit GEMM, so no im2col
// buffer is ever built; the loaders compute which input pixel each (row, column) of the product is.
// NCHW tensors, weights [C_out, C_in, KH, KW]; padding may differ on each side (padding='same').
//   MODE 0 forward:          y[n, co, oh, ow]  = sum_{ci, i, j} x[n, ci, oh s - p + i d, ...] w[co, ci, i, j] (+ bias)
//                            GEMM M = N OH OW, N = C_out, K = C_in KH KW
//   MODE 1 backward input:   dx[n, ci, h, w]   = sum_{co, i, j} dy[n, co, (h + p - i d) / s, ...] w[co, ci, i, j]
//                            (only where the division is exact and in range) GEMM M = N H W, N = C_in, K = C_out KH KW
//   MODE 2 backward weight:  dw[co, ci, i, j]  = sum_{n, oh, ow} dy[n, co, oh, ow] x[n, ci, oh s - p + i d, ...]
//                            GEMM M = C_out, N = C_in KH KW, K = N OH OW
//   MODE 3 input-gradient columns (emulators; col2im.wgsl then sums them into dx): a dense product
//                            cols[(ci, i, j), (n, oh, ow)] = sum_co w[co, ci, i, j] dy[n, co, oh, ow]
//                            GEMM M = C_in KH KW, N = N OH OW, K = C_out
//
// Bindings: 0 uniform Params; 1 a (read: x, dy, dy, w for modes 0-3); 2 bmat (read: w, w, x, dy);
//           3 c (read_write: y, dx, dw, cols); the fused-bias forward adds 4 bias (read).
// Uniforms: GEMM sizes M, N, K (batch = 1), then the convolution's geometry.
// Overrides: MODE, and the GEMM core's tile sizes.

struct Params {
  M: u32,
  N: u32,
  K: u32,
  batch: u32,
  images: u32,
  c_in: u32,
  h: u32,
  w: u32,
  c_out: u32,
  oh: u32,
  ow: u32,
  kh: u32,
  kw: u32,
  stride_h: u32,
  stride_w: u32,
  pad_h: u32,
  pad_w: u32,
  dil_h: u32,
  dil_w: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> bmat: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
{{BIAS_DECL}}

override MODE: u32 = 0u;

fn begin_batch(b: u32) {}

// Rows and columns of A and B as (base offset, y, x) triples, computed once per row, column and k
// (gemm.wgsl's contract); only a_at and b_at run per element.
struct Idx {
  base: i32,
  y: i32,
  x: i32,
}
alias RowA = Idx;
alias KA = Idx;
alias ColB = Idx;
alias KB = Idx;

fn signed(v: u32) -> i32 {
  return i32(v);
}

// x[base + (y, x)] or 0 outside the image.
fn pixel(base: i32, y: i32, x: i32) -> f32 {
  if (y < 0 || x < 0 || y >= signed(params.h) || x >= signed(params.w)) { return 0.0; }
  let at = base + y * signed(params.w) + x;
  if (MODE == 2u) { return bmat[at]; }
  return a[at];
}

// dy[base + (oh, ow)] or 0 past the output's edge (oh, ow >= 0 already).
fn dy_at(base: i32, oh: i32, ow: i32) -> f32 {
  if (oh >= signed(params.oh) || ow >= signed(params.ow)) { return 0.0; }
  return a[base + oh * signed(params.ow) + ow];
}

fn row_a(m: u32) -> RowA {
  let ohw = params.oh * params.ow;
  if (MODE == 3u) { return RowA(signed(m), 0, 0); } // m = (ci, i, j)
  if (MODE == 0u) {
    // m = (image, oh, ow): the top-left input pixel of its window
    let p = m % ohw;
    return RowA(signed((m / ohw) * params.c_in * params.h * params.w), signed((p / params.ow) * params.stride_h) - signed(params.pad_h), signed((p % params.ow) * params.stride_w) - signed(params.pad_w));
  }
  if (MODE == 1u) {
    // m = (image, h, w) of dx, shifted by the padding
    let hw = params.h * params.w;
    let p = m % hw;
    return RowA(signed((m / hw) * params.c_out * ohw), signed(p / params.w + params.pad_h), signed(p % params.w + params.pad_w));
  }
  return RowA(signed(m * ohw), 0, 0); // m = output channel of dw
}

fn k_a(k: u32) -> KA {
  let khw = params.kh * params.kw;
  if (MODE == 3u) { return KA(signed(k * params.c_in * khw), 0, 0); } // w[co = k, ...]
  let r = k % khw;
  if (MODE == 0u) {
    // k = (ci, i, j)
    return KA(signed((k / khw) * params.h * params.w), signed((r / params.kw) * params.dil_h), signed((r % params.kw) * params.dil_w));
  }
  if (MODE == 1u) {
    // k = (co, i, j)
    return KA(signed((k / khw) * params.oh * params.ow), signed((r / params.kw) * params.dil_h), signed((r % params.kw) * params.dil_w));
  }
  // k = (image, oh, ow)
  let ohw = params.oh * params.ow;
  return KA(signed((k / ohw) * params.c_out * ohw + k % ohw), 0, 0);
}

fn a_at(r: RowA, k: KA) -> f32 {
  if (MODE == 3u) { return a[r.base + k.base]; }
  if (MODE == 0u) { return pixel(r.base + k.base, r.y + k.y, r.x + k.x); }
  if (MODE == 1u) {
    // dy[oh, ow] with oh s = h + p - i d exactly
    let th = r.y - k.y;
    let tw = r.x - k.x;
    if (th < 0 || tw < 0) { return 0.0; }
    if (params.stride_h == 1u && params.stride_w == 1u) { return dy_at(r.base + k.base, th, tw); }
    if (th % signed(params.stride_h) != 0 || tw % signed(params.stride_w) != 0) { return 0.0; }
    return dy_at(r.base + k.base, th / signed(params.stride_h), tw / signed(params.stride_w));
  }
  return a[r.base + k.base];
}

fn col_b(n: u32) -> ColB {
  let khw = params.kh * params.kw;
  if (MODE == 3u) {
    // n = (image, oh, ow) of dy
    let ohw = params.oh * params.ow;
    return ColB(signed((n / ohw) * params.c_out * ohw + n % ohw), 0, 0);
  }
  if (MODE == 0u) { return ColB(signed(n * params.K), 0, 0); } // w[co = n, k]
  if (MODE == 1u) { return ColB(signed(n * khw), 0, 0); } // w[co, ci = n, i, j]
  // n = (ci, i, j): the tap's offset from a window's top-left pixel
  let r = n % khw;
  return ColB(signed((n / khw) * params.h * params.w), signed((r / params.kw) * params.dil_h) - signed(params.pad_h), signed((r % params.kw) * params.dil_w) - signed(params.pad_w));
}

fn k_b(k: u32) -> KB {
  let khw = params.kh * params.kw;
  if (MODE == 3u) { return KB(signed(k * params.oh * params.ow), 0, 0); } // dy channel co = k
  if (MODE == 0u) { return KB(signed(k), 0, 0); }
  if (MODE == 1u) { return KB(signed((k / khw) * params.c_in * khw + k % khw), 0, 0); } // k = (co, i, j)
  // k = (image, oh, ow): the window's top-left pixel before padding
  let ohw = params.oh * params.ow;
  let p = k % ohw;
  return KB(signed((k / ohw) * params.c_in * params.h * params.w), signed((p / params.ow) * params.stride_h), signed((p % params.ow) * params.stride_w));
}

fn b_at(k: KB, c: ColB) -> f32 {
  if (MODE == 2u) { return pixel(k.base + c.base, k.y + c.y, k.x + c.x); }
  return bmat[c.base + k.base];
}

fn store_c(b: u32, m: u32, n: u32, value: f32) {
  if (MODE == 0u) {
    let ohw = params.oh * params.ow;
    c[((m / ohw) * params.c_out + n) * ohw + m % ohw] = value + bias_at(n);
  } else if (MODE == 1u) {
    let hw = params.h * params.w;
    c[((m / hw) * params.c_in + n) * hw + m % hw] = value;
  } else {
    c[m * params.N + n] = value; // MODE 2: dw; MODE 3: cols
  }
}
