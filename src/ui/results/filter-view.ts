/**
 * <dl-filter-view>: what the network looks for and what it sees. The first layer's filters (conv
 * kernels, or a linear layer's weights reshaped to the image) as small tiles, signed weights on a
 * diverging scale; below them the feature maps of one chosen test image after each conv or pooling
 * layer, each layer on one shared scale so strong and silent channels compare.
 */
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property } from "lit/decorators.js";
import type { FeatureMapsReport, InsideReport } from "../../worker/protocol";
import { resultStyles } from "./base-styles";
import { diverging, rgbCss } from "./colors";
import "./pixel-image";
import { absMax, chwToRgba, filterRgbToRgba, type ImageShape, type RgbaImage, rangeToRgba, signedToRgba, valueRange } from "./pixels";
import { className, type TestGrid } from "./test-grid";

/** The filters part of an InsideReport. */
export type Filters = NonNullable<InsideReport["filters"]>;

/** At most this many maps of one layer are drawn. */
const MAX_MAPS = 64;

/** One tile per filter: RGB when it has 3 channels, else one diverging tile per channel on the filter's own ±scale. */
function filterTiles(f: Filters): RgbaImage[][] {
  const plane = f.height * f.width;
  const size = f.channels * plane;
  return Array.from({ length: f.count }, (_, k) => {
    const offset = k * size;
    if (f.channels === 3) return [{ rgba: filterRgbToRgba(f.values, offset, plane), width: f.width, height: f.height }];
    const scale = absMax(f.values, offset, size);
    return Array.from({ length: f.channels }, (_, c) => ({ rgba: signedToRgba(f.values, offset + c * plane, plane, scale), width: f.width, height: f.height }));
  });
}

/** The maps of one layer on one scale: diverging around 0 when any value is negative, else dark-to-bright from 0. */
function mapTiles(m: FeatureMapsReport["maps"][number]): RgbaImage[] {
  const plane = m.height * m.width;
  const shown = Math.min(m.channels, MAX_MAPS);
  const [lo, hi] = valueRange(m.values, 0, shown * plane);
  const signed = lo < 0;
  return Array.from({ length: shown }, (_, c) => ({
    rgba: signed ? signedToRgba(m.values, c * plane, plane, Math.max(-lo, hi)) : rangeToRgba(m.values, c * plane, plane, 0, hi),
    width: m.width,
    height: m.height,
  }));
}

@customElement("dl-filter-view")
export class FilterView extends LitElement {
  static override styles = [
    resultStyles,
    css`
      section + section {
        margin-top: 18px;
      }
      h3 {
        margin: 0 0 8px;
        font-size: 13px;
        font-weight: 600;
        color: var(--text);
        display: flex;
        align-items: center;
        gap: 10px;
      }
      h3 small,
      h4 small {
        font-weight: 400;
        color: var(--muted);
      }
      h4 {
        margin: 12px 0 6px;
        font-size: 12px;
        font-weight: 600;
        color: var(--text);
      }
      .tiles {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .filter {
        display: flex;
        gap: 1px;
        padding: 2px;
        border-radius: 5px;
        background: var(--surface-2);
      }
      dl-pixel-image {
        width: var(--tile, 40px);
        border-radius: 3px;
      }
      .scale {
        margin-left: auto;
        display: inline-flex;
        align-items: center;
        gap: 6px;
        font-size: 11px;
        font-weight: 400;
        color: var(--muted);
      }
      .scale i {
        width: 64px;
        height: 6px;
        border-radius: 3px;
      }
      .input {
        display: flex;
        align-items: center;
        gap: 12px;
        font-size: 13px;
        color: var(--muted);
      }
      .input dl-pixel-image {
        width: 64px;
        border-radius: 6px;
      }
      .input b {
        color: var(--text);
      }
      .input .bad {
        color: var(--bad);
      }
      .more {
        align-self: center;
        font-size: 11px;
        color: var(--muted);
      }
    `,
  ];

  /** The first layer's filters (InsideReport.filters). */
  @property({ attribute: false }) filters: Filters | null = null;
  /** Feature maps of the chosen test image. */
  @property({ attribute: false }) maps: FeatureMapsReport | null = null;
  /** Test images the page holds; the chosen image is shown beside its maps when it is among them. */
  @property({ attribute: false }) grid: TestGrid | null = null;
  /** Shape of one image of `grid`. */
  @property({ attribute: false }) shape: ImageShape | null = null;
  /** Class names by index (numbers are shown when missing). */
  @property({ attribute: false }) classNames: string[] = [];

  private filterImages: RgbaImage[][] = [];
  private mapImages: RgbaImage[][] = [];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("filters")) this.filterImages = this.filters ? filterTiles(this.filters) : [];
    if (changed.has("maps")) this.mapImages = this.maps ? this.maps.maps.map(mapTiles) : [];
  }

  /** The chosen image's pixels, when the grid holds it. */
  private inputImage(): RgbaImage | null {
    const { grid, shape, maps } = this;
    if (!grid || !shape || !maps) return null;
    const slot = grid.indices.indexOf(maps.index);
    return slot < 0 ? null : { rgba: chwToRgba(grid.pixels, slot, shape), width: shape.width, height: shape.height };
  }

  private filtersSection() {
    const f = this.filters;
    const scale = html`<span class="scale">− <i style="background:linear-gradient(90deg, ${rgbCss(diverging(-1))}, ${rgbCss(diverging(0))}, ${rgbCss(diverging(1))})"></i> +</span>`;
    const tile = f ? Math.max(36, Math.min(56, f.width * 8)) : 40;
    return html`<section data-testid="filters" data-count=${f?.count ?? 0}>
      <h3>First-layer filters ${f ? html`<small>${f.count} × ${f.channels > 1 ? `${f.channels}×` : ""}${f.height}×${f.width}</small>${f.channels === 3 ? nothing : scale}` : nothing}</h3>
      ${
        f
          ? html`<div class="tiles" style="--tile:${tile}px">
              ${this.filterImages.map((channels, k) => html`<div class="filter" title="filter ${k}">${channels.map((image) => html`<dl-pixel-image .image=${image}></dl-pixel-image>`)}</div>`)}
            </div>`
          : html`<div class="empty">The filters appear once the model has been built.</div>`
      }
    </section>`;
  }

  private mapsSection() {
    const m = this.maps;
    if (!m) return html`<section data-testid="feature-maps" data-layers="0"><div class="empty">Choose a test image to see its feature maps.</div></section>`;
    const names = this.classNames;
    const input = this.inputImage();
    const wrong = m.label !== m.prediction;
    return html`<section data-testid="feature-maps" data-layers=${m.maps.length} data-index=${m.index}>
      <h3>Feature maps</h3>
      <div class="input">
        ${input ? html`<dl-pixel-image .image=${input} label="test image ${m.index}"></dl-pixel-image>` : nothing}
        <span>Test image <b>#${m.index}</b> · label <b>${className(names, m.label)}</b> · predicted
          <b class=${wrong ? "bad" : ""}>${className(names, m.prediction)}</b></span>
      </div>
      ${m.maps.map((layer, i) => {
        const tile = Math.max(28, Math.min(64, layer.width * 3));
        return html`<h4>${layer.layer} <small>${layer.channels} × ${layer.height}×${layer.width}</small></h4>
          <div class="tiles" style="--tile:${tile}px">
            ${this.mapImages[i].map((image, c) => html`<dl-pixel-image .image=${image} title="${layer.layer} channel ${c}"></dl-pixel-image>`)}
            ${layer.channels > MAX_MAPS ? html`<span class="more">+${layer.channels - MAX_MAPS} more</span>` : nothing}
          </div>`;
      })}
    </section>`;
  }

  override render() {
    return html`<div data-testid="filter-view">${this.filtersSection()} ${this.mapsSection()}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-filter-view": FilterView;
  }
}
