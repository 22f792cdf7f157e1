// Dropout: out[i] = x[i] / (1 - p) where uniform(key, i) >= p, else 0. The mask is regenerated from
// the key, never stored: the backward pass runs this same kernel on dy with the same key.
//
// Bindings: 0 uniform Params; 1 x (read, array<f32>); 2 out (read_write, array<f32>).
// Uniforms: n elements, key, p (drop probability), scale = 1 / (1 - p).
// Dispatch: [workgroups] of 256 threads, grid-stride over n.
// Spliced by the host: RNG (shaders/rng.wgsl, with shaders/math.wgsl for its cos_f).

struct Params {
  n: u32,
  key: u32,
  p: f32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

{{RNG}}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var i = gid.x; i < params.n; i += threads) {
    out[i] = select(0.0, x[i] * params.scale, uniform01(params.key, i) >= params.p);
  }
}
