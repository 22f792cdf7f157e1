/**
 * Tokens back into text, for previews and views: characters run together, words (a vocabulary with
 * entries longer than one character) with spaces between them. Padding is dropped: the "<pad>" word,
 * a character set's blank padding, and all but the first of a language model's closing "." run.
 */
export function spell(tokens: readonly string[]): string {
  if (tokens.some((t) => t.length > 1)) return tokens.filter((t) => t !== "<pad>").join(" ");
  return tokens
    .join("")
    .trim()
    .replace(/(?<=[^.])\.\.+$/, ".");
}
