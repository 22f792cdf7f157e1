/**
 * Sizing a plot's canvas to its box: WidthController keeps the host element's width with a
 * ResizeObserver (a Lit controller that observes while connected and asks for an update whenever the
 * width in whole CSS pixels changes, so the plot redraws at its new size), and sizedContext gives a
 * canvas that many device pixels with a context that draws in CSS pixels.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";

export class WidthController implements ReactiveController {
  /** The host's content width in CSS pixels (0 until first measured). */
  width = 0;
  private readonly observer = new ResizeObserver((entries) => {
    const width = Math.round(entries[0].contentRect.width);
    if (width === this.width) return;
    this.width = width;
    this.host.requestUpdate();
  });

  constructor(private readonly host: ReactiveControllerHost & Element) {
    host.addController(this);
  }

  hostConnected(): void {
    this.observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.observer.disconnect();
  }
}

/** Sizes `canvas` to `cssWidth`×`cssHeight` CSS pixels at the device pixel ratio; returns its context scaled to CSS pixels. */
export function sizedContext(canvas: HTMLCanvasElement, cssWidth: number, cssHeight: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(cssWidth * dpr));
  canvas.height = Math.max(1, Math.round(cssHeight * dpr));
  const ctx = canvas.getContext("2d");
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
