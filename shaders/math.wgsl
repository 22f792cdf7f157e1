// Math helpers shared by elementwise kernels (WGSL has no erf). Pure functions, no bindings.

// erf(x) to within 1.2e-7 (W. J. Cody's rational approximations, reduced to float precision):
// Abramowitz & Stegun 7.1.26 is too coarse for GELU's gradient, so use the erfc form with a
// continued-fraction-quality polynomial (Numerical Recipes' erfc Chebyshev fit, |error| < 1.2e-7).
fn erf_approx(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277))))))));
  let erfc_z = t * exp(poly);
  return select(erfc_z - 1.0, 1.0 - erfc_z, x >= 0.0);
}

fn sigmoid_f(x: f32) -> f32 {
  // Stable for large |x|: never exponentiates a large positive number.
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

fn tanh_f(x: f32) -> f32 {
  // Some drivers' tanh overflows to NaN for |x| > ~44; tanh(15) is already 1 in f32.
  return tanh(clamp(x, -15.0, 15.0));
}

fn softplus_f(x: f32) -> f32 {
  // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|)
  return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

// Infinity and NaN from bit patterns at run time (constant expressions may not be inf or NaN).
fn inf_f32() -> f32 {
  var bits = 0x7f800000u;
  return bitcast<f32>(bits);
}

fn nan_f32() -> f32 {
  var bits = 0x7fc00000u;
  return bitcast<f32>(bits);
}

// x^e with PyTorch's meaning for negative bases and whole exponents.
fn pow_f(x: f32, e: f32) -> f32 {
  if (e == 0.0) { return 1.0; }
  if (e == 1.0) { return x; }
  if (e == 2.0) { return x * x; }
  if (x == 0.0) { return select(inf_f32(), 0.0, e > 0.0); }
  let whole = fract(e) == 0.0;
  let r = pow(abs(x), e);
  if (x < 0.0) {
    if (!whole) { return nan_f32(); }
    let odd = fract(e * 0.5) != 0.0;
    return select(r, -r, odd);
  }
  return r;
}

// sin and cos to about 1e-7 absolute for |x| up to ~1e4: WGSL only promises 2^-11 for its builtins
// on [-pi, pi]. Reduce x by multiples of pi/2 (Cody-Waite, pi/2 split in two parts), then Taylor
// polynomials on [-pi/4, pi/4].
fn sincos_reduced(x: f32) -> vec3<f32> {
  let k = round(x * 0.6366197723675814);
  let r = (x - k * 1.5707963705062866) + k * 4.371139000186243e-8;
  let r2 = r * r;
  let s = r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0)))));
  let c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 + r2 * (-1.0 / 3628800.0)))));
  return vec3<f32>(s, c, k);
}

fn sin_f(x: f32) -> f32 {
  let v = sincos_reduced(x);
  let q = i32(v.z) & 3;
  return select(select(select(v.x, v.y, q == 1), -v.x, q == 2), -v.y, q == 3);
}

fn cos_f(x: f32) -> f32 {
  let v = sincos_reduced(x);
  let q = i32(v.z) & 3;
  return select(select(select(v.y, -v.x, q == 1), -v.y, q == 2), v.x, q == 3);
}

const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const INV_SQRT_2: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;
