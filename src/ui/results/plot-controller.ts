/**
 * The lifecycle of a chart element's LinePlot, as a reactive controller (DESIGN §7): the element
 * makes the plot after a render, once its canvas exists; the controller destroys it when the element
 * leaves the page and asks for an update when it comes back, so the element makes a new one.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { LinePlot } from "./line-plot";

/** Holds a chart element's plot and ties it to the element being on the page. */
export class PlotController implements ReactiveController {
  /** The element's plot; null until the element makes it, and again after `reset` or removal. */
  plot: LinePlot | null = null;

  constructor(private readonly host: ReactiveControllerHost & { readonly hasUpdated: boolean }) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.host.hasUpdated) this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.reset();
  }

  /** Destroys the plot; the element makes a new one at its next update. */
  reset(): void {
    this.plot?.destroy();
    this.plot = null;
  }
}
