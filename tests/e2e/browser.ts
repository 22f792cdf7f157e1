/**
 * Browser test helpers: builds the playground, serves it on localhost with `vite preview`, and
 * launches Debian's Chromium through Playwright with WebGPU on (SwiftShader when there is no GPU).
 */
import { type Browser, type ConsoleMessage, chromium, type Page } from "playwright-core";
import { build, type PreviewServer, preview } from "vite";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const WEBGPU_FLAGS = ["--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-vulkan=swiftshader", "--use-angle=swiftshader"];
const FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"];

export interface Session {
  browser: Browser;
  server: PreviewServer;
  url: string;
}

/** Builds and serves the playground and launches Chromium (with WebGPU unless `webgpu` is false). */
export async function start(options: { webgpu?: boolean } = {}): Promise<Session> {
  await build({ logLevel: "warn" });
  const server = await preview({ preview: { port: 0, host: "127.0.0.1" }, logLevel: "warn" });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("vite preview did not report a local URL");
  const args = options.webgpu === false ? [...FLAGS, "--disable-features=WebGPU"] : [...WEBGPU_FLAGS, ...FLAGS];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  return { browser, server, url };
}

export async function stop(s: Session | undefined): Promise<void> {
  await s?.browser.close();
  await s?.server.close();
}

/** Opens a page and collects console errors and page errors. */
export async function open(s: Session, path = ""): Promise<{ page: Page; errors: string[] }> {
  const page = await s.browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(s.url + path);
  return { page, errors };
}
