/**
 * Without WebGPU the playground still works: Chromium with WebGPU switched off gets the CPU backend,
 * the header says so and why, and the spiral still trains (on the CPU reference, in the worker).
 */
import { mkdirSync } from "node:fs";
import { expect, it } from "vitest";
import { open, useSession } from "./browser";

const session = useSession({ webgpu: false });

it("falls back to the CPU, says why, and still trains", async () => {
  const { page, errors } = await open(session());
  const app = page.locator("dl-app");
  await expect.poll(() => page.getByTestId("backend").textContent(), { timeout: 60_000 }).toMatch(/CPU · no WebGPU/);
  expect(await page.getByTestId("backend").getAttribute("title")).toMatch(/no WebGPU adapter was found|navigator\.gpu is undefined/);
  const note = page.getByText("Training runs on the CPU reference backend");
  expect(await note.isVisible()).toBe(true);
  expect(await note.textContent()).toMatch(/WebGPU is unavailable: .+\. Training runs on the CPU/);
  await page.getByTestId("play").click();
  await expect.poll(async () => Number(await app.getAttribute("data-step")), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(100);
  await page.getByTestId("play").click();
  expect(Number(await app.getAttribute("data-loss"))).toBeLessThan(Number(await app.getAttribute("data-first-loss")));
  mkdirSync("test-results", { recursive: true });
  await page.screenshot({ path: "test-results/playground-cpu.png" });
  expect(errors).toEqual([]);
});
