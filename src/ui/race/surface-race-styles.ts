/**
 * The look of <dl-surface-race>: the square contour plot beside its controls (stacked on narrow
 * screens), the surface's formula and lesson, the sliders and buttons, and the runs' table with each
 * optimizer's colour and how its run ended.
 */
import { css } from "lit";

/** <dl-surface-race>'s rules, after the theme. */
export const surfaceRaceStyles = css`
  :host {
    display: block;
  }
  .race {
    display: grid;
    grid-template-columns: minmax(280px, 560px) minmax(320px, 1fr);
    gap: 24px;
    align-items: start;
  }
  @media (max-width: 920px) {
    .race {
      grid-template-columns: 1fr;
    }
  }
  canvas {
    display: block;
    width: 100%;
    aspect-ratio: 1;
    border-radius: 10px;
    background: #0e1627;
    cursor: crosshair;
  }
  canvas:focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 2px;
  }
  .hint {
    margin: 8px 2px 0;
    font-size: 12px;
    color: var(--muted);
  }
  .side {
    display: grid;
    gap: 16px;
    min-width: 0;
  }
  .formula {
    margin: 0;
    font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace;
    font-size: 13px;
    color: var(--text);
    background: var(--surface-2);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 8px 10px 8px calc(10px + 2ch);
    text-indent: -2ch; /* a long formula wraps with a hanging indent */
    line-height: 1.5;
  }
  .lesson {
    margin: 0;
    font-size: 13px;
    line-height: 1.5;
    color: var(--muted);
  }
  .sliders {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 16px;
  }
  .slider span {
    display: flex;
    justify-content: space-between;
  }
  .slider output {
    color: var(--text);
    font-variant-numeric: tabular-nums;
  }
  .buttons {
    display: flex;
    gap: 8px;
    align-items: center;
  }
  .buttons .clock {
    margin-left: auto;
    font-size: 13px;
    color: var(--muted);
    font-variant-numeric: tabular-nums;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 13px;
  }
  th,
  td {
    padding: 6px 8px;
    text-align: left;
    border-bottom: 1px solid var(--border);
  }
  thead th {
    white-space: nowrap;
    font-weight: 600;
    color: var(--muted);
    font-size: 12px;
  }
  .num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  tbody th label {
    display: flex;
    align-items: center;
    gap: 8px;
    color: var(--text);
    font-size: 13px;
    font-weight: 500;
    cursor: pointer;
  }
  input[type="checkbox"] {
    accent-color: var(--accent);
    margin: 0;
  }
  .swatch {
    width: 14px;
    height: 4px;
    border-radius: 2px;
    flex: none;
  }
  .beta {
    font-size: 11px;
    color: var(--muted);
    border: 1px solid var(--border);
    border-radius: 6px;
    padding: 0 5px;
  }
  tr.off label,
  tr.off td {
    opacity: 0.45;
  }
  .status {
    font-size: 12px;
    color: var(--muted);
  }
  .status.settled {
    color: var(--good);
  }
  .status.diverged {
    color: var(--bad);
    font-weight: 600;
  }
  .note {
    margin: 0;
    font-size: 12px;
    line-height: 1.5;
    color: var(--muted);
  }
`;
