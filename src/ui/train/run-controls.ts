/**
 * <dl-run-controls>: the Train tab's run, at the top of its sidebar so that it is always in view:
 * what the run is doing (with the loading stage while a dataset is read or kernels compile), Train /
 * Pause / Continue / Train more, one step and reset (keyboard: Space, S, R), why Train is refused
 * when it is, the edits waiting for a reset, and why the page paused the run. It fires `control`;
 * the store decides on the run as it is (what is drawn here may be a frame behind the worker). Train
 * and Step stay pressable while a session loads (an edit's reload can start between a look at the
 * button and the click): the press waits for the load ("… then trains") and can be taken back.
 */
import { css, html, LitElement, nothing, svg } from "lit";
import { customElement, property } from "lit/decorators.js";
import { fire } from "../events";
import { formatDuration } from "../results/ticks";
import { type ControlAction, moreEpochs, type TrainState } from "../state/train-slice";
import { alertStyles, theme } from "../theme";
import { clause } from "../words";

const isTextTarget = (el: EventTarget | undefined) =>
  el instanceof HTMLElement && (el.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName));

@customElement("dl-run-controls")
export class RunControls extends LitElement {
  static override styles = [
    theme,
    alertStyles,
    css`
      :host {
        display: grid;
        gap: 10px;
      }
      .status {
        display: flex;
        justify-content: space-between;
        align-items: baseline;
        font-size: 12px;
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      .status b {
        color: var(--text);
        font-weight: 600;
      }
      .buttons {
        display: flex;
        gap: 6px;
      }
      .buttons button {
        display: inline-flex;
        align-items: center;
        justify-content: center;
        gap: 5px;
        padding: 8px 10px;
        min-width: 0;
      }
      .buttons button.primary {
        flex: 1;
      }
      .estimate {
        margin: 0;
        font-size: 12px;
        color: var(--muted);
      }
      .buttons svg {
        width: 11px;
        height: 11px;
        flex: none;
      }
      kbd {
        font: inherit;
        font-size: 10.5px;
        opacity: 0.6;
        font-weight: 500;
      }
      .spinner {
        display: inline-block;
        width: 10px;
        height: 10px;
        margin-right: 6px;
        border: 2px solid var(--border);
        border-top-color: var(--accent);
        border-radius: 50%;
        animation: spin 0.8s linear infinite;
        vertical-align: -1px;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
    `,
  ];

  /** The Train session: its status, step and epoch, why it ended or was paused. */
  @property({ attribute: false }) session!: TrainState;
  /** Epochs the run trains for. */
  @property({ type: Number }) epochs = 1;
  /** Edits the running session has not taken: they apply on reset. */
  @property({ attribute: false }) pending: string[] = [];
  /** Why Train cannot start with what is on screen (null: it can). */
  @property({ attribute: false }) blocked: string | null = null;

  private readonly onKey = (e: KeyboardEvent) => this.shortcut(e);

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("keydown", this.onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener("keydown", this.onKey);
  }

  private shortcut(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const target = e.composedPath()[0];
    if (isTextTarget(target)) return;
    const onButton = target instanceof HTMLElement && target.tagName === "BUTTON";
    if (e.key === " " && !onButton && !e.repeat) {
      e.preventDefault();
      this.control("toggle");
    } else if (e.key === "s" || e.key === "S") this.control("step");
    else if (e.key === "r" || e.key === "R") this.control("reset");
  }

  /** Training, or asked to train as soon as the load in progress ends. */
  private get running(): boolean {
    return this.session.status === "running" || this.session.afterLoad === "play";
  }

  private get done(): boolean {
    return this.session.status === "done";
  }

  private control(action: ControlAction): void {
    fire(this, "control", { action });
  }

  /** What the run is doing, in a few words. */
  private get statusText(): string {
    const s = this.session;
    if (s.deviceLost) return "GPU lost";
    const then = s.afterLoad === "play" ? " then trains" : s.afterLoad === "step" ? " then steps" : "";
    switch (s.status) {
      case "starting":
        return `Starting the engine…${then}`;
      case "loading":
        return `${s.progress || "Loading…"}${then}`;
      case "ready":
        return s.step ? "Paused" : "Ready";
      case "running":
        return "Training…";
      case "paused":
        return s.reason ? "Stopped" : "Paused";
      case "done":
        return "Finished";
    }
    return s.status satisfies never;
  }

  private get primaryLabel(): string {
    const s = this.session;
    if (this.running) return "Pause";
    if (this.done) return `Train ${moreEpochs(this.epochs)} more epochs`;
    if (s.reason) return "Continue";
    return s.step ? "Resume" : "Train";
  }

  /** How long an epoch, and what is left of the run, takes on this device. */
  private renderEstimate() {
    const s = this.session;
    const perEpoch = s.secondsPerEpoch;
    if (perEpoch === null || this.done || s.status === "loading") return nothing;
    const left = Math.max(this.epochs - s.epoch, 0) * perEpoch;
    return html`<p class="estimate" data-testid="estimate">About ${formatDuration(perEpoch)} an epoch on this device${left > 0 ? html` · ${s.epoch ? "the rest" : `${this.epochs} epochs`}: about ${formatDuration(left)}` : nothing}</p>`;
  }

  override render() {
    const s = this.session;
    const busy = s.status === "loading" || s.status === "starting";
    const icon = this.running
      ? svg`<svg viewBox="0 0 10 10" aria-hidden="true"><path d="M1 0h3v10H1zM6 0h3v10H6z" fill="currentColor"/></svg>`
      : svg`<svg viewBox="0 0 10 10" aria-hidden="true"><path d="M1 0l9 5-9 5z" fill="currentColor"/></svg>`;
    return html`
      <div class="status" aria-live="polite">
        <span data-testid="train-status" class=${busy ? "busy" : ""}>${busy ? html`<i class="spinner" aria-hidden="true"></i>` : nothing}${this.statusText}</span>
        <span>epoch <b>${s.epoch}</b> / ${this.epochs} · step <b>${s.step.toLocaleString("en-US")}</b></span>
      </div>
      <div class="buttons">
        <button class="primary" data-testid="play" title=${this.blocked ?? (this.running ? "Pause (Space)" : "Train (Space)")} ?disabled=${!!this.blocked && !this.running} @click=${() => this.control("toggle")}>
          ${icon}${this.primaryLabel}
        </button>
        <button data-testid="step" title="One step (S)" ?disabled=${this.running || this.done || !!this.blocked} @click=${() => this.control("step")}>Step <kbd>S</kbd></button>
        <button data-testid="reset" title="Reset: new weights, every setting applied (R)" @click=${() => this.control("reset")}>Reset <kbd>R</kbd></button>
      </div>
      ${this.renderEstimate()}
      ${this.blocked ? html`<p class="error" role="alert" data-testid="blocked">${this.blocked}</p>` : nothing}
      ${
        this.pending.length
          ? html`<p class="stale" data-testid="stale">On reset: ${this.pending.join(", ")}. The run on screen trains the previous settings. <button @click=${() => this.control("reset")}>Reset now</button></p>`
          : nothing
      }
      ${s.pausedBecause ? html`<p class="stale" data-testid="paused-because">${s.pausedBecause}</p>` : nothing}
      ${s.resumedAt !== null && s.status !== "loading" ? html`<p class="done" data-testid="resumed">Resumed from the autosave at step ${s.resumedAt.toLocaleString("en-US")}.</p>` : nothing}
      ${this.done && s.reason ? html`<p class="done" data-testid="done-reason">Finished: ${clause(s.reason)}. Train more epochs, or reset to start over.</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-run-controls": RunControls;
  }
  interface HTMLElementEventMap {
    /** A button or shortcut of the run controls. */
    control: CustomEvent<{ action: ControlAction }>;
  }
}
