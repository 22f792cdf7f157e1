/**
 * The lifecycle of a chart element's LinePlot, as a reactive controller (DESIGN §7): the element
 * asks for its plot after a render, once its canvas exists; the controller destroys it when the
 * element leaves the page and asks for an update when it comes back, so the element makes a new one.
 * Chart.js is loaded with the first plot (a dynamic import), not with the page's first script.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { LinePlot } from "./line-plot";

type LinePlotModule = typeof import("./line-plot");
let module: Promise<LinePlotModule> | null = null;

/** The Chart.js wrapper, loaded once on first use. */
export function loadLinePlot(): Promise<LinePlotModule> {
  module ??= import("./line-plot");
  return module;
}

/** Holds a chart element's plot and ties it to the element being on the page. */
export class PlotController implements ReactiveController {
  /** The element's plot; null until made, and again after `reset` or removal. */
  plot: LinePlot | null = null;
  private making = false;
  private connected = false;

  constructor(private readonly host: ReactiveControllerHost & { readonly hasUpdated: boolean }) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    if (this.host.hasUpdated) this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.reset();
  }

  /** Makes the plot with `make` (once Chart.js has loaded) unless there is one or the element has left. */
  ensure(make: (m: LinePlotModule) => LinePlot): void {
    if (this.plot || this.making) return;
    this.making = true;
    void loadLinePlot().then((m) => {
      this.making = false;
      if (!this.plot && this.connected) this.plot = make(m);
    });
  }

  /** Destroys the plot; the element makes a new one at its next update. */
  reset(): void {
    this.plot?.destroy();
    this.plot = null;
  }
}
