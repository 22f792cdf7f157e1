/**
 * Max pooling as WebAssembly (the wasm half of maxPool2d and maxPool2dBackward in src/ops/pool.ts):
 * both walk the same windows, planes × output rows × output columns, each over the kernel's taps
 * (iy = oy·sh − ph + ky·dh, ix = ox·sw − pw + kx·dw) that fall inside the plane.
 *
 *   maxPool2d(x, y, idx, ...sizes): y = the window's largest value (the first one on ties, as the
 *     reference), idx = where it is in its plane (iy·W + ix);
 *   maxPool2dBackward(dy, dx, idx, ...sizes): dx[idx] += dy for each window whose idx is one of its
 *     taps (dx zeroed by the caller).
 *
 * Sizes: planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw.
 */
import type { Code, Local, ModuleBuilder } from "../asm";

const PARAMS = ["src", "dst", "idx", "planes", "h", "w", "oh", "ow", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw"] as const;
type Params = Record<(typeof PARAMS)[number], Local>;

/** (src, dst, idx, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw): byte offsets, then sizes. */
export type PoolArgs = [src: number, dst: number, idx: number, ...sizes: number[]];

export function addPoolFunctions(m: ModuleBuilder): void {
  m.function(
    "maxPool2d",
    PARAMS.map(() => "i32" as const),
    [],
    (c) => {
      const best = c.local("f32");
      const at = c.local("i32");
      const v = c.local("f32");
      eachWindow(
        c,
        () => {
          c.f32_const(Number.NEGATIVE_INFINITY).local_set(best);
          c.i32_const(-1).local_set(at);
        },
        (p, plane, t) => {
          // v = src[plane + t]; if (v > best || at < 0) { best = v; at = t }
          c.local_get(p.src).local_get(plane).local_get(t).i32_add().i32_const(2).i32_shl().i32_add().f32_load().local_set(v);
          c.local_get(v).local_get(best).f32_gt().local_get(at).i32_const(0).i32_lt_s().i32_or();
          c.if_(() => {
            c.local_get(v).local_set(best);
            c.local_get(t).local_set(at);
          });
        },
        (p, _plane, o) => {
          c.local_get(p.dst).local_get(o).i32_const(2).i32_shl().i32_add().local_get(best).f32_store();
          c.local_get(p.idx).local_get(o).i32_const(2).i32_shl().i32_add().local_get(at).i32_store();
        },
      );
    },
  );

  m.function(
    "maxPool2dBackward",
    PARAMS.map(() => "i32" as const),
    [],
    (c) => {
      const target = c.local("i32");
      const found = c.local("i32");
      const address = c.local("i32");
      eachWindow(
        c,
        (p, o) => {
          c.local_get(p.idx).local_get(o).i32_const(2).i32_shl().i32_add().i32_load().local_set(target);
          c.i32_const(0).local_set(found);
        },
        (_p, _plane, t) => {
          c.local_get(t).local_get(target).i32_eq().local_get(found).i32_or().local_set(found);
        },
        (p, plane, o) => {
          c.local_get(found);
          c.if_(() => {
            // dx[plane + target] += dy[o]
            c.local_get(p.dst).local_get(plane).local_get(target).i32_add().i32_const(2).i32_shl().i32_add().local_set(address);
            c.local_get(address).local_get(address).f32_load();
            c.local_get(p.src).local_get(o).i32_const(2).i32_shl().i32_add().f32_load();
            c.f32_add().f32_store();
          });
        },
      );
    },
  );
}

/**
 * For every window: `start(params, o)`, then `tap(params, plane, t)` for each tap inside the plane
 * (plane: the plane's first element; t: the tap's index in its plane), then `end(params, plane, o)`;
 * o counts the windows (the output element).
 */
function eachWindow(
  c: Code,
  start: (p: Params, o: Local) => void,
  tap: (p: Params, plane: Local, t: Local) => void,
  end: (p: Params, plane: Local, o: Local) => void,
): void {
  const p = Object.fromEntries(PARAMS.map((name, i) => [name, c.param(i)])) as Params;
  const [n, plane, oy, ox, ky, kx, iy, ix, t, o] = Array.from({ length: 10 }, () => c.local("i32"));
  c.i32_const(0).local_set(o);
  c.for_(n, 0, p.planes, 1, () => {
    // plane = n·h·w
    c.local_get(n).local_get(p.h).i32_mul().local_get(p.w).i32_mul().local_set(plane);
    c.for_(oy, 0, p.oh, 1, () => {
      c.for_(ox, 0, p.ow, 1, () => {
        start(p, o);
        c.for_(ky, 0, p.kh, 1, () => {
          c.local_get(oy).local_get(p.sh).i32_mul().local_get(p.ph).i32_sub().local_get(ky).local_get(p.dh).i32_mul().i32_add().local_set(iy);
          c.local_get(iy).local_get(p.h).i32_lt_u();
          c.if_(() => {
            c.for_(kx, 0, p.kw, 1, () => {
              c.local_get(ox).local_get(p.sw).i32_mul().local_get(p.pw).i32_sub().local_get(kx).local_get(p.dw).i32_mul().i32_add().local_set(ix);
              c.local_get(ix).local_get(p.w).i32_lt_u();
              c.if_(() => {
                c.local_get(iy).local_get(p.w).i32_mul().local_get(ix).i32_add().local_set(t);
                tap(p, plane, t);
              });
            });
          });
        });
        end(p, plane, o);
        c.local_get(o).i32_const(1).i32_add().local_set(o);
      });
    });
  });
}
