// Fills a tensor: a constant, or an arithmetic sequence (arange).
//
// Bindings: 0 uniform Params; 1 out (read_write, array<u32>: f32 or i32 bits).
// Uniforms: n elements; value = the constant's bits (MODE 0); start, step (MODE 1, as f32).
// Overrides: MODE (0 constant, 1 arange); INT_OUT (1: write i32, 0: write f32) for arange.
// Dispatch: [workgroups] of 256 threads, grid-stride over n.

struct Params {
  n: u32,
  value: u32,
  start: f32,
  step: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

override MODE: u32 = 0u;
override INT_OUT: u32 = 0u;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var i = gid.x; i < params.n; i += threads) {
    if (MODE == 0u) {
      out[i] = params.value;
    } else {
      let v = params.start + f32(i) * params.step;
      out[i] = select(bitcast<u32>(v), bitcast<u32>(i32(round(v))), INT_OUT == 1u);
    }
  }
}
