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

/** Tables of scores (the race's results, the scores by class): right-aligned figures, a first column of names. */
export const scoreTableStyles = css`
      .scroll {
    overflow-x: auto;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 13px;
    font-variant-numeric: tabular-nums;
  }
  th {
    text-align: right;
    vertical-align: bottom;
    font-size: 10.5px;
    font-weight: 600;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--muted);
    padding: 6px 8px;
    border-bottom: 1px solid var(--border);
  }
  td {
    text-align: right;
    white-space: nowrap;
    padding: 8px 8px;
    border-bottom: 1px solid rgba(36, 49, 77, 0.6);
    color: #cbd5e1;
  }
  th:first-child {
    text-align: left;
  }
`;
