/**
 * The look of <dl-model-builder>: layer rows tinted by layer group with aligned shape and parameter
 * columns (settings wrap onto a second grid line but come before the row's buttons in tab order),
 * nested residual blocks, and the error and read-only states (the add menu styles itself).
 * Narrow containers (the page's Train tab card) drop the layer numbers, indent less and give the
 * name the room of the row's buttons: those appear over the shape and parameter columns while the
 * pointer is on the row's first line or the keyboard is on one of them (always, on a second line,
 * where there is no hover).
 */
import { css } from "lit";
import { strokeIcons } from "../theme";

/** The builder's own rules, after the theme and the shared stroke icons. */
export const builderStyles = [
  strokeIcons,
  css`
  :host {
    display: block;
    container-type: inline-size;
  }
  input:disabled,
  select:disabled {
    opacity: 0.6;
    cursor: default;
  }
  .toolbar {
    display: grid;
    gap: 6px;
    margin-bottom: 12px;
  }
  label.preset {
    display: flex;
    align-items: center;
    gap: 10px;
  }
  .preset select {
    flex: 1;
    min-width: 0;
  }
  .about {
    margin: 0;
    font-size: 12.5px;
    color: var(--muted);
    line-height: 1.45;
  }
  .locked {
    display: flex;
    gap: 8px;
    align-items: center;
    font-size: 13px;
    color: var(--warn);
    background: color-mix(in srgb, var(--warn) 8%, transparent);
    border: 1px solid color-mix(in srgb, var(--warn) 35%, transparent);
    border-radius: 10px;
    padding: 8px 12px;
    margin: 0 0 10px;
  }
  ol.layers {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 6px;
  }
  .row {
    --row-bg: var(--surface-2);
    background: var(--row-bg);
    border: 1px solid var(--border);
    border-left: 3px solid var(--tint);
    border-radius: 10px;
    padding: 6px 6px 6px 8px;
    transition: opacity 0.15s;
  }
  .row .row {
    --row-bg: var(--surface);
  }
  .row.io {
    --row-bg: var(--surface);
    background: transparent;
  }
  .row.greyed {
    opacity: 0.4;
  }
  .row.frozen {
    --row-bg: color-mix(in srgb, var(--accent) 7%, var(--surface-2));
    border-style: dashed;
  }
  .frozen-tag {
    display: inline-flex;
    align-items: center;
    gap: 3px;
    margin-left: 6px;
    font-size: 11px;
    font-weight: 500;
    color: var(--accent);
  }
  .frozen-tag svg {
    width: 11px;
    height: 11px;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.5;
  }
  button.freeze[aria-pressed="true"] {
    color: var(--accent);
    border-color: var(--accent);
  }
  .row.invalid {
    border-color: var(--bad);
    --row-bg: color-mix(in srgb, var(--bad) 8%, var(--surface-2));
  }
  .head {
    display: grid;
    grid-template-columns: 26px 26px minmax(0, 1fr) 84px 64px 140px;
    align-items: center;
    gap: 4px 8px;
    min-height: 28px;
  }
  .actions {
    grid-row: 1;
    grid-column: -2;
  }
  .badge {
    height: 22px;
    border-radius: 6px;
    display: grid;
    place-items: center;
    font-size: 11px;
    font-weight: 700;
    color: color-mix(in srgb, var(--tint) 78%, white);
    background: color-mix(in srgb, var(--tint) 16%, transparent);
  }
  .block > .head .badge {
    font-size: 16px;
  }
  .num {
    font-size: 12px;
    color: var(--muted);
    font-variant-numeric: tabular-nums;
  }
  .name {
    font-weight: 600;
    font-size: 14px;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .name small {
    font-weight: 400;
    font-size: 12.5px;
    color: var(--muted);
    margin-left: 6px;
  }
  .shape,
  .params {
    text-align: right;
    font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .params {
    color: var(--muted);
  }
  .actions {
    display: flex;
    gap: 2px;
    justify-content: flex-end;
  }
  .locked-icon {
    color: var(--muted);
    padding-right: 6px;
  }
  button.icon.danger:hover:not(:disabled) {
    color: var(--bad);
    border-color: var(--bad);
  }
  button.icon:disabled {
    opacity: 0.25;
  }
  .fields {
    grid-column: 3 / -1;
    display: flex;
    flex-wrap: wrap;
    gap: 6px 14px;
    margin: 0;
    padding: 2px 0;
  }
  label.field {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-size: 12.5px;
  }
  .field input[type="number"] {
    width: 76px;
    padding: 4px 6px;
    font-size: 13px;
    border-radius: 6px;
  }
  select.inline {
    padding: 2px 4px;
    margin-left: -5px;
    font-weight: 600;
    font-size: 14px;
    border-color: transparent;
    background: transparent;
    max-width: 100%;
  }
  select.inline:focus-visible {
    outline-offset: -2px;
  }
  select.inline:hover:not(:disabled) {
    border-color: var(--border);
    background: var(--surface);
  }
  .field select {
    padding: 4px 6px;
    font-size: 13px;
    border-radius: 6px;
  }
  .field.check input {
    accent-color: var(--accent);
    width: 15px;
    height: 15px;
    margin: 0;
  }
  .note {
    color: var(--muted);
    font-size: 12.5px;
  }
  .error {
    display: flex;
    gap: 8px;
    align-items: flex-start;
    color: #fca5a5;
    font-size: 13px;
    line-height: 1.45;
    margin: 6px 0 2px 68px;
  }
  .error.model {
    margin: 0 0 10px;
  }
  .error svg {
    width: 15px;
    height: 15px;
    stroke: var(--bad);
    margin-top: 2px;
  }
  .fix {
    margin-left: auto;
    flex: none;
    font-size: 12.5px;
    padding: 4px 10px;
    border-radius: 8px;
  }
  .skip {
    margin: 4px 0 6px 68px;
    font-size: 12.5px;
    color: var(--muted);
  }
  ol.inner {
    margin-left: 20px;
    padding-left: 10px;
    border-left: 1px dashed var(--border);
  }
  .empty {
    color: var(--muted);
    font-size: 13px;
    padding: 8px 12px;
    border: 1px dashed var(--border);
    border-radius: 10px;
  }
  .add-button {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 8px;
    width: 100%;
    margin-top: 8px;
    border-style: dashed;
    background: transparent;
    color: var(--muted);
  }
  .add-button:hover:not(:disabled),
  .add-button[aria-expanded="true"] {
    color: var(--text);
    border-color: var(--accent);
  }
  .add-button.small {
    width: auto;
    margin: 6px 0 2px 30px;
    padding: 5px 12px;
    font-size: 13px;
  }
  .menu-slot {
    list-style: none;
  }
  .footer {
    display: flex;
    align-items: flex-end;
    flex-wrap: wrap;
    gap: 12px 16px;
    margin-top: 14px;
    padding-top: 12px;
    border-top: 1px solid var(--border);
  }
  .total small {
    display: block;
    color: var(--muted);
    font-size: 12px;
  }
  .total b {
    font-size: 22px;
    font-weight: 650;
    font-variant-numeric: tabular-nums;
  }
  .footer .invalid {
    align-self: center;
    color: var(--bad);
    font-size: 13px;
  }
  label.init {
    margin-left: auto;
  }
  .init select {
    padding: 5px 8px;
    font-size: 13px;
  }
  @container (max-width: 460px) {
    .head {
      grid-template-columns: 22px minmax(0, 1fr) 68px 44px;
      gap: 4px 6px;
    }
    .num {
      display: none;
    }
    .shape,
    .params {
      grid-row: 1;
      font-size: 12px;
    }
    .shape {
      grid-column: 3;
    }
    .params {
      grid-column: 4;
    }
    .fields {
      grid-column: 1 / -1;
    }
    .actions {
      grid-column: 3 / -1;
      justify-self: end;
      z-index: 1;
      padding-left: 4px;
      background: var(--row-bg);
      box-shadow: -12px 0 8px -4px var(--row-bg);
      opacity: 0;
      transition: opacity 0.12s;
    }
    .head > :not(.fields):hover ~ .actions,
    .actions:hover,
    .actions:focus-within {
      opacity: 1;
    }
    .error,
    .skip {
      padding-left: 0;
      margin-left: 0;
    }
    ol.inner {
      margin-left: 6px;
      padding-left: 6px;
    }
    @media (hover: none) {
      .actions {
        grid-row: auto;
        grid-column: 1 / -1;
        background: none;
        box-shadow: none;
        opacity: 1;
      }
    }
  }
`,
];
