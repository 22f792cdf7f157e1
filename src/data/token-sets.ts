/**
 * Sequences of tokens (characters, words) as a classification set: each padded at the front with
 * token 0 up to `length`, so that its last token is the last step (what a recurrent layer reads
 * last), one label per sequence.
 */
import type { ClassificationSet } from "./dataset";

export function frontPaddedSet(
  name: string,
  sequences: readonly (readonly number[])[],
  labels: readonly number[],
  length: number,
  classNames: string[],
  vocabulary: string[],
): ClassificationSet {
  const x = new Float32Array(sequences.length * length);
  for (const [e, tokens] of sequences.entries()) x.set(tokens.slice(-length), (e + 1) * length - Math.min(tokens.length, length)); // the last `length` tokens
  return {
    name,
    task: "classification",
    inputShape: [length],
    x,
    y: Int32Array.from(labels),
    n: sequences.length,
    classes: classNames.length,
    classNames,
    vocabulary,
  };
}
