/**
 * <dl-init-weights>: transfer learning in the Model card. A safetensors file (this playground's
 * "Weights ↓", or a PyTorch state_dict saved with safetensors) becomes the model's starting point:
 * every weight whose name and shape fit loads, the rest (a new head for another number of classes, a
 * layer added since) keeps its initialisation, and the card says which is which and why. Fires
 * `weights-file` with the file's bytes, and `weights-forget` to go back to the model's own weights.
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { PartialLoad } from "../../io/checkpoint";
import { fire } from "../events";
import { fileButton, theme } from "../theme";

/** Largest weights file taken (it is held in memory and sent to the worker with each load). */
export const MAX_WEIGHTS_BYTES = 256 * 1024 * 1024;

const shape = (s: number[]) => `[${s.join(", ")}]`;

@customElement("dl-init-weights")
export class InitWeightsPanel extends LitElement {
  static override styles = [
    theme,
    fileButton,
    css`
      :host {
        display: block;
        margin-top: 14px;
        padding-top: 12px;
        border-top: 1px solid var(--border);
        font-size: 12.5px;
      }
      .row {
        display: flex;
        align-items: center;
        gap: 10px;
        flex-wrap: wrap;
      }
      label.button {
        padding: 6px 12px;
        font-size: 13px;
      }
      button {
        padding: 6px 12px;
        font-size: 13px;
      }
      .error {
        color: var(--bad);
      }
      p {
        margin: 6px 0 0;
        color: var(--muted);
        line-height: 1.45;
      }
      ul {
        margin: 6px 0 0;
        padding-left: 18px;
        line-height: 1.5;
      }
      li b {
        font-weight: 600;
      }
      .loaded {
        color: var(--good);
      }
      .kept {
        color: var(--warn);
      }
      code {
        font-size: 11.5px;
      }
    `,
  ];

  /** What the last load made of the chosen file, or null when the model starts from its own weights. */
  @property({ attribute: false }) status: { name: string; report?: PartialLoad; error?: string } | null = null;
  @property({ type: Boolean }) disabled = false;
  /** A file refused before it was sent (too large). */
  @state() private _problem = "";

  private async choose(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    if (file.size > MAX_WEIGHTS_BYTES) {
      this._problem = `${file.name} is ${(file.size / 2 ** 20).toFixed(0)} MB; a weights file here may be at most ${MAX_WEIGHTS_BYTES / 2 ** 20} MB`;
      return;
    }
    this._problem = "";
    fire(this, "weights-file", { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
  }

  private renderReport(r: PartialLoad) {
    const names = (list: string[]) => html`<code>${list.join(", ")}</code>`;
    return html`<ul data-testid="init-weights-report" data-loaded=${r.loaded.length} data-mismatched=${r.mismatched.length} data-missing=${r.missing.length}>
      <li class="loaded"><b>${r.loaded.length} loaded</b>: ${names(r.loaded)}</li>
      ${r.mismatched.length ? html`<li class="kept"><b>${r.mismatched.length} kept as initialised, their shape differs</b>: ${r.mismatched.map((m) => html`<code>${m.name}</code> (${shape(m.file)} in the file, ${shape(m.model)} here) `)}</li>` : nothing}
      ${r.missing.length ? html`<li class="kept"><b>${r.missing.length} new</b>, not in the file: ${names(r.missing)}</li>` : nothing}
      ${r.unused.length ? html`<li><b>${r.unused.length} in the file, not in this model</b>: ${names(r.unused)}</li>` : nothing}
    </ul>`;
  }

  override render() {
    const s = this.status;
    const picker = html`<label class="button" title="A safetensors file: this playground's (Weights ↓) or a PyTorch state_dict">
      ${s ? "Another file…" : "Start from saved weights…"}
      <input type="file" accept=".safetensors,application/octet-stream" aria-label="Start from a weights file" data-testid="init-weights-file" ?disabled=${this.disabled} @change=${this.choose} />
    </label>`;
    return html`
      <div class="row">
        ${picker}
        ${s ? html`<span data-testid="init-weights-name">Starting from <b>${s.name}</b></span><button data-testid="init-weights-forget" ?disabled=${this.disabled} @click=${() => fire(this, "weights-forget", null)}>Forget</button>` : nothing}
      </div>
      ${this._problem ? html`<p class="error" role="alert">${this._problem}</p>` : nothing}
      ${s?.error ? html`<p class="error" role="alert" data-testid="init-weights-error">${s.name}: ${s.error}</p>` : nothing}
      ${s?.report ? this.renderReport(s.report) : nothing}
      ${
        s
          ? html`<p>Each reset starts again from this file. Freeze loaded layers (the lock) or give them a smaller lr × to fine-tune gently; the file is kept until you forget it or close the page.</p>`
          : html`<p>Transfer learning: weights load by name where their shapes match (a PyTorch state_dict too); a new head for another number of classes starts fresh.</p>`
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-init-weights": InitWeightsPanel;
  }
  interface HTMLElementEventMap {
    "weights-file": CustomEvent<{ name: string; bytes: Uint8Array }>;
    "weights-forget": CustomEvent<null>;
  }
}
