// index_select: out[o, j, i] = x[o, index[j], i], with x viewed as [outer, dim_size, inner] and out
// as [outer, n_index, inner]. An index outside [0, dim_size) yields NaN (the CPU backend throws):
// a loud value instead of a silent wrong one.
//
// Bindings: 0 uniform Params; 1 x (read, array<u32>); 2 index (read, array<i32>); 3 out (read_write, array<u32>).
// Uniforms: n = out elements, dim_size, n_index, inner.
// Dispatch: [workgroups] of 256 threads, grid-stride over n.

struct Params {
  n: u32,
  dim_size: u32,
  n_index: u32,
  inner: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var i = gid.x; i < params.n; i += threads) {
    let inner = i % params.inner;
    let j = (i / params.inner) % params.n_index;
    let o = i / (params.inner * params.n_index);
    let k = index[j];
    if (k < 0 || u32(k) >= params.dim_size) {
      out[i] = 0x7fc00000u;
    } else {
      out[i] = x[(o * params.dim_size + u32(k)) * params.inner + inner];
    }
  }
}
