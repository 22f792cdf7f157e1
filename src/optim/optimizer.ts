/**
 * The optimizer base (DESIGN §3): parameters, their gradients and the optimizer's state each live in
 * one flat arena, so that an update is one fused kernel over every parameter at once, whatever the
 * number of layers. Parameter tensors keep their identity (modules hold them); only their storage
 * moves into the arena, and their `.grad` becomes a view of the gradient arena that backward()
 * fills in place.
 */
import type { Backend } from "../backend/backend";
import { check, fmtShape, OpError } from "../errors";
import { fullOp, zeros } from "../ops/creation";
import type { OpDef } from "../ops/op";
import { keep, withBackend } from "../tensor/engine";
import { Tensor } from "../tensor/tensor";

/** Elements per arena slot boundary: 64 floats = 256 bytes, WebGPU's storage offset alignment. */
const ALIGN = 64;

export abstract class Optimizer {
  readonly params: Tensor[];
  readonly backend: Backend;
  /** Number of completed step() calls. */
  stepCount = 0;
  /** Arena elements (parameters laid out at 64-element boundaries). */
  readonly size: number;
  private readonly paramArena: Tensor;
  private readonly gradArena: Tensor;
  protected readonly state: Tensor[];

  /**
   * @param params leaf float32 tensors with requiresGrad, all on one backend
   * @param stateArenas how many state arenas the update needs (momentum, second moments...)
   */
  constructor(name: string, params: Iterable<Tensor>, stateArenas: number) {
    this.params = [...params];
    check(this.params.length > 0, name, () => "got no parameters to optimize");
    this.backend = this.params[0].backend;
    const seen = new Set<Tensor>();
    this.params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new OpError(name, `parameter ${i} is not a Tensor`);
      check(!seen.has(p), name, () => `parameter ${i} (${fmtShape(p.shape)}) is listed twice`);
      seen.add(p);
      check(
        p.dtype === "float32" && p.requiresGrad && p.gradFn === null,
        name,
        () => `parameter ${i} (${fmtShape(p.shape)}) must be a float32 leaf with requiresGrad`,
      );
      check(p.backend === this.backend, name, () => `parameter ${i} is on ${p.backend.description}, parameter 0 on ${this.backend.description}`);
      check(!p.gradInPlace, name, () => `parameter ${i} (${fmtShape(p.shape)}) already belongs to another optimizer`);
    });
    const offsets: number[] = [];
    let size = 0;
    for (const p of this.params) {
      offsets.push(size);
      size += Math.ceil(p.size / ALIGN) * ALIGN;
    }
    this.size = Math.max(size, ALIGN);
    const arena = () => keep(withBackend(this.backend, () => zeros([this.size])));
    this.paramArena = arena();
    this.gradArena = arena();
    this.state = Array.from({ length: stateArenas }, arena);
    this.params.forEach((p, i) => {
      const view = (t: Tensor) => this.backend.view(t.storageRef(), offsets[i], p.size);
      p.moveTo(view(this.paramArena));
      p.grad?.dispose();
      p.grad = keep(new Tensor(p.shape, "float32", view(this.gradArena)));
      p.gradInPlace = true;
      p.gradIsZero = true;
    });
  }

  /** Sets every gradient to zero (one fill over the gradient arena). */
  zeroGrad(): void {
    this.fill(this.gradArena, 0);
    for (const p of this.params) p.gradIsZero = true;
  }

  /** Applies one update to every parameter from its current gradient. */
  step(): void {
    this.stepCount++;
    const [op, attrs] = this.update();
    const slot = (t: Tensor) => ({ shape: [this.size], dtype: "float32" as const, storage: t.storageRef() });
    this.backend.run(op as OpDef, [slot(this.gradArena)], [slot(this.paramArena), ...this.state.map(slot)], attrs);
  }

  /** The fused update op and its attrs for the current step (stepCount is already incremented). */
  protected abstract update(): [OpDef<never>, object];

  /** Releases the arenas; the parameters keep their values in fresh storage. */
  dispose(): void {
    for (const p of this.params) {
      const own = this.backend.allocate(p.size, "float32");
      p.moveTo(own);
      p.grad?.dispose();
      p.grad = null;
      p.gradInPlace = false;
    }
    for (const t of [this.paramArena, this.gradArena, ...this.state]) t.dispose();
  }

  private fill(t: Tensor, value: number): void {
    this.backend.run(fullOp as OpDef, [], [{ shape: [this.size], dtype: "float32", storage: t.storageRef() }], { shape: [this.size], value, dtype: "float32" });
  }
}
