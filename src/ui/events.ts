/**
 * The page's custom events, typed: every element declares the events it fires in
 * HTMLElementEventMap (beside its class), and fires them with fire(), so that a listener's detail
 * type and an event's name are checked by the compiler at both ends.
 */

/** Dispatches a bubbling, composed CustomEvent `type` with `detail` from `target`. */
export function fire<K extends keyof HTMLElementEventMap>(
  target: EventTarget,
  type: K,
  detail: HTMLElementEventMap[K] extends CustomEvent<infer D> ? D : never,
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
