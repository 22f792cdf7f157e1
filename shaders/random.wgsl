// Random fills: uniform in [a, b) (MODE 0) or normal with mean a and std b (MODE 1), from a key.
//
// Bindings: 0 uniform Params; 1 out (read_write, array<f32>).
// Uniforms: n elements, key (drawn by the host's seeded generator), a, b.
// Overrides: MODE.
// Dispatch: [workgroups] of 256 threads, grid-stride over n.
// Spliced by the host: RNG (shaders/rng.wgsl, with shaders/math.wgsl for its cos_f).

struct Params {
  n: u32,
  key: u32,
  a: f32,
  b: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

override MODE: u32 = 0u;

{{RNG}}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var i = gid.x; i < params.n; i += threads) {
    if (MODE == 0u) {
      out[i] = params.a + (params.b - params.a) * uniform01(params.key, i);
    } else {
      out[i] = params.a + params.b * normal01(params.key, i);
    }
  }
}
