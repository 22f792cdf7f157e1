/**
 * The playground's user flows in Debian's Chromium with WebGPU (SwiftShader on a machine without a
 * GPU), each saving a screenshot under test-results/: (1) spiral + an MLP preset trains to ≥ 90%
 * test accuracy with the decision boundary drawn; (2) MNIST with a small CNN: the loss falls, the
 * predictions grid, confusion matrix and feature maps appear; (3) a race of SGD, momentum and Adam
 * draws three curves; (4) a copied link reopens the same experiment, and the autosave restores it
 * without the link; (5) a garbage link opens with a message and a working default, trained from the
 * keyboard; (6) the automatic choice of backend prefers WebAssembly to SwiftShader's emulated GPU,
 * says why, and trains. No flow may log a console error.
 */
import { expect, it } from "vitest";
import { accessibilityProblems, address, appNumber, open, ready, useSession } from "./browser";

const session = useSession();

const attr = appNumber;

it("(1) trains an MLP on the spiral to 90% test accuracy and draws the decision boundary", async () => {
  const { page, errors } = await open(session());
  await ready(page);
  await page.getByTestId("dataset").selectOption("moons");
  await page.getByTestId("dataset").selectOption("spiral");
  await page.getByTestId("preset").selectOption("relu-mlp");
  // Play at once, while the edit's reload is still pending: the new model must be the one that trains.
  await page.getByTestId("play").click();
  await expect.poll(() => page.getByTestId("train-builder").getByTestId("total-params").textContent()).toBe("1,251"); // 2·32+32 + 32·32+32 + 32·3+3
  await expect.poll(() => attr(page, "data-test-accuracy"), { timeout: 240_000, interval: 500 }).toBeGreaterThanOrEqual(0.9);
  await page.getByTestId("play").click(); // pause
  expect(await attr(page, "data-boundary-step")).toBeGreaterThan(0);
  expect(Number(await page.getByTestId("boundary-plot").getAttribute("data-points"))).toBeGreaterThanOrEqual(300);
  expect(await attr(page, "data-loss")).toBeLessThan((await attr(page, "data-first-loss")) * 0.5);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.screenshot({ path: "test-results/flow1-spiral.png", fullPage: true });
  expect(errors).toEqual([]);
});

it("(2) trains a small CNN on MNIST: the loss falls, predictions, confusion matrix and feature maps show", async () => {
  const { page, errors } = await open(session());
  await ready(page);
  await page.getByTestId("dataset").selectOption("mnist");
  await expect.poll(() => page.getByTestId("train-builder").getByTestId("layer-0").textContent(), { timeout: 30_000 }).toMatch(/conv/i);
  await page.getByLabel("Test images").selectOption("500"); // a quicker test evaluation
  await expect.poll(() => page.locator("dl-app").getAttribute("data-test-step"), { timeout: 120_000 }).toBe("0");
  await page.getByTestId("play").click();
  await expect.poll(() => attr(page, "data-step"), { timeout: 360_000, interval: 500 }).toBeGreaterThanOrEqual(40);
  await page.getByTestId("play").click(); // pause: the test report follows
  await expect.poll(() => attr(page, "data-test-step"), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(40);
  expect(await attr(page, "data-loss")).toBeLessThan((await attr(page, "data-first-loss")) * 0.7);
  expect(await attr(page, "data-test-accuracy")).toBeGreaterThan(0.5);
  expect(await page.getByTestId("prediction-grid").getAttribute("data-count")).toBe("48");
  expect(await page.getByTestId("confusion-matrix").getAttribute("data-classes")).toBe("10");
  await page.getByTestId("prediction-grid").locator("button.tile").first().click();
  await expect.poll(() => page.getByTestId("feature-maps").getAttribute("data-layers"), { timeout: 60_000 }).toMatch(/^[1-9]/);
  // A cell's examples beyond the 48 of the predictions grid come from the worker as images, not bare numbers.
  await page.getByTestId("confusion-matrix").locator('button[data-true="1"][data-predicted="1"]').click();
  const examples = page.getByTestId("confusion-examples");
  await expect.poll(() => examples.getAttribute("data-other"), { timeout: 60_000 }).toBe("0");
  expect(Number(await examples.getAttribute("data-shown"))).toBeGreaterThan(10);
  expect(await examples.locator("dl-pixel-image").count()).toBe(Number(await examples.getAttribute("data-shown")));
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.screenshot({ path: "test-results/flow2-mnist.png", fullPage: true });
  expect(errors).toEqual([]);
}, 600_000);

it("(3) races SGD, momentum and Adam and draws three curves", async () => {
  const { page, errors } = await open(session());
  await ready(page);
  await page.getByTestId("tab-race").click();
  await page.getByTestId("race-start").click();
  await expect.poll(() => attr(page, "data-race-epochs"), { timeout: 180_000, interval: 500 }).toBeGreaterThanOrEqual(9);
  await page.getByTestId("race-start").click(); // pause
  const race = page.locator("dl-race-tab");
  expect(await race.getByTestId("metric-chart-loss").getAttribute("data-series")).toBe("3");
  expect(await race.getByTestId("metric-chart-accuracy").getAttribute("data-series")).toBe("3");
  expect(await race.getByTestId("race-table").getAttribute("data-rows")).toBe("3");
  await page.screenshot({ path: "test-results/flow3-race.png", fullPage: true });
  expect(errors).toEqual([]);
});

it("(4) a copied link reopens the same experiment", async () => {
  const { page, errors } = await open(session());
  await ready(page);
  await page.getByTestId("dataset").selectOption("moons");
  await page.getByTestId("preset").selectOption("tf-playground");
  await page.getByTestId("lr").fill("0.007");
  await page.getByTestId("lr").press("Enter");
  await expect.poll(() => page.url(), { timeout: 10_000 }).toMatch(/#e=/);
  await expect.poll(() => page.getByTestId("train-builder").getByTestId("total-params").textContent(), { timeout: 30_000 }).toBe("114"); // 2·8+8 + 8·8+8 + 8·2+2
  await page.waitForTimeout(500); // the last edit's URL write
  const link = page.url();
  const second = await open(session(), link.slice(session().url.length));
  await ready(second.page);
  expect(await second.page.getByTestId("dataset").inputValue()).toBe("moons");
  expect(await second.page.getByTestId("lr").inputValue()).toBe("0.007");
  expect(await second.page.getByTestId("preset").inputValue()).toBe("tf-playground");
  expect(await second.page.getByTestId("train-builder").getByTestId("total-params").textContent()).toBe("114");
  await second.page.screenshot({ path: "test-results/flow4-link.png", fullPage: true });
  // The first page autosaved: opening the bare address (no link) in it restores the experiment.
  await page.goto(address(session()));
  await ready(page);
  expect(await page.getByTestId("dataset").inputValue()).toBe("moons");
  expect(await page.getByTestId("lr").inputValue()).toBe("0.007");
  expect(errors).toEqual([]);
  expect(second.errors).toEqual([]);
});

it("(5) a garbage link opens with a message and a working default", async () => {
  const { page, errors } = await open(session(), "#e=z.not-an-experiment!!");
  await expect.poll(() => page.getByTestId("notice").textContent(), { timeout: 30_000 }).toMatch(/could not be opened/);
  await ready(page);
  expect(await page.getByTestId("dataset").inputValue()).toBe("spiral");
  await page.locator("body").press("Space"); // the keyboard shortcut for play/pause
  await expect.poll(() => attr(page, "data-step"), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(30);
  await page.locator("body").press("Space");
  await page.screenshot({ path: "test-results/flow5-garbage-link.png", fullPage: true });
  expect(errors).toEqual([]);
});

it("(6) the automatic choice takes WebAssembly over SwiftShader's emulated GPU, says why, and trains", async () => {
  const { page, errors } = await open(session(), "", undefined, "auto");
  const badge = page.getByTestId("backend");
  await expect.poll(() => badge.textContent(), { timeout: 60_000 }).toMatch(/WebAssembly · \d+ threads?/);
  expect(await badge.getAttribute("title")).toMatch(/^wasm \(WebAssembly SIMD.*\): the only WebGPU adapter \(.*swiftshader.*\) emulates a GPU on the CPU/i);
  expect(await page.getByTestId("backend-note").textContent()).toMatch(/^No GPU for WebGPU: the only WebGPU adapter/);
  await expect.poll(() => page.locator("dl-app").getAttribute("data-test-step"), { timeout: 120_000 }).toBe("0");
  await page.getByTestId("play").click();
  await expect.poll(() => attr(page, "data-step"), { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(100);
  await page.getByTestId("play").click();
  expect(await attr(page, "data-loss")).toBeLessThan(await attr(page, "data-first-loss"));
  expect(errors).toEqual([]);
});
