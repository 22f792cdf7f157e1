/**
 * The canvas drawing of <dl-surface-race>: the surface as log-spaced contour lines over a subtle
 * shading, with axis ticks, its minima (×) and saddle (◇), drawn once per surface and size and
 * cached; over it the start point (a white ring) and each shown run's path, a coloured line with a
 * dot at its head. Plain canvas 2D, no Lit.
 */
import type { SurfaceRun } from "./surface-optimizers";
import { contourLevels, contourSegments, type Domain, type Point, type Surface, sampleGrid } from "./surfaces";

/** Samples per side for the shading and the contour lines. */
const GRID = 241;
const LEVELS = 18;
/** Shading from the lowest level (near a minimum) to the highest (the walls), RGB. */
const LOW = [36, 64, 104];
const HIGH = [12, 19, 34];

/** Maps surface coordinates to canvas pixels on a `size`-pixel square (y up). */
function toCanvas({ x0, x1, y0, y1 }: Domain, size: number) {
  return { px: (x: number) => ((x - x0) / (x1 - x0)) * size, py: (y: number) => ((y1 - y) / (y1 - y0)) * size };
}

/** Draws a race onto a square canvas, keeping the contour background of the last surface and size. */
export class SurfacePainter {
  private background: { key: string; image: HTMLCanvasElement } | null = null;

  /** Sizes `canvas` to its box at the device's pixel ratio and draws `surface`, the start point and the paths of `runs`. */
  draw(canvas: HTMLCanvasElement, surface: Surface, start: Point, runs: readonly SurfaceRun[]): void {
    const dpr = window.devicePixelRatio || 1;
    const size = Math.round(canvas.clientWidth * dpr);
    if (size === 0) return;
    if (canvas.width !== size || canvas.height !== size) {
      canvas.width = size;
      canvas.height = size;
    }
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.drawImage(this.contours(surface, size, dpr), 0, 0);
    const { px, py } = toCanvas(surface.domain, size);
    marker(ctx, px(start[0]), py(start[1]), dpr);
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    for (const run of runs) drawPath(ctx, run, px, py, dpr);
  }

  /** The shading, contour lines, axis ticks and minima of `s` (cached per surface and size). */
  private contours(s: Surface, size: number, dpr: number): HTMLCanvasElement {
    const key = `${s.id}/${size}/${dpr}`;
    if (this.background?.key === key) return this.background.image;
    const grid = sampleGrid(s, GRID, GRID);
    const levels = contourLevels(grid.values, LEVELS);
    const image = document.createElement("canvas");
    image.width = size;
    image.height = size;
    const ctx = image.getContext("2d") as CanvasRenderingContext2D;
    shade(ctx, grid.values, levels, size);
    // Contour lines, brighter near the minimum.
    const scale = size / (GRID - 1);
    ctx.lineWidth = dpr;
    levels.forEach((level, k) => {
      const segments = contourSegments(grid, level);
      ctx.strokeStyle = `rgba(148, 163, 184, ${0.42 - (0.27 * k) / (levels.length - 1)})`;
      ctx.beginPath();
      for (let i = 0; i < segments.length; i += 4) {
        ctx.moveTo(segments[i] * scale, segments[i + 1] * scale);
        ctx.lineTo(segments[i + 2] * scale, segments[i + 3] * scale);
      }
      ctx.stroke();
    });
    ticks(ctx, s.domain, size, dpr);
    landmarks(ctx, s, size, dpr);
    this.background = { key, image };
    return image;
  }
}

/** Shading: log f between the lowest and the highest level, from LOW to HIGH, smoothly scaled up from the grid. */
function shade(ctx: CanvasRenderingContext2D, values: ArrayLike<number>, levels: number[], size: number): void {
  const cells = document.createElement("canvas");
  cells.width = GRID;
  cells.height = GRID;
  const cellCtx = cells.getContext("2d") as CanvasRenderingContext2D;
  const pixels = cellCtx.createImageData(GRID, GRID);
  const [lo, hi] = [Math.log(levels[0]), Math.log(levels[levels.length - 1])];
  for (let k = 0; k < values.length; k++) {
    const t = Math.min(1, Math.max(0, (Math.log(Math.max(values[k], 1e-300)) - lo) / (hi - lo)));
    for (let c = 0; c < 3; c++) pixels.data[4 * k + c] = LOW[c] + (HIGH[c] - LOW[c]) * t;
    pixels.data[4 * k + 3] = 255;
  }
  cellCtx.putImageData(pixels, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(cells, 0, 0, size, size);
}

/** Integer ticks along the bottom and left edges, labelled inside the plot. */
function ticks(ctx: CanvasRenderingContext2D, domain: Domain, size: number, dpr: number): void {
  const { x0, x1, y0, y1 } = domain;
  const { px, py } = toCanvas(domain, size);
  ctx.fillStyle = "rgba(139, 154, 181, 0.8)";
  ctx.font = `${11 * dpr}px system-ui, sans-serif`;
  ctx.textBaseline = "bottom";
  ctx.textAlign = "center";
  for (let x = Math.ceil(x0); x <= Math.floor(x1); x++) {
    const at = px(x);
    if (at > 14 * dpr && at < size - 14 * dpr) ctx.fillText(String(x), at, size - 4 * dpr);
  }
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  for (let y = Math.ceil(y0); y <= Math.floor(y1); y++) {
    const at = py(y);
    if (at > 14 * dpr && at < size - 20 * dpr) ctx.fillText(String(y), 6 * dpr, at);
  }
}

/** The minima as white crosses and the saddle point, if any, as a diamond. */
function landmarks(ctx: CanvasRenderingContext2D, s: Surface, size: number, dpr: number): void {
  const { px, py } = toCanvas(s.domain, size);
  ctx.strokeStyle = "#f8fafc";
  ctx.lineWidth = 2 * dpr;
  const r = 6 * dpr;
  for (const [mx, my] of s.minima) {
    const [x, y] = [px(mx), py(my)];
    ctx.beginPath();
    ctx.moveTo(x - r, y - r);
    ctx.lineTo(x + r, y + r);
    ctx.moveTo(x - r, y + r);
    ctx.lineTo(x + r, y - r);
    ctx.stroke();
  }
  if (!s.saddle) return;
  const [x, y] = [px(s.saddle[0]), py(s.saddle[1])];
  const d = 5 * dpr;
  ctx.strokeStyle = "rgba(248, 250, 252, 0.7)";
  ctx.lineWidth = 1.5 * dpr;
  ctx.beginPath();
  ctx.moveTo(x, y - d);
  ctx.lineTo(x + d, y);
  ctx.lineTo(x, y + d);
  ctx.lineTo(x - d, y);
  ctx.closePath();
  ctx.stroke();
}

/** The start point: a white ring. */
function marker(ctx: CanvasRenderingContext2D, x: number, y: number, dpr: number): void {
  ctx.beginPath();
  ctx.arc(x, y, 7 * dpr, 0, 2 * Math.PI);
  ctx.lineWidth = 2 * dpr;
  ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
  ctx.stroke();
}

/** One run's path in its colour, with a dot at its head. */
function drawPath(ctx: CanvasRenderingContext2D, run: SurfaceRun, px: (x: number) => number, py: (y: number) => number, dpr: number): void {
  const path = run.path;
  ctx.strokeStyle = run.racer.color;
  ctx.lineWidth = 2 * dpr;
  const hx = px(path[path.length - 2]);
  const hy = py(path[path.length - 1]);
  ctx.beginPath();
  let lx = px(path[0]);
  let ly = py(path[1]);
  ctx.moveTo(lx, ly);
  // Points closer than half a pixel to the last one drawn add nothing but stroking time.
  for (let k = 2; k < path.length; k += 2) {
    const x = px(path[k]);
    const y = py(path[k + 1]);
    if (Math.abs(x - lx) + Math.abs(y - ly) < 0.5 * dpr) continue;
    ctx.lineTo(x, y);
    lx = x;
    ly = y;
  }
  ctx.lineTo(hx, hy);
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(hx, hy, 4.5 * dpr, 0, 2 * Math.PI);
  ctx.fillStyle = run.racer.color;
  ctx.fill();
  ctx.lineWidth = 1.5 * dpr;
  ctx.strokeStyle = "#0b1120";
  ctx.stroke();
}
