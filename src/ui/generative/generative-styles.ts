/** The look of <dl-generative-tab>: a settings sidebar, the live view, curves and the two builders side by side. */
import { css } from "lit";

export const generativeStyles = css`
  :host {
    display: block;
    padding: 20px 24px;
  }
  .layout {
    display: grid;
    grid-template-columns: 340px minmax(0, 1fr);
    gap: 18px;
    align-items: start;
  }
  .side,
  .main {
    display: grid;
    gap: 14px;
    min-width: 0;
  }
  h3 {
    margin: 0 0 8px;
    font-size: 13px;
    font-weight: 600;
    color: var(--text);
  }
  h3 small {
    font-weight: 400;
    color: var(--muted);
    margin-left: 6px;
  }
  .about {
    margin: 8px 0 14px;
    font-size: 13px;
    line-height: 1.45;
    color: var(--muted);
  }
  .card > label + label {
    margin-top: 12px;
  }
  .grid2 {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 12px;
    margin-top: 12px;
  }
  .grid2 input,
  .grid2 select {
    min-width: 0;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .controls .play {
    min-width: 96px;
  }
  .status {
    display: flex;
    flex-wrap: wrap;
    gap: 6px 16px;
    margin-top: 12px;
    font-size: 13px;
    color: var(--muted);
  }
  .status b {
    color: var(--text);
    font-variant-numeric: tabular-nums;
  }
  .test-score {
    margin: 10px 0 0;
    font-size: 13px;
    line-height: 1.45;
    color: var(--muted);
  }
  .test-score b {
    color: var(--text);
    font-variant-numeric: tabular-nums;
  }
  .stale {
    margin: 10px 0 0;
    font-size: 13px;
    color: var(--warn);
  }
  .stale button {
    padding: 3px 10px;
    font-size: 12px;
    margin-left: 6px;
  }
  .health {
    display: grid;
    gap: 6px;
    margin-top: 14px;
    padding: 10px 12px;
    border-radius: 10px;
    font-size: 13px;
    line-height: 1.45;
  }
  .health.ok {
    background: rgba(52, 211, 153, 0.08);
    border: 1px solid rgba(52, 211, 153, 0.3);
  }
  .health.ok b {
    color: var(--good);
  }
  .health.bad {
    background: rgba(248, 113, 113, 0.1);
    border: 1px solid rgba(248, 113, 113, 0.45);
  }
  .health.bad b {
    color: var(--bad);
  }
  .health button {
    justify-self: start;
    font-size: 13px;
    padding: 5px 12px;
  }
  .error {
    padding: 10px 14px;
    border-radius: 10px;
    background: rgba(248, 113, 113, 0.12);
    border: 1px solid rgba(248, 113, 113, 0.5);
    color: #fecaca;
    font-size: 14px;
  }
  .empty {
    display: grid;
    place-items: center;
    min-height: 120px;
    margin: 0;
    font-size: 13px;
    color: var(--muted);
    border: 1px dashed var(--border);
    border-radius: 10px;
  }
  .plane-row {
    display: grid;
    grid-template-columns: minmax(0, 460px) minmax(200px, 1fr);
    gap: 22px;
    align-items: start;
  }
  .facts {
    display: grid;
    gap: 18px;
  }
  .fact {
    display: grid;
    gap: 4px;
  }
  .fact small {
    font-size: 12px;
    letter-spacing: 0.06em;
    text-transform: uppercase;
    color: var(--muted);
  }
  .fact b {
    font-size: 40px;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .fact span {
    font-size: 13px;
    color: var(--muted);
  }
  .key {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 8px;
    font-size: 13px;
    color: var(--muted);
  }
  .swatch {
    display: inline-block;
    width: 12px;
    height: 12px;
    border-radius: 50%;
    margin-right: 8px;
    vertical-align: -2px;
  }
  .swatch.real {
    background: rgb(52, 211, 153);
  }
  .swatch.fake {
    background: rgb(192, 132, 252);
  }
  .swatch.arrow {
    height: 2px;
    border-radius: 1px;
    background: #f1f5f9;
    vertical-align: 3px;
  }
  .swatch.heat {
    border-radius: 3px;
    background: linear-gradient(90deg, rgb(120, 84, 170), #0e1627, rgb(42, 140, 105));
  }
  .images-row {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(280px, 100%), 1fr));
    gap: 22px;
    align-items: start;
  }
  .images-row > div > dl-image-grid {
    max-width: 420px;
  }
  .stack {
    display: grid;
    gap: 16px;
  }
  .latent-row {
    display: grid;
    grid-template-columns: minmax(0, 1fr) 112px;
    gap: 14px;
    align-items: start;
  }
  .decoded {
    display: grid;
    gap: 6px;
    justify-items: center;
    font-size: 12px;
    color: var(--muted);
  }
  .decoded dl-image-grid {
    width: 112px;
  }
  .decoded .empty {
    min-height: 112px;
    width: 112px;
    text-align: center;
  }
  .pair-error {
    margin: 0 0 12px;
    padding: 8px 12px;
    border-radius: 8px;
    background: rgba(248, 113, 113, 0.1);
    border: 1px solid rgba(248, 113, 113, 0.45);
    color: #fecaca;
    font-size: 13px;
  }
  .pair-ok {
    margin: 0 0 12px;
    font-size: 13px;
    color: var(--muted);
  }
  .pair {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(360px, 100%), 1fr));
    gap: 18px;
  }
  .network {
    min-width: 0;
  }
  @media (max-width: 900px) {
    .layout,
    .plane-row {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  @media (max-width: 600px) {
    :host {
      padding: 12px;
    }
    .latent-row {
      grid-template-columns: minmax(0, 1fr);
    }
  }
`;
