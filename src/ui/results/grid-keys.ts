/**
 * Arrow-key movement through a grid of buttons (the confusion matrix's cells, the prediction tiles):
 * one tab stop for the whole grid, and the arrows, Home and End move between its items.
 */
import type { ReactiveControllerHost } from "lit";

/** The index focus moves to from `index` on `key` in a row-major grid of `count` items, or null for other keys. */
export function moveInGrid(key: string, index: number, count: number, columns: number): number | null {
  const cols = Math.max(1, columns);
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case "ArrowRight":
      return clamp(index + 1);
    case "ArrowLeft":
      return clamp(index - 1);
    case "ArrowDown":
      return index + cols < count ? index + cols : index;
    case "ArrowUp":
      return index - cols >= 0 ? index - cols : index;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

/** Columns of a wrapped layout: how many of `items` share the first one's top edge. */
export function columnsOf(items: ArrayLike<{ offsetTop: number }>): number {
  if (items.length === 0) return 1;
  let n = 0;
  while (n < items.length && items[n].offsetTop === items[0].offsetTop) n++;
  return n;
}

/** A grid's one tab stop, for its element: `onKey` moves it and focuses the item there once the element has rendered. */
export class RovingFocus {
  private position = 0;

  constructor(private readonly host: ReactiveControllerHost) {}

  /** The position of the item that takes the tab stop (tabindex 0); setting it re-renders the element. */
  get index(): number {
    return this.position;
  }

  set index(value: number) {
    if (value === this.position) return;
    this.position = value;
    this.host.requestUpdate();
  }

  /** Moves the tab stop for an arrow, Home or End key in a grid of `count` items and `columns` columns, then focuses `items()[index]`. */
  async onKey(event: KeyboardEvent, count: number, columns: number, items: () => ArrayLike<HTMLElement>): Promise<void> {
    const next = moveInGrid(event.key, this.position, count, columns);
    if (next === null) return;
    event.preventDefault();
    this.index = next;
    await this.host.updateComplete;
    items()[next]?.focus();
  }
}
