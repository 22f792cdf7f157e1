// Elementwise kernels: out[i] = op(in0, in1, in2) with PyTorch broadcasting.
//
// Bindings: 0 uniform Params; 1..ARITY inputs (read, array<u32> holding f32 or i32 bits);
//           ARITY+1 output (read_write, array<u32> holding f32 or i32 bits).
// Uniforms: n = output elements, rank, p0/p1 = the op's scalar parameters,
//           shape = output shape, strides[k] = input k's strides (0 on broadcast dims), rank <= 8.
// Dispatch: [workgroups] of 256 threads, grid-stride over n (the count is chosen per adapter).
// Spliced by the host at the double-brace markers: BINDINGS, LOADS (load_k(index) -> f32), STORE (store(index, v)),
// OP (the body of `op`, returning f32), BROADCAST (true: index through strides; false:
// all operands contiguous and the same shape as the output).

struct Params {
  n: u32,
  rank: u32,
  p0: f32,
  p1: f32,
  shape: array<vec4<u32>, 2>,
  strides: array<array<vec4<u32>, 2>, 3>,
}

@group(0) @binding(0) var<uniform> params: Params;
{{BINDINGS}}

{{LOADS}}

{{STORE}}

fn op(a: f32, b: f32, c: f32) -> f32 {
  let p0 = params.p0;
  let p1 = params.p1;
  {{OP}}
}

{{HELPERS}}

const BROADCAST: bool = {{BROADCAST}};

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var i = gid.x; i < params.n; i += threads) {
    var o0 = i;
    var o1 = i;
    var o2 = i;
    if (BROADCAST) {
      o0 = 0u;
      o1 = 0u;
      o2 = 0u;
      var rest = i;
      for (var d = i32(params.rank) - 1; d >= 0; d--) {
        let q = u32(d) / 4u;
        let r = u32(d) % 4u;
        let size = params.shape[q][r];
        let coord = rest % size;
        rest = rest / size;
        o0 += coord * params.strides[0][q][r];
        o1 += coord * params.strides[1][q][r];
        o2 += coord * params.strides[2][q][r];
      }
    }
    store(i, op(load_0(o0), load_1(o1), load_2(o2)));
  }
}
