// Reductions over any set of dims: out[o] = reduce over r of in[kept_offset(o) + reduced_offset(r)].
//
// Bindings: 0 uniform Params; 1 input (read, array<f32>); 2 output (read_write, array<u32>: f32 bits,
//           or i32 indices for argmax/argmin).
// Uniforms: n_out outputs, n_red elements reduced into each, ranks, scale (1/n for mean, else 1),
//           kept dims' sizes and input strides, reduced dims' sizes and input strides (rank <= 8 each).
// Overrides: MODE (0 sum, 1 max, 2 min, 3 argmax, 4 argmin); PER_WORKGROUP (1: one workgroup of WG
//            threads per output with a tree in shared memory; 0: one thread per output, grid-stride).
// Dispatch: PER_WORKGROUP: [min(n_out, 65535), ceil(n_out / 65535)]; else [workgroups] grid-stride.

struct Params {
  n_out: u32,
  n_red: u32,
  out_rank: u32,
  red_rank: u32,
  scale: f32,
  out_shape: array<vec4<u32>, 2>,
  out_strides: array<vec4<u32>, 2>,
  red_shape: array<vec4<u32>, 2>,
  red_strides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

override MODE: u32 = 0u;
override PER_WORKGROUP: u32 = 0u;
override WG: u32 = 64u;


var<workgroup> shared_v: array<f32, WG>;
var<workgroup> shared_i: array<u32, WG>;

fn at(v: array<vec4<u32>, 2>, d: u32) -> u32 {
  return v[d / 4u][d % 4u];
}

// Input offset of output element o (over kept dims) or of reduced element r (over reduced dims).
fn offset(index: u32, rank: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2>) -> u32 {
  var rest = index;
  var off = 0u;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let size = at(shape, u32(d));
    off += (rest % size) * at(strides, u32(d));
    rest = rest / size;
  }
  return off;
}

fn inf_f32() -> f32 {
  var bits = 0x7f800000u;
  return bitcast<f32>(bits);
}

fn identity() -> f32 {
  switch MODE {
    case 0u: { return 0.0; }
    case 1u, 3u: { return -inf_f32(); }
    default: { return inf_f32(); }
  }
}

// Whether (v, i) beats (best, best_i); ties go to the smaller index, like PyTorch.
fn beats(v: f32, i: u32, best: f32, best_i: u32) -> bool {
  if (MODE == 1u || MODE == 3u) { return v > best || (v == best && i < best_i); }
  return v < best || (v == best && i < best_i);
}

fn write(o: u32, v: f32, i: u32) {
  if (MODE >= 3u) {
    out[o] = i;
  } else if (MODE == 0u) {
    out[o] = bitcast<u32>(v * params.scale);
  } else {
    out[o] = bitcast<u32>(v);
  }
}

struct Acc {
  v: f32,
  i: u32,
}

fn take(acc: Acc, value: f32, r: u32) -> Acc {
  if (MODE == 0u) { return Acc(acc.v + value, acc.i); }
  if (beats(value, r, acc.v, acc.i)) { return Acc(value, r); }
  return acc;
}

// Folds the reduced elements r = first, first + step, ... into an accumulator. One or two reduced
// dims (the common case after merging) are walked with running indices instead of a division per
// element, which matters on emulators that divide lane by lane.
fn fold(base: u32, first: u32, step: u32) -> Acc {
  var acc = Acc(identity(), 0xffffffffu);
  let n = params.n_red;
  if (params.red_rank == 1u) {
    let s0 = at(params.red_strides, 0u);
    for (var r = first; r < n; r += step) { acc = take(acc, x[base + r * s0], r); }
  } else if (params.red_rank == 2u) {
    let size1 = at(params.red_shape, 1u);
    let s0 = at(params.red_strides, 0u);
    let s1 = at(params.red_strides, 1u);
    let dq = step / size1;
    let dr = step % size1;
    var r0 = first / size1;
    var r1 = first % size1;
    for (var r = first; r < n; r += step) {
      acc = take(acc, x[base + r0 * s0 + r1 * s1], r);
      r0 += dq;
      r1 += dr;
      if (r1 >= size1) {
        r1 -= size1;
        r0 += 1u;
      }
    }
  } else {
    for (var r = first; r < n; r += step) { acc = take(acc, x[base + offset(r, params.red_rank, params.red_shape, params.red_strides)], r); }
  }
  return acc;
}

@compute @workgroup_size(WG)
fn main(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  if (PER_WORKGROUP == 1u) {
    let o = wid.x + wid.y * groups.x;
    if (o >= params.n_out) { return; }
    let acc = fold(offset(o, params.out_rank, params.out_shape, params.out_strides), lid, WG);
    shared_v[lid] = acc.v;
    shared_i[lid] = acc.i;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
      if (lid < stride) {
        let ov = shared_v[lid + stride];
        let oi = shared_i[lid + stride];
        if (MODE == 0u) {
          shared_v[lid] += ov;
        } else if (beats(ov, oi, shared_v[lid], shared_i[lid])) {
          shared_v[lid] = ov;
          shared_i[lid] = oi;
        }
      }
      workgroupBarrier();
    }
    if (lid == 0u) { write(o, shared_v[0], shared_i[0]); }
    return;
  }
  let threads = groups.x * WG;
  for (var o = gid.x; o < params.n_out; o += threads) {
    let acc = fold(offset(o, params.out_rank, params.out_shape, params.out_strides), 0u, 1u);
    write(o, acc.v, acc.i);
  }
}
