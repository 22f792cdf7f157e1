// Fused Adam / AdamW over a whole parameter arena, PyTorch's torch.optim.Adam and AdamW:
//   Adam:  g = grad + weight_decay p          AdamW: p = p (1 - lr weight_decay), g = grad
//   m = beta1 m + (1 - beta1) g
//   v = beta2 v + (1 - beta2) g^2             (AMSGrad: vmax = max(vmax, v), used for v below)
//   p = p - (lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps),  bc_k = 1 - beta_k^step
//
// Bindings: 0 uniform Params; 1 grad (read); 2 param, 3 m, 4 v (read_write); AMSGrad 5 vmax.
// Uniforms: n, lr, beta1, beta2, eps, weight_decay, decoupled (AdamW: 1), bc1, sqrt(bc2).
// Dispatch: [workgroups] of 256 threads, grid-stride over n.
// Spliced by the host: AMSGRAD (the vmax binding and the max rule, or a pass-through).

struct Params {
  n: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
  decoupled: u32,
  bc1: f32,
  bc2_sqrt: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> param: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
{{AMSGRAD}}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var i = gid.x; i < params.n; i += threads) {
    var p = param[i];
    var g = grad[i];
    if (params.decoupled == 1u) {
      p = p * (1.0 - params.lr * params.weight_decay);
    } else {
      g = g + params.weight_decay * p;
    }
    let mi = params.beta1 * m[i] + (1.0 - params.beta1) * g;
    let vi = params.beta2 * v[i] + (1.0 - params.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    let denom = sqrt(second_moment(i, vi)) / params.bc2_sqrt + params.eps;
    param[i] = p - (params.lr / params.bc1) * mi / denom;
  }
}
