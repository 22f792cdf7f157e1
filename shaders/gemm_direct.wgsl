// Direct GEMM core, for CPU-emulated adapters (SwiftShader): the same contract as gemm.wgsl (the
// prepended variant's row_a/k_a/a_at, col_b/k_b/b_at, begin_batch, store_c) without shared memory
// or barriers, which an emulator pays for dearly. Each thread computes a 4 x 4 block of C straight
// from A and B (the CPU's caches do the tiling), describing its 4 rows and 4 columns once and each
// k once, so the index arithmetic of convolutions is not repeated for every element.
// Overrides: WG_X, WG_Y (threads per workgroup along N and M).
// Template: K_LOOP, the loop over k calling step_k (src/ops/kernels/gemm.ts: one k at a time, or four
// for plain matmuls, which an emulator runs 1.1-1.5x faster; unrolled, a convolution's index
// arithmetic made SwiftShader's compiler run for minutes).
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
  // Straight-line code over a full 4 x 4 block (emulators unroll nothing, and dynamic indexing
  // spills to memory); at the edges, rows and columns past the end repeat the last one, and are
  // not stored.
  let r0 = row_a(row0);
  let r1 = row_a(min(row0 + 1u, M - 1u));
  let r2 = row_a(min(row0 + 2u, M - 1u));
  let r3 = row_a(min(row0 + 3u, M - 1u));
  let c0 = col_b(col0);
  let c1 = col_b(min(col0 + 1u, N - 1u));
  let c2 = col_b(min(col0 + 2u, N - 1u));
  let c3 = col_b(min(col0 + 3u, N - 1u));
  var acc0 = vec4<f32>();
  var acc1 = vec4<f32>();
  var acc2 = vec4<f32>();
  var acc3 = vec4<f32>();
  {{K_LOOP}}
  store_row(b, row0, col0, acc0);
  store_row(b, row0 + 1u, col0, acc1);
  store_row(b, row0 + 2u, col0, acc2);
  store_row(b, row0 + 3u, col0, acc3);
}

// Stores the columns of one row that fall inside C.
fn store_row(b: u32, m: u32, n: u32, v: vec4<f32>) {
  if (m >= params.M) { return; }
  store_c(b, m, n, v.x);
  if (n + 1u < params.N) { store_c(b, m, n + 1u, v.y); }
  if (n + 2u < params.N) { store_c(b, m, n + 2u, v.z); }
  if (n + 3u < params.N) { store_c(b, m, n + 3u, v.w); }
}

// One k of the 4 x 4 block: acc_i += A[row i, k] * B[k, cols].
fn step_k(k: u32, r0: RowA, r1: RowA, r2: RowA, r3: RowA, c0: ColB, c1: ColB, c2: ColB, c3: ColB,
          acc0: ptr<function, vec4<f32>>, acc1: ptr<function, vec4<f32>>, acc2: ptr<function, vec4<f32>>, acc3: ptr<function, vec4<f32>>) {
  let ka = k_a(k);
  let kb = k_b(k);
  let bv = vec4<f32>(b_at(kb, c0), b_at(kb, c1), b_at(kb, c2), b_at(kb, c3));
  *acc0 += a_at(r0, ka) * bv;
  *acc1 += a_at(r1, ka) * bv;
  *acc2 += a_at(r2, ka) * bv;
  *acc3 += a_at(r3, ka) * bv;
}
