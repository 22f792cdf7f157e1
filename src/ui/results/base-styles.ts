/**
 * What every results element (and the data preview) starts its styles with: the theme, a block
 * host, and one look for "nothing to show yet": a muted note in a dashed frame. Over a chart
 * (`.box.waiting`), the note takes the plot's place and the canvas, whose axes would only show a
 * placeholder range, is hidden.
 */
import { css } from "lit";
import { theme } from "../theme";

/** The theme, `:host` as a block, `.empty` notes, and `.box` chart frames that show one while `.waiting`. */
export const resultStyles = [
  theme,
  css`
  :host {
    display: block;
  }
  .empty {
    display: grid;
    place-items: center;
    padding: 16px;
    text-align: center;
    text-wrap: balance;
    line-height: 1.45;
    font-size: 13px;
    color: var(--muted);
    border: 1px dashed var(--border);
    border-radius: 10px;
  }
  .box {
    position: relative;
  }
  .box.waiting canvas {
    visibility: hidden;
  }
  .box > .empty {
    position: absolute;
    inset: 0;
    pointer-events: none;
  }
`,
];
