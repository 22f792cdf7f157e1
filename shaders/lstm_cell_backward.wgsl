// lstm_cell_backward: the gradient of lstm_cell.wgsl's step (formulas in src/ops/recurrent-cells.ts),
// recomputing the gates from their inputs: from dh and dc_next [B, H], the gradients of the gate
// inputs [B, 4H] and of the previous cell state [B, H].
//
// Bindings: 1 gates (read); 2 c (read); 3 dh (read); 4 dc_next (read);
//           5 dgates (read_write); 6 dc (read_write).
// Run by recurrent_cell.wgsl (the frame: uniforms n = B H, hidden = H; one thread per unit).

@group(0) @binding(1) var<storage, read> gates: array<f32>;
@group(0) @binding(2) var<storage, read> c: array<f32>;
@group(0) @binding(3) var<storage, read> dh: array<f32>;
@group(0) @binding(4) var<storage, read> dc_next: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgates: array<f32>;
@group(0) @binding(6) var<storage, read_write> dc: array<f32>;

fn cell(e: u32, H: u32) {
  let at = (e / H) * 4u * H + e % H;
  let i = sigmoid_f(gates[at]);
  let f = sigmoid_f(gates[at + H]);
  let g = tanh_f(gates[at + 2u * H]);
  let o = sigmoid_f(gates[at + 3u * H]);
  let tc = tanh_f(f * c[e] + i * g);
  let dct = dc_next[e] + dh[e] * o * (1.0 - tc * tc);
  dgates[at] = dct * g * i * (1.0 - i);
  dgates[at + H] = dct * c[e] * f * (1.0 - f);
  dgates[at + 2u * H] = dct * i * (1.0 - g * g);
  dgates[at + 3u * H] = dh[e] * tc * o * (1.0 - o);
  dc[e] = dct * f;
}
