/**
 * Experiment files and downloads. An experiment file is the experiment as readable JSON tagged with
 * its format and version, to keep, share or put under version control; importing one (or a bare
 * CLI config such as examples/spiral-mlp.json) validates it and says what is wrong. The download
 * helpers also save the trained weights (safetensors) and the PyTorch script the worker produces.
 */

import { clause } from "../words";
import { type Experiment, ExperimentError, MAX_EXPERIMENT_CHARS, parseExperiment } from "./experiment";

/** The "format" tag of an experiment file. */
export const EXPERIMENT_FORMAT = "webgpu-dl-playground/experiment";

/** The file's text: `{ "format": EXPERIMENT_FORMAT, "version": 2, "config": ..., "race": ..., "view": ... }`, indented. */
export function experimentFileText(experiment: Experiment): string {
  return `${JSON.stringify({ format: EXPERIMENT_FORMAT, ...experiment }, null, 2)}\n`;
}

/** A file name from the experiment's name (or its dataset's): "spiral-mlp.experiment.json". */
export function experimentFileName(experiment: Experiment): string {
  const base = (experiment.config.name ?? experiment.config.data.name)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${base || "experiment"}.experiment.json`;
}

/**
 * Reads an experiment file's text (or a bare CLI config); throws an ExperimentError saying what is
 * wrong: not JSON, another format, a newer version, or the field that is invalid.
 */
export function parseExperimentFile(text: string): Experiment {
  if (text.length > MAX_EXPERIMENT_CHARS)
    throw new ExperimentError(
      `the file is ${text.length.toLocaleString("en-US")} characters long; an experiment file holds at most ${MAX_EXPERIMENT_CHARS.toLocaleString("en-US")}`,
    );
  const head = text.slice(0, 4096);
  if (head.includes("\u0000") || head.includes("\uFFFD")) throw new ExperimentError("the file is binary, not the JSON text of an experiment");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ExperimentError(`the file is not JSON text (${(e as Error).message})`);
  }
  if (value && typeof value === "object" && !Array.isArray(value) && "format" in value) {
    const { format, ...experiment } = value as Record<string, unknown>;
    if (format !== EXPERIMENT_FORMAT) throw new ExperimentError(`the file's format is ${JSON.stringify(format)}, not ${JSON.stringify(EXPERIMENT_FORMAT)}`);
    return parseExperiment(experiment);
  }
  return parseExperiment(value);
}

/** Reads a picked or dropped file as an experiment: the experiment, or a message for the page. Never throws. */
export async function readExperimentFile(file: Blob & { name?: string }): Promise<{ experiment: Experiment } | { message: string }> {
  const name = file.name ? `"${file.name}"` : "The file";
  if (file.size > MAX_EXPERIMENT_CHARS * 4)
    return { message: `${name} is not an experiment file: it is ${(file.size / 1e6).toFixed(1)} MB, far more than any experiment.` };
  try {
    return { experiment: parseExperimentFile(await file.text()) };
  } catch (e) {
    const detail = e instanceof ExperimentError ? e.message : (e as Error).message;
    return { message: `${name} could not be imported: ${clause(detail)}.` };
  }
}

/** The parts of a document a download needs (the page's `document`, or a fake in tests). */
export type DownloadDocument = Pick<Document, "createElement"> & { body: Pick<HTMLElement, "append"> };

/** Saves a Blob to the user's downloads under `filename` (through a temporary link). */
export function downloadBlob(blob: Blob, filename: string, doc: DownloadDocument = document): void {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement("a");
  link.href = url;
  link.download = filename;
  link.style.display = "none";
  doc.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000); // some browsers read the URL after click() returns
}

/** Downloads the experiment as a file (see experimentFileText). */
export function downloadExperiment(experiment: Experiment, doc?: DownloadDocument): void {
  downloadBlob(new Blob([experimentFileText(experiment)], { type: "application/json" }), experimentFileName(experiment), doc);
}

/**
 * Downloads the worker's export: the weights as `filename` (the safetensors file the script loads)
 * and the PyTorch script beside it, named after it with ".py".
 */
export function downloadExport(exported: { safetensors: Uint8Array; script: string; filename: string }, doc?: DownloadDocument): void {
  const weights = exported.safetensors as Uint8Array<ArrayBuffer>; // transferred from the worker: never shared memory
  downloadBlob(new Blob([weights], { type: "application/octet-stream" }), exported.filename, doc);
  downloadBlob(new Blob([exported.script], { type: "text/x-python" }), `${exported.filename.replace(/\.safetensors$/, "")}.py`, doc);
}
