/**
 * The width of a canvas element's box, kept by a ResizeObserver: a Lit controller that observes its
 * host while connected and asks for an update whenever the width (in whole CSS pixels) changes, so a
 * plot redraws at its new size.
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
