/**
 * The Generative tab's flows in Debian's Chromium, each saving a screenshot under test-results/:
 * (1) the 2-D GAN preset trains: the heatmap, points and arrows move and the modes-covered number
 * rises; (2) the MNIST DCGAN preset shows a samples grid that changes as it trains; (3) the 2-D
 * autoencoder's latent plane appears and a click on it decodes an image. They run on the wasm
 * backend: on SwiftShader's emulated GPU the three took five minutes of the suite (the DCGAN's first
 * iteration alone over a minute, most of it compiling its shaders), on wasm under a minute. The GAN
 * and autoencoder loops on WebGPU are checked against the CPU reference in
 * tests/generative-train.test.ts and tests/generative-autoencoder.test.ts, and their kernels in
 * tests/registry-parity.test.ts. No flow may log a console error, and axe-core finds no WCAG A/AA
 * problem.
 */
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { accessibilityProblems, engineStarted, open, useSession } from "./browser";

const session = useSession();

const view = (page: Page) => page.locator("dl-generative-tab");
const attr = async (page: Page, name: string) => Number(await view(page).getAttribute(name));

/** Opens the playground on the wasm backend, then the Generative tab, and waits for the loaded model's first view. */
async function openGenerative(): Promise<{ page: Page; errors: string[] }> {
  const opened = await open(session(), "", undefined, "wasm");
  const page = opened.page;
  await engineStarted(page, "wasm");
  await page.getByTestId("tab-generative").click();
  await expect.poll(() => view(page).getAttribute("data-view-step"), { timeout: 120_000 }).toBe("0");
  return opened;
}

it("(1) the 2-D GAN trains: heatmap, points and arrows move, and the modes covered rise", async () => {
  const { page, errors } = await openGenerative();
  const plane = page.getByTestId("gan-plane");
  const before = await plane.getAttribute("data-signature");
  const modesBefore = await attr(page, "data-modes");
  await page.getByTestId("gen-play").click();
  await expect.poll(() => attr(page, "data-modes"), { timeout: 300_000, interval: 1000 }).toBeGreaterThanOrEqual(Math.max(modesBefore + 2, 4));
  await page.getByTestId("gen-play").click(); // pause
  expect(await attr(page, "data-view-step")).toBeGreaterThan(0);
  expect(await plane.getAttribute("data-signature")).not.toBe(before);
  expect(Number(await page.locator("dl-gen-curves").getAttribute("data-points"))).toBeGreaterThan(0);
  await expect.poll(() => page.getByTestId("gen-health").textContent()).toMatch(/Healthy|collapse|won|exploding/);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.screenshot({ path: "test-results/gen1-gan-2d.png", fullPage: true });
  await page.screenshot({ path: "test-results/gen1-gan-2d-view.png" }); // the first screen (README's docs/generative.png)
  expect(errors).toEqual([]);
}, 420_000);

it("(2) the MNIST DCGAN preset shows a live samples grid", async () => {
  const { page, errors } = await openGenerative();
  await page.getByTestId("gen-preset").selectOption("dcgan-mnist");
  await page.getByTestId("gen-batch").selectOption("16");
  await expect.poll(() => page.getByTestId("samples-grid").getAttribute("data-count"), { timeout: 180_000 }).toBe("36");
  await expect.poll(() => view(page).getAttribute("data-view-step"), { timeout: 60_000 }).toBe("0");
  const before = await page.getByTestId("samples-grid").getAttribute("data-signature");
  await page.getByTestId("gen-play").click();
  await expect.poll(() => attr(page, "data-view-step"), { timeout: 300_000, interval: 1000 }).toBeGreaterThanOrEqual(1);
  await page.getByTestId("gen-play").click(); // pause: the view of the last iteration follows
  const iterations = async () => Number(await page.getByTestId("gen-step-count").textContent());
  await expect.poll(async () => (await attr(page, "data-view-step")) === (await iterations()), { timeout: 180_000, interval: 1000 }).toBe(true);
  expect(await page.getByTestId("samples-grid").getAttribute("data-signature")).not.toBe(before);
  expect(await page.getByTestId("interpolation").getAttribute("data-count")).toBe("10");
  await page.screenshot({ path: "test-results/gen2-dcgan.png", fullPage: true });
  expect(errors).toEqual([]);
}, 600_000);

it("(3) the autoencoder's latent plane appears and a click decodes an image", async () => {
  const { page, errors } = await openGenerative();
  await page.getByTestId("gen-preset").selectOption("autoencoder-2d");
  await expect.poll(() => page.getByTestId("latent-plane").getAttribute("data-points"), { timeout: 180_000 }).toBe("1000");
  await page.getByTestId("gen-play").click();
  await expect.poll(() => attr(page, "data-view-step"), { timeout: 240_000, interval: 1000 }).toBeGreaterThanOrEqual(100);
  await page.getByTestId("gen-play").click(); // pause
  const canvas = page.getByTestId("latent-plane").getByTestId("latent-canvas");
  const box = await canvas.boundingBox();
  if (!box) throw new Error("the latent plane has no box");
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.6);
  await expect.poll(() => page.getByTestId("decoded").getAttribute("data-count"), { timeout: 60_000 }).toBe("1");
  expect(await page.getByTestId("latent-plane").getAttribute("data-picked")).toMatch(/^-?\d+\.\d{3},-?\d+\.\d{3}$/);
  await page.screenshot({ path: "test-results/gen3-autoencoder.png", fullPage: true });
  expect(errors).toEqual([]);
}, 480_000);
