// col2im: sums the columns of a convolution's input gradient into dx (the second half of the
// emulator path of conv2dBackwardInput; conv2d.wgsl's MODE 3 computes the columns):
//   dx[n, c, h, w] = sum over taps (i, j) of cols[(c, i, j), (n, oh, ow)]
//                    where oh s = h + p_top - i d and ow s = w + p_left - j d exactly, in range.
// Each thread gathers one dx element, so no atomics are needed.
//
// Bindings: 0 uniform Params; 1 cols (read, [C_in KH KW, N OH OW]); 2 dx (read_write, NCHW).
// Uniforms: n = dx elements, the convolution's geometry.
// Dispatch: [workgroups] of 256 threads, grid-stride over n.

struct Params {
  n: u32,
  c_in: u32,
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
  kh: u32,
  kw: u32,
  stride_h: u32,
  stride_w: u32,
  pad_h: u32,
  pad_w: u32,
  dil_h: u32,
  dil_w: u32,
  columns: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> cols: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  let hw = params.h * params.w;
  for (var e = gid.x; e < params.n; e += threads) {
    let image = e / (params.c_in * hw);
    let ch = (e / hw) % params.c_in;
    let y = i32((e % hw) / params.w + params.pad_h);
    let x = i32(e % params.w + params.pad_w);
    var total = 0.0;
    for (var i = 0u; i < params.kh; i++) {
      let th = y - i32(i * params.dil_h);
      if (th < 0 || th % i32(params.stride_h) != 0) { continue; }
      let oh = u32(th) / params.stride_h;
      if (oh >= params.oh) { continue; }
      for (var j = 0u; j < params.kw; j++) {
        let tw = x - i32(j * params.dil_w);
        if (tw < 0 || tw % i32(params.stride_w) != 0) { continue; }
        let ow = u32(tw) / params.stride_w;
        if (ow >= params.ow) { continue; }
        let row = (ch * params.kh + i) * params.kw + j;
        total += cols[row * params.columns + (image * params.oh + oh) * params.ow + ow];
      }
    }
    dx[e] = total;
  }
}
