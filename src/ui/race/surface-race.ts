/**
 * <dl-surface-race>: optimizers racing on a classic 2-D surface. The surface is drawn as log-spaced
 * contours over a subtle shading, each optimizer's path as a coloured line with a dot at its head,
 * animated a few steps per frame; a table beside it gives each run's f(x, y), steps and how it ended.
 * The step size and momentum sliders, the surface and the start point (click the plot, or focus it
 * and use the arrow keys) restart every run. The runs are the engine's own optimizers
 * (surface-optimizers.ts); this element handles input, the drawing is surface-race-draw.ts's and
 * the look surface-race-styles.ts's. It draws no card of its own: the page puts it in one.
 *
 * For tests the host carries data-testid="surface-race", data-surface, data-state ("paused",
 * "playing" or "done"), data-steps (race steps taken since the last restart) and data-trajectories
 * (trajectories drawn); each table row carries data-optimizer, data-status and data-steps.
 */
import { html, LitElement, nothing } from "lit";
import { customElement, property, query, state } from "lit/decorators.js";
import { theme } from "../theme";
import { type RaceSettings, type RunStatus, SURFACE_OPTIMIZERS, type SurfaceOptimizerId, SurfaceRun } from "./surface-optimizers";
import { SurfacePainter } from "./surface-race-draw";
import { surfaceRaceStyles } from "./surface-race-styles";
import { type Point, SURFACES, type Surface, type SurfaceId, surfaceById } from "./surfaces";

/** Frames a race takes at most (steps per frame = maxSteps / this). */
const RACE_FRAMES = 300;
const STATUS_TEXT: Record<RunStatus, string> = { running: "running", settled: "settled", diverged: "diverged", capped: "step cap" };

/** A number for the table and the sliders: 3 significant digits, exponent form when tiny or huge. */
function fmt(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(2) : Number(v.toPrecision(3)).toString();
}

@customElement("dl-surface-race")
export class SurfaceRace extends LitElement {
  static override styles = [theme, surfaceRaceStyles];

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
  private readonly _painter = new SurfacePainter();

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
          <p class="formula">f(x,\u00a0y) = ${s.formula}</p>
          <p class="lesson">${s.lesson}</p>
          <div class="sliders">
            <label class="slider">
              <span>Step size (learning rate) <output>${fmt(this._lr)}</output></span>
              <input
                type="range"
                aria-label="Step size"
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
                aria-label="Momentum β"
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

  /** Redraws the plot: the surface, the start point and the enabled runs' paths. */
  private _draw(): void {
    if (!this._canvas) return;
    const shown = this._runs.filter((r) => this._enabled.has(r.racer.id));
    this._painter.draw(this._canvas, this._surface, this._start, shown);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-surface-race": SurfaceRace;
  }
}
