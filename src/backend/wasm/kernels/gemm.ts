/**
 * The wasm backend's matrix product, C = op(A)·op(B) (+ bias), as WebAssembly SIMD, in the blocked
 * layout of GotoBLAS / BLIS:
 *
 *   for each block of KC steps of k:            (packB: B's KC rows, in panels of 8 columns)
 *     for each block of MC rows of A:           (packA: those rows, in groups of MR, k-major)
 *       tiles: for each 8-column panel of B     (stays in L1: KC·8 floats)
 *                for each MR-row group of A     (the A block stays in L2: MC·KC floats)
 *                  micro-kernel: an MR×8 tile of C in 2·MR SIMD registers, one k at a time:
 *                  two 4-wide loads of B's row k, MR splats of A[m, k], 2·MR multiply-adds
 *
 * Packing reads A and B through any strides (transposed operands cost nothing extra) and pads the
 * edges with zeros, so the micro-kernel never branches; edge tiles are written through a scratch
 * tile. The first k block adds the bias (or nothing), later ones add to C. The driver (in
 * src/backend/wasm/gemm.ts) loops over blocks and can hand row blocks to several threads.
 */
import { type Code, type Local, ModuleBuilder } from "../asm";

/** Rows of a micro-tile (its columns are 8: two 4-wide vectors). */
export const MR = 4;
export const NR = 8;
/** Block sizes: KC steps of k, MC rows of A (a multiple of MR). */
export const KC = 256;
export const MC = 128;

/** Emits the three functions the driver calls: packA, packB and tiles. */
export function addGemmFunctions(m: ModuleBuilder, fma: boolean): ModuleBuilder {
  // packB: B's kc rows in panels of NR columns, dst[p][k][j] = B[k, NR·p + j]; packA: A's rows in
  // groups of MR, dst[g][k][r] = A[MR·g + r, k]. Zero past the last column or row.
  addPack(m, "packB", NR);
  addPack(m, "packA", MR);

  // tiles(pa, pb, kc, c, ldc, rows, cols, accumulate, bias, scratch): C[rows × cols] (+)= packed A · packed B.
  m.function("tiles", ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"], [], (c) => {
    const [pa, pb, kc, cBase, ldc, rows, cols, accumulate, bias, scratch] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => c.param(i));
    const j0 = c.local("i32");
    const i0 = c.local("i32");
    const k = c.local("i32");
    const ap = c.local("i32");
    const bp = c.local("i32");
    const panel = c.local("i32");
    const tile = c.local("i32");
    const b0 = c.local("v128");
    const b1 = c.local("v128");
    const av = c.local("v128");
    const acc: Local[][] = Array.from({ length: MR }, () => [c.local("v128"), c.local("v128")]);
    c.local_get(pb).local_set(panel);
    c.for_(j0, 0, cols, NR, () => {
      c.for_(i0, 0, rows, MR, () => {
        // The group's packed A: pa + (i0 / MR)·kc·MR·4 = pa + i0·kc·4.
        c.local_get(pa).local_get(i0).local_get(kc).i32_mul().i32_const(2).i32_shl().i32_add().local_set(ap);
        c.local_get(panel).local_set(bp);
        for (const row of acc) for (const v of row) c.f32_const(0).f32x4_splat().local_set(v);
        microKernel(c, { k, kc, ap, bp, b0, b1, av, acc }, fma);
        // The tile's top-left in C: c + (i0·ldc + j0)·4.
        c.local_get(cBase).local_get(i0).local_get(ldc).i32_mul().local_get(j0).i32_add().i32_const(2).i32_shl().i32_add().local_set(tile);
        c.local_get(i0).i32_const(MR).i32_add().local_get(rows).i32_le_s();
        c.local_get(j0).i32_const(NR).i32_add().local_get(cols).i32_le_s();
        c.i32_mul(); // both: a full tile
        c.if_(
          () => writeFullTile(c, { tile, ldc, accumulate, bias, j0, acc }),
          () => writeEdgeTile(c, { tile, ldc, accumulate, bias, j0, i0, rows, cols, scratch, acc }),
        );
      });
      // The next panel: kc·NR floats further.
      c.local_get(panel)
        .local_get(kc)
        .i32_const(2 + 3)
        .i32_shl()
        .i32_add()
        .local_set(panel);
    });
  });
  addGemmPart(m);
  return m;
}

/**
 * gemmPart(a, aM, aK, packedB, c, N, m0, m1, n0, n1, K, bias, accumulate, packedA, scratch): rows m0..m1
 * and columns n0..n1 (n0 a multiple of NR) of C [M, N] (+)= A·B, from B packed whole beforehand (each
 * block of KC rows of k in panels: block k0 starts at packedB + k0·P·NR·4 bytes, P = ⌈N/NR⌉ panels of
 * kc·NR floats). Packs its own rows of A into `packedA`. One thread runs one part; a GEMM on several
 * threads is several parts over the same packed B.
 */
function addGemmPart(m: ModuleBuilder): void {
  const packA = m.indexOf("packA");
  const tiles = m.indexOf("tiles");
  m.function(
    "gemmPart",
    Array.from({ length: 15 }, () => "i32" as const),
    [],
    (c) => {
      const [a, aM, aK, packedB, cBase, N, m0, m1, n0, n1, K, bias, accumulate, packedA, scratch] = Array.from({ length: 15 }, (_, i) => c.param(i));
      const k0 = c.local("i32");
      const kc = c.local("i32");
      const r0 = c.local("i32");
      const mc = c.local("i32");
      const block = c.local("i32");
      const panels = c.local("i32");
      const columnBias = c.local("i32");
      // panels = ⌈N / NR⌉; the part's bias starts at column n0 (0 stays 0: no bias).
      c.local_get(N)
        .i32_const(NR - 1)
        .i32_add()
        .i32_const(3)
        .i32_shr_u()
        .local_set(panels);
      c.local_get(bias).local_get(n0).i32_const(2).i32_shl().i32_add().i32_const(0).local_get(bias).select().local_set(columnBias);
      c.for_(k0, 0, K, KC, () => {
        // kc = min(KC, K − k0)
        c.local_get(K).local_get(k0).i32_sub().i32_const(KC).local_get(K).local_get(k0).i32_sub().i32_const(KC).i32_lt_s().select().local_set(kc);
        // block = packedB + (k0·P·NR + n0·kc)·4: this part's first panel in block k0
        c.local_get(packedB)
          .local_get(k0)
          .local_get(panels)
          .i32_mul()
          .i32_const(3)
          .i32_shl()
          .local_get(n0)
          .local_get(kc)
          .i32_mul()
          .i32_add()
          .i32_const(2)
          .i32_shl()
          .i32_add()
          .local_set(block);
        c.for_(r0, m0, m1, MC, () => {
          // mc = min(MC, m1 − r0)
          c.local_get(m1).local_get(r0).i32_sub().i32_const(MC).local_get(m1).local_get(r0).i32_sub().i32_const(MC).i32_lt_s().select().local_set(mc);
          // packA(a + (r0·aM + k0·aK)·4, aM, aK, mc, kc, packedA)
          c.local_get(a).local_get(r0).local_get(aM).i32_mul().local_get(k0).local_get(aK).i32_mul().i32_add().i32_const(2).i32_shl().i32_add();
          c.local_get(aM).local_get(aK).local_get(mc).local_get(kc).local_get(packedA).call(packA);
          // tiles(packedA, block, kc, c + (r0·N + n0)·4, N, mc, n1 − n0, k0 > 0 | accumulate, columnBias, scratch)
          c.local_get(packedA).local_get(block).local_get(kc);
          c.local_get(cBase).local_get(r0).local_get(N).i32_mul().local_get(n0).i32_add().i32_const(2).i32_shl().i32_add();
          c.local_get(N).local_get(mc).local_get(n1).local_get(n0).i32_sub();
          c.local_get(k0).i32_const(0).i32_gt_s().local_get(accumulate).i32_or();
          c.local_get(columnBias).local_get(scratch).call(tiles);
        });
      });
    },
  );
}

/**
 * A packing function name(src, laneStride, kStride, count, kc, dst): for each group of `lanes`
 * consecutive lines (columns of B, rows of A) and each k < kc, writes the group's `lanes` values at k
 * next to each other, dst[g][k][l] = src[(lanes·g + l)·laneStride + k·kStride], 0 past `count` lines.
 * Strides are in elements, addresses in bytes.
 */
function addPack(m: ModuleBuilder, name: string, lanes: number): void {
  m.function(name, ["i32", "i32", "i32", "i32", "i32", "i32"], [], (c) => {
    const [src, laneStride, kStride, count, kc, dst] = [0, 1, 2, 3, 4, 5].map((i) => c.param(i));
    const g0 = c.local("i32");
    const k = c.local("i32");
    const at = c.local("i32");
    const lane = c.local("i32");
    const laneBytes = c.local("i32");
    c.local_get(laneStride).i32_const(2).i32_shl().local_set(laneBytes);
    // at = src + (g0·laneStride + k·kStride)·4: the group's first lane at step k.
    const address = () =>
      c
        .local_get(src)
        .local_get(g0)
        .local_get(laneStride)
        .i32_mul()
        .local_get(k)
        .local_get(kStride)
        .i32_mul()
        .i32_add()
        .i32_const(2)
        .i32_shl()
        .i32_add()
        .local_set(at);
    c.for_(g0, 0, count, lanes, () => {
      c.local_get(g0).i32_const(lanes).i32_add().local_get(count).i32_le_s();
      c.if_(
        // A whole group: no bounds to check.
        () => {
          c.local_get(laneStride).i32_const(1).i32_eq();
          c.if_(
            // Lanes side by side in memory (B's columns of a row-major B, a convolution's columns):
            // whole vectors at a time.
            () => {
              c.for_(k, 0, kc, 1, () => {
                address();
                for (let v = 0; v < lanes / 4; v++)
                  c.local_get(dst)
                    .local_get(at)
                    .v128_load(v * 16)
                    .v128_store(v * 16);
                c.add_to(dst, lanes * 4);
              });
            },
            // Lanes apart (A's rows): one float each, a stride apart.
            () => {
              c.for_(k, 0, kc, 1, () => {
                address();
                c.local_get(at).local_set(lane);
                for (let l = 0; l < lanes; l++) {
                  c.local_get(dst)
                    .local_get(lane)
                    .f32_load()
                    .f32_store(l * 4);
                  if (l + 1 < lanes) c.local_get(lane).local_get(laneBytes).i32_add().local_set(lane);
                }
                c.add_to(dst, lanes * 4);
              });
            },
          );
        },
        // The last, partial group: zeros past the last lane.
        () => {
          c.for_(k, 0, kc, 1, () => {
            address();
            for (let l = 0; l < lanes; l++) {
              c.local_get(g0).i32_const(l).i32_add().local_get(count).i32_lt_s();
              c.if_(
                () => {
                  c.local_get(dst)
                    .local_get(at)
                    .local_get(laneStride)
                    .i32_const(l * 4)
                    .i32_mul()
                    .i32_add()
                    .f32_load()
                    .f32_store(l * 4);
                },
                () => {
                  c.local_get(dst)
                    .f32_const(0)
                    .f32_store(l * 4);
                },
              );
            }
            c.add_to(dst, lanes * 4);
          });
        },
      );
    });
  });
}

interface MicroLocals {
  k: Local;
  kc: Local;
  ap: Local;
  bp: Local;
  b0: Local;
  b1: Local;
  av: Local;
  acc: Local[][];
}

/** acc[r][h] += A[r, k] · B[k, 4h..4h+3] for k < kc, walking the packed panels. */
function microKernel(c: Code, l: MicroLocals, fma: boolean): void {
  c.for_(l.k, 0, l.kc, 1, () => {
    c.local_get(l.bp).v128_load(0).local_set(l.b0);
    c.local_get(l.bp).v128_load(16).local_set(l.b1);
    for (let r = 0; r < MR; r++) {
      c.local_get(l.ap)
        .v128_load32_splat(r * 4)
        .local_set(l.av);
      c.local_get(l.av).local_get(l.b0).f32x4_mul_add_into(l.acc[r][0], fma);
      c.local_get(l.av).local_get(l.b1).f32x4_mul_add_into(l.acc[r][1], fma);
    }
    c.add_to(l.ap, MR * 4);
    c.add_to(l.bp, NR * 4);
  });
}

interface WriteLocals {
  tile: Local;
  ldc: Local;
  accumulate: Local;
  bias: Local;
  j0: Local;
  acc: Local[][];
}

/** Stores a whole MR×8 tile: C = acc + (C when accumulating, else the bias or 0). */
function writeFullTile(c: Code, l: WriteLocals): void {
  const rowAddress = (r: number) =>
    c
      .local_get(l.tile)
      .local_get(l.ldc)
      .i32_const(r * 4)
      .i32_mul()
      .i32_add();
  c.local_get(l.accumulate);
  c.if_(
    () => {
      for (let r = 0; r < MR; r++)
        for (let h = 0; h < 2; h++) {
          rowAddress(r);
          rowAddress(r)
            .v128_load(h * 16)
            .local_get(l.acc[r][h])
            .f32x4_add()
            .v128_store(h * 16);
        }
    },
    () => {
      c.local_get(l.bias);
      c.if_(
        () => {
          for (let r = 0; r < MR; r++)
            for (let h = 0; h < 2; h++) {
              rowAddress(r);
              c.local_get(l.bias)
                .local_get(l.j0)
                .i32_const(2)
                .i32_shl()
                .i32_add()
                .v128_load(h * 16)
                .local_get(l.acc[r][h])
                .f32x4_add()
                .v128_store(h * 16);
            }
        },
        () => {
          for (let r = 0; r < MR; r++)
            for (let h = 0; h < 2; h++) {
              rowAddress(r);
              c.local_get(l.acc[r][h]).v128_store(h * 16);
            }
        },
      );
    },
  );
}

/** An edge tile: the registers go to the scratch tile, then only the rows and columns inside C are written. */
function writeEdgeTile(c: Code, l: WriteLocals & { i0: Local; rows: Local; cols: Local; scratch: Local }): void {
  for (let r = 0; r < MR; r++)
    for (let h = 0; h < 2; h++) {
      c.local_get(l.scratch)
        .local_get(l.acc[r][h])
        .v128_store((r * NR + h * 4) * 4);
    }
  for (let r = 0; r < MR; r++)
    for (let j = 0; j < NR; j++) {
      // if (i0 + r < rows && j0 + j < cols) C[r][j] = base + scratch[r][j]
      c.local_get(l.i0).i32_const(r).i32_add().local_get(l.rows).i32_lt_s();
      c.local_get(l.j0).i32_const(j).i32_add().local_get(l.cols).i32_lt_s();
      c.i32_mul();
      c.if_(() => {
        const address = () =>
          c
            .local_get(l.tile)
            .local_get(l.ldc)
            .i32_const(r * 4)
            .i32_mul()
            .i32_add();
        const value = () => c.local_get(l.scratch).f32_load((r * NR + j) * 4);
        c.local_get(l.accumulate);
        c.if_(
          () => {
            address();
            value();
            address()
              .f32_load(j * 4)
              .f32_add()
              .f32_store(j * 4);
          },
          () => {
            c.local_get(l.bias);
            c.if_(
              () => {
                address();
                value();
                c.local_get(l.bias)
                  .local_get(l.j0)
                  .i32_const(2)
                  .i32_shl()
                  .i32_add()
                  .f32_load(j * 4)
                  .f32_add()
                  .f32_store(j * 4);
              },
              () => {
                address();
                value();
                c.f32_store(j * 4);
              },
            );
          },
        );
      });
    }
}

/** A module with only the GEMM functions (tests and the bench build the backend's full module). */
export function gemmModule(fma: boolean, memory: { initialPages: number; maximumPages?: number; shared?: boolean }): Uint8Array {
  return addGemmFunctions(new ModuleBuilder(), fma).build(memory);
}
