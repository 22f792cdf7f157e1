/**
 * A convolution's columns as WebAssembly (the layout of src/ops/kernels/im2col.ts): `im2col` unrolls
 * one image into cols [C_in·KH·KW, OH·OW], `col2imAdd` adds such columns back into an image. Both walk
 * the same rows: for each kernel tap (ci, i, j) and output row oh, the input row ih = oh·sh − pt + i·dh
 * (none when it falls in the padding), read at columns first + ow·sw with first = j·dw − pl. With
 * stride 1 (nearly every convolution) a row is a zero-padded copy of a contiguous stretch of the
 * input, done four floats at a time.
 *
 * Both take (x, cols, ld, cIn, h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw): x and cols are byte
 * offsets, ld the distance between rows of cols in floats (OH·OW for one image's columns alone; more
 * when several images' columns sit side by side in one matrix).
 */
import type { Code, Local, ModuleBuilder } from "../asm";

/** (x, cols, ld, cIn, h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw): byte offsets, then sizes. */
export type ColumnArgs = [x: number, cols: number, ld: number, ...sizes: number[]];

const PARAMS = ["x", "cols", "ld", "cIn", "h", "w", "oh", "ow", "kh", "kw", "sh", "sw", "pt", "pl", "dh", "dw"] as const;
type Params = Record<(typeof PARAMS)[number], Local>;

/** What a row's body gets: where its columns start, where its input row starts, its first column, and [from, to) of the columns inside the input (stride 1). */
interface Row {
  at: Local;
  row: Local;
  first: Local;
  from: Local;
  to: Local;
}

export function addColumnFunctions(m: ModuleBuilder): void {
  m.function(
    "im2col",
    PARAMS.map(() => "i32" as const),
    [],
    (c) => {
      eachRow(c, (p, r, inside) => {
        const q = c.local("i32");
        const iw = c.local("i32");
        c.local_get(inside);
        c.if_(
          () => {
            c.local_get(p.sw).i32_const(1).i32_eq();
            c.if_(
              () => {
                fill(c, r.at, 0, r.from);
                copy(c, r);
                fill(c, r.at, r.to, p.ow);
              },
              () => {
                // Any stride: cols[q] = iw in [0, w) ? x[row + iw] : 0, iw = first + q·sw.
                c.for_(q, 0, p.ow, 1, () => {
                  const target = () => c.local_get(r.at).local_get(q).i32_const(2).i32_shl().i32_add();
                  c.local_get(r.first).local_get(q).local_get(p.sw).i32_mul().i32_add().local_set(iw);
                  c.local_get(iw).local_get(p.w).i32_lt_u();
                  c.if_(
                    () => {
                      target();
                      c.local_get(r.row).local_get(iw).i32_const(2).i32_shl().i32_add().f32_load().f32_store();
                    },
                    () => {
                      target();
                      c.f32_const(0).f32_store();
                    },
                  );
                });
              },
            );
          },
          () => fill(c, r.at, 0, p.ow),
        );
      });
    },
  );

  m.function(
    "col2imAdd",
    PARAMS.map(() => "i32" as const),
    [],
    (c) => {
      eachRow(c, (p, r, inside) => {
        const q = c.local("i32");
        const iw = c.local("i32");
        const src = c.local("i32");
        const dst = c.local("i32");
        c.local_get(inside);
        c.if_(() => {
          c.local_get(p.sw).i32_const(1).i32_eq();
          c.if_(
            () => {
              // x[row + first + q] += cols[q] for q in [from, to), four at a time then one by one.
              const end4 = c.local("i32");
              c.local_get(r.to).local_get(r.from).i32_sub().i32_const(-4).i32_and().local_get(r.from).i32_add().local_set(end4);
              const addresses = () => {
                c.local_get(r.at).local_get(q).i32_const(2).i32_shl().i32_add().local_set(src);
                c.local_get(r.row).local_get(r.first).local_get(q).i32_add().i32_const(2).i32_shl().i32_add().local_set(dst);
              };
              c.for_(q, r.from, end4, 4, () => {
                addresses();
                c.local_get(dst).local_get(dst).v128_load().local_get(src).v128_load().f32x4_add().v128_store();
              });
              c.for_(q, end4, r.to, 1, () => {
                addresses();
                c.local_get(dst).local_get(dst).f32_load().local_get(src).f32_load().f32_add().f32_store();
              });
            },
            () => {
              c.for_(q, 0, p.ow, 1, () => {
                c.local_get(r.first).local_get(q).local_get(p.sw).i32_mul().i32_add().local_set(iw);
                c.local_get(iw).local_get(p.w).i32_lt_u();
                c.if_(() => {
                  c.local_get(r.row).local_get(iw).i32_const(2).i32_shl().i32_add().local_set(dst);
                  c.local_get(dst).local_get(dst).f32_load();
                  c.local_get(r.at).local_get(q).i32_const(2).i32_shl().i32_add().f32_load();
                  c.f32_add().f32_store();
                });
              });
            },
          );
        });
      });
    },
  );
}

/**
 * The row walk both functions share: calls `body(params, row, inside)` for every (tap, output row),
 * with `inside` an i32 local that is 1 when the input row exists.
 */
function eachRow(c: Code, body: (p: Params, r: Row, inside: Local) => void): void {
  const p = Object.fromEntries(PARAMS.map((name, i) => [name, c.param(i)])) as Params;
  const [ci, i, j, oh, ih, inside, tap] = Array.from({ length: 7 }, () => c.local("i32"));
  const r: Row = { at: c.local("i32"), row: c.local("i32"), first: c.local("i32"), from: c.local("i32"), to: c.local("i32") };
  c.for_(ci, 0, p.cIn, 1, () => {
    c.for_(i, 0, p.kh, 1, () => {
      c.for_(j, 0, p.kw, 1, () => {
        // This tap's row of columns: at = cols + tap·ld·4, then one output row (OW floats) at a time.
        c.local_get(p.cols).local_get(tap).local_get(p.ld).i32_mul().i32_const(2).i32_shl().i32_add().local_set(r.at);
        c.local_get(tap).i32_const(1).i32_add().local_set(tap);
        // first = j·dw − pl; stride 1: from = clamp(−first, 0, ow), to = clamp(w − first, from, ow)
        c.local_get(j).local_get(p.dw).i32_mul().local_get(p.pl).i32_sub().local_set(r.first);
        clamp(c, r.from, () => c.i32_const(0).local_get(r.first).i32_sub(), 0, p.ow);
        clamp(c, r.to, () => c.local_get(p.w).local_get(r.first).i32_sub(), r.from, p.ow);
        c.for_(oh, 0, p.oh, 1, () => {
          // ih = oh·sh − pt + i·dh; the row exists when 0 <= ih < h (unsigned compare)
          c.local_get(oh).local_get(p.sh).i32_mul().local_get(p.pt).i32_sub().local_get(i).local_get(p.dh).i32_mul().i32_add().local_set(ih);
          c.local_get(ih).local_get(p.h).i32_lt_u().local_set(inside);
          // row = x + ((ci·h + ih)·w)·4
          c.local_get(p.x)
            .local_get(ci)
            .local_get(p.h)
            .i32_mul()
            .local_get(ih)
            .i32_add()
            .local_get(p.w)
            .i32_mul()
            .i32_const(2)
            .i32_shl()
            .i32_add()
            .local_set(r.row);
          body(p, r, inside);
          c.local_get(r.at).local_get(p.ow).i32_const(2).i32_shl().i32_add().local_set(r.at);
        });
      });
    });
  });
}

/** local = min(max(value, low), high). */
function clamp(c: Code, out: Local, value: () => void, low: number | Local, high: Local): void {
  const bound = (b: number | Local) => (typeof b === "number" ? c.i32_const(b) : c.local_get(b));
  value();
  c.local_set(out);
  c.local_get(out);
  bound(low);
  c.local_get(out);
  bound(low);
  c.i32_gt_s().select().local_set(out);
  c.local_get(out);
  bound(high);
  c.local_get(out);
  bound(high);
  c.i32_lt_s().select().local_set(out);
}

/** Zeroes floats [from, to) of the row of columns at `at`. */
function fill(c: Code, at: Local, from: number | Local, to: Local): void {
  const q = c.local("i32");
  c.for_(q, from, to, 1, () => {
    c.local_get(at).local_get(q).i32_const(2).i32_shl().i32_add().f32_const(0).f32_store();
  });
}

/** cols[q] = x[row + first + q] for q in [from, to), four at a time then one by one. */
function copy(c: Code, r: Row): void {
  const q = c.local("i32");
  const end4 = c.local("i32");
  const src = c.local("i32");
  const dst = c.local("i32");
  c.local_get(r.to).local_get(r.from).i32_sub().i32_const(-4).i32_and().local_get(r.from).i32_add().local_set(end4);
  const addresses = () => {
    c.local_get(r.row).local_get(r.first).local_get(q).i32_add().i32_const(2).i32_shl().i32_add().local_set(src);
    c.local_get(r.at).local_get(q).i32_const(2).i32_shl().i32_add().local_set(dst);
  };
  c.for_(q, r.from, end4, 4, () => {
    addresses();
    c.local_get(dst).local_get(src).v128_load().v128_store();
  });
  c.for_(q, end4, r.to, 1, () => {
    addresses();
    c.local_get(dst).local_get(src).f32_load().f32_store();
  });
}
