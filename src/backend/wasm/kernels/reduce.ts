/**
 * sumRun(at, n) -> f32: the sum of n contiguous floats from byte offset `at`, four lanes at a time
 * (two vector accumulators, for more of the CPU's adders and a little less rounding), then the
 * lanes and the tail. extremeRun(at, n, max) -> f32: their largest (max = 1) or smallest value, as
 * the reference finds it: from the first value on, a later value replaces it only when it is larger
 * (smaller), so a NaN counts only in first place (pmax/pmin keep their first operand's NaN and
 * ignore the second's). The wasm backend's sum, mean, max and min walk their other dims around them
 * (src/ops/reduce.ts).
 */
import type { ModuleBuilder } from "../asm";

export function addReduceFunctions(m: ModuleBuilder): void {
  m.function("sumRun", ["i32", "i32"], ["f32"], (c) => {
    const [at, n] = [c.param(0), c.param(1)];
    const [i, end8] = [c.local("i32"), c.local("i32")];
    const [s0, s1] = [c.local("v128"), c.local("v128")];
    const total = c.local("f32");
    c.local_get(n).i32_const(-8).i32_and().local_set(end8);
    c.for_(i, 0, end8, 8, () => {
      const address = () => c.local_get(at).local_get(i).i32_const(2).i32_shl().i32_add();
      c.local_get(s0);
      address().v128_load(0);
      c.f32x4_add().local_set(s0);
      c.local_get(s1);
      address().v128_load(16);
      c.f32x4_add().local_set(s1);
    });
    c.local_get(s0).local_get(s1).f32x4_add().local_set(s0);
    for (let lane = 0; lane < 4; lane++) {
      c.local_get(total).local_get(s0).f32x4_extract_lane(lane).f32_add().local_set(total);
    }
    c.for_(i, end8, n, 1, () => {
      c.local_get(total).local_get(at).local_get(i).i32_const(2).i32_shl().i32_add().f32_load().f32_add().local_set(total);
    });
    c.local_get(total);
  });
  m.function("extremeRun", ["i32", "i32", "i32"], ["f32"], (c) => {
    const [at, n, max] = [c.param(0), c.param(1), c.param(2)];
    const [i, end4] = [c.local("i32"), c.local("i32")];
    const [hi, lo, x] = [c.local("v128"), c.local("v128"), c.local("v128")];
    const [best, v] = [c.local("f32"), c.local("f32")];
    const address = () => c.local_get(at).local_get(i).i32_const(2).i32_shl().i32_add();
    // Both running extremes, from the first value in every lane (one load feeds both).
    c.local_get(at).f32_load().local_set(best);
    c.local_get(best).f32x4_splat().local_set(hi);
    c.local_get(hi).local_set(lo);
    c.local_get(n).i32_const(-4).i32_and().local_set(end4);
    c.for_(i, 0, end4, 4, () => {
      address().v128_load(0).local_set(x);
      c.local_get(hi).local_get(x).f32x4_pmax().local_set(hi);
      c.local_get(lo).local_get(x).f32x4_pmin().local_set(lo);
    });
    /** best = v where v beats it (max: v > best; min: v < best; a NaN v never does). */
    const take = () => {
      c.local_get(v).local_get(best);
      c.local_get(v).local_get(best).f32_gt();
      c.local_get(v).local_get(best).f32_lt();
      c.local_get(max).select();
      c.select().local_set(best);
    };
    for (let lane = 0; lane < 4; lane++) {
      c.local_get(hi).f32x4_extract_lane(lane);
      c.local_get(lo).f32x4_extract_lane(lane);
      c.local_get(max).select().local_set(v);
      take();
    }
    c.for_(i, end4, n, 1, () => {
      address().f32_load().local_set(v);
      take();
    });
    c.local_get(best);
  });
}
