/**
 * The optimizer base (DESIGN §3): parameters, their gradients and the optimizer's state each live in
 * one flat arena, so that an update is one fused kernel per parameter group, whatever the number of
 * layers. Parameter tensors keep their identity (modules hold them); only their storage moves into
 * the arena, and their `.grad` becomes a view of the gradient arena that backward() fills in place.
 *
 * Parameter groups work as in PyTorch (`[{ params, lr }, { params }]`); each group's parameters are
 * contiguous in the arenas. Gradient clipping and L1/L2 penalties act on the whole gradient arena
 * with a few dispatches and never read a value back.
 */
import type { Backend, Storage, TensorSlot } from "../backend/backend";
import { check, fmtShape, OpError } from "../errors";
import { add, div, mul } from "../ops/binary";
import { fullOp, tensor, zeros } from "../ops/creation";
import type { OpDef } from "../ops/op";
import { sum } from "../ops/reduce";
import { clamp, clone, sign, sqrt } from "../ops/unary-api";
import { keep, noGrad, tidy, withBackend } from "../tensor/engine";
import { Tensor } from "../tensor/tensor";
import { fusedUpdateOp, type UpdateRule } from "./fused";

/** Elements per arena slot boundary: 64 floats = 256 bytes, WebGPU's storage offset alignment. */
const ALIGN = 64;

/** `defaults` overridden by the options that are set (an option given as undefined keeps its default). */
export function withDefaults<O extends object>(defaults: O, options: Partial<O>): O {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** A parameter group as given: its tensors and the settings that differ from the defaults. */
export interface ParamGroupInput<O> {
  params: Iterable<Tensor>;
  options?: Partial<O>;
  /**
   * This group's learning rate as a multiple of the optimizer's (default 1): discriminative
   * fine-tuning trains early, pretrained layers slower than a new head. Setting `lr` keeps it.
   */
  lrScale?: number;
}

/** A parameter group: its tensors, its settings (lr can change between steps) and its arena range. */
export interface ParamGroup<O> {
  params: Tensor[];
  options: O;
  /** Its learning rate over the optimizer's (`lr`): 1 unless the group was given another. */
  lrScale: number;
  offset: number;
  size: number;
}

export interface Regularization {
  /** Adds l1 * sign(w) to each gradient (lasso). */
  l1?: number;
  /** Adds l2 * w to each gradient (ridge; what PyTorch's weight_decay does for SGD). */
  l2?: number;
}

/** What saveState() gives and loadState() takes: the step count, each group's learning rate, each state arena. */
export interface OptimizerState {
  stepCount: number;
  lrs: number[];
  states: Float32Array[];
}

interface GroupViews {
  grad: Storage;
  param: Storage;
  states: Storage[];
}

export abstract class Optimizer<O extends { lr: number } = { lr: number }> {
  readonly groups: ParamGroup<O>[];
  readonly params: Tensor[];
  readonly backend: Backend;
  /** Number of completed step() calls. */
  stepCount = 0;
  /** Arena elements (parameters laid out at 64-element boundaries). */
  readonly size: number;
  private readonly paramArena: Tensor;
  private readonly gradArena: Tensor;
  private readonly stateArenas: Tensor[];
  private readonly views: GroupViews[];

  /**
   * @param params tensors, or parameter groups; leaf float32 tensors with requiresGrad on one backend
   * @param defaults settings for groups that do not override them
   * @param stateNames the state arenas the update rule uses (momentum, second moments...)
   */
  constructor(
    readonly name: string,
    params: Iterable<Tensor> | ParamGroupInput<O>[],
    defaults: O,
    readonly stateNames: string[],
    readonly regularization: Regularization = {},
  ) {
    const inputs = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    const groupInputs: ParamGroupInput<O>[] = inputs.every((p) => p instanceof Tensor) ? [{ params: inputs as Tensor[] }] : (inputs as ParamGroupInput<O>[]);
    let offset = 0;
    this.groups = groupInputs.map((g, k) => {
      check(g && typeof g === "object" && "params" in g, name, () => `parameter group ${k} must be { params, options? }`);
      const list = [...g.params];
      const start = offset;
      for (const p of list) offset += Math.ceil(p.size / ALIGN) * ALIGN;
      const lrScale = g.lrScale ?? 1;
      check(lrScale > 0 && Number.isFinite(lrScale), name, () => `parameter group ${k}: lrScale must be a positive number, got ${lrScale}`);
      const options = withDefaults(defaults, g.options ?? {});
      if (g.options?.lr === undefined) options.lr = defaults.lr * lrScale; // a group's own lr wins over the scale
      return { params: list, options, lrScale, offset: start, size: offset - start };
    });
    this.params = this.groups.flatMap((g) => g.params);
    check(this.params.length > 0, name, () => "got no parameters to optimize");
    this.backend = this.params[0].backend;
    this.validate();
    this.size = Math.max(offset, ALIGN);
    const arena = () => keep(withBackend(this.backend, () => zeros([this.size])));
    this.paramArena = arena();
    this.gradArena = arena();
    this.stateArenas = stateNames.map(arena);
    let at = 0;
    for (const p of this.params) {
      const view = (t: Tensor) => this.backend.view(t.storageRef(), at, p.size);
      p.moveTo(view(this.paramArena));
      p.grad?.dispose();
      p.grad = keep(new Tensor(p.shape, "float32", view(this.gradArena)));
      p.gradInPlace = true;
      p.gradIsZero = true;
      at += Math.ceil(p.size / ALIGN) * ALIGN;
    }
    const range = (t: Tensor, g: ParamGroup<O>) => this.backend.view(t.storageRef(), g.offset, g.size);
    this.views = this.groups.map((g) => ({
      grad: range(this.gradArena, g),
      param: range(this.paramArena, g),
      states: this.stateArenas.map((s) => range(s, g)),
    }));
  }

  private validate(): void {
    const seen = new Set<Tensor>();
    this.params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new OpError(this.name, `parameter ${i} is not a Tensor`);
      check(!seen.has(p), this.name, () => `parameter ${i} (${fmtShape(p.shape)}) is listed twice`);
      seen.add(p);
      check(
        p.dtype === "float32" && p.requiresGrad && p.gradFn === null,
        this.name,
        () => `parameter ${i} (${fmtShape(p.shape)}) must be a float32 leaf with requiresGrad`,
      );
      check(p.backend === this.backend, this.name, () => `parameter ${i} is on ${p.backend.description}, parameter 0 on ${this.backend.description}`);
      check(!p.gradInPlace, this.name, () => `parameter ${i} (${fmtShape(p.shape)}) already belongs to another optimizer`);
    });
    for (const g of this.groups) check(g.options.lr > 0 && Number.isFinite(g.options.lr), this.name, () => `lr must be a positive number, got ${g.options.lr}`);
  }

  /** The learning rate (the first group's, over its lrScale); setting it sets every group's to it times the group's lrScale. */
  get lr(): number {
    return this.groups[0].options.lr / this.groups[0].lrScale;
  }
  set lr(value: number) {
    check(value > 0 && Number.isFinite(value), this.name, () => `lr must be a positive number, got ${value}`);
    for (const g of this.groups) g.options.lr = value * g.lrScale;
  }

  /** Sets every gradient to zero (one fill over the gradient arena). */
  zeroGrad(): void {
    this.fill(this.gradArena, 0);
    for (const p of this.params) p.gradIsZero = true;
  }

  /** Scales all gradients so that their global L2 norm is at most maxNorm (torch.nn.utils.clip_grad_norm_). */
  clipGradNorm(maxNorm: number): void {
    check(maxNorm > 0, this.name, () => `maxNorm must be > 0, got ${maxNorm}`);
    this.rewriteGradients((g) => {
      const norm = sqrt(sum(mul(g, g)));
      const factor = clamp(div(maxNorm, add(norm, 1e-6)), undefined, 1); // min(1, maxNorm / (norm + 1e-6))
      return mul(g, factor);
    });
  }

  /** Clamps every gradient element to [-value, value] (torch.nn.utils.clip_grad_value_). */
  clipGradValue(value: number): void {
    check(value > 0, this.name, () => `value must be > 0, got ${value}`);
    this.rewriteGradients((g) => clamp(g, -value, value));
  }

  /** Applies one update to every parameter from its current gradient. */
  step(): void {
    this.stepCount++;
    const { l1 = 0, l2 = 0 } = this.regularization;
    if (l1 || l2)
      this.rewriteGradients((g) => {
        let out = g;
        if (l1) out = add(out, mul(sign(this.paramArena), l1));
        if (l2) out = add(out, mul(this.paramArena, l2));
        return out;
      });
    this.groups.forEach((group, k) => {
      const v = this.views[k];
      const slot = (storage: Storage): TensorSlot => ({ shape: [group.size], dtype: "float32", storage });
      const rule = this.rule(group.options, this.stepCount);
      this.backend.run(fusedUpdateOp as OpDef, [slot(v.grad)], [slot(v.param), ...v.states.map(slot)], rule);
    });
  }

  /** The update rule for a group's settings at step `step` (1 for the first). */
  protected abstract rule(options: O, step: number): UpdateRule;

  /** A copy of every parameter (one copy of the arena), for restoring later; dispose it when done. */
  snapshot(): Tensor {
    return noGrad(() => keep(clone(this.paramArena)));
  }

  /** Puts back the parameters of a snapshot. */
  restore(snapshot: Tensor): void {
    this.paramArena.assign_(snapshot);
  }

  /** The optimizer's state as host arrays (moments, accumulators, the step count, the learning rates), to save beside the weights. */
  async saveState(): Promise<OptimizerState> {
    const states = await Promise.all(this.stateArenas.map(async (t) => Float32Array.from(await t.data())));
    return { stepCount: this.stepCount, lrs: this.groups.map((g) => g.options.lr), states };
  }

  /** Puts back a saveState() of an optimizer of the same kind over the same parameters; checks everything before changing anything. */
  loadState(state: OptimizerState): void {
    check(
      state.states.length === this.stateArenas.length && state.states.every((s) => s.length === this.size),
      this.name,
      () =>
        `the saved state has ${state.states.length} buffers of ${state.states[0]?.length ?? 0} values; this optimizer has ${this.stateArenas.length} of ${this.size}`,
    );
    check(
      state.lrs.length === this.groups.length,
      this.name,
      () => `the saved state has ${state.lrs.length} learning rates for ${this.groups.length} parameter groups`,
    );
    check(Number.isInteger(state.stepCount) && state.stepCount >= 0, this.name, () => `the saved step count ${state.stepCount} is not a whole number`);
    noGrad(() =>
      this.stateArenas.forEach((arena, i) => {
        const saved = withBackend(this.backend, () => tensor(state.states[i]));
        arena.assign_(saved);
        saved.dispose();
      }),
    );
    this.groups.forEach((g, i) => {
      g.options.lr = state.lrs[i];
    });
    this.stepCount = state.stepCount;
  }

  /** Forgets the optimizer's state (moments, accumulators, the step count), as a fresh optimizer. */
  resetState(): void {
    for (const s of this.stateArenas) this.fill(s, 0);
    this.stepCount = 0;
    this.initState();
  }

  /** Sets state arenas that do not start at zero (called on construction and after resetState). */
  protected initState(): void {}

  /** Fills a state arena (for rules whose state does not start at zero). */
  protected fillState(name: string, value: number): void {
    this.fill(this.stateArenas[this.stateNames.indexOf(name)], value);
  }

  /** Releases the arenas; the parameters keep their values in fresh storage. */
  dispose(): void {
    for (const v of this.views) for (const s of [v.grad, v.param, ...v.states]) this.backend.release(s);
    for (const p of this.params) {
      p.moveTo(this.backend.allocate(p.size, "float32"));
      p.grad?.dispose();
      p.grad = null;
      p.gradInPlace = false;
    }
    for (const t of [this.paramArena, this.gradArena, ...this.stateArenas]) t.dispose();
  }

  /** Replaces the gradient arena's contents with f(gradients), on the device. */
  private rewriteGradients(f: (g: Tensor) => Tensor): void {
    noGrad(() => tidy(() => this.gradArena.assign_(f(this.gradArena))));
    for (const p of this.params) p.gradIsZero = false;
  }

  private fill(t: Tensor, value: number): void {
    this.backend.run(fullOp as OpDef, [], [{ shape: [this.size], dtype: "float32", storage: t.storageRef() }], { shape: [this.size], value, dtype: "float32" });
  }
}
