// one_hot: out[n, c] = 1 if labels[n] == c else 0, as float32. A label outside [0, classes) makes its
// whole row NaN (the CPU backend throws), so a bad label cannot train silently; the label `ignore`
// (cross-entropy's ignore_index), when has_ignore is 1, makes its row all zeros.
//
// Bindings: 0 uniform Params; 1 labels (read, array<i32>); 2 out (read_write, array<f32>).
// Uniforms: n = out elements, classes, has_ignore, ignore (an i32's bits).
// Dispatch: [workgroups] of 256 threads, grid-stride over n.

struct Params {
  n: u32,
  classes: u32,
  has_ignore: u32,
  ignore: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> labels: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let threads = groups.x * 256u;
  for (var i = gid.x; i < params.n; i += threads) {
    let label = labels[i / params.classes];
    let c = i % params.classes;
    if (params.has_ignore == 1u && label == bitcast<i32>(params.ignore)) {
      out[i] = 0.0;
    } else if (label < 0 || u32(label) >= params.classes) {
      var nan_bits = 0x7fc00000u;
      out[i] = bitcast<f32>(nan_bits);
    } else {
      out[i] = select(0.0, 1.0, u32(label) == c);
    }
  }
}
