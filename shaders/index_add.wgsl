// index_add: out[o, index[j], i] += src[o, j, i] (the gradient of index_select and embedding), with
// out viewed as [outer, dim_size, inner] and already zeroed. Several j may hit the same row, so the
// adds are atomic: WGSL has no float atomics, so a compare-exchange loop on the f32 bits.
// Indices outside [0, dim_size) are skipped, and so is index `skip` (embedding's padding_idx; a
// value outside the range, such as dim_size, skips none).
//
// Bindings: 0 uniform Params; 1 src (read, array<f32>); 2 index (read, array<i32>);
//           3 out (read_write, array<atomic<u32>>).
// Uniforms: n = src elements, dim_size, n_index, inner, skip.
// Dispatch: [workgroups] of 256 threads, grid-stride over n.

struct Params {
  n: u32,
  dim_size: u32,
  n_index: u32,
  inner: u32,
  skip: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<atomic<u32>>;

fn atomic_add_f32(at: u32, v: f32) {
  var old = atomicLoad(&out[at]);
  loop {
    let r = atomicCompareExchangeWeak(&out[at], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var i = gid.x; i < params.n; i += threads) {
    let inner = i % params.inner;
    let j = (i / params.inner) % params.n_index;
    let o = i / (params.inner * params.n_index);
    let k = index[j];
    if (k >= 0 && u32(k) < params.dim_size && u32(k) != params.skip) {
      atomic_add_f32((o * params.dim_size + u32(k)) * params.inner + inner, src[i]);
    }
  }
}
