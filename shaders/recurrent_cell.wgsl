// The frame of a fused recurrent cell (src/ops/recurrent-cells.ts has the formulas): one thread per
// (batch row, hidden unit) runs the cell's `cell(e, H)`, which the op's own shader supplies with its
// bindings (lstm_cell.wgsl, lstm_cell_backward.wgsl, gru_cell.wgsl, gru_cell_backward.wgsl).
//
// Bindings: 0 uniform Params; the cell's tensors from 1 on.
// Uniforms: n = B H, hidden = H.
// Dispatch: [workgroups] of 256 threads, grid-stride over n.
// Template: MATH (math.wgsl: sigmoid_f, tanh_f), CELL (the op's bindings and cell function).

struct Params {
  n: u32,
  hidden: u32,
}

@group(0) @binding(0) var<uniform> params: Params;

{{MATH}}

{{CELL}}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var e = gid.x; e < params.n; e += threads) {
    cell(e, params.hidden);
  }
}
