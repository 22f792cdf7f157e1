/**
 * Without a GPU the playground still trains, and fast: Chromium with WebGPU switched off gets the
 * wasm backend (WebAssembly SIMD on every core: the preview server sends the cross-origin isolation
 * headers, so the worker's helper threads share memory), the header says so and why, the spiral
 * trains, and a small CNN on MNIST trains more than ten times faster than on the CPU reference backend
 * (`?backend=cpu`), measured in the same browser.
 */
import { expect, it } from "vitest";
import { appNumber, open, useSession } from "./browser";

const session = useSession({ webgpu: false });

/** Steps a page trains the MNIST CNN in `seconds`, counted from its first step. */
async function mnistSteps(page: import("playwright-core").Page, seconds: number): Promise<number> {
  await page.getByTestId("dataset").selectOption("mnist");
  await expect.poll(() => page.getByTestId("train-builder").getByTestId("layer-0").textContent(), { timeout: 30_000 }).toMatch(/conv/i);
  await expect.poll(() => page.locator("dl-app").getAttribute("data-test-step"), { timeout: 120_000 }).toBe("0");
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(1);
  const from = await appNumber(page, "data-step");
  await page.waitForTimeout(seconds * 1000);
  const steps = (await appNumber(page, "data-step")) - from;
  await page.getByTestId("play").click();
  return steps;
}

it("takes the wasm backend on every core, says why, and trains faster than the CPU reference", async () => {
  const { page, errors } = await open(session());
  const app = page.locator("dl-app");
  const badge = page.getByTestId("backend");
  await expect.poll(() => badge.textContent(), { timeout: 60_000 }).toMatch(/WebAssembly · \d+ threads?/);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const threads = Number(/(\d+) thread/.exec((await badge.textContent()) ?? "")?.[1]);
  expect(threads).toBe(Math.min(cores, 16)); // one per core: the helpers share the page's memory
  expect(await badge.getAttribute("title")).toMatch(/^wasm \(WebAssembly SIMD.*\): (no WebGPU adapter was found|this environment has no WebGPU)/);
  expect(await page.getByTestId("backend-note").textContent()).toMatch(
    /^No GPU for WebGPU: .+\. Training runs on WebAssembly SIMD on \d+ threads? of the CPU instead/,
  );
  await expect.poll(() => app.getAttribute("data-test-step"), { timeout: 120_000 }).toBe("0");
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(100);
  await page.getByTestId("play").click();
  expect(await appNumber(page, "data-loss")).toBeLessThan(await appNumber(page, "data-first-loss"));
  await page.screenshot({ path: "test-results/playground-wasm.png" });

  const wasmSteps = await mnistSteps(page, 10);
  const reference = await open(session(), "", undefined, "cpu");
  await expect.poll(() => reference.page.getByTestId("backend").textContent(), { timeout: 60_000 }).toMatch(/^\s*CPU\s*$/);
  const cpuSteps = await mnistSteps(reference.page, 10);
  console.log(`MNIST CNN in 10 s: wasm ${wasmSteps} steps, CPU reference ${cpuSteps}`);
  expect(wasmSteps).toBeGreaterThan(10 * Math.max(cpuSteps, 1)); // 845 against 28 when written (2 cores)
  expect(errors).toEqual([]);
  expect(reference.errors).toEqual([]);
});
