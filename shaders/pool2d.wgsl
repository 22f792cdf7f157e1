// 2-D pooling over NCHW planes, forward (MODE 0 max, 1 average) and backward (MODE 2 max, 3 average).
// Windows: output row o covers input rows [o s - p, o s - p + (k - 1) d] (max, with dilation d), or
// [o s - p, o s - p + k) (average, divided by the window size with or without padding), or, when
// ADAPTIVE, [floor(o H / OH), ceil((o + 1) H / OH)). Max records the argmax (h W + w in the plane)
// so the backward pass sends each gradient to the element that won.
// The backward passes gather: each input pixel sums the outputs whose window holds it (no atomics).
//
// Bindings: 0 uniform Params; 1 src (read: x forward, dy backward); 2 dst (read_write: y, dx);
//           max adds 3 indices (read_write forward, read backward; array<i32>).
// Uniforms: planes = N C, H, W, OH, OW, window geometry, count_include_pad.
// Overrides: MODE, ADAPTIVE.
// Dispatch: [workgroups] of 256 threads, grid-stride over the elements of dst.

struct Params {
  planes: u32,
  h: u32,
  w: u32,
  oh: u32,
  ow: u32,
  kh: u32,
  kw: u32,
  sh: u32,
  sw: u32,
  ph: u32,
  pw: u32,
  dh: u32,
  dw: u32,
  count_include_pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
{{INDICES}}

override MODE: u32 = 0u;
override ADAPTIVE: u32 = 0u;

// Window of output position o along one dim. Average: (first, last + 1, divisor span) in input
// coordinates, the first two clipped to the image, the span not (for count_include_pad).
// Max: (first tap, unused, unused); taps are first + t d for t < k.
fn window(o: u32, size: u32, out_size: u32, k: u32, s: u32, p: u32, d: u32) -> vec3<i32> {
  if (ADAPTIVE == 1u) {
    let start = i32((o * size) / out_size);
    let end = i32(((o + 1u) * size + out_size - 1u) / out_size);
    return vec3<i32>(start, end, end - start);
  }
  let start = i32(o * s) - i32(p);
  if (MODE == 0u || MODE == 2u) {
    return vec3<i32>(start, 0, 0); // max: taps start + t d, t < k, checked against the image
  }
  let end = min(start + i32(k), i32(size + p));
  return vec3<i32>(max(start, 0), min(end, i32(size)), end - start);
}

fn divisor(wh: vec3<i32>, ww: vec3<i32>) -> f32 {
  if (ADAPTIVE == 0u && params.count_include_pad == 1u) { return f32(wh.z * ww.z); }
  return f32((wh.y - wh.x) * (ww.y - ww.x));
}

// Range of outputs along one dim whose window can hold input coordinate i.
fn candidates(i: u32, size: u32, out_size: u32, k: u32, s: u32, p: u32, d: u32) -> vec2<i32> {
  if (ADAPTIVE == 1u) {
    let lo = i32((i * out_size) / size) - 1;
    let hi = i32(((i + 1u) * out_size) / size) + 1;
    return vec2<i32>(max(lo, 0), min(hi, i32(out_size) - 1));
  }
  let reach = select(i32(k), i32((k - 1u) * d) + 1, MODE == 2u); // window length
  let lo = i32(i + p) - reach + 1;
  let first = select((lo + i32(s) - 1) / i32(s), 0, lo <= 0);
  let last = i32(i + p) / i32(s);
  return vec2<i32>(first, min(last, i32(out_size) - 1));
}

fn forward(i: u32) {
  let plane = i / (params.oh * params.ow);
  let o = i % (params.oh * params.ow);
  let wh = window(o / params.ow, params.h, params.oh, params.kh, params.sh, params.ph, params.dh);
  let ww = window(o % params.ow, params.w, params.ow, params.kw, params.sw, params.pw, params.dw);
  let base = plane * params.h * params.w;
  if (MODE == 0u) {
    var best = -inf_f32();
    var best_at = -1;
    for (var ty = 0u; ty < params.kh; ty++) {
      let y = wh.x + i32(ty * params.dh);
      if (y < 0 || y >= i32(params.h)) { continue; }
      for (var tx = 0u; tx < params.kw; tx++) {
        let x = ww.x + i32(tx * params.dw);
        if (x < 0 || x >= i32(params.w)) { continue; }
        let at = y * i32(params.w) + x;
        let v = src[base + u32(at)];
        if (v > best || best_at < 0) { best = v; best_at = at; }
      }
    }
    dst[i] = best;
    save_index(i, best_at);
  } else {
    var total = 0.0;
    for (var y = wh.x; y < wh.y; y++) {
      for (var x = ww.x; x < ww.y; x++) { total += src[base + u32(y * i32(params.w) + x)]; }
    }
    dst[i] = total / divisor(wh, ww);
  }
}

fn backward(i: u32) {
  let plane = i / (params.h * params.w);
  let at = i % (params.h * params.w);
  let y = at / params.w;
  let x = at % params.w;
  let rh = candidates(y, params.h, params.oh, params.kh, params.sh, params.ph, params.dh);
  let rw = candidates(x, params.w, params.ow, params.kw, params.sw, params.pw, params.dw);
  var total = 0.0;
  for (var oy = rh.x; oy <= rh.y; oy++) {
    for (var ox = rw.x; ox <= rw.y; ox++) {
      let o = plane * params.oh * params.ow + u32(oy) * params.ow + u32(ox);
      if (MODE == 2u) {
        if (load_index(o) == i32(at)) { total += src[o]; }
      } else {
        let wh = window(u32(oy), params.h, params.oh, params.kh, params.sh, params.ph, params.dh);
        let ww = window(u32(ox), params.w, params.ow, params.kw, params.sw, params.pw, params.dw);
        if (i32(y) >= wh.x && i32(y) < wh.y && i32(x) >= ww.x && i32(x) < ww.y) { total += src[o] / divisor(wh, ww); }
      }
    }
  }
  dst[i] = total;
}

fn inf_f32() -> f32 {
  var bits = 0x7f800000u;
  return bitcast<f32>(bits);
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let n = select(params.planes * params.h * params.w, params.planes * params.oh * params.ow, MODE < 2u);
  let threads = groups.x * 256u;
  for (var i = gid.x; i < n; i += threads) {
    if (MODE < 2u) { forward(i); } else { backward(i); }
  }
}
