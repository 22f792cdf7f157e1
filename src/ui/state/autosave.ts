/**
 * The autosave: the current experiment is written to IndexedDB shortly after each change, so a
 * reload loses nothing, and read back when the page opens (a link's experiment wins over it). The
 * storage sits behind a two-method interface so the logic (debounce, errors, which experiment opens)
 * is tested without a browser; storage that fails (private mode, a full disk, a blocked database)
 * turns into a message for the page, never an exception.
 */

import { clause } from "../words";
import { defaultExperiment, type Experiment, ExperimentError, parseExperiment } from "./experiment";
import { readUrl } from "./url-state";

/** Where the autosave keeps the experiment's JSON: IndexedDB in the page, a fake in tests. */
export interface ExperimentStore {
  /** The saved text, or undefined when nothing was saved yet. */
  load(): Promise<string | undefined>;
  save(json: string): Promise<void>;
}

const DATABASE = "webgpu-dl-playground";
const STORE = "state";
const KEY = "autosave";

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("the browser's storage failed"));
  });
}

/** One record kept in the browser's IndexedDB under `key`: any value the browser can clone. */
export interface StoredRecord {
  load(): Promise<unknown>;
  save(value: unknown): Promise<void>;
  remove(): Promise<void>;
}

/** A record of the playground's IndexedDB database (one object store, one key per record). */
export function indexedDbRecord(key: string, factory: IDBFactory | undefined = globalThis.indexedDB, database = DATABASE): StoredRecord {
  let opened: Promise<IDBDatabase> | undefined;
  const open = () => {
    if (!opened) {
      opened = new Promise<IDBDatabase>((resolve, reject) => {
        if (!factory) throw new Error("this browser offers no IndexedDB storage here");
        const request = factory.open(database, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE);
        request.onblocked = () => reject(new Error("another tab holds an older version of the playground's storage open"));
        promised(request).then((db) => {
          db.onclose = () => {
            opened = undefined; // the browser closed it (storage cleared): reopen next time
          };
          resolve(db);
        }, reject);
      });
      opened.catch(() => {
        opened = undefined; // try afresh next time
      });
    }
    return opened;
  };
  const write = async (change: (store: IDBObjectStore) => void) => {
    const tx = (await open()).transaction(STORE, "readwrite");
    change(tx.objectStore(STORE));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = tx.onerror = () => reject(tx.error ?? new Error("the save was aborted"));
    });
  };
  return {
    async load() {
      const db = await open();
      return promised(db.transaction(STORE, "readonly").objectStore(STORE).get(key));
    },
    save: (value) => write((store) => store.put(value, key)),
    remove: () => write((store) => store.delete(key)),
  };
}

/** An ExperimentStore in the browser's IndexedDB (the experiment's JSON text under one key). */
export function indexedDbStore(factory: IDBFactory | undefined = globalThis.indexedDB, database = DATABASE): ExperimentStore {
  const record = indexedDbRecord(KEY, factory, database);
  return {
    load: async () => {
      const value = await record.load();
      return typeof value === "string" ? value : undefined;
    },
    save: (json) => record.save(json),
  };
}

/** A storage failure in words: a full disk, private browsing, or what the browser said. */
export function describeStorageError(error: unknown): string {
  const name = (error as { name?: string })?.name;
  if (name === "QuotaExceededError") return "the browser's storage for this site is full";
  if (name === "SecurityError" || name === "InvalidStateError") return "the browser does not allow storage here (private browsing?)";
  return (error as Error)?.message || String(error);
}

/** Options of Autosave. */
export interface AutosaveOptions {
  /** Milliseconds without a change before saving (default 500). */
  delayMs?: number;
  /** Told once when saving starts failing, with a message for the page. */
  onError?: (message: string) => void;
}

/** Saves the experiment a moment after each change; a failure is reported once, not on every change. */
export class Autosave {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: Experiment | undefined;
  private saved: string | undefined;
  private failing = false;
  private readonly delayMs: number;

  constructor(
    private readonly store: ExperimentStore,
    private readonly options: AutosaveOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 500;
  }

  /** Saves `experiment` once no newer change has come for `delayMs`. */
  schedule(experiment: Experiment): void {
    this.pending = experiment;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Saves the pending change now (when the page is hidden, say); resolves when written or failed. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending === undefined) return;
    const json = JSON.stringify(this.pending); // once per save, not per change: a CSV experiment can be megabytes
    this.pending = undefined;
    if (json === this.saved) return;
    try {
      await this.store.save(json);
      this.saved = json;
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.options.onError?.(`Autosave is off: ${describeStorageError(e)}. Export the experiment to keep it.`);
      this.failing = true;
    }
  }

  /** Drops a pending save. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}

/** The autosaved experiment, if any; a record that cannot be read or used gives a message instead. Never throws. */
export async function loadAutosave(store: ExperimentStore): Promise<{ experiment?: Experiment; message?: string }> {
  let json: string | undefined;
  try {
    json = await store.load();
  } catch (e) {
    return { message: `Your last experiment could not be restored: ${clause(describeStorageError(e))}.` };
  }
  if (json === undefined) return {};
  try {
    return { experiment: parseExperiment(JSON.parse(json)) };
  } catch (e) {
    const detail = e instanceof ExperimentError ? e.message : "the saved copy is damaged";
    return { message: `Your last experiment could not be restored: ${clause(detail)}.` };
  }
}

/** Where the opening experiment came from, and what the page should tell the user. */
export interface OpenedExperiment {
  experiment: Experiment;
  source: "url" | "autosave" | "default";
  message?: string;
}

/**
 * The experiment the page opens with: the link's when the URL holds a usable one, else the
 * autosaved one, else the default. A link or a saved copy that cannot be used is said in `message`
 * (with what opened instead). Never throws.
 */
export async function openExperiment(location: Pick<Location, "hash">, store: ExperimentStore): Promise<OpenedExperiment> {
  const link = await readUrl(location);
  if (link.fromUrl) return { experiment: link.experiment, source: "url" };
  const linkProblem = link.message;
  const saved = await loadAutosave(store);
  if (saved.experiment) {
    const message = linkProblem && `${linkProblem} Showing your last (autosaved) experiment instead.`;
    return { experiment: saved.experiment, source: "autosave", ...(message ? { message } : {}) };
  }
  const message = [linkProblem, saved.message].filter(Boolean).join(" ");
  return { experiment: defaultExperiment(), source: "default", ...(message ? { message: `${message} Showing the default experiment.` } : {}) };
}
