/**
 * SGD's fused updates (src/optim/sgd.ts) as WebAssembly SIMD, in place, four parameters at a time
 * and the rest one by one (the same formula emitted over `Lanes` for both):
 *
 *   sgd(n, grad, param, lr, wd):  p = p − lr·(g + wd·p)
 *   sgdMomentum(n, grad, param, buf, lr, wd, mu, keep, c1, c2):
 *     g' = g + wd·p;   b = mu·buf + keep·g';   buf = b;   p = p − lr·(c1·g' + c2·b)
 *   with mu = momentum and keep = 1 − dampening after the first step (0 and 1 on it: b = g'), and
 *   (c1, c2) = (1, momentum) with Nesterov, (0, 1) without: the reference's branches as numbers.
 */
import type { Local, ModuleBuilder } from "../asm";
import { laneParams, overElements } from "./elementwise";

export function addSgdFunctions(m: ModuleBuilder): void {
  for (const momentum of [false, true]) {
    const scalars = momentum ? ["lr", "wd", "mu", "keep", "c1", "c2"] : ["lr", "wd"];
    const pointers = momentum ? ["grad", "param", "buf"] : ["grad", "param"];
    m.function(momentum ? "sgdMomentum" : "sgd", ["i32", ...pointers.map(() => "i32" as const), ...scalars.map(() => "f32" as const)], [], (c) => {
      const n = c.param(0);
      const ptr = Object.fromEntries(pointers.map((name, k) => [name, c.param(1 + k)])) as Record<string, Local>;
      const paramsOf = laneParams(c, Object.fromEntries(scalars.map((name, k) => [name, c.param(1 + pointers.length + k)])) as Record<string, Local>);
      overElements(c, n, (l) => (at) => {
        const s = paramsOf(l);
        const [g, p, b] = [c.local(l.type), c.local(l.type), c.local(l.type)];
        const address = (base: string) => c.local_get(ptr[base]).local_get(at).i32_add();
        address("param");
        l.load(c);
        c.local_set(p);
        // g = grad + wd·p
        address("grad");
        l.load(c);
        c.local_get(s.wd).local_get(p);
        l.mul(c);
        l.add(c);
        c.local_set(g);
        address("param");
        c.local_get(p).local_get(s.lr);
        if (momentum) {
          // b = mu·buf + keep·g; buf = b
          c.local_get(s.mu);
          address("buf");
          l.load(c);
          l.mul(c);
          c.local_get(s.keep).local_get(g);
          l.mul(c);
          l.add(c);
          c.local_set(b);
          address("buf");
          c.local_get(b);
          l.store(c);
          // step direction c1·g + c2·b
          c.local_get(s.c1).local_get(g);
          l.mul(c);
          c.local_get(s.c2).local_get(b);
          l.mul(c);
          l.add(c);
        } else c.local_get(g);
        l.mul(c);
        l.sub(c);
        l.store(c);
      });
    });
  }
}
