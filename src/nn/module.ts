/**
 * Modules, as in torch.nn: a module owns parameters (leaf tensors with requiresGrad) and child
 * modules, found by walking its own fields the way PyTorch finds attributes, and maps an input to
 * an output in forward().
 */
import { Tensor } from "../tensor/tensor";

export abstract class Module {
  /** Training mode (dropout active, batch statistics used); eval() turns it off. */
  training = true;

  abstract forward(x: Tensor): Tensor;

  /** Runs forward (modules are called like functions in PyTorch). */
  call(x: Tensor): Tensor {
    return this.forward(x);
  }

  /** (name, child) for each direct child module, in field order; arrays are numbered. */
  children(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value))
        value.forEach((v, i) => {
          if (v instanceof Module) out.push([`${key}.${i}`, v]);
        });
    }
    return out;
  }

  /** (dotted name, parameter) for every parameter, this module's first, then its children's. */
  namedParameters(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [key, value] of Object.entries(this))
      if (value instanceof Tensor && value.requiresGrad && value.gradFn === null) out.push([prefix + key, value]);
    for (const [name, child] of this.children()) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Sets training mode here and in every child. */
  train(mode = true): this {
    this.training = mode;
    for (const [, child] of this.children()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Frees every parameter. */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }
}
