// Fused optimizer update over a range of a flat parameter arena: one thread per element walks
// the grid; the host splices in the optimizer's rule (sgd.ts, adam.ts, adagrad.ts, rmsprop.ts,
// adadelta.ts hold the formulas beside their CPU references).
//
// Bindings: 0 uniform Params; 1 grad (read); 2 param (read_write); 3.. the optimizer's state arenas
//           (read_write), in the order the rule names them.
// Uniforms: n elements, then the rule's scalars (all f32: learning rate, betas, flags as 0/1...).
// Dispatch: [workgroups] of 256 threads, grid-stride over n.
// Spliced by the host at the double-brace markers: FIELDS (the scalars), STATES (their bindings),
// UPDATE (statements reading g and updating p and the states at element i).

struct Params {
  n: u32,
{{FIELDS}}
}

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
{{STATES}}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var i = gid.x; i < u.n; i += threads) {
    var g = grad[i];
    var p = param[i];
{{UPDATE}}
    param[i] = p;
  }
}
