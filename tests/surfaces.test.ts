/**
 * The 2-D optimizer race: the surfaces' analytic gradients against central differences, their known
 * minima, contour levels and lines, and the runs: each racer converges on the ill-conditioned
 * quadratic, momentum beats plain SGD there, divergence ends a run without throwing, and every
 * trajectory equals the engine optimizer driven through autograd on the same surface.
 */
import { describe, expect, it } from "vitest";
import * as dl from "../src/index";
import { withBackend } from "../src/tensor/engine";
import { type RaceSettings, SURFACE_OPTIMIZERS, type SurfaceOptimizerId, SurfaceRun } from "../src/ui/race/surface-optimizers";
import { contourLevels, contourSegments, type Point, SURFACES, type Surface, sampleGrid, surfaceById } from "../src/ui/race/surfaces";
import { cpu64 } from "./helpers/backends";

/** Points spread over a surface's domain (a fixed lattice, start point included). */
function probePoints(s: Surface): Point[] {
  const { x0, x1, y0, y1 } = s.domain;
  const points: Point[] = [s.start];
  for (const a of [0.13, 0.37, 0.61, 0.89]) for (const b of [0.21, 0.52, 0.77]) points.push([x0 + a * (x1 - x0), y0 + b * (y1 - y0)]);
  return points;
}

const racer = (id: SurfaceOptimizerId) => SURFACE_OPTIMIZERS.find((o) => o.id === id)!;

/** Runs `steps` steps and returns the run (disposed). */
function race(surface: Surface, id: SurfaceOptimizerId, settings: RaceSettings, steps: number, start: Point = surface.start): SurfaceRun {
  const run = new SurfaceRun(surface, racer(id), start, settings, steps);
  for (let k = 0; k < steps; k++) run.step();
  run.dispose();
  return run;
}

describe("surfaces", () => {
  it.each(SURFACES.map((s) => [s.id, s] as const))("%s: the analytic gradient matches central differences", (_, s) => {
    for (const [x, y] of probePoints(s)) {
      const h = 1e-6;
      const dx = (s.f(x + h, y) - s.f(x - h, y)) / (2 * h);
      const dy = (s.f(x, y + h) - s.f(x, y - h)) / (2 * h);
      const [gx, gy] = s.grad(x, y);
      const scale = 1 + Math.abs(s.f(x, y));
      expect(Math.abs(gx - dx)).toBeLessThan(1e-6 * scale);
      expect(Math.abs(gy - dy)).toBeLessThan(1e-6 * scale);
    }
  });

  it.each(SURFACES.map((s) => [s.id, s] as const))("%s: the minima have f = 0 and zero gradient; the start is inside the domain", (_, s) => {
    for (const [x, y] of [...s.minima, ...(s.saddle ? [s.saddle] : [])]) {
      expect(Math.hypot(...s.grad(x, y))).toBeLessThan(1e-12);
    }
    for (const [x, y] of s.minima) expect(s.f(x, y)).toBeCloseTo(0, 12);
    for (const p of probePoints(s)) expect(s.f(...p)).toBeGreaterThanOrEqual(0);
    const { x0, x1, y0, y1 } = s.domain;
    expect(x1 - x0).toBeCloseTo(y1 - y0, 12);
    expect(s.start[0] > x0 && s.start[0] < x1 && s.start[1] > y0 && s.start[1] < y1).toBe(true);
    expect(surfaceById(s.id)).toBe(s);
  });

  it.each(SURFACES.map((s) => [s.id, s] as const))("%s: contour levels are positive, log-spaced and inside the sampled range", (_, s) => {
    const grid = sampleGrid(s, 121, 121);
    const levels = contourLevels(grid.values, 18);
    expect(levels).toHaveLength(18);
    const max = Math.max(...grid.values);
    expect(levels[0]).toBeGreaterThan(0);
    expect(levels[17]).toBeLessThan(max);
    for (let k = 1; k < levels.length; k++) {
      expect(levels[k]).toBeGreaterThan(levels[k - 1]);
      expect(levels[k] / levels[k - 1]).toBeCloseTo(levels[1] / levels[0], 9);
    }
    expect(levels[17] / levels[0]).toBeGreaterThanOrEqual(10); // at least a decade
    for (const level of levels) expect(contourSegments(grid, level).length).toBeGreaterThan(0);
  });

  it("contour levels of degenerate samples are empty", () => {
    expect(contourLevels([], 10)).toEqual([]);
    expect(contourLevels([0, 0, 0], 10)).toEqual([]);
    expect(contourLevels([Number.NaN, Number.POSITIVE_INFINITY], 5)).toEqual([]);
  });

  it("marching squares traces a circle on a cone, with no line outside the range", () => {
    const cone: Surface = { ...SURFACES[0], f: (x, y) => Math.hypot(x, y), domain: { x0: -2, x1: 2, y0: -2, y1: 2 } };
    const grid = sampleGrid(cone, 81, 81);
    const segments = contourSegments(grid, 1);
    expect(segments.length / 4).toBeGreaterThan(60);
    for (let k = 0; k < segments.length; k += 2) {
      const x = -2 + (segments[k] * 4) / 80;
      const y = 2 - (segments[k + 1] * 4) / 80;
      expect(Math.abs(Math.hypot(x, y) - 1)).toBeLessThan(2e-3);
    }
    expect(contourSegments(grid, 5)).toEqual([]);
    expect(contourSegments(grid, -1)).toEqual([]);
  });
});

describe("optimizer runs", () => {
  const quadratic = surfaceById("quadratic");

  it.each([
    ["sgd", { lr: 0.03, momentum: 0 }],
    ["momentum", { lr: 0.03, momentum: 0.8 }],
    ["nesterov", { lr: 0.03, momentum: 0.8 }],
    ["adagrad", { lr: 0.5, momentum: 0 }],
    ["rmsprop", { lr: 0.03, momentum: 0 }],
    ["adam", { lr: 0.05, momentum: 0.9 }],
  ] as const)("%s converges toward the minimum of the ill-conditioned quadratic", (id, settings) => {
    const run = race(quadratic, id, settings, 400);
    expect(run.status).not.toBe("diverged");
    expect(run.value).toBeLessThan(1e-3 * quadratic.f(...quadratic.start));
    expect(Math.hypot(...run.position)).toBeLessThan(0.05);
  });

  it("momentum beats plain SGD on the quadratic in a fixed number of steps", () => {
    const settings = { lr: quadratic.lr, momentum: quadratic.momentum };
    const sgd = race(quadratic, "sgd", settings, 100).value;
    for (const id of ["momentum", "nesterov"] as const) expect(race(quadratic, id, settings, 100).value).toBeLessThan(sgd / 100);
  });

  it("every racer makes progress at each surface's opening settings", () => {
    for (const s of SURFACES) {
      for (const o of SURFACE_OPTIMIZERS) {
        const run = race(s, o.id, { lr: s.lr, momentum: s.momentum }, s.maxSteps);
        expect(run.status, `${o.id} on ${s.id}`).not.toBe("diverged");
        expect(run.value, `${o.id} on ${s.id}`).toBeLessThan(s.f(...s.start));
      }
    }
  });

  it("a diverging run stops, marked, with a finite path, and never throws", () => {
    const beale = surfaceById("beale");
    const run = race(beale, "nesterov", { lr: 0.05, momentum: 0.9 }, 500);
    expect(run.status).toBe("diverged");
    expect(run.steps).toBeLessThan(50);
    expect(run.path.every(Number.isFinite)).toBe(true);
    const steps = run.steps;
    run.step();
    expect(run.steps).toBe(steps);
  });

  it("a run settles at a minimum, and stops at its step cap otherwise", () => {
    const settled = race(quadratic, "momentum", { lr: 0.03, momentum: 0.8 }, 2000);
    expect(settled.status).toBe("settled");
    expect(settled.steps).toBeLessThan(2000);
    expect(race(quadratic, "sgd", { lr: 0.001, momentum: 0 }, 50).status).toBe("capped");
  });

  it("Nesterov with zero momentum is plain SGD", () => {
    const a = race(quadratic, "nesterov", { lr: 0.03, momentum: 0 }, 20);
    const b = race(quadratic, "sgd", { lr: 0.03, momentum: 0.5 }, 20);
    expect(a.path).toEqual(b.path);
  });

  /** The surfaces again, written with engine ops so that autograd computes the gradient. */
  const AUTOGRAD: Record<string, (x: dl.Tensor, y: dl.Tensor) => dl.Tensor> = {
    quadratic: (x, y) => {
      const [c, s] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
      const u = dl.add(dl.mul(x, c), dl.mul(y, s));
      const v = dl.sub(dl.mul(y, c), dl.mul(x, s));
      return dl.mul(dl.add(dl.mul(u, u), dl.mul(dl.mul(v, v), 25)), 0.5);
    },
    rosenbrock: (x, y) => dl.add(dl.pow(dl.sub(1, x), 2), dl.mul(dl.pow(dl.sub(y, dl.mul(x, x)), 2), 100)),
    beale: (x, y) => {
      const term = (c: number, k: number) => dl.pow(dl.add(dl.sub(c, x), dl.mul(x, dl.pow(y, k))), 2);
      return dl.add(dl.add(term(1.5, 1), term(2.25, 2)), term(2.625, 3));
    },
    saddle: (x, y) => dl.add(dl.mul(dl.mul(x, x), 0.5), dl.mul(dl.pow(dl.sub(dl.mul(y, y), 1), 2), 0.25)),
  };

  it.each(SURFACES.flatMap((s) => SURFACE_OPTIMIZERS.map((o) => [s.id, o.id, s, o] as const)))(
    "%s, %s: the race's trajectory equals the engine optimizer trained through autograd",
    async (_, __, s, o) => {
      const settings = { lr: s.lr, momentum: s.momentum };
      const steps = 30;
      const run = race(s, o.id, settings, steps);
      await withBackend(cpu64, async () => {
        const x = dl.tensor([s.start[0]], { requiresGrad: true });
        const y = dl.tensor([s.start[1]], { requiresGrad: true });
        const optimizer = o.create([x, y], settings);
        for (let k = 1; k <= steps; k++) {
          dl.tidy(() => {
            optimizer.zeroGrad();
            dl.sum(AUTOGRAD[s.id](x, y)).backward();
            optimizer.step();
          });
          const [px, py] = [(await x.data())[0], (await y.data())[0]];
          expect(Math.abs(px - run.path[2 * k]), `x after step ${k}`).toBeLessThan(1e-9 * (1 + Math.abs(px)));
          expect(Math.abs(py - run.path[2 * k + 1]), `y after step ${k}`).toBeLessThan(1e-9 * (1 + Math.abs(py)));
        }
        optimizer.dispose();
        x.dispose();
        y.dispose();
      });
    },
  );
});
