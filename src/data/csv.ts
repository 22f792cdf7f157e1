/**
 * A user's own table as a dataset: CSV text (from a file picker or a paste) parsed into numeric
 * feature columns and one label column. A learner's file is often a little wrong, so every problem
 * is reported with the row (the line of the file it starts on) and the column, in words, quoting
 * at most a short excerpt. Reading is linear in the file's size and can stream (parseCsvChunks);
 * tables, classes and numbers are bounded (columns, rows, classes, float32's range).
 */
import { check, OpError } from "../errors";
import { excerpt } from "../schema/schema";
import { type CsvRecord, CsvRecordReader } from "./csv-reader";
import type { ClassificationSet, RegressionSet } from "./dataset";

/** Options of `parseCsv`. */
export interface CsvOptions {
  /** Name of the dataset (default "csv"). */
  name?: string;
  /** The label column: its header name, or its 0-based index (default: the last column). */
  label?: string | number;
  /**
   * "classification" maps label values to class indices, "regression" keeps numeric targets;
   * "auto" (default) picks classification for text labels or whole-number labels with at most
   * `AUTO_MAX_CLASSES` distinct values, and regression otherwise.
   */
  task?: "auto" | "classification" | "regression";
  /** Whether the first row names the columns (default: detected, see `parseCsv`). */
  header?: boolean;
  /** Field separator (default: detected from the first row among ",", ";" and tab). */
  delimiter?: string;
}

/** With `task: "auto"`, whole-number labels with at most this many distinct values mean classification. */
export const AUTO_MAX_CLASSES = 20;

/** The most columns a table may have. */
export const MAX_CSV_COLUMNS = 10_000;
/** The most data rows a table may have, and the most numbers in all (400 MB of float32). */
export const MAX_CSV_ROWS = 1_000_000;
export const MAX_CSV_VALUES = 100_000_000;
/** The most classes a label column may hold (more is an ID column, or a regression target written as text). */
export const MAX_CSV_CLASSES = 256;
/** The largest magnitude float32 holds; a larger number would become Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

function fail(detail: string): never {
  throw new OpError("csv", detail);
}

/** The most frequent of ",", ";" and tab in the first non-blank line (outside quotes); "," on a tie. */
function detectDelimiter(start: string): string {
  const first = start.split(/\r\n|\n|\r/, 64).find((l) => l.trim() !== "") ?? "";
  const unquoted = first.replace(/"[^"]*"/g, "");
  let best = ",";
  for (const d of [";", "\t"]) if (unquoted.split(d).length > unquoted.split(best).length) best = d;
  return best;
}

function toNumber(field: string): number {
  const t = field.trim();
  return t === "" ? Number.NaN : Number(t);
}

const isNumeric = (field: string) => Number.isFinite(toNumber(field));

/**
 * The first row is a header when one of its fields is not a number while the same column of the
 * second row is, or when none of its fields is a number.
 */
function detectHeader(records: CsvRecord[]): boolean {
  const [first, second] = records;
  if (first.fields.every((f) => !isNumeric(f))) return true;
  return second !== undefined && first.fields.some((f, c) => !isNumeric(f) && c < second.fields.length && isNumeric(second.fields[c]));
}

function resolveLabel(label: string | number | undefined, names: string[], header: boolean): number {
  if (label === undefined) return names.length - 1;
  if (typeof label === "number") {
    check(
      Number.isInteger(label) && label >= 0 && label < names.length,
      "csv",
      () => `label column ${label} is out of range; the file has ${names.length} columns (0..${names.length - 1})`,
    );
    return label;
  }
  const index = names.indexOf(label);
  check(index >= 0, "csv", () =>
    header
      ? `no column ${excerpt(label)}; the columns are ${names.slice(0, 20).map(excerpt).join(", ")}${names.length > 20 ? `, and ${names.length - 20} more` : ""}`
      : `no column ${excerpt(label)}: the file has no header row; give the label column's index`,
  );
  return index;
}

/** Builds the dataset from records as they arrive, keeping only numbers and label strings. */
class TableBuilder {
  private readonly head: CsvRecord[] = [];
  private started = false;
  private header = false;
  private width = 0;
  private names: string[] = [];
  private labelColumn = 0;
  private features: number[] = [];
  private x = new Float32Array(1024);
  private readonly labels: string[] = [];
  private readonly labelLines: number[] = [];

  constructor(private readonly options: CsvOptions) {}

  add(record: CsvRecord): void {
    if (this.started) this.row(record);
    else {
      this.head.push(record); // the header is decided on the first two records
      if (this.head.length === 2) this.start();
    }
  }

  private what(c: number): string {
    return this.header ? `column ${excerpt(this.names[c])}` : `column ${c + 1}`;
  }

  private start(): void {
    this.started = true;
    const [first] = this.head;
    this.header = this.options.header ?? detectHeader(this.head);
    this.width = first.fields.length;
    const width = this.width.toLocaleString("en-US");
    check(
      this.width <= MAX_CSV_COLUMNS,
      "csv",
      () => `row ${first.line} has ${width} columns; a table may have at most ${MAX_CSV_COLUMNS.toLocaleString("en-US")}`,
    );
    this.names = this.header ? first.fields.map((f) => f.trim()) : Array.from({ length: this.width }, (_, c) => `column ${c + 1}`);
    check(
      this.width >= 2,
      "csv",
      () => `no feature columns: each row has only the label ${this.what(0)}; expected numeric feature columns and one label column`,
    );
    this.labelColumn = resolveLabel(this.options.label, this.names, this.header);
    this.features = this.names.map((_, c) => c).filter((c) => c !== this.labelColumn);
    for (const r of this.header ? this.head.slice(1) : this.head) this.row(r);
  }

  private row(r: CsvRecord): void {
    const { width, features } = this;
    const n = this.labels.length;
    check(
      r.fields.length === width,
      "csv",
      () => `row ${r.line} has ${r.fields.length.toLocaleString("en-US")} fields, ${this.header ? "the header has" : `row ${this.head[0].line} has`} ${width}`,
    );
    check(n < MAX_CSV_ROWS, "csv", () => `more than ${MAX_CSV_ROWS.toLocaleString("en-US")} data rows; use a sample of the table`);
    check(
      (n + 1) * features.length <= MAX_CSV_VALUES,
      "csv",
      () =>
        `more than ${MAX_CSV_VALUES.toLocaleString("en-US")} numbers (${n.toLocaleString("en-US")} rows of ${features.length.toLocaleString("en-US")} features); use a sample of the table or fewer columns`,
    );
    if ((n + 1) * features.length > this.x.length) {
      const grown = new Float32Array(Math.max(this.x.length * 2, (n + 1) * features.length));
      grown.set(this.x);
      this.x = grown;
    }
    features.forEach((c, k) => {
      this.x[n * features.length + k] = numberAt(r.fields[c], r.line, this.what(c), "missing values are not supported");
    });
    this.labels.push(r.fields[this.labelColumn].trim());
    this.labelLines.push(r.line);
  }

  finish(): ClassificationSet | RegressionSet {
    const { name = "csv", task = "auto" } = this.options;
    check(this.head.length > 0, "csv", () => "the file is empty; expected a header row and at least 2 data rows");
    if (!this.started) this.start();
    const { labels, labelLines, labelColumn, features, names } = this;
    const n = labels.length;
    check(n >= 2, "csv", () => `needs at least 2 data rows, got ${n}`);
    const labelName = this.what(labelColumn);
    const emptyLabel = labels.indexOf("");
    check(emptyLabel < 0, "csv", () => `row ${labelLines[emptyLabel]}, label ${labelName} is empty; every row needs a label`);
    const numeric = labels.every(isNumeric);
    const values = numeric ? labels.map(Number) : [];
    const keyOf = (i: number) => (numeric ? String(values[i]) : labels[i]);
    const distinct = new Set(labels.map((_, i) => keyOf(i))).size;
    const resolved = task !== "auto" ? task : !numeric || (values.every(Number.isInteger) && distinct <= AUTO_MAX_CLASSES) ? "classification" : "regression";
    const base = { name, inputShape: [features.length], featureNames: features.map((c) => names[c]), x: this.x.slice(0, n * features.length), n };
    if (resolved === "regression") {
      const y = Float32Array.from(labels, (l, i) => numberAt(l, labelLines[i], labelName, "every row needs a label", "regression needs numeric targets"));
      return { ...base, task: "regression", y, targetDim: 1 };
    }
    check(
      distinct <= MAX_CSV_CLASSES,
      "csv",
      () =>
        `the label ${labelName} has ${distinct.toLocaleString("en-US")} distinct values; a classifier takes at most ${MAX_CSV_CLASSES}. Is it an ID or a measurement? Pick another label column, or use numbers for regression`,
    );
    const keys = numeric ? [...new Set(values)].sort((a, b) => a - b).map(String) : [...new Set(labels)].sort();
    check(keys.length >= 2, "csv", () => `the label ${labelName} has a single class ${excerpt(keys[0])}; classification needs at least 2 classes`);
    const index = new Map(keys.map((k, i) => [k, i]));
    const y = Int32Array.from(labels, (_, i) => index.get(keyOf(i)) as number);
    return { ...base, task: "classification", y, classes: keys.length, classNames: keys };
  }
}

/** A field as a float32 number, or an error naming the row and column (quoting a short excerpt). */
function numberAt(field: string, line: number, column: string, empty: string, notNumber = ""): number {
  const t = field.trim();
  if (t === "") fail(`row ${line}, ${column} is empty; ${empty}`);
  const v = Number(t);
  if (!Number.isFinite(v)) fail(`row ${line}, ${column}: ${excerpt(t)} is not a number${notNumber ? `; ${notNumber}` : ""}`);
  if (Math.abs(v) > FLOAT32_MAX)
    fail(`row ${line}, ${column}: ${excerpt(t)} is beyond float32's range (±3.4e38), which this engine computes in; scale the column`);
  return v;
}

/** The delimiter given, checked, or the one detected in the start of the text. */
function delimiterFor(options: CsvOptions, start: string): string {
  const delimiter = options.delimiter ?? detectDelimiter(start.slice(0, 65_536));
  check(
    delimiter.length === 1 && delimiter !== '"' && delimiter !== "\n" && delimiter !== "\r",
    "csv",
    () => `delimiter must be one character other than a quote or a line break, got ${excerpt(delimiter)}`,
  );
  return delimiter;
}

/**
 * Parses CSV text into a dataset: every column but the label column is a numeric feature (Float32,
 * [n, features]); the label column gives class indices (text or whole-number labels, classNames
 * sorted as scikit-learn's `LabelEncoder` sorts them) or regression targets ([n, 1]). Handles
 * quoted fields, CRLF, a byte-order mark, trailing newlines and blank lines. Errors name the row and
 * column: `csv: row 7, column "petal_width": "abc" is not a number`.
 */
export function parseCsv(text: string, options: CsvOptions = {}): ClassificationSet | RegressionSet {
  const table = new TableBuilder(options);
  const reader = new CsvRecordReader(delimiterFor(options, text), (r) => table.add(r));
  reader.push(text);
  reader.end();
  return table.finish();
}

/**
 * parseCsv() over text that arrives in chunks (a file read as a stream): each chunk is parsed as it
 * comes, so a large file is never held as one string. The delimiter is detected in the first chunk.
 */
export async function parseCsvChunks(chunks: AsyncIterable<string>, options: CsvOptions = {}): Promise<ClassificationSet | RegressionSet> {
  const table = new TableBuilder(options);
  let reader: CsvRecordReader | null = null;
  let start = ""; // text kept until the first line is whole, to detect the delimiter on it
  for await (const chunk of chunks) {
    if (reader) {
      reader.push(chunk);
      continue;
    }
    start += chunk;
    if (start.length < 65_536 && !/\S[^\n\r]*[\n\r]/.test(start)) continue;
    reader = new CsvRecordReader(delimiterFor(options, start), (r) => table.add(r));
    reader.push(start);
  }
  if (!reader && start !== "") {
    reader = new CsvRecordReader(delimiterFor(options, start), (r) => table.add(r));
    reader.push(start);
  }
  reader?.end();
  return table.finish();
}
