/**
 * A user's own table as a dataset: CSV text (from a file picker or a paste) parsed into numeric
 * feature columns and one label column. A learner's file is often a little wrong, so every problem
 * is reported with the row (the line of the file it starts on) and the column, in words.
 */
import { check, OpError } from "../errors";
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

interface CsvRecord {
  fields: string[];
  /** The line of the text on which the record starts, 1-based. */
  line: number;
}

function fail(detail: string): never {
  throw new OpError("csv", detail);
}

/** Splits CSV text into records (RFC 4180: quoted fields with "" escapes and line breaks, CRLF or LF), skipping blank lines. */
function readRecords(text: string, delimiter: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || quoted || fields[0].trim() !== "") records.push({ fields, line: recordLine });
    fields = [];
    field = "";
    quoted = false;
  };
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && !quoted && field.trim() === "") {
      quoted = true;
      field = "";
      const opened = line;
      for (i++; ; i++) {
        if (i >= text.length) fail(`row ${recordLine}: the quoted field opened on line ${opened} is never closed`);
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] !== '"') break;
          i++;
        } else if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) line++;
        field += c;
      }
      for (i++; i < text.length && text[i] !== delimiter && (text[i] === " " || text[i] === "\t"); ) i++;
      const next = text[i];
      if (i < text.length && next !== delimiter && next !== "\n" && next !== "\r") {
        fail(`row ${recordLine}: unexpected ${JSON.stringify(next)} after the closing quote of a field; expected ${JSON.stringify(delimiter)} or a line break`);
      }
    } else if (ch === delimiter) {
      fields.push(field);
      field = "";
      quoted = false;
      i++;
    } else if (ch === "\n" || ch === "\r") {
      endRecord();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      recordLine = ++line;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== "" || fields.length > 0 || quoted) endRecord();
  return records;
}

/** The most frequent of ",", ";" and tab in the first non-blank line (outside quotes); "," on a tie. */
function detectDelimiter(text: string): string {
  const first = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== "") ?? "";
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
      ? `no column "${label}"; the columns are ${names.map((n) => `"${n}"`).join(", ")}`
      : `no column "${label}": the file has no header row; give the label column's index`,
  );
  return index;
}

/**
 * Parses CSV text into a dataset: every column but the label column is a numeric feature (Float32,
 * [n, features]); the label column gives class indices (text or whole-number labels, classNames
 * sorted as scikit-learn's `LabelEncoder` sorts them) or regression targets ([n, 1]). Handles
 * quoted fields, CRLF, a byte-order mark, trailing newlines and blank lines. Errors name the row and
 * column: `csv: row 7, column "petal_width": "abc" is not a number`.
 */
export function parseCsv(text: string, options: CsvOptions = {}): ClassificationSet | RegressionSet {
  const { name = "csv", task = "auto" } = options;
  const delimiter = options.delimiter ?? detectDelimiter(text);
  check(
    delimiter.length === 1 && delimiter !== '"' && delimiter !== "\n" && delimiter !== "\r",
    "csv",
    () => `delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`,
  );
  const records = readRecords(text, delimiter);
  check(records.length > 0, "csv", () => "the file is empty; expected a header row and at least 2 data rows");
  const header = options.header ?? detectHeader(records);
  const width = records[0].fields.length;
  const names = header ? records[0].fields.map((f) => f.trim()) : Array.from({ length: width }, (_, c) => `column ${c + 1}`);
  const rows = header ? records.slice(1) : records;
  const what = (c: number) => (header ? `column "${names[c]}"` : `column ${c + 1}`);
  check(width >= 2, "csv", () => `no feature columns: each row has only the label ${what(0)}; expected numeric feature columns and one label column`);
  check(rows.length >= 2, "csv", () => `needs at least 2 data rows, got ${rows.length}`);
  for (const r of rows) {
    check(
      r.fields.length === width,
      "csv",
      () => `row ${r.line} has ${r.fields.length} fields, ${header ? "the header has" : `row ${records[0].line} has`} ${width}`,
    );
  }
  const labelColumn = resolveLabel(options.label, names, header);
  const features = names.map((_, c) => c).filter((c) => c !== labelColumn);
  const n = rows.length;
  const x = new Float32Array(n * features.length);
  rows.forEach((r, i) => {
    features.forEach((c, k) => {
      const field = r.fields[c];
      const v = toNumber(field);
      if (!Number.isFinite(v)) {
        fail(
          field.trim() === ""
            ? `row ${r.line}, ${what(c)} is empty; missing values are not supported`
            : `row ${r.line}, ${what(c)}: ${JSON.stringify(field.trim())} is not a number`,
        );
      }
      x[i * features.length + k] = v;
    });
  });
  const labels = rows.map((r) => r.fields[labelColumn].trim());
  const emptyLabel = labels.indexOf("");
  check(emptyLabel < 0, "csv", () => `row ${rows[emptyLabel].line}, label ${what(labelColumn)} is empty; every row needs a label`);
  const numeric = labels.every(isNumeric);
  const values = numeric ? labels.map(Number) : [];
  const keyOf = (i: number) => (numeric ? String(values[i]) : labels[i]);
  const distinct = new Set(labels.map((_, i) => keyOf(i))).size;
  const resolved = task !== "auto" ? task : !numeric || (values.every(Number.isInteger) && distinct <= AUTO_MAX_CLASSES) ? "classification" : "regression";
  const base = { name, inputShape: [features.length], featureNames: features.map((c) => names[c]), x, n };
  if (resolved === "regression") {
    const bad = labels.findIndex((l) => !isNumeric(l));
    check(
      bad < 0,
      "csv",
      () => `row ${rows[bad].line}, ${what(labelColumn)}: ${JSON.stringify(labels[bad])} is not a number; regression needs numeric targets`,
    );
    return { ...base, task: "regression", y: Float32Array.from(values), targetDim: 1 };
  }
  const keys = numeric ? [...new Set(values)].sort((a, b) => a - b).map(String) : [...new Set(labels)].sort();
  check(keys.length >= 2, "csv", () => `the label ${what(labelColumn)} has a single class ${JSON.stringify(keys[0])}; classification needs at least 2 classes`);
  const index = new Map(keys.map((k, i) => [k, i]));
  const y = Int32Array.from(labels, (_, i) => index.get(keyOf(i))!);
  return { ...base, task: "classification", y, classes: keys.length, classNames: keys };
}
