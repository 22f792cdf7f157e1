/**
 * Average pooling as WebAssembly (the wasm half of avgPool2d and avgPool2dBackward in src/ops/
 * pool.ts, windowed and adaptive alike). The caller lays out each output row's and column's window
 * as a table of i32 triples [start, end, span] (rows first, then columns: src/ops/pool.ts computes
 * them as the reference does), so one kernel serves both kinds:
 *
 *   avgPool2d(src, dst, planes, h, w, oh, ow, windows, includePad):
 *     dst[plane, y, x] = Σ src[plane, i, j] over i in rows[y], j in cols[x], / divisor
 *   avgPool2dBackward(dy, dx, ...same): dx[plane, i, j] += dy[plane, y, x] / divisor (dx zeroed by the caller)
 *
 * with divisor = spanY·spanX when the padding counts (includePad 1), else the taps inside the plane.
 */
import type { Code, Local, ModuleBuilder } from "../asm";

const PARAMS = ["src", "dst", "planes", "h", "w", "oh", "ow", "windows", "includePad"] as const;
type Params = Record<(typeof PARAMS)[number], Local>;

/** (src, dst, planes, h, w, oh, ow, windows, includePad): byte offsets and sizes. */
export type AvgPoolArgs = [src: number, dst: number, planes: number, h: number, w: number, oh: number, ow: number, windows: number, includePad: number];

export function addAvgPoolFunctions(m: ModuleBuilder): void {
  for (const backward of [false, true])
    m.function(
      backward ? "avgPool2dBackward" : "avgPool2d",
      PARAMS.map(() => "i32" as const),
      [],
      (c) => {
        const [sum, share] = [c.local("f32"), c.local("f32")];
        eachWindow(
          c,
          () => c.f32_const(0).local_set(sum),
          (p, at, o, divisor) => {
            const element = () => c.local_get(p.src).local_get(o).i32_const(2).i32_shl().i32_add();
            if (backward) {
              // share = dy[o] / divisor, then added to every tap below
              element().f32_load().local_get(divisor).f32_div().local_set(share);
              return () => {
                c.local_get(p.dst).local_get(at()).i32_const(2).i32_shl().i32_add();
                c.local_get(p.dst).local_get(at()).i32_const(2).i32_shl().i32_add().f32_load();
                c.local_get(share).f32_add().f32_store();
              };
            }
            return () => {
              c.local_get(sum);
              c.local_get(p.src).local_get(at()).i32_const(2).i32_shl().i32_add().f32_load();
              c.f32_add().local_set(sum);
            };
          },
          (p, o, divisor) => {
            if (backward) return;
            c.local_get(p.dst).local_get(o).i32_const(2).i32_shl().i32_add();
            c.local_get(sum).local_get(divisor).f32_div().f32_store();
          },
        );
      },
    );
}

/**
 * For every output o (plane by plane, row by row): `start()`, then `window(params, at, o, divisor)`
 * returns what to emit for each tap (at(): the tap's index in the whole tensor), then `end`.
 */
function eachWindow(
  c: Code,
  start: () => void,
  window: (p: Params, at: () => Local, o: Local, divisor: Local) => () => void,
  end: (p: Params, o: Local, divisor: Local) => void,
): void {
  const p = Object.fromEntries(PARAMS.map((name, i) => [name, c.param(i)])) as Params;
  const [plane, y, x, i, j, o, row, col, tap] = Array.from({ length: 9 }, () => c.local("i32"));
  const divisor = c.local("f32");
  const field = (table: Local, k: number) => c.local_get(table).i32_load(k * 4);
  c.i32_const(0).local_set(o);
  c.for_(plane, 0, p.planes, 1, () => {
    c.for_(y, 0, p.oh, 1, () => {
      // row = windows + y·12: [start, end, span] of the rows
      c.local_get(p.windows).local_get(y).i32_const(12).i32_mul().i32_add().local_set(row);
      c.for_(x, 0, p.ow, 1, () => {
        c.local_get(p.windows).local_get(p.oh).local_get(x).i32_add().i32_const(12).i32_mul().i32_add().local_set(col);
        // divisor = includePad ? spanY·spanX : (endY − startY)·(endX − startX)
        field(row, 2);
        field(col, 2);
        c.i32_mul();
        field(row, 1);
        field(row, 0);
        c.i32_sub();
        field(col, 1);
        field(col, 0);
        c.i32_sub().i32_mul();
        c.local_get(p.includePad).select().f32_convert_i32_s().local_set(divisor);
        start();
        const each = window(p, () => tap, o, divisor);
        const [startY, endY, startX, endX] = [c.local("i32"), c.local("i32"), c.local("i32"), c.local("i32")];
        field(row, 0);
        c.local_set(startY);
        field(row, 1);
        c.local_set(endY);
        field(col, 0);
        c.local_set(startX);
        field(col, 1);
        c.local_set(endX);
        c.for_(i, startY, endY, 1, () => {
          c.for_(j, startX, endX, 1, () => {
            // tap = (plane·h + i)·w + j
            c.local_get(plane).local_get(p.h).i32_mul().local_get(i).i32_add().local_get(p.w).i32_mul().local_get(j).i32_add().local_set(tap);
            each();
          });
        });
        end(p, o, divisor);
        c.local_get(o).i32_const(1).i32_add().local_set(o);
      });
    });
  });
}
