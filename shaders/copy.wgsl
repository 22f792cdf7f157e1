// Strided copy: the one data-movement kernel behind permute, expand, slice, cat, pad and contiguous
// copies. For every coordinate c of `shape`:
//   dst[dst_offset + sum_d c_d * dst_strides_d] = src[src_offset + sum_d c_d * src_strides_d]
// Elements are copied as raw 32-bit words, so one kernel serves float32 and int32.
//
// Bindings: 0 uniform Params; 1 src (read, array<u32>); 2 dst (read_write, array<u32>).
// Uniforms: n = elements of shape, rank <= 8, element offsets, shape and both strides.
// Dispatch: [workgroups] of 256 threads, grid-stride over n.

struct Params {
  n: u32,
  rank: u32,
  src_offset: u32,
  dst_offset: u32,
  shape: array<vec4<u32>, 2>,
  src_strides: array<vec4<u32>, 2>,
  dst_strides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var i = gid.x; i < params.n; i += threads) {
    var rest = i;
    var s = params.src_offset;
    var d = params.dst_offset;
    for (var k = i32(params.rank) - 1; k >= 0; k--) {
      let q = u32(k) / 4u;
      let r = u32(k) % 4u;
      let size = params.shape[q][r];
      let c = rest % size;
      rest = rest / size;
      s += c * params.src_strides[q][r];
      d += c * params.dst_strides[q][r];
    }
    dst[d] = src[s];
  }
}
