// Gradients of softmax and log-softmax along one dim, rows laid out as in softmax.wgsl.
//   MODE 0 softmax:     dx = y (dy - sum(dy y))
//   MODE 1 log-softmax: dx = dy - exp(y) sum(dy)
//
// Bindings: 0 uniform Params; 1 dy (read, array<f32>); 2 y (read, array<f32>: the forward output);
//           3 dx (read_write, array<f32>).
// Uniforms: rows = outer * inner, D, inner.
// Overrides: MODE; PER_WORKGROUP and WG as in softmax.wgsl.
// Dispatch: as softmax.wgsl.

struct Params {
  rows: u32,
  D: u32,
  inner: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

override MODE: u32 = 0u;
override PER_WORKGROUP: u32 = 0u;
override WG: u32 = 64u;

var<workgroup> partial: array<f32, WG>;

fn base_of(row: u32) -> u32 {
  return (row / params.inner) * params.D * params.inner + row % params.inner;
}

fn term(at: u32) -> f32 {
  if (MODE == 0u) { return dy[at] * y[at]; }
  return dy[at];
}

fn finish(at: u32, s: f32) {
  if (MODE == 0u) { dx[at] = y[at] * (dy[at] - s); } else { dx[at] = dy[at] - exp(y[at]) * s; }
}

@compute @workgroup_size(WG)
fn main(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let D = params.D;
  let step = params.inner;
  if (PER_WORKGROUP == 1u) {
    let row = wid.x + wid.y * groups.x;
    if (row >= params.rows) { return; }
    let base = base_of(row);
    var s = 0.0;
    for (var d = lid; d < D; d += WG) { s += term(base + d * step); }
    partial[lid] = s;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
      if (lid < stride) { partial[lid] += partial[lid + stride]; }
      workgroupBarrier();
    }
    let total = partial[0];
    for (var d = lid; d < D; d += WG) { finish(base + d * step, total); }
    return;
  }
  let threads = groups.x * WG;
  for (var row = gid.x; row < params.rows; row += threads) {
    let base = base_of(row);
    var s = 0.0;
    for (var d = 0u; d < D; d++) { s += term(base + d * step); }
    for (var d = 0u; d < D; d++) { finish(base + d * step, s); }
  }
}
