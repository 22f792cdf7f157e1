/**
 * The experiment in the page's URL, so that a shared link reproduces it: `#e=z.<base64url>` holds
 * the experiment's JSON compressed with deflate (CompressionStream), `#e=j.<base64url>` the JSON as
 * is where the browser cannot compress. Reading never throws: a damaged, cut-short or outdated link
 * opens the default experiment with a message saying what was wrong.
 */

import { BACKEND_CHOICES, type BackendChoice } from "../../backend/backend";
import { clause } from "../words";
import { defaultExperiment, type Experiment, ExperimentError, MAX_EXPERIMENT_CHARS, parseExperiment } from "./experiment";

/** The hash parameter holding the experiment. */
export const URL_KEY = "e";

/** The longest link the playground writes or reads (browsers and chat apps break longer ones). */
export const MAX_LINK_CHARS = 200_000;

const COMPRESSION = "deflate-raw";

function fail(message: string): never {
  throw new ExperimentError(message);
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const bad = text.match(/[^A-Za-z0-9_-]/);
  if (bad) fail(`it holds ${JSON.stringify(bad[0])}, which a link made by the playground never does; the link was changed or cut short`);
  if (text.length % 4 === 1) fail("it is cut short (its length cannot be that of any encoded experiment)");
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function canCompress(): boolean {
  try {
    new CompressionStream(COMPRESSION);
    new DecompressionStream(COMPRESSION);
    return true;
  } catch {
    return false;
  }
}

async function compress(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream(COMPRESSION));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Inflates at most `limit` bytes: a small link must not unpack into gigabytes. */
async function decompress(bytes: Uint8Array<ArrayBuffer>, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof DecompressionStream !== "function") fail("this browser cannot decompress links; open it in a current Chrome, Edge, Firefox or Safari");
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream(COMPRESSION)).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel();
        fail(`it unpacks to more than ${limit.toLocaleString("en-US")} bytes, more than any experiment the playground makes`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof ExperimentError) throw e;
    fail("it is damaged or cut short (its compressed data does not unpack)");
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** The experiment as the value of the URL's `e` parameter ("z." + deflated JSON, or "j." + JSON, in base64url). */
export async function encodeExperiment(experiment: Experiment): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(experiment));
  return canCompress() ? `z.${toBase64Url(await compress(json))}` : `j.${toBase64Url(json)}`;
}

/** Reads the value of the URL's `e` parameter; throws an ExperimentError saying what is wrong with it. */
export async function decodeExperiment(encoded: string): Promise<Experiment> {
  if (encoded.length > MAX_LINK_CHARS) fail(`it is ${encoded.length.toLocaleString("en-US")} characters long, longer than any link the playground makes`);
  const format = encoded.slice(0, 2);
  if (format !== "z." && format !== "j.") fail('it does not start with "z." or "j.", so it was not made by this playground or was cut short');
  const bytes = fromBase64Url(encoded.slice(2));
  const data = format === "z." ? await decompress(bytes, MAX_EXPERIMENT_CHARS) : bytes;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    fail("it does not hold text; the link was changed or cut short");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail("it does not hold a complete experiment (the JSON inside is broken); the link may have been cut short");
  }
  return parseExperiment(value);
}

/** The `e` parameter of a URL hash ("#e=...&other=..."), or undefined when there is none. */
export function hashParameter(hash: string): string | undefined {
  let text = hash.replace(/^#/, "");
  try {
    text = decodeURIComponent(text); // a chat app may have escaped "=" or "&"; base64url has no "%"
  } catch {
    // Not escaped text: read it as it is.
  }
  for (const part of text.split("&")) if (part.startsWith(`${URL_KEY}=`)) return part.slice(URL_KEY.length + 1);
  return undefined;
}

/** What the URL holds: `fromUrl` when it gave the experiment; `message` when it held one that could not be used. */
export interface UrlRead {
  experiment: Experiment;
  fromUrl: boolean;
  message?: string;
}

/**
 * The experiment in the page's URL, or the default one when the URL holds none; a link that cannot
 * be used gives the default and a message for the page to show. Never throws.
 */
export async function readUrl(location: Pick<Location, "hash">): Promise<UrlRead> {
  const encoded = hashParameter(location.hash);
  if (encoded === undefined) return { experiment: defaultExperiment(), fromUrl: false };
  try {
    return { experiment: await decodeExperiment(encoded), fromUrl: true };
  } catch (e) {
    const detail = e instanceof ExperimentError ? e.message : `it could not be read (${(e as Error).message})`;
    return { experiment: defaultExperiment(), fromUrl: false, message: `The experiment in this link could not be opened: ${clause(detail)}.` };
  }
}

/**
 * The engine the address asks for (`?backend=webgpu`, `wasm`, `cpu` or `auto`; the automatic choice
 * when it names none), with a message when it names one that does not exist.
 */
export function readBackendChoice(location: Pick<Location, "search">): { choice: BackendChoice; message?: string } {
  const named = new URLSearchParams(location.search).get("backend");
  if (named === null || named === "") return { choice: "auto" };
  if ((BACKEND_CHOICES as readonly string[]).includes(named)) return { choice: named as BackendChoice };
  const excerpt = named.length > 20 ? `${named.slice(0, 20)}…` : named;
  return {
    choice: "auto",
    message: `The address asks for backend "${excerpt}", which does not exist; the engine chose itself. Use ?backend=${BACKEND_CHOICES.join(", ")}.`,
  };
}

/**
 * Puts the experiment in the page's URL (replacing the history entry, so the back button is not
 * flooded). Returns a message instead when the experiment is too large for a link (a big CSV).
 * `current` says, once the experiment is encoded, whether this write is still the latest one (a
 * later edit's write may have finished first): a stale write changes nothing.
 */
export async function writeUrl(
  experiment: Experiment,
  page: { location: Pick<Location, "href">; history: Pick<History, "replaceState"> },
  current: () => boolean = () => true,
): Promise<string | undefined> {
  const encoded = await encodeExperiment(experiment);
  if (!current()) return undefined;
  if (encoded.length > MAX_LINK_CHARS) return "This experiment is too large for a link (its data table); export it as a file to share it.";
  const url = new URL(page.location.href);
  url.hash = `${URL_KEY}=${encoded}`;
  page.history.replaceState(null, "", url.href);
  return undefined;
}
