/**
 * Browser test helpers: builds the playground, serves it on localhost with `vite preview`, and
 * launches Debian's Chromium through Playwright with WebGPU on (SwiftShader when there is no GPU);
 * opens pages at a desktop or phone size, and runs axe-core's accessibility rules on a page.
 * Pages open pinned to WebGPU (`?backend=webgpu`) in a WebGPU session, so the flows keep testing the
 * WGSL kernels on SwiftShader, where the automatic choice would take the wasm backend; a flow passes
 * `backend: "auto"` to test that choice. DL_TEST_BACKEND=wasm (or cpu) runs every pinned flow on that
 * backend instead.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, type ConsoleMessage, chromium, type Page } from "playwright-core";
import { build, type PreviewServer, preview } from "vite";
import { afterAll, beforeAll, expect } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const WEBGPU_FLAGS = ["--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-vulkan=swiftshader", "--use-angle=swiftshader"];
const FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"];

export type Pinned = "webgpu" | "wasm" | "cpu";
/** The backend flows pin (DL_TEST_BACKEND, default webgpu). */
const PINNED: Pinned = (["webgpu", "wasm", "cpu"] as const).find((b) => b === process.env.DL_TEST_BACKEND) ?? "webgpu";
/** What the header's badge starts with on each backend. */
const BADGES: Record<Pinned, RegExp> = { webgpu: /^\s*WebGPU/, wasm: /^\s*WebAssembly/, cpu: /^\s*CPU/ };

export interface Session {
  browser: Browser;
  server: PreviewServer;
  url: string;
  /** The backend pages ask for unless a flow says otherwise: "webgpu" with WebGPU on, else the automatic choice. */
  backend: Pinned | "auto";
}

/** Builds and serves the playground and launches Chromium (with WebGPU unless `webgpu` is false). */
export async function start(options: { webgpu?: boolean } = {}): Promise<Session> {
  // A production build, as `npm run build` makes (under Vitest NODE_ENV is "test", which would pick
  // the libraries' development builds: Lit's dev mode, several times slower).
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({ logLevel: "warn", mode: "production" });
  } finally {
    process.env.NODE_ENV = env;
  }
  const server = await preview({ preview: { port: 0, host: "127.0.0.1" }, logLevel: "warn" });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("vite preview did not report a local URL");
  const args = options.webgpu === false ? [...FLAGS, "--disable-features=WebGPU"] : [...WEBGPU_FLAGS, ...FLAGS];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  return { browser, server, url, backend: options.webgpu === false ? "auto" : PINNED };
}

export async function stop(s: Session | undefined): Promise<void> {
  await s?.browser.close();
  await s?.server.close();
}

/** The page's address for `path` ("" or a "#e=..." link) on `backend`; a whole "?...#..." address copied from the page as it is. */
export function address(s: Session, path = "", backend: Pinned | "auto" = s.backend): string {
  const query = path.startsWith("?") || backend === "auto" ? "" : `?backend=${backend}`;
  return s.url + query + path;
}

/**
 * Opens a page (`path`: a "#e=..." link, or a whole "?...#..." address copied from the page) on
 * `backend`, and collects console errors and page errors.
 */
export async function open(
  s: Session,
  path = "",
  viewport = { width: 1440, height: 900 },
  backend: "webgpu" | "wasm" | "cpu" | "auto" = s.backend,
): Promise<{ page: Page; errors: string[] }> {
  const page = await s.browser.newPage({ viewport });
  const errors: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(address(s, path, backend));
  return { page, errors };
}

/** The WCAG 2.1 A and AA rules axe-core checks (it looks inside open shadow roots). */
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Runs axe-core on the page; returns each violation as "rule: element :: what is wrong". */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const { violations } = await axe.run(document, { runOnly: { type: "tag", values: tags } });
    return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" > ")} :: ${n.failureSummary.split("\n")[1]?.trim() ?? ""}`));
  }, AXE_TAGS);
}

interface AxeViolation {
  id: string;
  nodes: { target: string[]; failureSummary: string }[];
}

const AXE_PATH = fileURLToPath(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url));

/**
 * A test file's session: built and launched before its flows (with a test-results/ folder for their
 * screenshots), closed after them. The returned function gives the session inside a flow.
 */
export function useSession(options: { webgpu?: boolean } = {}): () => Session {
  let session: Session | undefined;
  beforeAll(async () => {
    session = await start(options);
    mkdirSync("test-results", { recursive: true });
  });
  afterAll(async () => {
    await stop(session);
  });
  return () => {
    if (!session) throw new Error("the browser session has not started");
    return session;
  };
}

/** A number the page states as an attribute of <dl-app> ("data-step", "data-loss"...). */
export const appNumber = async (page: Page, name: string) => Number(await page.locator("dl-app").getAttribute(name));

/** Waits until the Train tab's session is loaded and untrained (step 0), as after opening the page or picking data. */
export const untrained = (page: Page) => expect.poll(() => page.locator("dl-app").getAttribute("data-test-step"), { timeout: 120_000 }).toBe("0");

/** Waits for the engine to start on `backend` (default the pinned one). */
export async function engineStarted(page: Page, backend: Pinned = PINNED): Promise<void> {
  await expect.poll(() => page.getByTestId("backend").textContent(), { timeout: 60_000 }).toMatch(BADGES[backend]);
}

/** Waits for the engine to start and the loaded experiment's first reports. */
export async function ready(page: Page): Promise<void> {
  await engineStarted(page);
  await expect.poll(() => page.locator("dl-app").getAttribute("data-test-step"), { timeout: 120_000 }).toBe("0");
}
