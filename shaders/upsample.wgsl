// Nearest-neighbour upsampling of NCHW planes, H x W -> OH x OW: output row o reads input row
// floor(o H / OH) (exact integer arithmetic; equals PyTorch's rule for integer scale factors).
//   MODE 0 forward:  y[o] = x[floor(o H / OH)]
//   MODE 1 backward: dx[i] = sum of dy over the rows o with floor(o H / OH) = i, i.e.
//                    o in [ceil(i OH / H), ceil((i + 1) OH / H)); likewise for columns.
//
// Bindings: 0 uniform Params; 1 src (read: x or dy); 2 dst (read_write: y or dx).
// Uniforms: planes = N C, H, W, OH, OW.
// Overrides: MODE.
// Dispatch: [workgroups] of 256 threads, grid-stride over the elements of dst.

struct Params {
  planes: u32,
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

override MODE: u32 = 0u;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  if (MODE == 0u) {
    let n = params.planes * params.oh * params.ow;
    for (var i = gid.x; i < n; i += threads) {
      let plane = i / (params.oh * params.ow);
      let o = i % (params.oh * params.ow);
      let y = ((o / params.ow) * params.h) / params.oh;
      let x = ((o % params.ow) * params.w) / params.ow;
      dst[i] = src[(plane * params.h + y) * params.w + x];
    }
    return;
  }
  let n = params.planes * params.h * params.w;
  for (var i = gid.x; i < n; i += threads) {
    let plane = i / (params.h * params.w);
    let y = (i % (params.h * params.w)) / params.w;
    let x = i % params.w;
    let y0 = (y * params.oh + params.h - 1u) / params.h;
    let y1 = ((y + 1u) * params.oh + params.h - 1u) / params.h;
    let x0 = (x * params.ow + params.w - 1u) / params.w;
    let x1 = ((x + 1u) * params.ow + params.w - 1u) / params.w;
    var total = 0.0;
    for (var oy = y0; oy < y1; oy++) {
      for (var ox = x0; ox < x1; ox++) { total += src[(plane * params.oh + oy) * params.ow + ox]; }
    }
    dst[i] = total;
  }
}
