/**
 * <dl-layer-menu>: the model builder's add-layer menu. The catalog's layers as chips grouped by kind,
 * the one under the pointer or focus described below for learners, and those that do not fit the
 * input at the insertion point marked but still addable (the builder then explains the problem at the
 * new layer); for vector data, layers that need an image are left out. It focuses its first chip when
 * it opens; arrow keys move between chips, Escape closes. Fires `pick` (detail: the LayerKind) and
 * `close`. Test ids: `add-<kind id>` (`add-conv2d`, `add-relu`).
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { strokeIcons, theme } from "../theme";
import { fits, GROUP_COLORS, GROUP_LABELS, LAYER_GROUPS, LAYER_KINDS, type LayerKind, NEEDS_WORDS } from "./layer-catalog";
import { formatShape } from "./model-edit";

@customElement("dl-layer-menu")
export class LayerMenu extends LitElement {
  static override styles = [
    theme,
    strokeIcons,
    css`
  :host {
    display: block;
  }
  .menu {
    background: #0d1527;
    border: 1px solid color-mix(in srgb, var(--accent) 45%, var(--border));
    border-radius: 12px;
    padding: 10px 12px 12px;
    margin-top: 8px;
    box-shadow: 0 12px 32px rgb(0 0 0 / 35%);
  }
  .menu-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    font-size: 13px;
    color: var(--muted);
    margin-bottom: 8px;
  }
  .menu-head b {
    color: var(--text);
    font-weight: 600;
  }
  .groups {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
    gap: 10px 18px;
  }
  .group h3 {
    margin: 0 0 6px;
    font-size: 11px;
    font-weight: 650;
    letter-spacing: 0.08em;
    text-transform: uppercase;
    color: var(--tint);
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  button.chip {
    font-size: 13px;
    font-weight: 550;
    padding: 4px 10px;
    border-radius: 999px;
    border-color: color-mix(in srgb, var(--tint) 35%, var(--border));
  }
  button.chip:hover,
  button.chip:focus-visible {
    border-color: var(--tint);
    background: color-mix(in srgb, var(--tint) 16%, var(--surface-2));
  }
  button.chip.misfit {
    border-style: dashed;
    color: var(--muted);
  }
  .menu-info {
    margin: 10px 0 0;
    min-height: 2.9em;
    font-size: 12.5px;
    line-height: 1.45;
    color: var(--muted);
  }
  .menu-info b {
    color: var(--text);
  }
  .menu-info em {
    color: var(--warn);
    font-style: normal;
  }
    `,
  ];

  /** The shape entering the insertion point; null when unknown (a layer above it is invalid). */
  @property({ attribute: false }) input: number[] | null = null;
  /** Where the new layer goes, in words: "before the output", "after layer 3", "in block 4". */
  @property() where = "";
  /** Whether the data are images; without them, layers that need an image are left out. */
  @property({ type: Boolean }) images = false;
  /** Whether the data are sequences (or tokens); without them, the sequence layers are left out. */
  @property({ type: Boolean }) sequences = false;

  /** The entry under the pointer or focus, described below the chips. */
  @state() private _hint: LayerKind | null = null;

  override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLElement>(".chip")?.focus();
  }

  private misfit(kind: LayerKind): boolean {
    return this.input !== null && !fits(kind.needs, this.input);
  }

  private keys(e: KeyboardEvent): void {
    if (e.key === "Escape") {
      e.stopPropagation();
      this.dispatchEvent(new CustomEvent("menu-close"));
      return;
    }
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
    if (!step) return;
    e.preventDefault();
    const chips = [...this.renderRoot.querySelectorAll<HTMLElement>(".chip")];
    const index = chips.indexOf(this.renderRoot.querySelector<HTMLElement>(".chip:focus") as HTMLElement);
    chips[(index + step + chips.length) % chips.length]?.focus();
  }

  override render() {
    const hint = this._hint;
    const kinds = LAYER_KINDS.filter((k) => (k.needs !== "image" || this.images) && ((k.needs !== "sequence" && k.needs !== "tokens") || this.sequences));
    return html`
      <div class="menu" role="group" aria-label="Add a layer ${this.where}" @keydown=${this.keys}>
        <div class="menu-head">
          <span>Add a layer <b>${this.where}</b>${this.input ? ` · its input: ${formatShape(this.input)}` : nothing}</span>
          <button class="icon" aria-label="Close the add-layer menu" @click=${() => this.dispatchEvent(new CustomEvent("menu-close"))}>
            <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 4l8 8M12 4l-8 8" /></svg>
          </button>
        </div>
        <div class="groups">
          ${LAYER_GROUPS.map((g) => [g, kinds.filter((k) => k.group === g)] as const)
            .filter(([, members]) => members.length > 0)
            .map(
              ([g, members]) => html`
              <div class="group" role="group" aria-label=${GROUP_LABELS[g]} style="--tint:${GROUP_COLORS[g]}">
                <h3 aria-hidden="true">${GROUP_LABELS[g]}</h3>
                <div class="chips">
                  ${members.map(
                    (k) => html`<button
                      class="chip ${this.misfit(k) ? "misfit" : ""}"
                      data-testid="add-${k.id}"
                      title=${k.description}
                      @focus=${() => (this._hint = k)}
                      @mouseenter=${() => (this._hint = k)}
                      @click=${() => this.dispatchEvent(new CustomEvent("pick", { detail: k }))}
                    >${k.label}</button>`,
                  )}
                </div>
              </div>
            `,
            )}
        </div>
        <p class="menu-info" aria-live="polite">
          ${
            hint
              ? html`<b>${hint.label}</b> ${hint.description}${
                  this.misfit(hint)
                    ? html` <em>It needs ${NEEDS_WORDS[hint.needs ?? "vector"]} as input; here it would get ${formatShape(this.input!)}.</em>`
                    : nothing
                }`
              : "Point at a layer to read what it does."
          }
        </p>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementEventMap {
    /** A layer kind picked in the add-layer menu (not bubbling: the builder listens on the menu). */
    pick: CustomEvent<LayerKind>;
    /** The add-layer menu asks to be closed. */
    "menu-close": CustomEvent<void>;
  }
  interface HTMLElementTagNameMap {
    "dl-layer-menu": LayerMenu;
  }
}
