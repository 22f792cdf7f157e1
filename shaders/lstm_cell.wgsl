// lstm_cell: one time step of an LSTM's gate math for every batch row and hidden unit (src/ops/
// recurrent-cells.ts has the formulas): from the summed gate inputs [B, 4H] (order i, f, g, o) and
// the cell state c [B, H], the new hidden state h [B, H] and cell state c_next [B, H].
//
// Bindings: 1 gates (read); 2 c (read); 3 h (read_write); 4 c_next (read_write).
// Run by recurrent_cell.wgsl (the frame: uniforms n = B H, hidden = H; one thread per unit).

@group(0) @binding(1) var<storage, read> gates: array<f32>;
@group(0) @binding(2) var<storage, read> c: array<f32>;
@group(0) @binding(3) var<storage, read_write> h: array<f32>;
@group(0) @binding(4) var<storage, read_write> c_next: array<f32>;

fn cell(e: u32, H: u32) {
  let at = (e / H) * 4u * H + e % H; // gate i of this unit; f, g, o follow H apart
  let i = sigmoid_f(gates[at]);
  let f = sigmoid_f(gates[at + H]);
  let g = tanh_f(gates[at + 2u * H]);
  let o = sigmoid_f(gates[at + 3u * H]);
  let cn = f * c[e] + i * g;
  c_next[e] = cn;
  h[e] = o * tanh_f(cn);
}
