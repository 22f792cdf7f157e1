/**
 * Shared vocabulary of the elements that show test examples (the prediction grid, the confusion
 * matrix, the feature maps): the image part of a test report, the `inspect` event, class names.
 */
import type { TestReport } from "../../worker/protocol";

/** The image part of a TestReport: pixels (C×H×W each), labels, predictions and confidences of test examples. */
export type TestGrid = NonNullable<TestReport["grid"]>;

/** Detail of the `inspect` event: the test index of the chosen image. */
export interface InspectDetail {
  index: number;
}

/** The `inspect` event (bubbles out of shadow roots) asking the page for test image `index`'s feature maps. */
export function inspectEvent(index: number): CustomEvent<InspectDetail> {
  return new CustomEvent<InspectDetail>("inspect", { detail: { index }, bubbles: true, composed: true });
}

/** The name of class `k` ("7" when there are no names). */
export function className(names: readonly string[], k: number): string {
  return names[k] ?? String(k);
}
