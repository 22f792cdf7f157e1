// gru_cell_backward: the gradient of gru_cell.wgsl's step (formulas in src/ops/recurrent-cells.ts),
// recomputing the gates: from dh_next [B, H], the gradients of gi and gh [B, 3H] and of h [B, H].
//
// Bindings: 1 gi (read); 2 gh (read); 3 h (read); 4 dh_next (read);
//           5 dgi (read_write); 6 dgh (read_write); 7 dh (read_write).
// Run by recurrent_cell.wgsl (the frame: uniforms n = B H, hidden = H; one thread per unit).

@group(0) @binding(1) var<storage, read> gi: array<f32>;
@group(0) @binding(2) var<storage, read> gh: array<f32>;
@group(0) @binding(3) var<storage, read> h: array<f32>;
@group(0) @binding(4) var<storage, read> dh_next: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgi: array<f32>;
@group(0) @binding(6) var<storage, read_write> dgh: array<f32>;
@group(0) @binding(7) var<storage, read_write> dh: array<f32>;

fn cell(e: u32, H: u32) {
  let at = (e / H) * 3u * H + e % H;
  let r = sigmoid_f(gi[at] + gh[at]);
  let z = sigmoid_f(gi[at + H] + gh[at + H]);
  let ghn = gh[at + 2u * H];
  let n = tanh_f(gi[at + 2u * H] + r * ghn);
  let d = dh_next[e];
  let dn = d * (1.0 - z) * (1.0 - n * n);
  let dz = d * (h[e] - n) * z * (1.0 - z);
  let dr = dn * ghn * r * (1.0 - r);
  dgi[at] = dr;
  dgh[at] = dr;
  dgi[at + H] = dz;
  dgh[at + H] = dz;
  dgi[at + 2u * H] = dn;
  dgh[at + 2u * H] = dn * r;
  dh[e] = d * z;
}
