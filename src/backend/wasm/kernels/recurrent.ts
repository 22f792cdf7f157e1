/**
 * The fused recurrent cells as WebAssembly (the wasm half of lstmCell, gruCell and their gradients
 * in src/ops/recurrent-cells.ts, which has the formulas): each walks `rows` batch rows of H hidden
 * units, four units at a time, with the SIMD sigmoid and tanh of transcendental.ts. Gate blocks lie H
 * apart within a row (i, f, g, o for the LSTM; r, z, n for the GRU). Arguments are byte offsets:
 *
 *   lstmCell(rows, H, gates, c, h, cNext)
 *   lstmCellBackward(rows, H, gates, c, dh, dcNext, dGates, dc)
 *   gruCell(rows, H, gi, gh, h, hNext)
 *   gruCellBackward(rows, H, gi, gh, h, dhNext, dgi, dgh, dh)
 */
import type { Code, Local, ModuleBuilder } from "../asm";
import { type Lanes, overElements } from "./elementwise";
import { constant, sigmoid, tanh } from "./transcendental";

/** Helpers for one lane type: loads, stores and arithmetic on locals. */
function lanes(c: Code, l: Lanes, at: () => Local) {
  const local = () => c.local(l.type);
  const set = (push: () => void) => {
    const v = local();
    push();
    c.local_set(v);
    return v;
  };
  const load = (base: Local) =>
    set(() => {
      c.local_get(base).local_get(at()).i32_add();
      l.load(c);
    });
  const store = (base: Local, push: () => void) => {
    c.local_get(base).local_get(at()).i32_add();
    push();
    l.store(c);
  };
  const get = (v: Local) => () => {
    c.local_get(v);
  };
  const op = (name: "add" | "sub" | "mul") => (a: () => void, b: () => void) => () => {
    a();
    b();
    l[name](c);
  };
  const [add, sub, mul] = [op("add"), op("sub"), op("mul")];
  const one = () => constant(c, l, 1);
  const sig = (x: Local) => set(() => sigmoid(c, l, x));
  const th = (x: Local) => set(() => tanh(c, l, x));
  /** y (1 - y): the slope of the sigmoid at the value y. */
  const sigmoidSlope = (y: Local) => mul(get(y), sub(one, get(y)));
  /** 1 - y²: the slope of tanh at the value y. */
  const tanhSlope = (y: Local) => sub(one, mul(get(y), get(y)));
  return { set, load, store, get, add, sub, mul, one, sig, th, sigmoidSlope, tanhSlope };
}

/** Adds `name(rows, H, ...pointers)`: for each row, `body` per element with the row's pointers. */
function rowKernel(
  m: ModuleBuilder,
  name: string,
  pointers: { name: string; gates: number }[],
  body: (x: ReturnType<typeof lanes>, p: Record<string, Local>) => void,
): void {
  m.function(name, Array(2 + pointers.length).fill("i32"), [], (c) => {
    const [rows, H] = [c.param(0), c.param(1)];
    const bases = pointers.map((_, k) => c.param(2 + k));
    const [row, hBytes] = [c.local("i32"), c.local("i32")];
    const at = c.local("i32");
    // Each pointer's row start, and for gate blocks the start of each block in the row.
    const starts = pointers.map((p) => Array.from({ length: Math.max(p.gates, 1) }, () => c.local("i32")));
    // The body's names for them: "c", or "g0".."g3" for the blocks of gates "g".
    const named: Record<string, Local> = {};
    pointers.forEach((p, k) => {
      if (p.gates === 0) named[p.name] = starts[k][0];
      for (let j = 0; j < p.gates; j++) named[`${p.name}${j}`] = starts[k][j];
    });
    c.local_get(H).i32_const(2).i32_shl().local_set(hBytes);
    c.for_(row, 0, rows, 1, () => {
      pointers.forEach((p, k) => {
        const width = Math.max(p.gates, 1);
        // row start = base + row · width · H · 4; block j = row start + j · H · 4
        c.local_get(bases[k]).local_get(row).i32_const(width).i32_mul().local_get(hBytes).i32_mul().i32_add().local_set(starts[k][0]);
        for (let j = 1; j < width; j++)
          c.local_get(starts[k][j - 1])
            .local_get(hBytes)
            .i32_add()
            .local_set(starts[k][j]);
      });
      overElements(c, H, (l) => {
        const x = lanes(c, l, () => at);
        return (offset) => {
          c.local_get(offset).local_set(at);
          body(x, named);
        };
      });
    });
  });
}

export function addRecurrentFunctions(m: ModuleBuilder): void {
  const state = (name: string) => ({ name, gates: 0 });
  rowKernel(m, "lstmCell", [{ name: "g", gates: 4 }, state("c"), state("h"), state("cNext")], (x, p) => {
    const [i, f, g, o] = [x.sig(x.load(p.g0)), x.sig(x.load(p.g1)), x.th(x.load(p.g2)), x.sig(x.load(p.g3))];
    const c = x.load(p.c);
    const cn = x.set(x.add(x.mul(x.get(f), x.get(c)), x.mul(x.get(i), x.get(g))));
    x.store(p.cNext, x.get(cn));
    const tc = x.th(cn);
    x.store(p.h, x.mul(x.get(o), x.get(tc)));
  });
  rowKernel(m, "lstmCellBackward", [{ name: "g", gates: 4 }, state("c"), state("dh"), state("dcNext"), { name: "dg", gates: 4 }, state("dc")], (x, p) => {
    const [i, f, g, o] = [x.sig(x.load(p.g0)), x.sig(x.load(p.g1)), x.th(x.load(p.g2)), x.sig(x.load(p.g3))];
    const c = x.load(p.c);
    const dh = x.load(p.dh);
    const tc = x.th(x.set(x.add(x.mul(x.get(f), x.get(c)), x.mul(x.get(i), x.get(g)))));
    // dc_t = dc' + dh' o (1 - tanh² c')
    const dcNext = x.load(p.dcNext);
    const dct = x.set(x.add(x.get(dcNext), x.mul(x.mul(x.get(dh), x.get(o)), x.tanhSlope(tc))));
    x.store(p.dg0, x.mul(x.mul(x.get(dct), x.get(g)), x.sigmoidSlope(i)));
    x.store(p.dg1, x.mul(x.mul(x.get(dct), x.get(c)), x.sigmoidSlope(f)));
    x.store(p.dg2, x.mul(x.mul(x.get(dct), x.get(i)), x.tanhSlope(g)));
    x.store(p.dg3, x.mul(x.mul(x.get(dh), x.get(tc)), x.sigmoidSlope(o)));
    x.store(p.dc, x.mul(x.get(dct), x.get(f)));
  });
  const gru = (x: ReturnType<typeof lanes>, p: Record<string, Local>) => {
    const r = x.sig(x.set(x.add(x.get(x.load(p.gi0)), x.get(x.load(p.gh0)))));
    const z = x.sig(x.set(x.add(x.get(x.load(p.gi1)), x.get(x.load(p.gh1)))));
    const ghn = x.load(p.gh2);
    const n = x.th(x.set(x.add(x.get(x.load(p.gi2)), x.mul(x.get(r), x.get(ghn)))));
    return { r, z, ghn, n, h: x.load(p.h) };
  };
  rowKernel(m, "gruCell", [{ name: "gi", gates: 3 }, { name: "gh", gates: 3 }, state("h"), state("hNext")], (x, p) => {
    const { z, n, h } = gru(x, p);
    // h' = (1 - z) n + z h = n + z (h - n)
    x.store(p.hNext, x.add(x.get(n), x.mul(x.get(z), x.sub(x.get(h), x.get(n)))));
  });
  rowKernel(
    m,
    "gruCellBackward",
    [{ name: "gi", gates: 3 }, { name: "gh", gates: 3 }, state("h"), state("dhNext"), { name: "dgi", gates: 3 }, { name: "dgh", gates: 3 }, state("dh")],
    (x, p) => {
      const { r, z, ghn, n, h } = gru(x, p);
      const d = x.load(p.dhNext);
      // dn = d (1 - z)(1 - n²); dz = d (h - n) z (1 - z); dr = dn gh_n r (1 - r)
      const dn = x.set(x.mul(x.mul(x.get(d), x.sub(x.one, x.get(z))), x.tanhSlope(n)));
      const dz = x.set(x.mul(x.mul(x.get(d), x.sub(x.get(h), x.get(n))), x.sigmoidSlope(z)));
      const dr = x.set(x.mul(x.mul(x.get(dn), x.get(ghn)), x.sigmoidSlope(r)));
      x.store(p.dgi0, x.get(dr));
      x.store(p.dgh0, x.get(dr));
      x.store(p.dgi1, x.get(dz));
      x.store(p.dgh1, x.get(dz));
      x.store(p.dgi2, x.get(dn));
      x.store(p.dgh2, x.mul(x.get(dn), x.get(r)));
      x.store(p.dh, x.mul(x.get(d), x.get(z)));
    },
  );
}
