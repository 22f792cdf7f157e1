/**
 * Shared look: colours, the card surface and form controls, used by every dl-* element; the stroke
 * icons with their borderless icon buttons, for the elements that draw them; and the sidebar panels'
 * common controls.
 */
import { css } from "lit";

/** Class colours, in order; also used for the decision-boundary tint. */
export const CLASS_COLORS = ["#f97316", "#3b82f6", "#22c55e", "#e11d48", "#a855f7", "#eab308"];

export const theme = css`
  :host {
    --bg: #0b1120;
    --surface: #111a2e;
    --surface-2: #17223a;
    --border: #24314d;
    --text: #e2e8f0;
    --muted: #8b9ab5;
    --accent: #38bdf8;
    --good: #34d399;
    --warn: #fbbf24;
    --bad: #f87171;
    color: var(--text);
    font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  }
  .card {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 14px;
    padding: 16px 18px;
  }
  h2 {
    margin: 0 0 12px;
    font-size: 13px;
    font-weight: 600;
    letter-spacing: 0.08em;
    text-transform: uppercase;
    color: var(--muted);
  }
  label {
    display: grid;
    gap: 6px;
    font-size: 13px;
    color: var(--muted);
  }
  select,
  input[type="number"] {
    background: var(--surface-2);
    color: var(--text);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 7px 9px;
    font: inherit;
    font-size: 14px;
  }
  input[type="range"] {
    accent-color: var(--accent);
  }
  button {
    font: inherit;
    font-size: 14px;
    font-weight: 600;
    border-radius: 10px;
    border: 1px solid var(--border);
    background: var(--surface-2);
    color: var(--text);
    padding: 8px 14px;
    cursor: pointer;
  }
  button:hover {
    border-color: var(--accent);
  }
  button:focus-visible,
  select:focus-visible,
  input:focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 2px;
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: #04121f;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
`;

/** Line icons (16-unit viewBox, drawn with the text colour) and `button.icon`: a borderless 26px button around one. */
/** `.button`: a label that looks like a button around a hidden file input (Open, a weights file). */
export const fileButton = css`
  .button {
    position: relative;
    display: inline-flex;
    align-items: center;
    font-weight: 600;
    border-radius: 10px;
    border: 1px solid var(--border);
    background: var(--surface-2);
    color: var(--text);
    cursor: pointer;
  }
  .button:hover {
    border-color: var(--accent);
  }
  .button:focus-within {
    outline: 2px solid var(--accent);
    outline-offset: 2px;
  }
  .button input {
    position: absolute;
    width: 1px;
    height: 1px;
    opacity: 0;
  }
`;

export const strokeIcons = css`
  svg {
    width: 14px;
    height: 14px;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.8;
    stroke-linecap: round;
    stroke-linejoin: round;
    flex: none;
  }
  button.icon {
    width: 26px;
    height: 26px;
    padding: 0;
    border-radius: 7px;
    display: grid;
    place-items: center;
    background: transparent;
    border-color: transparent;
    color: var(--muted);
  }
  button.icon:hover:not(:disabled) {
    color: var(--text);
    background: var(--surface);
    border-color: var(--border);
  }
`;

/** The sidebar panels' `.row` (a label with its value in an `output`) and `.seed` (a seed input with a `button.icon` for a new one). */
export const panelControls = css`
  .row {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
  }
  output {
    color: var(--text);
    font-variant-numeric: tabular-nums;
  }
  .seed {
    display: flex;
    gap: 6px;
  }
  .seed input {
    flex: 1;
    min-width: 0;
  }
  button.icon {
    padding: 4px 10px;
    font-size: 16px;
    line-height: 1;
  }
`;

/** A training problem's box (`.error`), and the notes under the controls: changes waiting (`.stale`), a finished run (`.done`). */
export const alertStyles = css`
  .error {
    color: #fecaca;
    background: #2a1215;
    border: 1px solid #7f1d1d;
    border-radius: 10px;
    padding: 10px 14px;
    font-size: 13.5px;
    line-height: 1.45;
    overflow-wrap: anywhere;
  }
  .stale,
  .done {
    font-size: 12.5px;
    color: var(--warn);
    margin: 0;
    line-height: 1.45;
  }
  .done {
    color: var(--good);
  }
  .stale button,
  .done button {
    padding: 4px 10px;
    font-size: 12.5px;
  }
`;
