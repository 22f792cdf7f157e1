// Image augmentation on the device: each image of a batch gets its own random shift, horizontal
// flip and small rotation (drawn from the key and its index), applied by inverse-mapping every
// output pixel to the source and sampling it bilinearly (zero outside), plus gaussian pixel noise.
// The per-image parameters are u_j = uniform01(key, 4 n + j):
//   shift (dx, dy) = round((2 u_0 - 1) max_shift), round((2 u_1 - 1) max_shift)
//   flip when u_2 < flip_prob;   angle = (2 u_3 - 1) max_rotation (radians)
// Source of output pixel (x, y), relative to the image centre c: undo the shift, rotate by -angle,
// mirror x when flipped. Noise: noise_std * normal01(key ^ 0x9e3779b9, pixel index).
//
// Bindings: 0 uniform Params; 1 x (read, array<f32>, NCHW); 2 out (read_write, array<f32>, NCHW).
// Uniforms: n = elements, channels, height, width, key, max_shift, flip_prob, max_rotation, noise_std.
// Dispatch: [workgroups] of 256 threads, grid-stride over n.
// Spliced by the host: RNG (shaders/rng.wgsl with shaders/math.wgsl).

struct Params {
  n: u32,
  channels: u32,
  height: u32,
  width: u32,
  key: u32,
  max_shift: f32,
  flip_prob: f32,
  max_rotation: f32,
  noise_std: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

{{RNG}}

fn pixel(plane: u32, px: i32, py: i32) -> f32 {
  if (px < 0 || py < 0 || px >= i32(params.width) || py >= i32(params.height)) { return 0.0; }
  return x[plane * params.width * params.height + u32(py) * params.width + u32(px)];
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  let hw = params.height * params.width;
  for (var i = gid.x; i < params.n; i += threads) {
    let plane = i / hw;
    let image = plane / params.channels;
    let px = f32(i % params.width);
    let py = f32((i / params.width) % params.height);
    let dx = round((2.0 * uniform01(params.key, 4u * image) - 1.0) * params.max_shift);
    let dy = round((2.0 * uniform01(params.key, 4u * image + 1u) - 1.0) * params.max_shift);
    let flip = uniform01(params.key, 4u * image + 2u) < params.flip_prob;
    let angle = (2.0 * uniform01(params.key, 4u * image + 3u) - 1.0) * params.max_rotation;
    let cx = f32(params.width) * 0.5;
    let cy = f32(params.height) * 0.5;
    let rx = px + 0.5 - cx - dx;
    let ry = py + 0.5 - cy - dy;
    let c = cos_f(angle);
    let s = sin_f(angle);
    var sx = c * rx + s * ry;
    let sy = -s * rx + c * ry;
    if (flip) { sx = -sx; }
    let fx = sx + cx - 0.5;
    let fy = sy + cy - 0.5;
    let x0 = floor(fx);
    let y0 = floor(fy);
    let wx = fx - x0;
    let wy = fy - y0;
    let ix = i32(x0);
    let iy = i32(y0);
    let top = mix(pixel(plane, ix, iy), pixel(plane, ix + 1, iy), wx);
    let bottom = mix(pixel(plane, ix, iy + 1), pixel(plane, ix + 1, iy + 1), wx);
    var v = mix(top, bottom, wy);
    if (params.noise_std > 0.0) { v += params.noise_std * normal01(params.key ^ 0x9e3779b9u, i); }
    out[i] = v;
  }
}
