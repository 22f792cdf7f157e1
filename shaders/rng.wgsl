// Counter-based random numbers shared by random.wgsl and dropout.wgsl (no bindings; uses cos_f from
// math.wgsl). Element i of a
// draw with key k is a pure function of (k, i), identical bit for bit to src/tensor/random.ts, so the
// CPU and WebGPU backends draw the same numbers and nothing is stored between calls.

// PCG hash (Jarzynski & Olano, "Hash Functions for GPU Rendering", 2020).
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Uniform in [0, 1), 24 bits.
fn uniform01(key: u32, i: u32) -> f32 {
  return f32(pcg(pcg(i) ^ key) >> 8u) * (1.0 / 16777216.0);
}

// Standard normal by Box-Muller from uniforms 2i and 2i + 1.
fn normal01(key: u32, i: u32) -> f32 {
  let u1 = 1.0 - uniform01(key, 2u * i);
  let u2 = uniform01(key, 2u * i + 1u);
  return sqrt(-2.0 * log(u1)) * cos_f(6.283185307179586 * u2);
}
