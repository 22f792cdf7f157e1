/**
 * The Tensor: a shape, a dtype and storage on one backend, plus what autograd needs (requiresGrad,
 * grad, the node that made it). Math lives in the functional ops; the methods here are the
 * PyTorch-style shorthands for them (`x.matmul(w).add(b).relu()`).
 */
import type { Backend, DType, HostArray, Storage } from "../backend/backend";
import { fmtShape, OpError } from "../errors";
import type * as F from "../functional";
import type { OpDef } from "../ops/op";
import { trackTensor, untrackTensor } from "./engine";
import { sizeOf } from "./shape";

/** How a tensor was made, kept for backward(). */
export interface GradNode {
  op: OpDef;
  inputs: Tensor[];
  outputs: Tensor[];
  attrs: object;
  /** Set once a backward() without retainGraph went through it. */
  released: boolean;
}

/** Nested arrays of numbers, as toArray() returns them. */
export type NestedArray = number | NestedArray[];

let nextId = 1;
let functional: typeof F | null = null;

/** Reverse-mode autograd from `root` (src/autograd.ts). */
export type BackwardFn = (root: Tensor, seed: Tensor | undefined, options: { retainGraph?: boolean }) => void;
let backwardImpl: BackwardFn | null = null;

/**
 * Installed by src/functional.ts (the methods) and src/autograd.ts (backward), which sit above the
 * ops: the tensor layer below them calls the ops without importing them, so there is no import cycle.
 */
export function installMethods(f: typeof F): void {
  functional = f;
}
export function installBackward(fn: BackwardFn): void {
  backwardImpl = fn;
}

function fn(): typeof F {
  if (!functional) throw new Error("tensor methods: import the engine through src/index.ts");
  return functional;
}

export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  requiresGrad = false;
  /** Accumulated gradient after backward(); null before. */
  grad: Tensor | null = null;
  /** The op that made this tensor (null for leaves). */
  gradFn: GradNode | null = null;
  /**
   * Set by an optimizer that keeps this parameter's gradient in its arena: backward() then writes
   * into `grad` in place instead of replacing it.
   */
  gradInPlace = false;
  /** The in-place gradient holds zeros (after zeroGrad), so backward() copies instead of adding. */
  gradIsZero = false;
  private storage: Storage | null;

  constructor(
    readonly shape: number[],
    readonly dtype: DType,
    storage: Storage,
  ) {
    this.size = sizeOf(shape);
    this.storage = storage;
    storage.refs++;
    trackTensor(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  get disposed(): boolean {
    return this.storage === null;
  }

  get backend(): Backend {
    return this.storageRef().backend;
  }

  /** The storage, for the engine; throws a clear error after dispose(). */
  storageRef(): Storage {
    if (!this.storage) throw new OpError("tensor", `a ${this.dtype} ${fmtShape(this.shape)} tensor was used after dispose()`);
    return this.storage;
  }

  /**
   * Moves this tensor's elements into `storage` (same size, same backend) and keeps using it: how an
   * optimizer gathers parameters into one arena without changing the tensors modules hold.
   */
  moveTo(storage: Storage): void {
    const old = this.storageRef();
    if (storage.backend !== old.backend || storage.size !== old.size)
      throw new OpError("moveTo", `expected storage of ${old.size} elements on the same backend`);
    old.backend.copy(old, storage);
    storage.refs++;
    this.storage = storage;
    if (--old.refs === 0) old.backend.release(old);
  }

  /** Frees the tensor's memory (shared storage is freed when its last tensor goes). */
  dispose(): void {
    if (!this.storage) return;
    const s = this.storage;
    this.storage = null;
    untrackTensor(this);
    if (--s.refs === 0) s.backend.release(s);
    this.grad?.dispose();
    this.grad = null;
  }

  /** Reads the elements (row-major) back to the host. */
  async data(): Promise<HostArray> {
    return this.backend.read(this.storageRef(), this.dtype);
  }

  /** The elements as nested arrays following the shape. */
  async toArray(): Promise<NestedArray> {
    const flat = Array.from(await this.data());
    const nest = (dim: number, offset: number): NestedArray => {
      if (dim === this.rank) return flat[offset];
      const inner = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => nest(dim + 1, offset + i * inner));
    };
    return nest(0, 0);
  }

  /** The value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new OpError("item", `expected a tensor with one element, got shape ${fmtShape(this.shape)}`);
    return (await this.data())[0];
  }

  /** Marks this leaf tensor as needing a gradient (in place, like PyTorch's requires_grad_()). */
  requiresGrad_(flag = true): this {
    if (flag && this.dtype !== "float32") throw new OpError("requiresGrad_", `only float32 tensors can require gradients, this one is ${this.dtype}`);
    if (this.gradFn) throw new OpError("requiresGrad_", "only leaf tensors (not made by an op) can change requiresGrad; use detach() first");
    this.requiresGrad = flag;
    return this;
  }

  /** Computes d(this)/d(leaf) for every leaf that requires a gradient, accumulating into `.grad`. */
  backward(grad?: Tensor, options: { retainGraph?: boolean } = {}): void {
    if (!backwardImpl) throw new Error("backward: import the engine through src/index.ts");
    backwardImpl(this, grad, options);
  }

  /** A tensor sharing this one's storage, cut from the autograd graph. */
  detach(): Tensor {
    return new Tensor(this.shape, this.dtype, this.storageRef());
  }

  /** Overwrites this tensor's elements with `other`'s (same shape), outside autograd. */
  assign_(other: Tensor): this {
    if (other.backend !== this.backend || other.size !== this.size || other.dtype !== this.dtype)
      throw new OpError("assign_", `expected a ${this.dtype} ${fmtShape(this.shape)} tensor on the same backend, got ${other.dtype} ${fmtShape(other.shape)}`);
    this.backend.copy(other.storageRef(), this.storageRef());
    return this;
  }

  toString(): string {
    return `Tensor(${this.dtype} ${fmtShape(this.shape)}${this.requiresGrad ? ", requiresGrad" : ""})`;
  }

  // PyTorch-style shorthands for the functional ops.
  add(b: Tensor | number): Tensor {
    return fn().add(this, b);
  }
  sub(b: Tensor | number): Tensor {
    return fn().sub(this, b);
  }
  mul(b: Tensor | number): Tensor {
    return fn().mul(this, b);
  }
  div(b: Tensor | number): Tensor {
    return fn().div(this, b);
  }
  pow(e: Tensor | number): Tensor {
    return fn().pow(this, e);
  }
  neg(): Tensor {
    return fn().neg(this);
  }
  exp(): Tensor {
    return fn().exp(this);
  }
  log(): Tensor {
    return fn().log(this);
  }
  sqrt(): Tensor {
    return fn().sqrt(this);
  }
  abs(): Tensor {
    return fn().abs(this);
  }
  relu(): Tensor {
    return fn().relu(this);
  }
  sigmoid(): Tensor {
    return fn().sigmoid(this);
  }
  tanh(): Tensor {
    return fn().tanh(this);
  }
  clamp(min?: number, max?: number): Tensor {
    return fn().clamp(this, min, max);
  }
  eq(b: Tensor | number): Tensor {
    return fn().eq(this, b);
  }
  gt(b: Tensor | number): Tensor {
    return fn().gt(this, b);
  }
  lt(b: Tensor | number): Tensor {
    return fn().lt(this, b);
  }
  sum(dim?: number | number[], keepdim = false): Tensor {
    return fn().sum(this, dim, keepdim);
  }
  mean(dim?: number | number[], keepdim = false): Tensor {
    return fn().mean(this, dim, keepdim);
  }
  max(dim?: number | number[], keepdim = false): Tensor {
    return fn().max(this, dim, keepdim);
  }
  min(dim?: number | number[], keepdim = false): Tensor {
    return fn().min(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return fn().argmax(this, dim, keepdim);
  }
  var(dim?: number | number[], options?: { correction?: number; keepdim?: boolean }): Tensor {
    return fn().variance(this, dim, options);
  }
  softmax(dim: number): Tensor {
    return fn().softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return fn().logSoftmax(this, dim);
  }
  matmul(b: Tensor): Tensor {
    return fn().matmul(this, b);
  }
  reshape(...shape: number[] | [number[]]): Tensor {
    return fn().reshape(this, Array.isArray(shape[0]) ? shape[0] : (shape as number[]));
  }
  view(...shape: number[] | [number[]]): Tensor {
    return this.reshape(...shape);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return fn().flatten(this, startDim, endDim);
  }
  squeeze(dim?: number): Tensor {
    return fn().squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return fn().unsqueeze(this, dim);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return fn().transpose(this, dim0, dim1);
  }
  /** Transpose of a 2-D tensor. */
  get T(): Tensor {
    return fn().transpose(this, 0, 1);
  }
  permute(...dims: number[]): Tensor {
    return fn().permute(this, dims);
  }
  expand(...shape: number[]): Tensor {
    return fn().expand(this, shape);
  }
  float(): Tensor {
    return fn().cast(this, "float32");
  }
  int(): Tensor {
    return fn().cast(this, "int32");
  }
  clone(): Tensor {
    return fn().clone(this);
  }
}
