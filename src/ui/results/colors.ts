/**
 * Colour maps for the results panel: class colours blended by probability, a diverging map for
 * signed values (weights, regression outputs), a sequential map for activations, and the palette
 * that tells race series apart. Pure functions over RGB triples so they run (and are tested) in Node.
 */
import { CLASS_COLORS } from "../theme";

/** An [r, g, b] triple, each 0..255. */
export type Rgb = [number, number, number];

/** The plot background every heatmap fades into (the theme's --surface-2, a little darker). */
export const PLOT_BACKGROUND: Rgb = [14, 22, 39];

/** Distinct colours for overlaid series (race entries), in order; the legend and the table share them. */
export const SERIES_COLORS = [
  "#38bdf8",
  "#f97316",
  "#a3e635",
  "#e879f9",
  "#facc15",
  "#f87171",
  "#2dd4bf",
  "#a78bfa",
  "#e2e8f0",
  "#4ade80",
  "#fb7185",
  "#818cf8",
];

/** "#rrggbb" to [r, g, b]. */
export function hexToRgb(hex: string): Rgb {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

/** [r, g, b] (any real numbers) to a CSS colour, rounded and clamped. */
export function rgbCss([r, g, b]: Rgb, alpha = 1): string {
  const c = (v: number) => Math.round(Math.min(255, Math.max(0, v)));
  return alpha === 1 ? `rgb(${c(r)}, ${c(g)}, ${c(b)})` : `rgba(${c(r)}, ${c(g)}, ${c(b)}, ${alpha})`;
}

/** The colour of series `i` (cycling). */
export function seriesColor(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length];
}

/** The colour of class `k` (cycling), as a hex string. */
export function classColor(k: number): string {
  return CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];
}

/** Linear interpolation between two colours, t in [0, 1]. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/**
 * The colour of one boundary cell: the class colours weighted by the probabilities
 * `probs[offset .. offset + classes)`, faded towards the background where the model is unsure
 * (a uniform distribution gives `floor` of the colour, a certain one `ceil`).
 */
export function blendClasses(probs: ArrayLike<number>, offset: number, classes: number, colors: Rgb[], floor = 0.2, ceil = 0.62): Rgb {
  let r = 0;
  let g = 0;
  let b = 0;
  let top = 0;
  for (let k = 0; k < classes; k++) {
    const p = probs[offset + k];
    const c = colors[k % colors.length];
    r += p * c[0];
    g += p * c[1];
    b += p * c[2];
    if (p > top) top = p;
  }
  const confidence = classes > 1 ? Math.max(0, (top - 1 / classes) / (1 - 1 / classes)) : 1;
  return mix(PLOT_BACKGROUND, [r, g, b], floor + (ceil - floor) * confidence);
}

const NEGATIVE: Rgb = [59, 130, 246];
const NEUTRAL: Rgb = [30, 38, 56];
const POSITIVE: Rgb = [249, 115, 22];

/** Diverging map for signed values: t = -1 blue, 0 the dark neutral, +1 orange (t clamped). */
export function diverging(t: number): Rgb {
  const c = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
  return c < 0 ? mix(NEUTRAL, NEGATIVE, -c) : mix(NEUTRAL, POSITIVE, c);
}

/** Stops of a perceptually ordered dark-to-bright map (close to matplotlib's "magma"). */
const SEQUENTIAL: Rgb[] = [
  [0, 0, 4],
  [40, 11, 84],
  [101, 21, 110],
  [159, 42, 99],
  [212, 72, 66],
  [245, 125, 21],
  [250, 193, 39],
  [252, 255, 164],
];

/** Sequential map for non-negative values: t = 0 near black, 1 pale yellow (t clamped). */
export function sequential(t: number): Rgb {
  const c = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) : 0;
  const x = c * (SEQUENTIAL.length - 1);
  const i = Math.min(SEQUENTIAL.length - 2, Math.floor(x));
  return mix(SEQUENTIAL[i], SEQUENTIAL[i + 1], x - i);
}

/** Relative luminance (0..1) of a colour, to pick readable text on top of it. */
export function luminance([r, g, b]: Rgb): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/** WCAG's relative luminance of an sRGB colour (gamma-expanded channels). */
function relativeLuminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG's contrast ratio of two colours (1 to 21; text needs 4.5). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** The darker or lighter text colour, whichever reads better on `background`. */
export function readableText(background: Rgb, dark = "#0b1120", light = "#f1f5f9"): string {
  return contrastRatio(background, hexToRgb(dark)) >= contrastRatio(background, hexToRgb(light)) ? dark : light;
}

/**
 * A background and its text colour with at least WCAG's 4.5:1 contrast: mid-bright colours, where
 * neither dark nor light text reaches it, are darkened step by step under light text.
 */
export function readablePair(background: Rgb, dark = "#0b1120", light = "#f1f5f9"): { background: Rgb; text: string } {
  const text = readableText(background, dark, light);
  if (contrastRatio(background, hexToRgb(text)) >= 4.5) return { background, text };
  let shade = background;
  for (let k = 1; k <= 10 && contrastRatio(shade, hexToRgb(light)) < 4.5; k++) shade = mix(background, [0, 0, 0], k * 0.05);
  return { background: shade, text: light };
}
