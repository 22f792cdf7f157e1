/**
 * Messages built from other messages: a clause quoted inside a sentence loses its own final full
 * stop, so that "X could not be opened: it is damaged." never reads "damaged..".
 */
export const clause = (text: string): string => text.trim().replace(/[.\s]+$/, "");
