/**
 * Messages built from other messages: a clause quoted inside a sentence loses its own final full
 * stop, so that "X could not be opened: it is damaged." never reads "damaged..".
 */
export const clause = (text: string): string => text.trim().replace(/[.\s]+$/, "");

/** A message shown on its own: its first letter capitalised ("the loss became NaN..." → "The loss became NaN..."). */
export const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
