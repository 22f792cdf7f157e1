/**
 * <dl-csv-upload>: "Your CSV" in the data panel. A file chosen or dropped here is read and checked
 * with the engine's own parser (parseCsv), so that its problems show at once, naming the row and the
 * column, and the label column can be picked from the header. It fires `csv-change` with the table to
 * train on, or with the problem that keeps it from being used (the store then refuses Train and says
 * why, and the picker keeps showing "Your CSV": what is on screen is what trains, or nothing does).
 */
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { parseCsv } from "../../data/csv";
import type { DataConfig } from "../../train/config";
import { fire } from "../events";
import { theme } from "../theme";

type CsvData = Extract<DataConfig, { name: "csv" }>;

/** Largest CSV file taken (it travels in the config). */
export const MAX_CSV_BYTES = 5 * 1024 * 1024;

/** The header's column names as the file spells them (first non-blank line, the most frequent of , ; tab). */
function headerNames(text: string): string[] {
  const line =
    text
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/, 50)
      .find((l) => l.trim() !== "") ?? "";
  const delimiter = [",", ";", "\t"].reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best), ",");
  return line.split(delimiter).map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
}

/** What parsing an uploaded table found: a one-line summary, or the parser's message. */
export interface CsvCheck {
  text: string;
  file: string;
  /** The header's names, when the file has a header (empty otherwise). */
  columns: string[];
  label?: string;
  summary?: string;
  error?: string;
}

export function checkCsv(text: string, file: string, label?: string): CsvCheck {
  const names = headerNames(text);
  try {
    const ds = parseCsv(text, { label });
    const header = ds.featureNames?.every((f) => names.includes(f)) ?? false;
    const columns = header ? names : [];
    const chosen = label ?? (header ? names.find((n) => !ds.featureNames?.includes(n)) : undefined);
    const target = ds.task === "classification" ? `${ds.classes} classes` : "regression";
    return { text, file, columns, label: chosen, summary: `${ds.n.toLocaleString("en-US")} rows · ${ds.featureNames?.length} features · ${target}` };
  } catch (e) {
    const message = (e as Error).message.replace(/^csv: /, "");
    const columns = names.length > 1 ? names : [];
    return { text, file, columns, label: label ?? columns.at(-1), error: message.charAt(0).toUpperCase() + message.slice(1) };
  }
}

@customElement("dl-csv-upload")
export class CsvUpload extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: grid;
        gap: 12px;
      }
      .drop {
        position: relative;
        display: grid;
        place-items: center;
        gap: 2px;
        padding: 14px 10px;
        border: 1.5px dashed var(--border);
        border-radius: 10px;
        text-align: center;
        cursor: pointer;
        color: var(--muted);
        font-size: 12.5px;
      }
      .drop b {
        color: var(--text);
        font-weight: 600;
        font-size: 13px;
      }
      .drop:hover,
      .drop.over {
        border-color: var(--accent);
        background: rgba(56, 189, 248, 0.06);
      }
      .drop:focus-within {
        outline: 2px solid var(--accent);
        outline-offset: 2px;
      }
      .drop input {
        position: absolute;
        width: 1px;
        height: 1px;
        opacity: 0;
        pointer-events: none;
      }
      .ok {
        font-size: 12px;
        color: var(--good);
        margin: 0;
      }
      .error {
        font-size: 12px;
        color: var(--bad);
        margin: 0;
        line-height: 1.45;
        padding: 8px 10px;
        border-radius: 8px;
        background: rgba(248, 113, 113, 0.08);
        border: 1px solid rgba(248, 113, 113, 0.35);
        overflow-wrap: anywhere;
      }
      .note {
        font-size: 12px;
        color: var(--muted);
        margin: 0;
      }
    `,
  ];

  /** The CSV data of the experiment, when it is one (its text is checked again on arrival). */
  @property({ attribute: false }) data: CsvData | null = null;
  @property({ type: Boolean }) disabled = false;

  @state() private _csv: CsvCheck | null = null;
  @state() private _over = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    const d = this.data;
    if (changed.has("data") && d?.text && d.text !== this._csv?.text) this._csv = checkCsv(d.text, "uploaded table", d.label);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Picked with nothing loaded yet: nothing can train until a table comes.
    if (!this.data?.text && !this._csv) fire(this, "csv-change", { problem: "Choose a CSV file to train on, or pick another dataset." });
  }

  private async load(file: File | undefined): Promise<void> {
    if (!file) return;
    if (file.size > MAX_CSV_BYTES) {
      const mb = (n: number) => (n / 2 ** 20).toFixed(1);
      this.use({
        text: "",
        file: file.name,
        columns: [],
        error: `${file.name} is ${mb(file.size)} MB; the playground takes tables up to ${mb(MAX_CSV_BYTES)} MB`,
      });
      return;
    }
    this.use(checkCsv(await file.text(), file.name));
  }

  private use(check: CsvCheck): void {
    this._csv = check;
    if (check.error) fire(this, "csv-change", { problem: `${check.file} cannot be used: ${check.error}` });
    else
      fire(this, "csv-change", {
        data: {
          name: "csv",
          text: check.text,
          label: check.label,
          trainRatio: this.data?.trainRatio ?? 0.8,
          scale: this.data?.scale ?? "standard",
          seed: this.data?.seed ?? 1,
        },
      });
  }

  private drop(e: DragEvent): void {
    e.preventDefault();
    this._over = false;
    if (!this.disabled) void this.load(e.dataTransfer?.files[0]);
  }

  override render() {
    const csv = this._csv;
    return html`
      <label
        class="drop ${this._over ? "over" : ""}"
        @dragover=${(e: DragEvent) => {
          e.preventDefault();
          this._over = true;
        }}
        @dragleave=${() => {
          this._over = false;
        }}
        @drop=${this.drop}
      >
        <b>${csv?.file ?? "Choose a CSV file"}</b>
        <span>${csv ? "drop or click to replace" : "or drop one here · header row, numeric columns"}</span>
        <input
          type="file"
          accept=".csv,.tsv,.txt,text/csv"
          data-testid="csv-upload"
          aria-describedby="csv-status"
          ?disabled=${this.disabled}
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            void this.load(input.files?.[0]).finally(() => {
              input.value = "";
            });
          }}
        />
      </label>
      <div id="csv-status" aria-live="polite">
        ${csv?.error ? html`<p class="error" role="alert">${csv.error}</p>` : csv?.summary ? html`<p class="ok">✓ ${csv.summary}</p>` : nothing}
      </div>
      ${
        csv && csv.columns.length > 1
          ? html`<label>
            Label column
            <select ?disabled=${this.disabled} @change=${(e: Event) => csv && this.use(checkCsv(csv.text, csv.file, (e.target as HTMLSelectElement).value))}>
              ${csv.columns.map((n) => html`<option ?selected=${n === csv.label}>${n}</option>`)}
            </select>
          </label>`
          : csv?.summary
            ? html`<p class="note">No header row: the last column is the label.</p>`
            : nothing
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-csv-upload": CsvUpload;
  }
  interface HTMLElementEventMap {
    /** A CSV to train on, or what keeps the chosen one from being used. */
    "csv-change": CustomEvent<{ data: CsvData; problem?: undefined } | { data?: undefined; problem: string }>;
  }
}
