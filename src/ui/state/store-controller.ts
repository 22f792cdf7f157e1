/**
 * How elements reach the store: the app provides it as a Lit context, and each element that draws
 * part of the state holds a StoreController, which finds the store when the element connects and
 * re-renders the element when the store changes (elements compare what they draw in their own
 * render, as Lit does, so an unrelated change costs one cheap render pass). The worker's reports are
 * drawn at most once an animation frame: a fast run (the CPU trains the spiral at thousands of steps
 * a second, each epoch a message) can change the store far more often than a screen can show, and
 * rendering each change would starve the page of the time to respond. The page's own changes (an
 * edit) are drawn at once, as Lit does: an element that computes the next edit from what it drew
 * must not see the state from before the last one.
 */
import { ContextConsumer, createContext } from "@lit/context";
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { PlaygroundStore } from "./store";

export const storeContext = createContext<PlaygroundStore>(Symbol("dl-store"));

export class StoreController implements ReactiveController {
  private unsubscribe: (() => void) | null = null;
  /** The animation frame that will render the latest changes, while one is pending. */
  private frame = 0;
  private readonly consumer: ContextConsumer<typeof storeContext, ReactiveControllerHost & HTMLElement>;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
    this.consumer = new ContextConsumer(host, {
      context: storeContext,
      subscribe: false,
      callback: (store) => {
        this.unsubscribe?.();
        this.unsubscribe = store.subscribe((fromWorker) => {
          if (fromWorker) {
            this.frame ||= requestAnimationFrame(() => {
              this.frame = 0;
              host.requestUpdate();
            });
            return;
          }
          cancelAnimationFrame(this.frame);
          this.frame = 0;
          host.requestUpdate();
        });
        host.requestUpdate();
      },
    });
  }

  /** The store, once the element is connected under the app. */
  get store(): PlaygroundStore | undefined {
    return this.consumer.value;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}
