/**
 * softmax and logSoftmax over rows of D contiguous floats (the last dim), and their gradients, as
 * WebAssembly SIMD (four floats at a time, then the tail; e^x and log from transcendental.ts):
 *
 *   m = max_d x[d],  s = Σ_d e^(x[d] − m)
 *   softmax:      y[d] = e^(x[d] − m) / s
 *   logSoftmax:   y[d] = x[d] − m − log s,   log s = k·ln 2 + log(1 + u) for s = 2^k·(1 + u), u in [0, 1)
 *
 *   softmax's gradient:     dx = y (dy − Σ dy·y)
 *   logSoftmax's gradient:  dx = dy − e^y Σ dy
 *
 * softmaxRows(x, y, rows, D, log) and softmaxBackwardRows(dy, y, dx, rows, D, log): byte offsets,
 * `log` 1 for logSoftmax.
 */
import type { Code, Local, ModuleBuilder } from "../asm";
import { type Lanes, overElements, SCALAR } from "./elementwise";
import { exp, log1pUnit } from "./transcendental";

export function addSoftmaxFunctions(m: ModuleBuilder): void {
  m.function("softmaxRows", ["i32", "i32", "i32", "i32", "i32"], [], (c) => {
    const [x, y, rows, D, log] = [0, 1, 2, 3, 4].map((i) => c.param(i));
    const [r, rowX, rowY] = [c.local("i32"), c.local("i32"), c.local("i32")];
    const [m, s, shift] = [c.local("f32"), c.local("f32"), c.local("f32")];
    c.for_(r, 0, rows, 1, () => {
      rowAt(c, rowX, x, r, D);
      rowAt(c, rowY, y, r, D);
      // m = max over the row
      fold(c, D, m, -Infinity, "max", (l, at, v) => {
        c.local_get(rowX).local_get(at).i32_add();
        l.load(c);
        c.local_set(v);
      });
      // s = Σ e^(x − m); softmax keeps each e^(x − m) in y on the way
      fold(c, D, s, 0, "add", (l, at, v) => {
        const t = c.local(l.type);
        c.local_get(rowX).local_get(at).i32_add();
        l.load(c);
        c.local_get(m);
        l.splat(c);
        l.sub(c);
        c.local_set(t);
        exp(c, l, t);
        c.local_set(v);
        c.local_get(log).i32_const(0).i32_eq();
        c.if_(() => {
          c.local_get(rowY).local_get(at).i32_add().local_get(v);
          l.store(c);
        });
      });
      c.local_get(log);
      c.if_(
        () => {
          // y = x − (m + log s)
          logOf(c, s, shift);
          c.local_get(shift).local_get(m).f32_add().local_set(shift);
          mapRow(c, D, rowY, rowX, shift, "sub");
        },
        () => {
          // y = e^(x − m) · (1 / s)
          c.f32_const(1).local_get(s).f32_div().local_set(shift);
          mapRow(c, D, rowY, rowY, shift, "mul");
        },
      );
    });
  });

  m.function("softmaxBackwardRows", ["i32", "i32", "i32", "i32", "i32", "i32"], [], (c) => {
    const [dy, y, dx, rows, D, log] = [0, 1, 2, 3, 4, 5].map((i) => c.param(i));
    const [r, rowDy, rowY, rowDx] = [c.local("i32"), c.local("i32"), c.local("i32"), c.local("i32")];
    const s = c.local("f32");
    c.for_(r, 0, rows, 1, () => {
      rowAt(c, rowDy, dy, r, D);
      rowAt(c, rowY, y, r, D);
      rowAt(c, rowDx, dx, r, D);
      // s = Σ dy·y (softmax) or Σ dy (logSoftmax)
      fold(c, D, s, 0, "add", (l, at, v) => {
        c.local_get(rowDy).local_get(at).i32_add();
        l.load(c);
        c.local_set(v);
        c.local_get(log).i32_const(0).i32_eq();
        c.if_(() => {
          c.local_get(v);
          c.local_get(rowY).local_get(at).i32_add();
          l.load(c);
          l.mul(c);
          c.local_set(v);
        });
      });
      overElements(c, D, (l) => {
        const [g, yv, e] = [c.local(l.type), c.local(l.type), c.local(l.type)];
        return (at) => {
          c.local_get(rowDy).local_get(at).i32_add();
          l.load(c);
          c.local_set(g);
          c.local_get(rowY).local_get(at).i32_add();
          l.load(c);
          c.local_set(yv);
          c.local_get(rowDx).local_get(at).i32_add();
          c.local_get(log);
          c.if_(
            () => {
              // dx = dy − e^y · s   (an `if` with a result would need a block type: compute into g)
              exp(c, l, yv);
              c.local_set(e);
              c.local_get(g).local_get(e).local_get(s);
              l.splat(c);
              l.mul(c);
              l.sub(c);
              c.local_set(g);
            },
            () => {
              // dx = y · (dy − s)
              c.local_get(yv).local_get(g).local_get(s);
              l.splat(c);
              l.sub(c);
              l.mul(c);
              c.local_set(g);
            },
          );
          c.local_get(g);
          l.store(c);
        };
      });
    });
  });
}

/** dst[d] = src[d] ⊙ p over the row (⊙: sub or mul). */
function mapRow(c: Code, D: Local, dst: Local, src: Local, p: Local, op: "sub" | "mul"): void {
  overElements(c, D, (l) => (at) => {
    c.local_get(dst).local_get(at).i32_add();
    c.local_get(src).local_get(at).i32_add();
    l.load(c);
    c.local_get(p);
    l.splat(c);
    l[op](c);
    l.store(c);
  });
}

/** row = base + r·D·4 */
function rowAt(c: Code, row: Local, base: Local, r: Local, D: Local): void {
  c.local_get(base).local_get(r).local_get(D).i32_mul().i32_const(2).i32_shl().i32_add().local_set(row);
}

/**
 * result = start ⊕ value(d) over the row (⊕: max or add), four lanes at a time and then the tail:
 * `value(l, at, v)` sets v (of the lane type) to the element(s) at byte offset `at` of the row.
 */
function fold(c: Code, D: Local, result: Local, start: number, op: "max" | "add", value: (l: Lanes, at: Local, v: Local) => void): void {
  const vector = c.local("v128");
  c.f32_const(start).f32x4_splat().local_set(vector);
  c.f32_const(start).local_set(result);
  overElements(c, D, (l) => {
    const v = c.local(l.type);
    const acc = l.width === 4 ? vector : result;
    return (at) => {
      value(l, at, v);
      c.local_get(acc).local_get(v);
      l[op](c);
      c.local_set(acc);
    };
  });
  for (let lane = 0; lane < 4; lane++) {
    c.local_get(result).local_get(vector).f32x4_extract_lane(lane);
    if (op === "max") c.f32_max();
    else c.f32_add();
    c.local_set(result);
  }
}

/** out = log s for s ≥ 1 (finite): s = 2^k·(1 + u) from its bits, log s = k·ln 2 + log(1 + u). */
function logOf(c: Code, s: Local, out: Local): void {
  const [bits, u] = [c.local("i32"), c.local("f32")];
  c.local_get(s).i32_reinterpret_f32().local_set(bits);
  // 1 + u: s's mantissa under the exponent of 1
  c.local_get(bits).i32_const(0x7fffff).i32_and().i32_const(0x3f800000).i32_or().f32_reinterpret_i32().f32_const(1).f32_sub().local_set(u);
  log1pUnit(c, SCALAR, u);
  c.local_get(bits).i32_const(23).i32_shr_u().i32_const(127).i32_sub().f32_convert_i32_s().f32_const(Math.LN2).f32_mul();
  c.f32_add().local_set(out);
}
