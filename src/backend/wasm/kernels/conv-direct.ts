/**
 * A direct convolution for few output channels (stride 1 along the width): no columns, no packing.
 * When a convolution has few output channels, building its columns (25x its input for a 5x5 kernel)
 * and packing them for the GEMM costs more than the multiply-adds; this kernel reads the input
 * where it lies instead. For each image, block of 4 output channels, output row and run of 8 output
 * pixels (two vectors of 4):
 *
 *   acc[c][g] = bias[co + c]                        c < 4 channels, g < 2 vectors of 4 pixels
 *   for each tap k = (ci, i, j):                    K = C_in·KH·KW taps
 *     v[g] = x[ci, oy·sh + i·dh, ox + 4g + j·dw ..] two vector loads: the pixels' inputs are adjacent
 *     acc[c][g] += v[g] · w[co + c, k]              each weight loaded once for both vectors
 *   y[n, co + c, oy, ox ..] = acc[c]
 *
 * (4 channels x 8 pixels ran 2.9x faster on one thread than 8 x 4, which loads a weight for every
 * vector multiply-add.) The input is first copied into a zero-padded image (the padding and
 * ROW_SLACK floats at the right, so the last run of a row reads no further): the tap loop has no
 * bounds checks. A plan in the heap
 * holds the sizes and each tap's byte offset in the padded image (ci·HP + i·dh)·WP + j·dw; the
 * weights come splatted, block by block: [bias splat x 4][tap 0: w splat x 4][tap 1: ...].
 *
 * convDirect(x, y, weights, plan, scratch, n0, n1) runs images [n0, n1); `scratch` holds one padded
 * image (a multiple of 4 floats).
 */
import type { Code, Local, ModuleBuilder } from "../asm";

/** Output channels per pass, and groups of 4 pixels per pass: CONV_BLOCK·GROUPS vector accumulators. */
export const CONV_BLOCK = 4;
const GROUPS = 2;
const PIXELS = 4 * GROUPS;
/** Floats of slack at the right of each padded row: a row's last pixels read up to PIXELS − 1 beyond it. */
export const ROW_SLACK = PIXELS - 1;

/** The plan's sizes, in order, before the taps' byte offsets. */
export const PLAN_FIELDS = ["cIn", "h", "w", "cOut", "oh", "ow", "taps", "sh", "pt", "pl", "hp", "wp"] as const;

/** (x, y, weights, plan, scratch, n0, n1): byte offsets, then the images to run. */
export type DirectConvArgs = [x: number, y: number, weights: number, plan: number, scratch: number, n0: number, n1: number];

type Plan = Record<(typeof PLAN_FIELDS)[number], Local>;

export function addDirectConvFunctions(m: ModuleBuilder, fma: boolean): void {
  m.function("convDirect", ["i32", "i32", "i32", "i32", "i32", "i32", "i32"], [], (c) => {
    const [x, y, weights, plan, scratch, n0, n1] = Array.from({ length: 7 }, (_, i) => c.param(i));
    const p = Object.fromEntries(
      PLAN_FIELDS.map((field, i) => {
        const l = c.local("i32");
        c.local_get(plan)
          .i32_load(i * 4)
          .local_set(l);
        return [field, l];
      }),
    ) as Plan;
    const [table, tableEnd, q, size, n] = Array.from({ length: 5 }, () => c.local("i32"));
    c.local_get(plan)
      .i32_const(PLAN_FIELDS.length * 4)
      .i32_add()
      .local_set(table);
    c.local_get(table).local_get(p.taps).i32_const(2).i32_shl().i32_add().local_set(tableEnd);

    // The padding stays zero: only the image's own positions are written below.
    c.local_get(p.cIn).local_get(p.hp).i32_mul().local_get(p.wp).i32_mul().local_set(size);
    c.for_(q, 0, size, 4, () => {
      c.local_get(scratch).local_get(q).i32_const(2).i32_shl().i32_add().f32_const(0).f32x4_splat().v128_store();
    });
    c.for_(n, n0, n1, 1, () => {
      copyIntoPadded(c, p, x, scratch, n);
      eachBlock(c, p, { y, weights, scratch, table, tableEnd, n }, fma);
    });
  });
}

/** Image n's rows into the padded image: scratch[(ci·HP + pt + r)·WP + pl + q] = x[n, ci, r, q]. */
function copyIntoPadded(c: Code, p: Plan, x: Local, scratch: Local, n: Local): void {
  const [ci, r, q, src, dst, end4] = Array.from({ length: 6 }, () => c.local("i32"));
  c.local_get(p.w).i32_const(-4).i32_and().local_set(end4);
  c.for_(ci, 0, p.cIn, 1, () => {
    c.for_(r, 0, p.h, 1, () => {
      // src = x + (((n·cIn + ci)·h + r)·w)·4; dst = scratch + ((ci·hp + pt + r)·wp + pl)·4
      c.local_get(x).local_get(n).local_get(p.cIn).i32_mul().local_get(ci).i32_add().local_get(p.h).i32_mul().local_get(r).i32_add();
      c.local_get(p.w).i32_mul().i32_const(2).i32_shl().i32_add().local_set(src);
      c.local_get(scratch).local_get(ci).local_get(p.hp).i32_mul().local_get(p.pt).i32_add().local_get(r).i32_add();
      c.local_get(p.wp).i32_mul().local_get(p.pl).i32_add().i32_const(2).i32_shl().i32_add().local_set(dst);
      const at = (base: Local) => c.local_get(base).local_get(q).i32_const(2).i32_shl().i32_add();
      c.for_(q, 0, end4, 4, () => {
        at(dst);
        at(src).v128_load();
        c.v128_store();
      });
      c.for_(q, end4, p.w, 1, () => {
        at(dst);
        at(src).f32_load();
        c.f32_store();
      });
    });
  });
}

interface BlockLocals {
  y: Local;
  weights: Local;
  scratch: Local;
  table: Local;
  tableEnd: Local;
  n: Local;
}

/** Every block of CONV_BLOCK output channels of image n: each output row, PIXELS pixels at a time. */
function eachBlock(c: Code, p: Plan, l: BlockLocals, fma: boolean): void {
  const [co, valid, weightsAt, blockBytes, oy, rowAt, outRow, channelBytes, ox, t, w, at, out, tap] = Array.from({ length: 14 }, () => c.local("i32"));
  const acc = Array.from({ length: CONV_BLOCK }, () => Array.from({ length: GROUPS }, () => c.local("v128")));
  const v = Array.from({ length: GROUPS }, () => c.local("v128"));
  const weight = c.local("v128");
  // A block's weights: (1 + taps) groups of CONV_BLOCK splats of 16 bytes.
  c.local_get(p.taps)
    .i32_const(1)
    .i32_add()
    .i32_const(CONV_BLOCK * 16)
    .i32_mul()
    .local_set(blockBytes);
  c.local_get(p.oh).local_get(p.ow).i32_mul().i32_const(2).i32_shl().local_set(channelBytes);
  c.local_get(l.weights).local_set(weightsAt);
  c.for_(co, 0, p.cOut, CONV_BLOCK, () => {
    // valid = min(CONV_BLOCK, cOut − co): the channels of this block that exist
    c.local_get(p.cOut).local_get(co).i32_sub().local_set(valid);
    c.i32_const(CONV_BLOCK).local_get(valid).local_get(valid).i32_const(CONV_BLOCK).i32_gt_s().select().local_set(valid);
    c.for_(oy, 0, p.oh, 1, () => {
      // rowAt = scratch + oy·sh·wp·4; outRow = y + ((n·cOut + co)·oh + oy)·ow·4
      c.local_get(l.scratch).local_get(oy).local_get(p.sh).i32_mul().local_get(p.wp).i32_mul().i32_const(2).i32_shl().i32_add().local_set(rowAt);
      c.local_get(l.y).local_get(l.n).local_get(p.cOut).i32_mul().local_get(co).i32_add().local_get(p.oh).i32_mul().local_get(oy).i32_add();
      c.local_get(p.ow).i32_mul().i32_const(2).i32_shl().i32_add().local_set(outRow);
      c.for_(ox, 0, p.ow, PIXELS, () => {
        for (let k = 0; k < CONV_BLOCK; k++) {
          c.local_get(weightsAt)
            .v128_load(k * 16)
            .local_set(acc[k][0]);
          for (let g = 1; g < GROUPS; g++) c.local_get(acc[k][0]).local_set(acc[k][g]);
        }
        c.local_get(rowAt).local_get(ox).i32_const(2).i32_shl().i32_add().local_set(at);
        c.local_get(weightsAt)
          .i32_const(CONV_BLOCK * 16)
          .i32_add()
          .local_set(w);
        c.for_(t, l.table, l.tableEnd, 4, () => {
          c.local_get(at).local_get(t).i32_load().i32_add().local_set(tap);
          for (let g = 0; g < GROUPS; g++)
            c.local_get(tap)
              .v128_load(g * 16)
              .local_set(v[g]);
          for (let k = 0; k < CONV_BLOCK; k++) {
            c.local_get(w)
              .v128_load(k * 16)
              .local_set(weight);
            for (let g = 0; g < GROUPS; g++) c.local_get(v[g]).local_get(weight).f32x4_mul_add_into(acc[k][g], fma);
          }
          c.add_to(w, CONV_BLOCK * 16);
        });
        c.local_get(outRow).local_get(ox).i32_const(2).i32_shl().i32_add().local_set(out);
        storeGroups(c, p, { acc, valid, ox, out, channelBytes });
      });
    });
    c.add_to(weightsAt, blockBytes);
  });
}

/** Stores the block's PIXELS pixels: whole vectors where the row goes on, lane by lane at its end. */
function storeGroups(c: Code, p: Plan, l: { acc: Local[][]; valid: Local; ox: Local; out: Local; channelBytes: Local }): void {
  for (let k = 0; k < CONV_BLOCK; k++) {
    c.i32_const(k).local_get(l.valid).i32_lt_s();
    c.if_(() => {
      for (let g = 0; g < GROUPS; g++) {
        c.local_get(l.ox)
          .i32_const(4 * g + 4)
          .i32_add()
          .local_get(p.ow)
          .i32_le_s();
        c.if_(
          () =>
            c
              .local_get(l.out)
              .local_get(l.acc[k][g])
              .v128_store(g * 16),
          () => {
            for (let lane = 0; lane < 4; lane++) {
              c.local_get(l.ox)
                .i32_const(4 * g + lane)
                .i32_add()
                .local_get(p.ow)
                .i32_lt_s();
              c.if_(() =>
                c
                  .local_get(l.out)
                  .local_get(l.acc[k][g])
                  .f32x4_extract_lane(lane)
                  .f32_store(g * 16 + lane * 4),
              );
            }
          },
        );
      }
    });
    c.add_to(l.out, l.channelBytes);
  }
}
