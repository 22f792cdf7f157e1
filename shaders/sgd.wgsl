// Fused SGD over a whole parameter arena, PyTorch's torch.optim.SGD:
//   g = grad + weight_decay p
//   with momentum: buf = g on the first step, else momentum buf + (1 - dampening) g;
//                  then g = g + momentum buf (Nesterov) or g = buf
//   p = p - lr g
//
// Bindings: 0 uniform Params; 1 grad (read); 2 param (read_write); with momentum 3 buf (read_write).
// Uniforms: n elements, lr, weight_decay, momentum, dampening, nesterov (0/1), first step (0/1).
// Dispatch: [workgroups] of 256 threads, grid-stride over n.
// Spliced by the host: MOMENTUM (the buf binding and the momentum rule, or a pass-through).

struct Params {
  n: u32,
  lr: f32,
  weight_decay: f32,
  momentum: f32,
  dampening: f32,
  nesterov: u32,
  first: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
{{MOMENTUM}}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var i = gid.x; i < params.n; i += threads) {
    let p = param[i];
    let g = with_momentum(i, grad[i] + params.weight_decay * p);
    param[i] = p - params.lr * g;
  }
}
