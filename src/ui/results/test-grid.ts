/**
 * Shared vocabulary of the elements that show test examples (the prediction grid, the confusion
 * matrix, the feature maps): the image part of a test report, the `inspect` event, class names.
 */
import type { TestReport } from "../../worker/protocol";

/** The image part of a TestReport: pixels (C×H×W each), labels, predictions and confidences of test examples. */
export type TestGrid = NonNullable<TestReport["grid"]>;

declare global {
  interface HTMLElementEventMap {
    /** Asks the page for the feature maps of test image `index` (fired with fire() from src/ui/events.ts). */
    inspect: CustomEvent<{ index: number }>;
  }
}

/** The name of class `k` ("7" when there are no names). */
export function className(names: readonly string[], k: number): string {
  return names[k] ?? String(k);
}
