/**
 * The adaptive optimizers' fused updates (src/optim/rmsprop.ts, adagrad.ts, adadelta.ts) as
 * WebAssembly SIMD, in place, four parameters at a time and the rest one by one. Each formula is
 * written once, as expressions over `Lanes`, below the rule it implements (g = grad + wd·p first):
 *
 *   rmsprop[Centered][Momentum](n, grad, param, sq, [ga], [buf], lr, alpha, eps, wd, momentum):
 *     s = α·sq + (1−α)·g²;  [a = α·ga + (1−α)·g];  avg = √(s [− a²]) + ε;
 *     p −= lr·g/avg, or with momentum b = μ·buf + g/avg, p −= lr·b
 *   adagrad(n, grad, param, sum, clr, wd, eps):  s = sum + g²;  p −= clr·g / (√s + ε)
 *   adadelta(n, grad, param, sq, acc, lr, rho, eps, wd):
 *     s = ρ·sq + (1−ρ)·g²;  δ = √(acc + ε) / √(s + ε) · g;  acc = ρ·acc + (1−ρ)·δ²;  p −= lr·δ
 */
import type { Code, Local, ModuleBuilder } from "../asm";
import { type Lanes, laneParams, overElements } from "./elementwise";

/** Pushes one value of the lane type. */
type Expr = () => void;

/** Expression builders for one kind of lane. */
function expressions(c: Code, l: Lanes) {
  const binary =
    (op: "add" | "sub" | "mul" | "div") =>
    (a: Expr, b: Expr): Expr =>
    () => {
      a();
      b();
      l[op](c);
    };
  return {
    get:
      (x: Local): Expr =>
      () =>
        c.local_get(x),
    one: (): Expr => () => {
      c.f32_const(1);
      l.splat(c);
    },
    add: binary("add"),
    sub: binary("sub"),
    mul: binary("mul"),
    div: binary("div"),
    sqrt:
      (a: Expr): Expr =>
      () => {
        a();
        l.sqrt(c);
      },
    /** x = e (a new local of the lane type); returns a reader of x. */
    let: (e: Expr): Expr => {
      const x = c.local(l.type);
      e();
      c.local_set(x);
      return () => c.local_get(x);
    },
  };
}

/** One update kernel: `pointers` (grad, param, states...) and f32 `scalars`, the rule per element. */
function updateKernel(
  m: ModuleBuilder,
  name: string,
  pointers: string[],
  scalars: string[],
  rule: (e: ReturnType<typeof expressions>, io: { load(name: string): Expr; store(name: string, value: Expr): void }, s: Record<string, Expr>) => void,
): void {
  m.function(name, ["i32", ...pointers.map(() => "i32" as const), ...scalars.map(() => "f32" as const)], [], (c) => {
    const n = c.param(0);
    const ptr = Object.fromEntries(pointers.map((p, k) => [p, c.param(1 + k)])) as Record<string, Local>;
    const paramsOf = laneParams(c, Object.fromEntries(scalars.map((s, k) => [s, c.param(1 + pointers.length + k)])) as Record<string, Local>);
    overElements(c, n, (l) => {
      const lanes = paramsOf(l);
      return (at) => {
        const e = expressions(c, l);
        const address = (base: string) => c.local_get(ptr[base]).local_get(at).i32_add();
        const io = {
          load:
            (base: string): Expr =>
            () => {
              address(base);
              l.load(c);
            },
          store: (base: string, value: Expr) => {
            address(base);
            value();
            l.store(c);
          },
        };
        rule(e, io, Object.fromEntries(scalars.map((s) => [s, e.get(lanes[s])])));
      };
    });
  });
}

export function addAdaptiveFunctions(m: ModuleBuilder): void {
  for (const centered of [false, true])
    for (const momentum of [false, true]) {
      const states = ["sq", ...(centered ? ["ga"] : []), ...(momentum ? ["buf"] : [])];
      const name = `rmsprop${centered ? "Centered" : ""}${momentum ? "Momentum" : ""}`;
      updateKernel(m, name, ["grad", "param", ...states], ["lr", "alpha", "eps", "wd", "momentum"], (e, io, s) => {
        const p = e.let(io.load("param"));
        const g = e.let(e.add(io.load("grad"), e.mul(s.wd, p)));
        const rest = e.let(e.sub(e.one(), s.alpha));
        const sq = e.let(e.add(e.mul(s.alpha, io.load("sq")), e.mul(rest, e.mul(g, g))));
        io.store("sq", sq);
        let variance = sq;
        if (centered) {
          const a = e.let(e.add(e.mul(s.alpha, io.load("ga")), e.mul(rest, g)));
          io.store("ga", a);
          variance = e.sub(sq, e.mul(a, a));
        }
        const avg = e.let(e.add(e.sqrt(variance), s.eps));
        let step = e.div(g, avg);
        if (momentum) {
          const b = e.let(e.add(e.mul(s.momentum, io.load("buf")), step));
          io.store("buf", b);
          step = b;
        }
        io.store("param", e.sub(p, e.mul(s.lr, step)));
      });
    }
  updateKernel(m, "adagrad", ["grad", "param", "sum"], ["clr", "wd", "eps"], (e, io, s) => {
    const p = e.let(io.load("param"));
    const g = e.let(e.add(io.load("grad"), e.mul(s.wd, p)));
    const sum = e.let(e.add(io.load("sum"), e.mul(g, g)));
    io.store("sum", sum);
    io.store("param", e.sub(p, e.div(e.mul(s.clr, g), e.add(e.sqrt(sum), s.eps))));
  });
  updateKernel(m, "adadelta", ["grad", "param", "sq", "acc"], ["lr", "rho", "eps", "wd"], (e, io, s) => {
    const p = e.let(io.load("param"));
    const g = e.let(e.add(io.load("grad"), e.mul(s.wd, p)));
    const rest = e.let(e.sub(e.one(), s.rho));
    const sq = e.let(e.add(e.mul(s.rho, io.load("sq")), e.mul(rest, e.mul(g, g))));
    io.store("sq", sq);
    const delta = e.let(e.mul(e.div(e.sqrt(e.add(io.load("acc"), s.eps)), e.sqrt(e.add(sq, s.eps))), g));
    io.store("acc", e.add(e.mul(s.rho, io.load("acc")), e.mul(rest, e.mul(delta, delta))));
    io.store("param", e.sub(p, e.mul(s.lr, delta)));
  });
}
