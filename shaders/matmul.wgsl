// Matmul variant of the GEMM core (gemm.wgsl is appended): C = A @ B (+ bias), where A and B are
// read through strides, so transposed operands cost nothing and batch dims broadcast.
//
// Bindings: 0 uniform Params; 1 a (read, array<f32>); 2 b (read, array<f32>);
//           3 c (read_write, array<f32>); BIAS_DECL adds 4 bias (read, array<f32>) when fused.
// Uniforms: M, N, K, batch (product of the output's batch dims), batch_rank <= 4, the output batch
//           shape, A's and B's strides for each batch dim (0 where broadcast), A's (m, k) strides,
//           B's (k, n) strides. C is contiguous [batch, M, N].

struct Params {
  M: u32,
  N: u32,
  K: u32,
  batch: u32,
  batch_rank: u32,
  a_m: u32,
  a_k: u32,
  b_k: u32,
  b_n: u32,
  batch_shape: vec4<u32>,
  a_batch: vec4<u32>,
  b_batch: vec4<u32>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> bmat: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
{{BIAS_DECL}}

var<private> a_base: u32;
var<private> b_base: u32;

// Element offsets of batch b in A and B (batch dims broadcast through zero strides).
fn begin_batch(b: u32) {
  var rest = b;
  a_base = 0u;
  b_base = 0u;
  for (var d = i32(params.batch_rank) - 1; d >= 0; d--) {
    let size = params.batch_shape[d];
    let coord = rest % size;
    rest = rest / size;
    a_base += coord * params.a_batch[d];
    b_base += coord * params.b_batch[d];
  }
}

// A's row m and column k, and B's row k and column n, as offsets (see gemm.wgsl's contract).
struct RowA {
  at: u32,
}
struct KA {
  at: u32,
}
struct ColB {
  at: u32,
}
struct KB {
  at: u32,
}

fn row_a(m: u32) -> RowA {
  return RowA(a_base + m * params.a_m);
}

fn k_a(k: u32) -> KA {
  return KA(k * params.a_k);
}

fn a_at(r: RowA, k: KA) -> f32 {
  return a[r.at + k.at];
}

fn col_b(n: u32) -> ColB {
  return ColB(b_base + n * params.b_n);
}

fn k_b(k: u32) -> KB {
  return KB(k * params.b_k);
}

fn b_at(k: KB, c: ColB) -> f32 {
  return bmat[c.at + k.at];
}

fn store_c(b: u32, m: u32, n: u32, value: f32) {
  c[(b * params.M + m) * params.N + n] = value + bias_at(n);
}
