// Direct GEMM core, for CPU-emulated adapters (SwiftShader): the same contract as gemm.wgsl (the
// prepended variant's row_a/k_a/a_at, col_b/k_b/b_at, begin_batch, store_c) without shared memory
// or barriers, which an emulator pays for dearly. Each thread computes a 4 x 4 block of C straight
// from A and B (the CPU's caches do the tiling), describing its 4 rows and 4 columns once and each
// k once, so the index arithmetic of convolutions is not repeated for every element.
// Overrides: WG_X, WG_Y (threads per workgroup along N and M).
// Dispatch: [ceil(N / (4 WG_X)), ceil(M / (4 WG_Y)), batch].

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override BK: u32 = 1u; // unused here; kept so both cores take the same constants

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let b = wid.z;
  let row0 = (wid.y * WG_Y + lid.y) * 4u;
  let col0 = (wid.x * WG_X + lid.x) * 4u;
  let M = params.M;
  let N = params.N;
  let K = params.K;
  begin_batch(b);
  if (row0 >= M || col0 >= N) { return; }
  if (row0 + 4u <= M && col0 + 4u <= N) {
    // Full 4 x 4 block: straight-line code with no dynamic indexing (emulators unroll nothing).
    let r0 = row_a(row0);
    let r1 = row_a(row0 + 1u);
    let r2 = row_a(row0 + 2u);
    let r3 = row_a(row0 + 3u);
    let c0 = col_b(col0);
    let c1 = col_b(col0 + 1u);
    let c2 = col_b(col0 + 2u);
    let c3 = col_b(col0 + 3u);
    var acc0 = vec4<f32>();
    var acc1 = vec4<f32>();
    var acc2 = vec4<f32>();
    var acc3 = vec4<f32>();
    for (var k = 0u; k < K; k++) {
      let ka = k_a(k);
      let kb = k_b(k);
      let bv = vec4<f32>(b_at(kb, c0), b_at(kb, c1), b_at(kb, c2), b_at(kb, c3));
      acc0 += a_at(r0, ka) * bv;
      acc1 += a_at(r1, ka) * bv;
      acc2 += a_at(r2, ka) * bv;
      acc3 += a_at(r3, ka) * bv;
    }
    store_row(b, row0, col0, acc0);
    store_row(b, row0 + 1u, col0, acc1);
    store_row(b, row0 + 2u, col0, acc2);
    store_row(b, row0 + 3u, col0, acc3);
    return;
  }
  // Edge block (fewer than 4 rows or columns left).
  let rows = min(M - row0, 4u);
  let cols = min(N - col0, 4u);
  var acc: array<vec4<f32>, 4>;
  for (var k = 0u; k < K; k++) {
    let ka = k_a(k);
    let kb = k_b(k);
    var bv = vec4<f32>(0.0);
    for (var j = 0u; j < cols; j++) { bv[j] = b_at(kb, col_b(col0 + j)); }
    for (var i = 0u; i < rows; i++) { acc[i] += a_at(row_a(row0 + i), ka) * bv; }
  }
  for (var i = 0u; i < rows; i++) {
    for (var j = 0u; j < cols; j++) { store_c(b, row0 + i, col0 + j, acc[i][j]); }
  }
}

fn store_row(b: u32, m: u32, n: u32, v: vec4<f32>) {
  store_c(b, m, n, v.x);
  store_c(b, m, n + 1u, v.y);
  store_c(b, m, n + 2u, v.z);
  store_c(b, m, n + 3u, v.w);
}
