// Softmax and log-softmax along one dim. The input is viewed as [outer, D, inner]: row r = (o, i)
// holds the D elements x[o D inner + d inner + i], d = 0..D-1, each normalised on its own.
//   MODE 0 softmax:     y = exp(x - max) / sum(exp(x - max))
//   MODE 1 log-softmax: y = x - max - log(sum(exp(x - max)))
//
// Bindings: 0 uniform Params; 1 x (read, array<f32>); 2 y (read_write, array<f32>).
// Uniforms: rows = outer * inner, D, inner.
// Overrides: MODE; PER_WORKGROUP (1: a workgroup of WG threads per row, reductions in shared
//            memory; 0: a thread per row); WG (a power of two).
// Dispatch: PER_WORKGROUP: [min(rows, 65535), ceil(rows / 65535)]; else [workgroups], grid-stride.

struct Params {
  rows: u32,
  D: u32,
  inner: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override MODE: u32 = 0u;
override PER_WORKGROUP: u32 = 0u;
override WG: u32 = 64u;

var<workgroup> partial: array<f32, WG>;

fn inf_f32() -> f32 {
  var bits = 0x7f800000u;
  return bitcast<f32>(bits);
}

fn base_of(row: u32) -> u32 {
  return (row / params.inner) * params.D * params.inner + row % params.inner;
}

fn finish(at: u32, v: f32, m: f32, s: f32) {
  if (MODE == 0u) { y[at] = exp(v - m) / s; } else { y[at] = v - m - log(s); }
}

// Workgroup-wide reduction of partial[]: max (is_max) or sum; every thread gets the result.
fn reduce_shared(lid: u32, value: f32, is_max: bool) -> f32 {
  partial[lid] = value;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      let o = partial[lid + stride];
      partial[lid] = select(partial[lid] + o, max(partial[lid], o), is_max);
    }
    workgroupBarrier();
  }
  let r = partial[0];
  workgroupBarrier();
  return r;
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
    var m = -inf_f32();
    for (var d = lid; d < D; d += WG) { m = max(m, x[base + d * step]); }
    m = reduce_shared(lid, m, true);
    var s = 0.0;
    for (var d = lid; d < D; d += WG) { s += exp(x[base + d * step] - m); }
    s = reduce_shared(lid, s, false);
    for (var d = lid; d < D; d += WG) {
      let at = base + d * step;
      finish(at, x[at], m, s);
    }
    return;
  }
  let threads = groups.x * WG;
  for (var row = gid.x; row < params.rows; row += threads) {
    let base = base_of(row);
    var m = -inf_f32();
    for (var d = 0u; d < D; d++) { m = max(m, x[base + d * step]); }
    var s = 0.0;
    for (var d = 0u; d < D; d++) { s += exp(x[base + d * step] - m); }
    for (var d = 0u; d < D; d++) {
      let at = base + d * step;
      finish(at, x[at], m, s);
    }
  }
}
