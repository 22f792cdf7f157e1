// Tiled GEMM core: C[b, m, n] = sum_k A(b, m, k) * B(b, k, n), shared by matmul and convolution.
// The variant prepended to this file (matmul.wgsl, conv2d.wgsl) defines Params (starting with
// M, N, K, batch), its bindings, and how A and B are read and C is written, in two steps so that
// index arithmetic is shared: row_a(m) -> RowA and k_a(k) -> KA describe a row and a column of A,
// a_at(RowA, KA) reads the element; likewise col_b(n) -> ColB, k_b(k) -> KB, b_at(KB, ColB) for B;
// begin_batch(b) runs once per workgroup; store_c(b, m, n, value) writes C.
// The core reads only inside bounds and stores only for m < M, n < N.
//
// Each workgroup of WG_X x WG_Y threads computes a (4 WG_Y) x (4 WG_X) tile of C, staging
// BK-deep slices of A and B in shared memory; each thread accumulates a 4x4 block in registers.
// Overrides: WG_X, WG_Y (threads), BK (depth of a K step).
// Dispatch: [ceil(N / (4 WG_X)), ceil(M / (4 WG_Y)), batch].

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override BK: u32 = 16u;

const TM_PER_THREAD: u32 = 4u;
const TN_PER_THREAD: u32 = 4u;

var<workgroup> tile_a: array<f32, BK * WG_Y * 4u>; // [BK][TM], k-major
var<workgroup> tile_b: array<f32, BK * WG_X * 4u>; // [BK][TN], k-major

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let TM = WG_Y * TM_PER_THREAD;
  let TN = WG_X * TN_PER_THREAD;
  let threads = WG_X * WG_Y;
  let t = lid.y * WG_X + lid.x;
  let b = wid.z;
  let row0 = wid.y * TM;
  let col0 = wid.x * TN;
  let M = params.M;
  let N = params.N;
  let K = params.K;
  begin_batch(b);

  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < K; k0 += BK) {
    for (var e = t; e < TM * BK; e += threads) {
      let r = e / BK;
      let kk = e % BK;
      let m = row0 + r;
      let k = k0 + kk;
      var v = 0.0;
      if (m < M && k < K) { v = a_at(row_a(m), k_a(k)); }
      tile_a[kk * TM + r] = v;
    }
    for (var e = t; e < TN * BK; e += threads) {
      let kk = e / TN;
      let c = e % TN;
      let n = col0 + c;
      let k = k0 + kk;
      var v = 0.0;
      if (n < N && k < K) { v = b_at(k_b(k), col_b(n)); }
      tile_b[kk * TN + c] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      let a = vec4<f32>(
        tile_a[kk * TM + lid.y * 4u],
        tile_a[kk * TM + lid.y * 4u + 1u],
        tile_a[kk * TM + lid.y * 4u + 2u],
        tile_a[kk * TM + lid.y * 4u + 3u],
      );
      let bv = vec4<f32>(
        tile_b[kk * TN + lid.x * 4u],
        tile_b[kk * TN + lid.x * 4u + 1u],
        tile_b[kk * TN + lid.x * 4u + 2u],
        tile_b[kk * TN + lid.x * 4u + 3u],
      );
      acc[0] += a.x * bv;
      acc[1] += a.y * bv;
      acc[2] += a.z * bv;
      acc[3] += a.w * bv;
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let m = row0 + lid.y * 4u + i;
    if (m >= M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = col0 + lid.x * 4u + j;
      if (n < N) { store_c(b, m, n, acc[i][j]); }
    }
  }
}
