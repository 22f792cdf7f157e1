// gru_cell: one time step of a GRU's gate math for every batch row and hidden unit (src/ops/
// recurrent-cells.ts has the formulas): from the input projections gi [B, 3H] (x W_ihᵀ + b_ih, order
// r, z, n), the hidden projections gh [B, 3H] (h W_hhᵀ + b_hh) and h [B, H], the new h_next [B, H].
//
// Bindings: 1 gi (read); 2 gh (read); 3 h (read); 4 h_next (read_write).
// Run by recurrent_cell.wgsl (the frame: uniforms n = B H, hidden = H; one thread per unit).

@group(0) @binding(1) var<storage, read> gi: array<f32>;
@group(0) @binding(2) var<storage, read> gh: array<f32>;
@group(0) @binding(3) var<storage, read> h: array<f32>;
@group(0) @binding(4) var<storage, read_write> h_next: array<f32>;

fn cell(e: u32, H: u32) {
  let at = (e / H) * 3u * H + e % H; // gate r of this unit; z and n follow H apart
  let r = sigmoid_f(gi[at] + gh[at]);
  let z = sigmoid_f(gi[at + H] + gh[at + H]);
  let n = tanh_f(gi[at + 2u * H] + r * gh[at + 2u * H]);
  h_next[e] = (1.0 - z) * n + z * h[e];
}
