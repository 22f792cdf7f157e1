/**
 * CSV text into records, as it streams in: RFC 4180 quoted fields (with "" escapes and line breaks
 * inside), CRLF, LF or lone CR line ends, a byte-order mark, blank lines skipped. Text arrives in
 * chunks of any size, split anywhere (inside a quote, between CR and LF); each chunk is scanned once
 * and fields are cut out as slices, so reading is linear in the size of the file however long its
 * lines (a 50 MB line is one slice, not 50 million string appends).
 */
import { OpError } from "../errors";
import { excerpt } from "../schema/schema";

/** One record: its fields as written (quotes removed) and the line of the file it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;

/** Where the scanner is within a field. */
enum State {
  /** Only spaces or tabs so far: a quote here opens a quoted field. */
  Start,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the next character says whether it was "" or the closing one. */
  QuoteInQuoted,
  /** After the closing quote: only spaces, then a delimiter or a line break. */
  AfterQuoted,
}

export class CsvRecordReader {
  private fields: string[] = [];
  /** Text of the current field from earlier chunks (and, in a quoted field, before each "" escape). */
  private pieces: string[] = [];
  private state = State.Start;
  private quoted = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private started = false;
  /** The last chunk ended with a CR: a LF opening the next one belongs to it. */
  private afterCr = false;
  /** The same inside a quoted field (the line was counted at the CR). */
  private afterCrInQuote = false;
  private readonly delimiter: number;

  /** @param onRecord receives each non-blank record as soon as it is complete */
  constructor(
    delimiter: string,
    private readonly onRecord: (record: CsvRecord) => void,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Reads the next piece of the text. */
  push(chunk: string): void {
    let i = 0;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1; // a byte-order mark
    }
    if (this.afterCr) {
      this.afterCr = false;
      if (chunk.charCodeAt(i) === LF) i++;
    }
    if (this.afterCrInQuote) {
      this.afterCrInQuote = false;
      if (chunk.charCodeAt(i) === LF) this.line--; // counted at the CR
    }
    let from = i; // where the current field's text starts in this chunk
    const n = chunk.length;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case State.Start:
        case State.Unquoted:
          if (c === this.delimiter) {
            this.endField(chunk.slice(from, i));
            from = i + 1;
          } else if (c === CR || c === LF) {
            this.endField(chunk.slice(from, i));
            this.endRecord();
            i = this.skipLf(chunk, i, c);
            from = i + 1;
          } else if (this.state === State.Start && c === QUOTE) {
            this.state = State.Quoted;
            this.quoted = true;
            this.quoteLine = this.line;
            this.pieces = []; // spaces before the quote are not part of the field
            from = i + 1;
          } else if (this.state === State.Start && c !== SPACE && c !== TAB) this.state = State.Unquoted;
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.pieces.push(chunk.slice(from, i));
            this.state = State.QuoteInQuoted;
          } else if (c === LF || (c === CR && chunk.charCodeAt(i + 1) !== LF)) {
            this.line++;
            if (c === CR && i + 1 === n) this.afterCrInQuote = true;
          }
          break;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.state = State.Quoted; // "": one quote, kept as the first character of the next piece
            from = i;
            break;
          }
          this.state = State.AfterQuoted;
          i--; // look at this character again
          break;
        case State.AfterQuoted:
          if (c === this.delimiter) {
            this.endField("");
            from = i + 1;
          } else if (c === CR || c === LF) {
            this.endField("");
            this.endRecord();
            i = this.skipLf(chunk, i, c);
            from = i + 1;
          } else if (c !== SPACE && c !== TAB)
            throw new OpError(
              "csv",
              `row ${this.recordLine}: unexpected ${excerpt(chunk[i])} after the closing quote of a field; expected ${excerpt(String.fromCharCode(this.delimiter))} or a line break`,
            );
          break;
      }
    }
    if (this.state === State.Start || this.state === State.Unquoted || this.state === State.Quoted) this.pieces.push(chunk.slice(from));
  }

  /** Ends the text: the last record, or an error for a quote never closed. */
  end(): void {
    if (this.state === State.Quoted) throw new OpError("csv", `row ${this.recordLine}: the quoted field opened on line ${this.quoteLine} is never closed`);
    if (this.fields.length > 0 || this.quoted || this.pieces.some((p) => p !== "")) {
      this.endField("");
      this.endRecord();
    }
  }

  /** After a line break at `i`: skips the LF of a CRLF (or remembers a CR that ends the chunk); returns the last index used. */
  private skipLf(chunk: string, i: number, c: number): number {
    this.line++;
    this.recordLine = this.line;
    if (c !== CR) return i;
    if (i + 1 === chunk.length) this.afterCr = true;
    else if (chunk.charCodeAt(i + 1) === LF) return i + 1;
    return i;
  }

  private endField(tail: string): void {
    this.pieces.push(tail);
    this.fields.push(this.pieces.length === 1 ? this.pieces[0] : this.pieces.join(""));
    this.pieces = [];
    this.state = State.Start;
  }

  private endRecord(): void {
    const fields = this.fields;
    if (fields.length > 1 || this.quoted || fields[0].trim() !== "") this.onRecord({ fields, line: this.recordLine });
    this.fields = [];
    this.quoted = false;
  }
}
