/**
 * The look the Race tab's studies share (the transfer study, boosting): an explanation, a row of
 * settings with the button that runs it, then results in two columns (one on narrow screens).
 */
import { css } from "lit";

export const studyStyles = css`
  :host {
    display: block;
  }
  p {
    margin: 0 0 10px;
    color: var(--muted);
    font-size: 12.5px;
    line-height: 1.5;
  }
  .settings {
    display: flex;
    flex-wrap: wrap;
    gap: 10px 16px;
    align-items: end;
    margin-bottom: 12px;
    font-size: 12.5px;
  }
  .settings label {
    display: grid;
    gap: 4px;
    color: var(--muted);
  }
  .settings input {
    width: 90px;
  }
  .columns {
    display: grid;
    gap: 16px;
    align-items: start;
  }
  @media (max-width: 900px) {
    .columns {
      grid-template-columns: 1fr !important;
    }
  }
  figure {
    margin: 0;
  }
  .error {
    color: var(--bad);
  }
`;
