// Convolution variants of the GEMM core (gemm.wgsl is appended): implicit GEMM, so no im2col
// buffer is ever built; the loaders compute which input pixel each (row, column) of the product is.
// NCHW tensors, weights [C_out, C_in, KH, KW]; padding may differ on each side (padding='same').
//   MODE 0 forward:          y[n, co, oh, ow]  = sum_{ci, i, j} x[n, ci, oh s - p + i d, ...] w[co, ci, i, j] (+ bias)
//                            GEMM M = N OH OW, N = C_out, K = C_in KH KW
//   MODE 1 backward input:   dx[n, ci, h, w]   = sum_{co, i, j} dy[n, co, (h + p - i d) / s, ...] w[co, ci, i, j]
//                            (only where the division is exact and in range) GEMM M = N H W, N = C_in, K = C_out KH KW
//   MODE 2 backward weight:  dw[co, ci, i, j]  = sum_{n, oh, ow} dy[n, co, oh, ow] x[n, ci, oh s - p + i d, ...]
//                            GEMM M = C_out, N = C_in KH KW, K = N OH OW
//
// Bindings: 0 uniform Params; 1 a (read: x, dy, dy for modes 0, 1, 2); 2 b (read: w, w, x);
//           3 c (read_write: y, dx, dw); the fused-bias forward adds 4 bias (read).
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

// x[n, ci, ih, iw] with ih = oh s - p + i d (zero outside the image).
fn input_at(n: u32, ci: u32, oh: u32, ow: u32, i: u32, j: u32) -> f32 {
  let ih = i32(oh * params.stride_h + i * params.dil_h) - i32(params.pad_h);
  let iw = i32(ow * params.stride_w + j * params.dil_w) - i32(params.pad_w);
  if (ih < 0 || iw < 0 || ih >= i32(params.h) || iw >= i32(params.w)) { return 0.0; }
  return x_value(((n * params.c_in + ci) * params.h + u32(ih)) * params.w + u32(iw));
}

fn x_value(at: u32) -> f32 {
  if (MODE == 2u) { return bmat[at]; }
  return a[at];
}

fn load_a(b: u32, m: u32, k: u32) -> f32 {
  let khw = params.kh * params.kw;
  let ohw = params.oh * params.ow;
  if (MODE == 0u) {
    // row m = (n, oh, ow); column k = (ci, i, j)
    let n = m / ohw;
    let p = m % ohw;
    let ci = k / khw;
    let r = k % khw;
    return input_at(n, ci, p / params.ow, p % params.ow, r / params.kw, r % params.kw);
  }
  if (MODE == 1u) {
    // row m = (n, h, w); column k = (co, i, j): dy[n, co, oh, ow] where oh s = h + p - i d exactly
    let hw = params.h * params.w;
    let n = m / hw;
    let h = (m % hw) / params.w;
    let w = m % params.w;
    let co = k / khw;
    let r = k % khw;
    let th = i32(h + params.pad_h) - i32((r / params.kw) * params.dil_h);
    let tw = i32(w + params.pad_w) - i32((r % params.kw) * params.dil_w);
    if (th < 0 || tw < 0) { return 0.0; }
    let uh = u32(th);
    let uw = u32(tw);
    if (uh % params.stride_h != 0u || uw % params.stride_w != 0u) { return 0.0; }
    let oh = uh / params.stride_h;
    let ow = uw / params.stride_w;
    if (oh >= params.oh || ow >= params.ow) { return 0.0; }
    return a[((n * params.c_out + co) * params.oh + oh) * params.ow + ow];
  }
  // MODE 2: row m = co; column k = (n, oh, ow)
  let n = k / ohw;
  return a[(n * params.c_out + m) * ohw + k % ohw];
}

fn load_b(b: u32, k: u32, n: u32) -> f32 {
  let khw = params.kh * params.kw;
  if (MODE == 0u) {
    // w[co = n, k]
    return bmat[n * params.K + k];
  }
  if (MODE == 1u) {
    // w[co, ci = n, i, j] with k = (co, i, j)
    let co = k / khw;
    return bmat[(co * params.c_in + n) * khw + k % khw];
  }
  // MODE 2: x patch value for k = (image, oh, ow) and column n = (ci, i, j)
  let ohw = params.oh * params.ow;
  let image = k / ohw;
  let p = k % ohw;
  let ci = n / khw;
  let r = n % khw;
  return input_at(image, ci, p / params.ow, p % params.ow, r / params.kw, r % params.kw);
}

fn store_c(b: u32, m: u32, n: u32, value: f32) {
  if (MODE == 0u) {
    let ohw = params.oh * params.ow;
    c[((m / ohw) * params.c_out + n) * ohw + m % ohw] = value + bias_at(n);
  } else if (MODE == 1u) {
    let hw = params.h * params.w;
    c[((m / hw) * params.c_in + n) * hw + m % hw] = value;
  } else {
    c[m * params.N + n] = value;
  }
}
