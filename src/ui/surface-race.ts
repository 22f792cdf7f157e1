/**
 * <dl-surface-race>: optimizers racing on a classic 2-D surface. The surface is drawn as log-spaced
 * contours over a subtle shading, each optimizer's path as a coloured line with a dot at its head,
 * animated a few steps per frame; a table beside it gives each run's f(x, y), steps and how it ended.
 * The step size and momentum sliders, the surface and the start point (click the plot, or focus it
 * and use the arrow keys) restart every run. The runs are the engine's own optimizers
 * (surface-optimizers.ts); this element only draws them and handles input.
 *
 * For tests the host carries data-testid="surface-race", data-surface, data-state ("paused",
 * "playing" or "done"), data-steps (race steps taken since the last restart) and data-trajectories
 * (trajectories drawn); each table row carries data-optimizer, data-status and data-steps.
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import { type RaceSettings, type RunStatus, SURFACE_OPTIMIZERS, type SurfaceOptimizerId, SurfaceRun } from "./surface-optimizers";
import { contourLevels, contourSegments, type Point, SURFACES, type Surface, type SurfaceId, sampleGrid, surfaceById } from "./surfaces";
import { theme } from "./theme";

/** Samples per side for the shading and the contour lines. */
const GRID = 241;
const LEVELS = 18;
/** Frames a race takes at most (steps per frame = maxSteps / this). */
const RACE_FRAMES = 300;
/** Shading from the lowest level (near a minimum) to the highest (the walls), RGB. */
const LOW = [36, 64, 104];
const HIGH = [12, 19, 34];
const STATUS_TEXT: Record<RunStatus, string> = { running: "running", settled: "settled", diverged: "diverged", capped: "step cap" };

/** A number for the table and the sliders: 3 significant digits, exponent form when tiny or huge. */
function fmt(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(2) : Number(v.toPrecision(3)).toString();
}

@customElement("dl-surface-race")
export class SurfaceRace extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      .race {
        display: grid;
        grid-template-columns: minmax(280px, 560px) minmax(320px, 1fr);
        gap: 24px;
        align-items: start;
      }
      @media (max-width: 920px) {
        .race {
          grid-template-columns: 1fr;
        }
      }
      canvas {
        display: block;
        width: 100%;
        aspect-ratio: 1;
        border-radius: 10px;
        background: #0e1627;
        cursor: crosshair;
      }
      canvas:focus-visible {
        outline: 2px solid var(--accent);
        outline-offset: 2px;
      }
      .hint {
        margin: 8px 2px 0;
        font-size: 12px;
        color: var(--muted);
      }
      .side {
        display: grid;
        gap: 16px;
        min-width: 0;
      }
      .formula {
        margin: 0;
        font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace;
        font-size: 13px;
        color: var(--text);
        background: var(--surface-2);
        border: 1px solid var(--border);
        border-radius: 8px;
        padding: 8px 10px;
        overflow-x: auto;
        white-space: nowrap;
      }
      .lesson {
        margin: 0;
        font-size: 13px;
        line-height: 1.5;
        color: var(--muted);
      }
      .sliders {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 16px;
      }
      .slider span {
        display: flex;
        justify-content: space-between;
      }
      .slider output {
        color: var(--text);
        font-variant-numeric: tabular-nums;
      }
      .buttons {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      .buttons .clock {
        margin-left: auto;
        font-size: 13px;
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 13px;
      }
      th,
      td {
        padding: 6px 8px;
        text-align: left;
        border-bottom: 1px solid var(--border);
      }
      thead th {
        font-weight: 600;
        color: var(--muted);
        font-size: 12px;
      }
      .num {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      tbody th label {
        display: flex;
        align-items: center;
        gap: 8px;
        color: var(--text);
        font-size: 13px;
        font-weight: 500;
        cursor: pointer;
      }
      input[type="checkbox"] {
        accent-color: var(--accent);
        margin: 0;
      }
      .swatch {
        width: 14px;
        height: 4px;
        border-radius: 2px;
        flex: none;
      }
      .beta {
        font-size: 11px;
        color: var(--muted);
        border: 1px solid var(--border);
        border-radius: 6px;
        padding: 0 5px;
      }
      tr.off label,
      tr.off td {
        opacity: 0.45;
      }
      .status {
        font-size: 12px;
        color: var(--muted);
      }
      .status.settled {
        color: var(--good);
      }
      .status.diverged {
        color: var(--bad);
        font-weight: 600;
      }
      .note {
        margin: 0;
        font-size: 12px;
        line-height: 1.5;
        color: var(--muted);
      }
    `,
  ];

  /** The surface raced on; setting it restarts the race with that surface's step size, momentum and start. */
  @property({ reflect: true }) surface: SurfaceId = "rosenbrock";
  /** Start playing as soon as the element is shown. */
  @property({ type: Boolean }) autoplay = false;

  @state() private _lr = 0;
  @state() private _momentum = 0;
  @state() private _start: Point = [0, 0];
  @state() private _enabled = new Set<SurfaceOptimizerId>(SURFACE_OPTIMIZERS.map((o) => o.id));
  @state() private _playing = false;
  @state() private _clock = 0;

  @query("canvas") private _canvas!: HTMLCanvasElement;

  private _runs: SurfaceRun[] = [];
  private _loaded: SurfaceId | null = null;
  private _raf = 0;
  private _resize: ResizeObserver | null = null;
  private _background: { key: string; image: HTMLCanvasElement } | null = null;

  private get _surface(): Surface {
    return surfaceById(this.surface);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute("data-testid")) this.setAttribute("data-testid", "surface-race");
    if (this.hasUpdated) this.requestUpdate(); // back in the page: willUpdate starts fresh runs
    void this.updateComplete.then(() => {
      if (!this.isConnected || this._resize) return;
      this._resize = new ResizeObserver(() => this._draw());
      this._resize.observe(this._canvas);
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._pause();
    this._resize?.disconnect();
    this._resize = null;
    for (const run of this._runs) run.dispose();
    this._runs = [];
  }

  protected override willUpdate(): void {
    if (this._loaded !== this.surface) {
      const s = this._surface;
      this._loaded = this.surface;
      this._lr = s.lr;
      this._momentum = s.momentum;
      this._start = s.start;
      this._restart();
    } else if (this._runs.length === 0) this._restart();
    if (!this.hasUpdated && this.autoplay) this._play();
  }

  protected override updated(): void {
    const shown = this._runs.filter((r) => this._enabled.has(r.racer.id)).length;
    this.dataset.surface = this.surface;
    this.dataset.state = this._playing ? "playing" : this._finished() ? "done" : "paused";
    this.dataset.steps = String(this._clock);
    this.dataset.trajectories = String(shown);
    this._draw();
  }

  override render() {
    const s = this._surface;
    const [sx, sy] = this._start;
    return html`
      <section class="card">
        <h2>Optimizers on classic surfaces</h2>
        <div class="race">
          <div class="plot">
            <canvas
              tabindex="0"
              role="application"
              aria-roledescription="contour plot"
              aria-label=${`Contours of ${s.name} with each optimizer's path. Start point (${sx.toFixed(2)}, ${sy.toFixed(2)}): click the plot or use the arrow keys to move it.`}
              @click=${this._onClick}
              @keydown=${this._onKey}
            ></canvas>
            <p class="hint">Click the plot, or focus it and use the arrow keys (Shift: bigger moves), to start from another point.</p>
          </div>
          <div class="side">
            <label>
              Surface
              <select @change=${(e: Event) => (this.surface = (e.target as HTMLSelectElement).value as SurfaceId)}>
                ${SURFACES.map((o) => html`<option value=${o.id} ?selected=${o.id === s.id}>${o.name}</option>`)}
              </select>
            </label>
            <p class="formula">f(x, y) = ${s.formula}</p>
            <p class="lesson">${s.lesson}</p>
            <div class="sliders">
              <label class="slider">
                <span>Step size (learning rate) <output>${fmt(this._lr)}</output></span>
                <input
                  type="range"
                  min="-4"
                  max="0"
                  step="0.01"
                  .value=${String(Math.log10(this._lr))}
                  aria-valuetext=${fmt(this._lr)}
                  @input=${(e: Event) => this._set({ lr: Number((10 ** Number((e.target as HTMLInputElement).value)).toPrecision(2)) })}
                />
              </label>
              <label class="slider">
                <span>Momentum β <output>${this._momentum.toFixed(2)}</output></span>
                <input
                  type="range"
                  min="0"
                  max="0.99"
                  step="0.01"
                  .value=${String(this._momentum)}
                  aria-valuetext=${this._momentum.toFixed(2)}
                  @input=${(e: Event) => this._set({ momentum: Number((e.target as HTMLInputElement).value) })}
                />
              </label>
            </div>
            <div class="buttons">
              <button class="primary" @click=${this._togglePlay}>${this._playing ? "Pause" : this._finished() ? "Replay" : "Play"}</button>
              <button @click=${this._stepOnce} ?disabled=${this._finished()}>Step</button>
              <button @click=${this._reset}>Reset</button>
              <span class="clock">step ${this._clock} / ${s.maxSteps}</span>
            </div>
            ${this._table()}
            <p class="note">
              β is the momentum of SGD + momentum and Nesterov, and Adam's β1; AdaGrad and RMSProp (α = 0.99) do not use it. Every other setting is
              PyTorch's default, and each path is the engine's own optimizer class stepping on the surface's exact gradient. Adaptive methods move
              about one step size per step whatever the gradient's size; SGD moves step size × |∇f|.
            </p>
          </div>
        </div>
      </section>
    `;
  }

  private _table() {
    return html`
      <table>
        <thead>
          <tr>
            <th scope="col">Optimizer</th>
            <th scope="col" class="num">f(x, y)</th>
            <th scope="col" class="num">steps</th>
            <th scope="col">status</th>
          </tr>
        </thead>
        <tbody>
          ${this._runs.map((run) => {
            const o = run.racer;
            const on = this._enabled.has(o.id);
            const status = run.status === "running" && run.steps === 0 ? "ready" : STATUS_TEXT[run.status];
            return html`
              <tr class=${on ? "" : "off"} data-optimizer=${o.id} data-status=${run.status} data-steps=${run.steps}>
                <th scope="row">
                  <label>
                    <input type="checkbox" .checked=${on} @change=${(e: Event) => this._toggle(o.id, (e.target as HTMLInputElement).checked)} />
                    <i class="swatch" style="background:${o.color}"></i>
                    ${o.label} ${o.usesMomentum ? html`<span class="beta" title="uses the momentum β">β</span>` : nothing}
                  </label>
                </th>
                <td class="num">${run.status === "diverged" ? "—" : fmt(run.value)}</td>
                <td class="num">${run.steps}</td>
                <td class="status ${run.status}">${status}</td>
              </tr>
            `;
          })}
        </tbody>
      </table>
    `;
  }

  /** Disposes the runs and starts new ones from the start point with the current settings. */
  private _restart(): void {
    for (const run of this._runs) run.dispose();
    const settings: RaceSettings = { lr: this._lr, momentum: this._momentum };
    this._runs = SURFACE_OPTIMIZERS.map((o) => new SurfaceRun(this._surface, o, this._start, settings));
    this._clock = 0;
  }

  /** Changes a setting and restarts the runs, still playing if they were. */
  private _set(change: { lr?: number; momentum?: number; start?: Point }): void {
    this._lr = change.lr ?? this._lr;
    this._momentum = change.momentum ?? this._momentum;
    this._start = change.start ?? this._start;
    this._restart();
  }

  private _finished(): boolean {
    return this._runs.every((r) => r.status !== "running");
  }

  private _stepAll(): void {
    if (this._finished()) return;
    for (const run of this._runs) run.step();
    this._clock++;
  }

  private _tick = (): void => {
    this._raf = 0;
    if (!this._playing) return;
    const perFrame = Math.max(1, Math.ceil(this._surface.maxSteps / RACE_FRAMES));
    for (let k = 0; k < perFrame; k++) this._stepAll();
    if (this._finished()) this._playing = false;
    else this._raf = requestAnimationFrame(this._tick);
  };

  private _play(): void {
    if (this._finished()) this._restart();
    this._playing = true;
    if (!this._raf) this._raf = requestAnimationFrame(this._tick);
  }

  private _pause(): void {
    this._playing = false;
    if (this._raf) cancelAnimationFrame(this._raf);
    this._raf = 0;
  }

  private _togglePlay = (): void => (this._playing ? this._pause() : this._play());

  private _stepOnce = (): void => {
    this._pause();
    this._stepAll();
  };

  private _reset = (): void => {
    this._pause();
    this._restart();
  };

  private _toggle(id: SurfaceOptimizerId, on: boolean): void {
    const next = new Set(this._enabled);
    if (on) next.add(id);
    else next.delete(id);
    this._enabled = next;
  }

  private _onClick = (e: MouseEvent): void => {
    const rect = this._canvas.getBoundingClientRect();
    const { x0, x1, y0, y1 } = this._surface.domain;
    const x = x0 + ((e.clientX - rect.left) / rect.width) * (x1 - x0);
    const y = y1 - ((e.clientY - rect.top) / rect.height) * (y1 - y0);
    this._set({ start: [x, y] });
  };

  private _onKey = (e: KeyboardEvent): void => {
    const moves: Record<string, Point> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    const { x0, x1, y0, y1 } = this._surface.domain;
    const d = (x1 - x0) / (e.shiftKey ? 10 : 50);
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
    this._set({ start: [clamp(this._start[0] + move[0] * d, x0, x1), clamp(this._start[1] + move[1] * d, y0, y1)] });
  };

  /** Sizes the canvas to its box at the device's pixel ratio and draws the contours and the paths. */
  private _draw(): void {
    const canvas = this._canvas;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const size = Math.round(canvas.clientWidth * dpr);
    if (size === 0) return;
    if (canvas.width !== size || canvas.height !== size) {
      canvas.width = size;
      canvas.height = size;
    }
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.drawImage(this._contours(size, dpr), 0, 0);
    const s = this._surface;
    const { x0, x1, y0, y1 } = s.domain;
    const px = (x: number) => ((x - x0) / (x1 - x0)) * size;
    const py = (y: number) => ((y1 - y) / (y1 - y0)) * size;
    this._marker(ctx, px(this._start[0]), py(this._start[1]), dpr);
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    for (const run of this._runs) {
      if (!this._enabled.has(run.racer.id)) continue;
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
  }

  /** The start point: a white ring. */
  private _marker(ctx: CanvasRenderingContext2D, x: number, y: number, dpr: number): void {
    ctx.beginPath();
    ctx.arc(x, y, 7 * dpr, 0, 2 * Math.PI);
    ctx.lineWidth = 2 * dpr;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
    ctx.stroke();
  }

  /** The shading, contour lines, axis ticks and minima of the current surface (cached per surface and size). */
  private _contours(size: number, dpr: number): HTMLCanvasElement {
    const s = this._surface;
    const key = `${s.id}/${size}/${dpr}`;
    if (this._background?.key === key) return this._background.image;
    const grid = sampleGrid(s, GRID, GRID);
    const levels = contourLevels(grid.values, LEVELS);
    const image = document.createElement("canvas");
    image.width = size;
    image.height = size;
    const ctx = image.getContext("2d") as CanvasRenderingContext2D;
    // Shading: log f between the lowest and the highest level, from LOW to HIGH.
    const cells = document.createElement("canvas");
    cells.width = GRID;
    cells.height = GRID;
    const cellCtx = cells.getContext("2d") as CanvasRenderingContext2D;
    const pixels = cellCtx.createImageData(GRID, GRID);
    const [lo, hi] = [Math.log(levels[0]), Math.log(levels[levels.length - 1])];
    grid.values.forEach((v, k) => {
      const t = Math.min(1, Math.max(0, (Math.log(Math.max(v, 1e-300)) - lo) / (hi - lo)));
      for (let c = 0; c < 3; c++) pixels.data[4 * k + c] = LOW[c] + (HIGH[c] - LOW[c]) * t;
      pixels.data[4 * k + 3] = 255;
    });
    cellCtx.putImageData(pixels, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(cells, 0, 0, size, size);
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
    this._ticks(ctx, s, size, dpr);
    const { x0, x1, y0, y1 } = s.domain;
    const at = ([x, y]: Point) => [((x - x0) / (x1 - x0)) * size, ((y1 - y) / (y1 - y0)) * size] as const;
    for (const m of s.minima) {
      const [x, y] = at(m);
      ctx.strokeStyle = "#f8fafc";
      ctx.lineWidth = 2 * dpr;
      const r = 6 * dpr;
      ctx.beginPath();
      ctx.moveTo(x - r, y - r);
      ctx.lineTo(x + r, y + r);
      ctx.moveTo(x - r, y + r);
      ctx.lineTo(x + r, y - r);
      ctx.stroke();
    }
    if (s.saddle) {
      const [x, y] = at(s.saddle);
      const r = 5 * dpr;
      ctx.strokeStyle = "rgba(248, 250, 252, 0.7)";
      ctx.lineWidth = 1.5 * dpr;
      ctx.beginPath();
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
      ctx.stroke();
    }
    this._background = { key, image };
    return image;
  }

  /** Integer ticks along the bottom and left edges, labelled inside the plot. */
  private _ticks(ctx: CanvasRenderingContext2D, s: Surface, size: number, dpr: number): void {
    const { x0, x1, y0, y1 } = s.domain;
    ctx.fillStyle = "rgba(139, 154, 181, 0.8)";
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.textBaseline = "bottom";
    ctx.textAlign = "center";
    for (let x = Math.ceil(x0); x <= Math.floor(x1); x++) {
      const px = ((x - x0) / (x1 - x0)) * size;
      if (px > 14 * dpr && px < size - 14 * dpr) ctx.fillText(String(x), px, size - 4 * dpr);
    }
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    for (let y = Math.ceil(y0); y <= Math.floor(y1); y++) {
      const py = ((y1 - y) / (y1 - y0)) * size;
      if (py > 14 * dpr && py < size - 20 * dpr) ctx.fillText(String(y), 6 * dpr, py);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-surface-race": SurfaceRace;
  }
}
