/**
 * Adam's fused update (src/optim/adam.ts) as WebAssembly SIMD, four parameters at a time and the rest
 * one by one, in place over the parameter, gradient and state arenas:
 *
 *   g = grad + wdCoupled·p;   p = p·decay          (Adam: wdCoupled = weight decay, decay = 1;
 *                                                   AdamW: wdCoupled = 0, decay = 1 − lr·weight decay)
 *   m = β1·m + (1 − β1)·g;   v = β2·v + (1 − β2)·g²   (AMSGrad: vmax = max(vmax, v), used for v)
 *   p = p − step·m / (√v / bc2Sqrt + eps),   step = lr / (1 − β1^t),  bc2Sqrt = √(1 − β2^t)
 *
 * The same formula is emitted twice, for 4-lane vectors and for single floats (`Lanes`, from
 * ./elementwise.ts), so the vector loop and the tail cannot disagree.
 */
import type { Local, ModuleBuilder } from "../asm";
import { laneParams, overElements } from "./elementwise";

/** adam(n, grad, param, m, v, vmax, wdCoupled, decay, beta1, beta2, step, bc2Sqrt, eps): byte offsets; vmax only for AMSGrad. */
export type AdamArgs = [n: number, grad: number, param: number, m: number, v: number, vmax: number, ...scalars: number[]];

const SCALARS = ["wdCoupled", "decay", "beta1", "beta2", "step", "bc2Sqrt", "eps"] as const;

/** Adds `adam` and `adamAmsgrad`. */
export function addAdamFunctions(m: ModuleBuilder): void {
  for (const amsgrad of [false, true])
    m.function(amsgrad ? "adamAmsgrad" : "adam", ["i32", "i32", "i32", "i32", "i32", "i32", ...SCALARS.map(() => "f32" as const)], [], (c) => {
      const [n, grad, param, mState, vState, vmax] = [0, 1, 2, 3, 4, 5].map((i) => c.param(i));
      const paramsOf = laneParams(c, Object.fromEntries(SCALARS.map((name, k) => [name, c.param(6 + k)])) as Record<(typeof SCALARS)[number], Local>);
      overElements(c, n, (lanes) => (at) => {
        const s = paramsOf(lanes);
        const [g, p, mi, vi] = [c.local(lanes.type), c.local(lanes.type), c.local(lanes.type), c.local(lanes.type)];
        const one = () => (lanes.width === 4 ? c.f32_const(1).f32x4_splat() : c.f32_const(1));
        const address = (base: Local) => c.local_get(base).local_get(at).i32_add();
        // p and g = grad + wdCoupled·p (p before decay)
        address(param);
        lanes.load(c);
        c.local_set(p);
        address(grad);
        lanes.load(c);
        c.local_get(s.wdCoupled).local_get(p);
        lanes.mul(c);
        lanes.add(c);
        c.local_set(g);
        // p = p·decay
        c.local_get(p).local_get(s.decay);
        lanes.mul(c);
        c.local_set(p);
        // m = β1·m + (1 − β1)·g
        c.local_get(s.beta1);
        address(mState);
        lanes.load(c);
        lanes.mul(c);
        one();
        c.local_get(s.beta1);
        lanes.sub(c);
        c.local_get(g);
        lanes.mul(c);
        lanes.add(c);
        c.local_set(mi);
        address(mState);
        c.local_get(mi);
        lanes.store(c);
        // v = β2·v + (1 − β2)·g²
        c.local_get(s.beta2);
        address(vState);
        lanes.load(c);
        lanes.mul(c);
        one();
        c.local_get(s.beta2);
        lanes.sub(c);
        c.local_get(g).local_get(g);
        lanes.mul(c);
        lanes.mul(c);
        lanes.add(c);
        c.local_set(vi);
        address(vState);
        c.local_get(vi);
        lanes.store(c);
        if (amsgrad) {
          // vmax = max(vmax, v), and the update uses it
          address(vmax);
          lanes.load(c);
          c.local_get(vi);
          lanes.max(c);
          c.local_set(vi);
          address(vmax);
          c.local_get(vi);
          lanes.store(c);
        }
        // p = p − step·m / (√v / bc2Sqrt + eps)
        address(param);
        c.local_get(p).local_get(s.step).local_get(mi);
        lanes.mul(c);
        c.local_get(vi);
        lanes.sqrt(c);
        c.local_get(s.bc2Sqrt);
        lanes.div(c);
        c.local_get(s.eps);
        lanes.add(c);
        lanes.div(c);
        lanes.sub(c);
        lanes.store(c);
      });
    });
}
