/**
 * Classic 2-D test surfaces for the optimizer race, and what it takes to draw them: each surface's
 * f(x, y), its analytic gradient, the square it is shown on, a start point and its known minima; a
 * sampled grid, log-spaced contour levels and a marching-squares tracer for the contour lines.
 * Pure functions of numbers (no DOM, no engine), so the tests check them in Node.
 *
 * Every surface is shifted so that its minimum value is 0: contour levels can then be log-spaced
 * (f spans several decades between a valley floor and a wall) and f itself reads as "distance to
 * the best possible value".
 */

export type Point = readonly [number, number];

export type SurfaceId = "quadratic" | "rosenbrock" | "beale" | "saddle";

/** The plotted rectangle: x in [x0, x1], y in [y0, y1] (all surfaces use squares, for true aspect). */
export interface Domain {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface Surface {
  id: SurfaceId;
  name: string;
  /** The formula as plain text (Unicode superscripts), shown beside the plot. */
  formula: string;
  /** One or two sentences on what the surface shows about the optimizers. */
  lesson: string;
  f(x: number, y: number): number;
  /** ∇f = [∂f/∂x, ∂f/∂y]. */
  grad(x: number, y: number): [number, number];
  domain: Domain;
  /** Where the runs start unless the user picks another point. */
  start: Point;
  /** The global minima, where f = 0. */
  minima: Point[];
  /** A stationary point worth marking that is not a minimum. */
  saddle?: Point;
  /** Learning rate and momentum the race opens with on this surface. */
  lr: number;
  momentum: number;
  /** Steps after which the race stops. */
  maxSteps: number;
}

/** The quadratic's condition number (ratio of its curvatures) and the tilt of its axes. */
const KAPPA = 25;
const TILT = Math.PI / 6;
const COS = Math.cos(TILT);
const SIN = Math.sin(TILT);

/**
 * f = ½ (u² + κ v²) in axes turned by 30°: u = x cos θ + y sin θ, v = −x sin θ + y cos θ.
 * ∂f/∂u = u, ∂f/∂v = κ v, and by the chain rule (∂u/∂x = cos θ, ∂v/∂x = −sin θ, ∂u/∂y = sin θ,
 * ∂v/∂y = cos θ): ∂f/∂x = u cos θ − κ v sin θ, ∂f/∂y = u sin θ + κ v cos θ.
 */
const quadratic: Surface = {
  id: "quadratic",
  name: "Ill-conditioned quadratic",
  formula: "½ (u² + 25 v²),  (u, v) = (x, y) turned by 30°",
  lesson:
    "One direction curves 25 times more than the other. The step size must stay under 2/25 for the steep direction, so plain SGD creeps along the shallow one; momentum swings across the valley but builds up speed along it. The tilt keeps per-coordinate scaling (AdaGrad, RMSProp, Adam) from undoing the conditioning for free.",
  f(x, y) {
    const u = x * COS + y * SIN;
    const v = -x * SIN + y * COS;
    return 0.5 * (u * u + KAPPA * v * v);
  },
  grad(x, y) {
    const u = x * COS + y * SIN;
    const v = -x * SIN + y * COS;
    return [u * COS - KAPPA * v * SIN, u * SIN + KAPPA * v * COS];
  },
  domain: { x0: -3, x1: 3, y0: -3, y1: 3 },
  start: [-2.6, 0.4],
  minima: [[0, 0]],
  lr: 0.05,
  momentum: 0.7,
  maxSteps: 250,
};

/**
 * Rosenbrock's banana: f = (1 − x)² + 100 (y − x²)².
 * ∂f/∂x = −2 (1 − x) − 400 x (y − x²)   (the second term: 100 · 2 (y − x²) · (−2x))
 * ∂f/∂y = 200 (y − x²)
 */
const rosenbrock: Surface = {
  id: "rosenbrock",
  name: "Rosenbrock",
  formula: "(1 − x)² + 100 (y − x²)²",
  lesson:
    "Finding the curved valley is easy, following it is hard: its floor is almost flat and its walls are steep, and the walls cap the step size. Momentum builds up speed along the floor. The adaptive methods move about one step size per step whatever the slope, which is slow at this step size: raise it, and Adam catches up while momentum flies off the walls.",
  f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  grad: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  domain: { x0: -2, x1: 2, y0: -1, y1: 3 },
  start: [-1.2, 1],
  minima: [[1, 1]],
  lr: 0.0013,
  momentum: 0.9,
  maxSteps: 6000,
};

/**
 * Beale's function: f = a₁² + a₂² + a₃² with a_k = c_k − x + x yᵏ, (c₁, c₂, c₃) = (1.5, 2.25, 2.625).
 * ∂a_k/∂x = yᵏ − 1 and ∂a_k/∂y = k x yᵏ⁻¹, so
 * ∂f/∂x = 2 a₁ (y − 1) + 2 a₂ (y² − 1) + 2 a₃ (y³ − 1),   ∂f/∂y = 2 a₁ x + 4 a₂ x y + 6 a₃ x y².
 */
const beale: Surface = {
  id: "beale",
  name: "Beale",
  formula: "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
  lesson:
    "Flat plateaus beside walls that rise by thousands. Momentum swings far out over the plateau before it finds the minimum, and a slightly larger step size (try 0.01) throws it off the walls; RMSProp and Adam scale each step by the recent gradient size and keep a steadier course.",
  f(x, y) {
    const a1 = 1.5 - x + x * y;
    const a2 = 2.25 - x + x * y * y;
    const a3 = 2.625 - x + x * y * y * y;
    return a1 * a1 + a2 * a2 + a3 * a3;
  },
  grad(x, y) {
    const a1 = 1.5 - x + x * y;
    const a2 = 2.25 - x + x * y * y;
    const a3 = 2.625 - x + x * y * y * y;
    return [2 * a1 * (y - 1) + 2 * a2 * (y * y - 1) + 2 * a3 * (y * y * y - 1), 2 * a1 * x + 4 * a2 * x * y + 6 * a3 * x * y * y];
  },
  domain: { x0: -1, x1: 4.5, y0: -2.25, y1: 3.25 },
  start: [1, 1.5],
  minima: [[3, 0.5]],
  lr: 0.003,
  momentum: 0.9,
  maxSteps: 3000,
};

/**
 * A saddle between two wells: f = ½ x² + ¼ (y² − 1)², minima at (0, ±1), a saddle at (0, 0) with
 * f = ¼ (curving up along x, down along y). ∂f/∂x = x, ∂f/∂y = ¼ · 2 (y² − 1) · 2y = y (y² − 1).
 * Starting a hair above the x axis, the pull towards the wells is tiny near the saddle.
 */
const saddle: Surface = {
  id: "saddle",
  name: "Saddle point",
  formula: "½ x² + ¼ (y² − 1)²",
  lesson:
    "Runs starting almost on the ridge line slide into the saddle, where the gradient nearly vanishes. Plain SGD lingers there for a long time; momentum and the adaptive methods, which rescale the tiny sideways gradient, escape sooner.",
  f: (x, y) => 0.5 * x * x + 0.25 * (y * y - 1) ** 2,
  grad: (x, y) => [x, y * (y * y - 1)],
  domain: { x0: -2, x1: 2, y0: -2, y1: 2 },
  start: [-1.8, 0.001],
  minima: [
    [0, 1],
    [0, -1],
  ],
  saddle: [0, 0],
  lr: 0.03,
  momentum: 0.9,
  maxSteps: 600,
};

/** The surfaces, in the order the selector lists them. */
export const SURFACES: readonly Surface[] = [quadratic, rosenbrock, beale, saddle];

/** The surface with this id (the first one for an unknown id). */
export function surfaceById(id: string): Surface {
  return SURFACES.find((s) => s.id === id) ?? SURFACES[0];
}

/** f sampled on a cols x rows lattice over a domain, rows from the top (y1) down, as on screen. */
export interface Grid {
  cols: number;
  rows: number;
  /** [rows, cols] */
  values: Float64Array;
}

/** Samples f at cols x rows points spanning the domain, corners included. */
export function sampleGrid(surface: Surface, cols: number, rows: number): Grid {
  const { x0, x1, y0, y1 } = surface.domain;
  const values = new Float64Array(cols * rows);
  for (let j = 0; j < rows; j++) {
    const y = y1 - (j * (y1 - y0)) / (rows - 1);
    for (let i = 0; i < cols; i++) values[j * cols + i] = surface.f(x0 + (i * (x1 - x0)) / (cols - 1), y);
  }
  return { cols, rows, values };
}

/**
 * `count` contour levels spaced evenly in log f: from the value below which 0.5% of the samples lie
 * (at least max / 10⁶, so a minimum sampled exactly does not pull the range to 0) up to a little
 * under the largest sample. Levels are positive and strictly increasing.
 */
export function contourLevels(values: ArrayLike<number>, count: number): number[] {
  const finite = Array.from(values)
    .filter((v) => Number.isFinite(v) && v >= 0)
    .sort((a, b) => a - b);
  if (finite.length === 0 || count < 1) return [];
  const hi = finite[finite.length - 1] * 0.9;
  if (!(hi > 0)) return [];
  const lo = Math.min(Math.max(finite[Math.floor(finite.length * 0.005)], hi * 1e-6), hi / 10);
  if (count === 1) return [Math.sqrt(lo * hi)];
  const step = Math.log(hi / lo) / (count - 1);
  return Array.from({ length: count }, (_, k) => lo * Math.exp(step * k));
}

/**
 * The line f = level through a grid, by marching squares: each cell whose corners straddle the
 * level contributes one or two segments with ends interpolated linearly along its edges. The
 * two ambiguous cells (opposite corners above) are resolved by the cell's centre value. Returns
 * segments as [i0, j0, i1, j1, ...] in grid coordinates (column, row; fractional).
 */
export function contourSegments(grid: Grid, level: number): number[] {
  const { cols, rows, values } = grid;
  const out: number[] = [];
  const at = (i: number, j: number) => values[j * cols + i];
  // Where the level crosses the edge from corner a to corner b (0..1 of the way).
  const t = (a: number, b: number) => (a === b ? 0.5 : (level - a) / (b - a));
  for (let j = 0; j + 1 < rows; j++) {
    for (let i = 0; i + 1 < cols; i++) {
      const tl = at(i, j);
      const tr = at(i + 1, j);
      const br = at(i + 1, j + 1);
      const bl = at(i, j + 1);
      const index = (tl > level ? 8 : 0) | (tr > level ? 4 : 0) | (br > level ? 2 : 0) | (bl > level ? 1 : 0);
      if (index === 0 || index === 15) continue;
      // Edge crossing points: top, right, bottom, left.
      const top = [i + t(tl, tr), j];
      const right = [i + 1, j + t(tr, br)];
      const bottom = [i + t(bl, br), j + 1];
      const left = [i, j + t(tl, bl)];
      const seg = (a: number[], b: number[]) => out.push(a[0], a[1], b[0], b[1]);
      const centreAbove = (tl + tr + br + bl) / 4 > level;
      switch (index) {
        case 1:
        case 14:
          seg(left, bottom);
          break;
        case 2:
        case 13:
          seg(bottom, right);
          break;
        case 3:
        case 12:
          seg(left, right);
          break;
        case 4:
        case 11:
          seg(top, right);
          break;
        case 6:
        case 9:
          seg(top, bottom);
          break;
        case 7:
        case 8:
          seg(left, top);
          break;
        case 5: // tr and bl above
          if (centreAbove) {
            seg(left, top);
            seg(bottom, right);
          } else {
            seg(top, right);
            seg(left, bottom);
          }
          break;
        case 10: // tl and br above
          if (centreAbove) {
            seg(top, right);
            seg(left, bottom);
          } else {
            seg(left, top);
            seg(bottom, right);
          }
          break;
      }
    }
  }
  return out;
}
