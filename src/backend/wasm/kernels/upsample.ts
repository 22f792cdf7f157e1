/**
 * Nearest-neighbour upsampling as WebAssembly (the wasm half of upsampleNearest and its gradient in
 * src/ops/pool.ts). The caller lays out which input row each output row copies, then which input
 * column each output column copies (i32s: floor(o·H / OH), as the reference computes them):
 *
 *   upsampleNearest(x, y, planes, h, w, oh, ow, sources):          y[plane, o, p] = x[plane, rows[o], cols[p]]
 *   upsampleNearestBackward(dy, dx, planes, h, w, oh, ow, sources): dx[plane, rows[o], cols[p]] += dy[plane, o, p]
 *     (dx zeroed by the caller)
 */
import type { ModuleBuilder } from "../asm";

/** (big or small tensor, the other, planes, h, w, oh, ow, sources): byte offsets and sizes (h, w: the small side). */
export type UpsampleArgs = [src: number, dst: number, planes: number, h: number, w: number, oh: number, ow: number, sources: number];

export function addUpsampleFunctions(m: ModuleBuilder): void {
  for (const backward of [false, true])
    m.function(backward ? "upsampleNearestBackward" : "upsampleNearest", Array(8).fill("i32"), [], (c) => {
      const [src, dst, planes, h, w, oh, ow, sources] = Array.from({ length: 8 }, (_, i) => c.param(i));
      const [plane, o, p, small, big, at] = Array.from({ length: 6 }, () => c.local("i32"));
      c.i32_const(0).local_set(big);
      c.for_(plane, 0, planes, 1, () => {
        c.for_(o, 0, oh, 1, () => {
          c.for_(p, 0, ow, 1, () => {
            // small = (plane·h + rows[o])·w + cols[p]; big counts the large tensor's elements in order
            c.local_get(plane).local_get(h).i32_mul();
            c.local_get(sources).local_get(o).i32_const(2).i32_shl().i32_add().i32_load().i32_add();
            c.local_get(w).i32_mul();
            c.local_get(sources).local_get(oh).local_get(p).i32_add().i32_const(2).i32_shl().i32_add().i32_load().i32_add();
            c.local_set(small);
            if (backward) {
              c.local_get(dst).local_get(small).i32_const(2).i32_shl().i32_add().local_set(at);
              c.local_get(at).local_get(at).f32_load();
              c.local_get(src).local_get(big).i32_const(2).i32_shl().i32_add().f32_load();
              c.f32_add().f32_store();
            } else {
              c.local_get(dst).local_get(big).i32_const(2).i32_shl().i32_add();
              c.local_get(src).local_get(small).i32_const(2).i32_shl().i32_add().f32_load();
              c.f32_store();
            }
            c.local_get(big).i32_const(1).i32_add().local_set(big);
          });
        });
      });
    });
}
