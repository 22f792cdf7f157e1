/**
 * The files `npm run data` builds into public/data/ (scripts/build-datasets.mjs: the image sets and
 * the text corpora), read from disk in Node and fetched from the same origin in the browser (Vite
 * serves public/ at the root), with messages that say how to fix a missing or broken file.
 */
import { check, OpError } from "../errors";

/** Where the files are: a folder in Node, a URL in the browser (defaults: the repository's public/data, "data/"). */
export interface DataFileOptions {
  /** Node: the folder holding the files (default: public/data of the repository). */
  dir?: string;
  /** Browser: the URL of the folder holding the files (default: "data/" under Vite's base URL). */
  baseUrl?: string;
}

export const FIX = "run `npm run data` (it builds the files from npm packages)";

const isNode = () => typeof process !== "undefined" && typeof process.versions?.node === "string" && typeof window === "undefined";

/** A file of the data folder as a message names it: public/data/x in Node, the URL in the browser. */
export function shown(options: DataFileOptions, file: string): string {
  return isNode() ? `${(options.dir ?? "public/data").replace(/\/+$/, "")}/${file}` : `${options.baseUrl ?? defaultBaseUrl()}${file}`;
}

function defaultBaseUrl(): string {
  return `${import.meta.env?.BASE_URL ?? "/"}data/`;
}

/** Imports a Node built-in by a name the bundler cannot see, so the browser bundle never pulls it in. */
const nodeBuiltin = <T>(name: string): Promise<T> => import(/* @vite-ignore */ name);

/** The repository's public/data: up from this module to the folder holding package.json, else from the working directory. */
async function nodeDataDir(): Promise<string> {
  const fs = await nodeBuiltin<typeof import("node:fs")>("node:fs");
  const path = await nodeBuiltin<typeof import("node:path")>("node:path");
  const url = await nodeBuiltin<typeof import("node:url")>("node:url");
  const starts = import.meta.url.startsWith("file:") ? [path.dirname(url.fileURLToPath(import.meta.url))] : [];
  for (let dir of [...starts, process.cwd()]) {
    for (;;) {
      if (fs.existsSync(path.join(dir, "package.json"))) return path.join(dir, "public", "data");
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return path.resolve("public", "data");
}

/** Reads one file of the data folder, with an error that says how to fix a missing one. */
export async function readBytes(op: string, file: string, options: DataFileOptions): Promise<Uint8Array> {
  if (isNode()) {
    const fs = await nodeBuiltin<typeof import("node:fs/promises")>("node:fs/promises");
    const path = await nodeBuiltin<typeof import("node:path")>("node:path");
    const full = path.join(options.dir ?? (await nodeDataDir()), file);
    try {
      const buffer = await fs.readFile(full);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") throw new OpError(op, `${shown(options, file)} is missing; ${FIX}`);
      throw new OpError(op, `${shown(options, file)} could not be read (${(e as Error).message})`);
    }
  }
  const url = `${options.baseUrl ?? defaultBaseUrl()}${file}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new OpError(op, `${url} could not be fetched (${(e as Error).message}); ${FIX} and serve the app with Vite`);
  }
  check(response.ok, op, () => `${url} could not be fetched (HTTP ${response.status}); ${FIX} and serve the app with Vite`);
  const html = response.headers.get("content-type")?.includes("text/html");
  check(!html, op, () => `${url} is missing (the server answered with an HTML page); ${FIX} and serve the app with Vite`);
  return new Uint8Array(await response.arrayBuffer());
}
