/** The page layout of <dl-app>: header, tabs and banners. */
import { css } from "lit";

export const appStyles = css`
  :host {
    display: block;
    min-height: 100vh;
    background: var(--bg);
  }
  [hidden] {
    display: none !important;
  }
  header {
    display: flex;
    align-items: center;
    gap: 18px;
    padding: 10px 24px;
    border-bottom: 1px solid var(--border);
    background: #0d1527;
  }
  .brand {
    display: flex;
    align-items: center;
    gap: 12px;
  }
  .logo {
    display: flex;
    gap: 4px;
  }
  .logo i {
    width: 10px;
    height: 10px;
    border-radius: 50%;
    display: block;
  }
  h1 {
    font-size: 17px;
    margin: 0;
    font-weight: 650;
    letter-spacing: -0.01em;
    white-space: nowrap;
  }
  nav {
    display: flex;
    gap: 4px;
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 10px;
    padding: 3px;
  }
  .tab {
    border: none;
    background: transparent;
    color: var(--muted);
    padding: 6px 14px;
    border-radius: 8px;
    font-size: 13.5px;
  }
  .tab[aria-selected="true"] {
    background: var(--surface-2);
    color: var(--text);
    box-shadow: inset 0 0 0 1px var(--border);
  }
  .spacer {
    flex: 1;
  }
  .rate {
    font-variant-numeric: tabular-nums;
    font-size: 13px;
    color: var(--muted);
    min-width: 90px;
    text-align: right;
  }
  .badge {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    font-size: 12.5px;
    padding: 5px 12px;
    border-radius: 999px;
    border: 1px solid var(--border);
    background: var(--surface);
    max-width: 300px;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .badge .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--muted);
    flex: none;
  }
  .badge.webgpu .dot {
    background: var(--good);
    box-shadow: 0 0 8px var(--good);
  }
  .badge.wasm .dot {
    background: var(--accent);
    box-shadow: 0 0 8px var(--accent);
  }
  .badge.cpu .dot {
    background: var(--warn);
  }
  .actions {
    display: flex;
    gap: 6px;
  }
  .actions button,
  .actions .button {
    padding: 6px 11px;
    font-size: 13px;
  }
  .banner {
    display: flex;
    align-items: center;
    gap: 12px;
    margin: 12px 24px 0;
    padding: 10px 14px;
    border-radius: 10px;
    border: 1px solid #2c4a6e;
    background: #0f2238;
    font-size: 13.5px;
    line-height: 1.45;
  }
  .banner span {
    flex: 1;
  }
  .banner.warn {
    border-color: #6b5a1f;
    background: #241f0d;
  }
  .banner .close {
    padding: 2px 8px;
    font-size: 12px;
  }
  .loading {
    padding: 40px;
    color: var(--muted);
  }
  @media (max-width: 800px) {
    header {
      flex-wrap: wrap;
      padding: 10px 14px;
      gap: 10px;
    }
    .banner {
      margin: 10px 14px 0;
    }
  }
`;
