/**
 * The optimizers of the 2-D race, driven by the engine's own optimizer classes (torch.optim
 * semantics, the ones networks train with) on a private CPU backend: each run holds a 2-element
 * parameter tensor [x, y], writes the surface's analytic gradient into its .grad and calls step().
 * The CPU backend runs the fused update rule's reference code synchronously, so a frame can take
 * dozens of steps on the main thread without waiting on anything. It runs in float64, so that the
 * path near a minimum shows the rule rather than float32 rounding.
 */
import type { CpuStorage } from "../../backend/cpu";
import { CpuBackend } from "../../backend/cpu";
import { tensor } from "../../ops/creation";
import { Adagrad } from "../../optim/adagrad";
import { Adam } from "../../optim/adam";
import type { Optimizer } from "../../optim/optimizer";
import { RMSprop } from "../../optim/rmsprop";
import { SGD } from "../../optim/sgd";
import { withBackend } from "../../tensor/engine";
import type { Tensor } from "../../tensor/tensor";
import type { Point, Surface } from "./surfaces";

export type SurfaceOptimizerId = "sgd" | "momentum" | "nesterov" | "adagrad" | "rmsprop" | "adam";

/** The race's two knobs, shared by every optimizer. */
export interface RaceSettings {
  /** Learning rate. */
  lr: number;
  /** SGD's momentum (plain and Nesterov) and Adam's β1; the other optimizers ignore it. */
  momentum: number;
}

export interface SurfaceOptimizer {
  id: SurfaceOptimizerId;
  label: string;
  /** Trajectory and legend colour. */
  color: string;
  /** Whether the momentum setting changes this optimizer. */
  usesMomentum: boolean;
  /** The engine optimizer over `params` with the race's settings. */
  create(params: Tensor[], settings: RaceSettings): Optimizer;
}

/** The racers, in legend order, with PyTorch's defaults for every setting the race does not expose. */
export const SURFACE_OPTIMIZERS: readonly SurfaceOptimizer[] = [
  { id: "sgd", label: "SGD", color: "#e2e8f0", usesMomentum: false, create: (p, s) => new SGD(p, { lr: s.lr }) },
  { id: "momentum", label: "SGD + momentum", color: "#f97316", usesMomentum: true, create: (p, s) => new SGD(p, { lr: s.lr, momentum: s.momentum }) },
  {
    id: "nesterov",
    label: "Nesterov",
    color: "#facc15",
    usesMomentum: true,
    // Nesterov momentum with β = 0 is plain SGD (the engine, like PyTorch, refuses nesterov without momentum).
    create: (p, s) => new SGD(p, s.momentum > 0 ? { lr: s.lr, momentum: s.momentum, nesterov: true } : { lr: s.lr }),
  },
  { id: "adagrad", label: "AdaGrad", color: "#4ade80", usesMomentum: false, create: (p, s) => new Adagrad(p, { lr: s.lr }) },
  { id: "rmsprop", label: "RMSProp", color: "#38bdf8", usesMomentum: false, create: (p, s) => new RMSprop(p, { lr: s.lr }) },
  { id: "adam", label: "Adam", color: "#e879f9", usesMomentum: true, create: (p, s) => new Adam(p, { lr: s.lr, betas: [s.momentum, 0.999] }) },
];

export type RunStatus = "running" | "settled" | "diverged" | "capped";

/** The CPU backend every run lives on. */
const backend = new CpuBackend("float64", "the 2-D optimizer race");

/** How far outside its domain a run may go before it counts as diverged, in domain widths. */
const ESCAPE = 2;

/** One optimizer's run on a surface from a start point: its path, its step count and how it ended. */
export class SurfaceRun {
  /** Visited points [x0, y0, x1, y1, ...], the start first. */
  readonly path: number[];
  steps = 0;
  status: RunStatus = "running";
  private readonly param: Tensor;
  private readonly optimizer: Optimizer;
  private readonly values: Float32Array | Float64Array;
  private readonly grads: Float32Array | Float64Array;

  constructor(
    readonly surface: Surface,
    readonly racer: SurfaceOptimizer,
    start: Point,
    settings: RaceSettings,
    /** Steps after which the run stops (status "capped"). */
    readonly maxSteps = surface.maxSteps,
  ) {
    this.param = withBackend(backend, () => tensor([start[0], start[1]], { requiresGrad: true }));
    this.optimizer = racer.create([this.param], settings);
    this.values = (this.param.storageRef() as CpuStorage).data as Float64Array;
    this.grads = ((this.param.grad as Tensor).storageRef() as CpuStorage).data as Float64Array;
    this.path = [start[0], start[1]];
  }

  /** The current point. */
  get position(): Point {
    return [this.values[0], this.values[1]];
  }

  /** f at the current point. */
  get value(): number {
    return this.surface.f(this.values[0], this.values[1]);
  }

  /**
   * One optimizer step from the analytic gradient, unless the run has ended. Ends it as "diverged"
   * when the point is no longer finite or has left the domain by more than ESCAPE widths, "settled"
   * when the gradient and the step have both vanished, "capped" at maxSteps. Never throws.
   */
  step(): void {
    if (this.status !== "running") return;
    const [x, y] = this.position;
    const [gx, gy] = this.surface.grad(x, y);
    if (!Number.isFinite(gx) || !Number.isFinite(gy)) {
      this.status = "diverged";
      return;
    }
    this.grads[0] = gx;
    this.grads[1] = gy;
    this.optimizer.step();
    this.steps++;
    const [nx, ny] = this.position;
    const { x0, x1, y0, y1 } = this.surface.domain;
    const span = Math.max(x1 - x0, y1 - y0);
    if (!Number.isFinite(nx) || !Number.isFinite(ny) || !Number.isFinite(this.value)) {
      this.status = "diverged";
      return;
    }
    this.path.push(nx, ny);
    if (nx < x0 - ESCAPE * span || nx > x1 + ESCAPE * span || ny < y0 - ESCAPE * span || ny > y1 + ESCAPE * span) this.status = "diverged";
    else if (Math.hypot(gx, gy) < 1e-9 && Math.hypot(nx - x, ny - y) < 1e-12 * span) this.status = "settled";
    else if (this.steps >= this.maxSteps) this.status = "capped";
  }

  /** Frees the parameter and the optimizer's arenas. */
  dispose(): void {
    this.optimizer.dispose();
    this.param.dispose();
  }
}
