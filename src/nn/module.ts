/**
 * Modules, as in torch.nn: a module owns parameters (leaf tensors with requiresGrad), buffers
 * (other tensors it keeps, like batch norm's running statistics) and child modules, all found by
 * walking its own fields the way PyTorch finds attributes. Names follow PyTorch's state_dict
 * ("0.weight", "2.running_mean"), so weights move between this engine and PyTorch unchanged.
 */
import { fmtShape, OpError } from "../errors";
import { tensor } from "../ops/creation";
import { noGrad, withBackend } from "../tensor/engine";
import { Tensor } from "../tensor/tensor";

/** Field names of buffers spelled the PyTorch way (runningMean -> running_mean). */
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

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
    for (const [key, value] of Object.entries(this)) if (value instanceof Tensor && value.requiresGrad) out.push([prefix + key, value]);
    for (const [name, child] of this.children()) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /** (dotted name, buffer) for every tensor field that is not a parameter (running statistics). */
  namedBuffers(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [key, value] of Object.entries(this)) if (value instanceof Tensor && !value.requiresGrad) out.push([prefix + snake(key), value]);
    for (const [name, child] of this.children()) out.push(...child.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
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

  /** Parameters and buffers by name (the tensors themselves, not copies). */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copies values into the parameters and buffers. Every name and shape is checked before anything
   * is written, so a mismatched state leaves the module unchanged.
   */
  loadStateDict(state: ReadonlyMap<string, { shape: readonly number[]; data: ArrayLike<number> }>, options: { strict?: boolean } = {}): void {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const problems: string[] = [];
    for (const [name, t] of own) {
      const given = state.get(name);
      if (!given) {
        if (strict) problems.push(`${name} is missing`);
        continue;
      }
      const same = given.shape.length === t.shape.length && given.shape.every((d, i) => d === t.shape[i]) && given.data.length === t.size;
      if (!same) problems.push(`${name} has shape ${fmtShape([...given.shape])}, the model expects ${fmtShape(t.shape)}`);
    }
    if (strict) for (const name of state.keys()) if (!own.has(name)) problems.push(`${name} is not in the model`);
    if (problems.length)
      throw new OpError(
        "loadStateDict",
        `the weights do not fit this model: ${problems.slice(0, 6).join("; ")}${problems.length > 6 ? `; and ${problems.length - 6} more` : ""}`,
      );
    noGrad(() => {
      for (const [name, t] of own) {
        const given = state.get(name);
        if (!given) continue;
        const source = withBackend(t.backend, () => tensor(Float32Array.from(given.data), { shape: t.shape }));
        t.assign_(source);
        source.dispose();
      }
    });
  }

  /** Frees every parameter and buffer. */
  dispose(): void {
    for (const t of this.stateDict().values()) t.dispose();
  }
}
