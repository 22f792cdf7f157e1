/**
 * sumRun(at, n) -> f32: the sum of n contiguous floats from byte offset `at`, four lanes at a time
 * (two vector accumulators, for more of the CPU's adders and a little less rounding), then the
 * lanes and the tail. The wasm backend's sum and mean walk their other dims around it (src/ops/
 * reduce.ts).
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
}
