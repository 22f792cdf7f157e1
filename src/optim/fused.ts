/**
 * Fused optimizer updates: an optimizer declares its per-element rule once, in WGSL (spliced into
 * shaders/optimizer.wgsl) and in JavaScript (the CPU reference), and this turns it into an in-place
 * op over a range of the parameter arena: one dispatch updates every parameter of a group.
 */

import optimizerWgsl from "../../shaders/optimizer.wgsl?raw";
import type { HostArray } from "../backend/backend";
import { cachedKernel, fillTemplate, Uniforms } from "../backend/webgpu/kernel";
import { defineOp, type OpDef } from "../ops/op";

export interface UpdateRule {
  /** Kernel name (with the variant, e.g. "rmsprop/centered/momentum"). */
  name: string;
  /** State arenas in binding order. */
  states: string[];
  /** Scalars for this step, in uniform order (f32; booleans as 0/1). */
  scalars: Record<string, number>;
  /** WGSL statements: read `g` (gradient), update `p`, the states (arrays by name) and read `u.<scalar>`. */
  wgsl: string;
  /** The same rule for element i on the CPU: returns the new parameter value. */
  cpu: (g: number, p: number, state: Record<string, HostArray>, i: number) => number;
}

/** RMSprop's rule names and their wasm kernels (their states in the same order: sq, ga, buf). */
const RMSPROP_KERNELS: Record<string, "rmsprop" | "rmspropCentered" | "rmspropMomentum" | "rmspropCenteredMomentum"> = {
  rmsprop: "rmsprop",
  "rmsprop/centered": "rmspropCentered",
  "rmsprop/momentum": "rmspropMomentum",
  "rmsprop/centered/momentum": "rmspropCenteredMomentum",
};

/** In place: grad (input 0) -> param (output 0) and the state arenas (outputs 1..). */
export const fusedUpdateOp: OpDef<UpdateRule> = defineOp<UpdateRule>({
  name: "fusedUpdate",
  infer: () => [],
  cpu([grad], [param, ...states], rule) {
    const state = Object.fromEntries(rule.states.map((name, k) => [name, states[k].data]));
    for (let i = 0; i < param.data.length; i++) param.data[i] = rule.cpu(grad.data[i], param.data[i], state, i);
  },
  wasm(ctx, [grad], [param, ...states], rule) {
    // Every built-in rule has a SIMD kernel; another rule runs its reference on the heap.
    const s = rule.scalars;
    const n = param.shape[0];
    const at = states.map((t) => t.offset);
    if (rule.name.startsWith("rmsprop")) {
      const variant = RMSPROP_KERNELS[rule.name];
      if (!variant) return false;
      (ctx.kernels[variant] as (...args: number[]) => void)(n, grad.offset, param.offset, ...at, s.lr, s.alpha, s.eps, s.weightDecay, s.momentum);
      return;
    }
    if (rule.name === "adagrad") {
      ctx.kernels.adagrad(n, grad.offset, param.offset, at[0], s.clr, s.weightDecay, s.eps);
      return;
    }
    if (rule.name === "adadelta") {
      ctx.kernels.adadelta(n, grad.offset, param.offset, at[0], at[1], s.lr, s.rho, s.eps, s.weightDecay);
      return;
    }
    if (rule.name === "sgd") {
      ctx.kernels.sgd(n, grad.offset, param.offset, s.lr, s.weightDecay);
      return;
    }
    if (rule.name === "sgd/momentum") {
      const first = s.first === 1;
      const nesterov = s.nesterov === 1;
      const [mu, keep] = first ? [0, 1] : [s.momentum, 1 - s.dampening];
      ctx.kernels.sgdMomentum(n, grad.offset, param.offset, states[0].offset, s.lr, s.weightDecay, mu, keep, nesterov ? 1 : 0, nesterov ? s.momentum : 1);
      return;
    }
    if (rule.name !== "adam" && rule.name !== "adam/amsgrad") return false;
    const decoupled = s.decoupled === 1;
    const scalars = [decoupled ? 0 : s.weightDecay, decoupled ? 1 - s.lr * s.weightDecay : 1, s.beta1, s.beta2, s.lr / s.bc1, s.bc2Sqrt, s.eps];
    const [m, v, vmax] = states;
    const run = rule.name === "adam" ? ctx.kernels.adam : ctx.kernels.adamAmsgrad;
    run(n, grad.offset, param.offset, m.offset, v.offset, vmax ? vmax.offset : 0, ...scalars);
  },
  gpu(ctx, [grad], [param, ...states], rule) {
    const names = Object.keys(rule.scalars);
    const kernel = cachedKernel(`optimizer/${rule.name}/${rule.states.join(",")}/${names.join(",")}`, () => ({
      code: fillTemplate(optimizerWgsl, {
        FIELDS: names.map((n) => `  ${n}: f32,`).join("\n"),
        STATES: rule.states.map((s, k) => `@group(0) @binding(${3 + k}) var<storage, read_write> ${s}: array<f32>;`).join("\n"),
        UPDATE: rule.wgsl,
      }),
      bindings: ["read", "write", ...rule.states.map(() => "write" as const)],
    }));
    const n = param.shape[0];
    const u = new Uniforms().u32(n);
    for (const name of names) u.f32(rule.scalars[name]);
    ctx.dispatch(kernel, [grad.binding, param.binding, ...states.map((s) => s.binding)], u, [Math.min(Math.ceil(n / 256), ctx.tuning.gridWorkgroups)]);
  },
});
