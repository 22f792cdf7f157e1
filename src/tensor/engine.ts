/**
 * The engine's state and the one path every op takes: `apply` validates inputs, infers output shapes,
 * allocates outputs on the backend, runs (records) the op and, when gradients are on, remembers how
 * the outputs were made. Memory scopes (`tidy`) and the grad mode (`noGrad`) live here too.
 */
import type { Backend, MemoryInfo } from "../backend/backend";
import { CpuBackend } from "../backend/cpu";
import { fmtShape, OpError } from "../errors";
import type { OpDef } from "../ops/op";
import { sizeOf } from "./shape";
import { Tensor } from "./tensor";

interface EngineState {
  backend: Backend;
  scopes: Set<Tensor>[];
  gradEnabled: boolean;
  liveTensors: number;
}

const state: EngineState = {
  backend: new CpuBackend("float32", "WebGPU not started yet (call init())"),
  scopes: [],
  gradEnabled: true,
  liveTensors: 0,
};

/** The backend new tensors are created on. */
export function getBackend(): Backend {
  return state.backend;
}

/** Switches the backend for tensors created from now on (existing tensors stay where they are). */
export function setBackend(backend: Backend): void {
  state.backend.flush();
  state.backend = backend;
}

/**
 * Runs `fn` with `backend` as the current one (without flushing either). When `fn` is async, the
 * backend stays current until its promise settles (so do not interleave two such calls).
 */
export function withBackend<T>(backend: Backend, fn: () => T): T {
  const before = state.backend;
  state.backend = backend;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    state.backend = before;
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => {
      state.backend = before;
    }) as T;
  }
  state.backend = before;
  return result;
}

/** Called by Tensor: counts live tensors and adds new ones to the innermost tidy scope. */
export function trackTensor(t: Tensor): void {
  state.liveTensors++;
  state.scopes[state.scopes.length - 1]?.add(t);
}

export function untrackTensor(t: Tensor): void {
  state.liveTensors--;
  for (const s of state.scopes) s.delete(t);
}

/** Live tensors and the backend's buffers: flat numbers over a training run mean nothing leaks. */
export function memory(): MemoryInfo & { tensors: number; backend: string } {
  return { tensors: state.liveTensors, backend: state.backend.description, ...state.backend.memory() };
}

export function isGradEnabled(): boolean {
  return state.gradEnabled;
}

/** Runs `fn` without recording gradients (like torch.no_grad()). */
export function noGrad<T>(fn: () => T): T {
  const before = state.gradEnabled;
  state.gradEnabled = false;
  try {
    return fn();
  } finally {
    state.gradEnabled = before;
  }
}

/** Tensors reachable from a tidy() result: a tensor, or arrays/objects holding tensors. */
function tensorsIn(value: unknown, out = new Set<Tensor>()): Set<Tensor> {
  if (value instanceof Tensor) out.add(value);
  else if (Array.isArray(value)) for (const v of value) tensorsIn(v, out);
  else if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) tensorsIn(v, out);
  return out;
}

/**
 * Runs `fn` and disposes every tensor it created, except those it returns (which move to the
 * enclosing scope) and those marked with keep(). `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  state.scopes.push(scope);
  let result: T | undefined;
  try {
    result = fn();
    if (result instanceof Promise) throw new Error("tidy: the function must be synchronous; await outside tidy()");
  } finally {
    state.scopes.pop();
    const keepers = tensorsIn(result);
    const parent = state.scopes[state.scopes.length - 1];
    for (const t of scope) {
      if (keepers.has(t)) parent?.add(t);
      else if (!t.disposed) t.dispose();
    }
  }
  return result as T;
}

/** Disposes every tensor in a list (or nested lists). */
export function dispose(tensors: readonly (Tensor | null | undefined)[]): void {
  for (const t of tensors) t?.dispose();
}

/** Takes a tensor out of every tidy scope: it lives until dispose() is called on it. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of state.scopes) s.delete(t);
  return t;
}

/** Describes input i of an op for error messages. */
function describeInput(t: Tensor, i: number): string {
  return `input ${i} (${t.dtype} ${fmtShape(t.shape)})`;
}

/** Runs `op` on `inputs`; returns its outputs. Records a gradient node when needed. */
export function apply<A extends object>(op: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor[] {
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new OpError(op.name, `input ${i} is ${describeValue(t)}, expected a Tensor`);
    if (t.disposed)
      throw new OpError(op.name, `${describeInput(t, i)} was disposed; a tensor cannot be used after dispose() or after the tidy() that made it ended`);
  });
  const backend = inputs.length ? inputs[0].backend : state.backend;
  inputs.forEach((t, i) => {
    if (t.backend !== backend)
      throw new OpError(op.name, `${describeInput(t, i)} lives on ${t.backend.description} but input 0 on ${backend.description}; move tensors to one backend`);
  });
  const metas = op.infer(
    inputs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
    attrs,
  );
  const outputs = metas.map((m, i) => {
    const size = sizeOf(m.shape);
    if (op.aliases && i === 0) return new Tensor(m.shape, m.dtype, inputs[0].storageRef());
    return new Tensor(m.shape, m.dtype, backend.allocate(size, m.dtype));
  });
  if (!op.aliases) {
    const slot = (t: Tensor) => ({ shape: t.shape, dtype: t.dtype, storage: t.storageRef() });
    backend.run(op, inputs.map(slot), outputs.map(slot), attrs);
  }
  if (state.gradEnabled && op.vjp && inputs.some((t) => t.requiresGrad)) {
    const node = { op: op as OpDef, inputs: [...inputs], outputs, attrs, released: false };
    for (const o of outputs) {
      if (o.dtype !== "float32") continue;
      o.requiresGrad = true;
      o.gradFn = node;
    }
  }
  return outputs;
}

/** Like apply, for ops with one output. */
export function apply1<A extends object>(op: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  return apply(op, inputs, attrs)[0];
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? `a ${(v as object).constructor?.name ?? "object"}` : `${typeof v} ${String(v)}`;
}
