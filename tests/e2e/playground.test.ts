/**
 * The playground in Debian's Chromium with WebGPU (SwiftShader on a machine without a GPU): the
 * page reports the WebGPU adapter, trains the spiral MLP a few hundred steps in its worker, the
 * loss falls and the decision boundary is drawn, with no console errors. Saves a screenshot.
 */
import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { open, type Session, start, stop } from "./browser";

let session: Session;
beforeAll(async () => {
  session = await start();
});
afterAll(async () => {
  await stop(session);
});

it("trains the spiral MLP on WebGPU and the loss falls", async () => {
  const { page, errors } = await open(session);
  const app = page.locator("dl-app");
  await expect.poll(() => page.getByTestId("backend").textContent(), { timeout: 60_000 }).toMatch(/^\s*WebGPU/);
  await expect.poll(() => app.getAttribute("data-boundary-step"), { timeout: 60_000 }).toBe("0");
  await page.getByTestId("play").click();
  await expect.poll(async () => Number(await app.getAttribute("data-step")), { timeout: 240_000, interval: 500 }).toBeGreaterThanOrEqual(300);
  await page.getByTestId("play").click(); // pause
  const first = Number(await app.getAttribute("data-first-loss"));
  const last = Number(await app.getAttribute("data-loss"));
  expect(first).toBeGreaterThan(0.9); // about ln 3 for three untrained classes
  expect(last).toBeLessThan(first * 0.6);
  expect(Number(await app.getAttribute("data-boundary-step"))).toBeGreaterThanOrEqual(250);
  mkdirSync("test-results", { recursive: true });
  await page.screenshot({ path: "test-results/playground.png" });
  expect(errors).toEqual([]);
});
