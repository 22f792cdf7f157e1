/**
 * Sequence data in the playground, on the wasm backend (the WGSL recurrent kernels are tested by the
 * registry suites): the data panel previews token strings and series (the adding problem's marked
 * steps as dots), the builder starts from the data's sequence preset and offers the sequence layers,
 * and an LSTM learns balanced brackets to 90% test accuracy; inside the sequence, the gradient by
 * step, the hidden state and the LSTM's gates are drawn, and a transformer's attention per head on
 * string reversal; a character model of names draws names at a temperature, and one of Moby-Dick
 * passages that change as it trains. The adding problem's architecture race (RNN, LSTM, GRU, 1-D
 * CNN, transformer in lock-step) draws a curve per entry, the LSTM's gradient reaches back over all
 * 30 steps and its gate heatmaps change as it trains. No console errors.
 */
import { expect, it } from "vitest";
import { accessibilityProblems, appNumber, open, untrained, useSession } from "./browser";

const session = useSession();

it("previews sequences, builds from the sequence presets and trains an LSTM on balanced brackets", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page.getByTestId("dataset").selectOption("adding");
  await untrained(page);
  const series = page.locator("dl-data-preview svg.spark").first();
  expect(await series.getAttribute("aria-label")).toMatch(/^A series of 30 steps, steps \d+ and \d+ marked$/);
  // A longer sequence: the length setting reloads the data, and the model reads 60 steps.
  await page.getByRole("slider", { name: "Length (steps)" }).fill("60");
  await page.getByRole("slider", { name: "Length (steps)" }).dispatchEvent("change");
  await expect.poll(() => series.getAttribute("aria-label"), { timeout: 60_000 }).toMatch(/^A series of 60 steps/);
  await untrained(page);
  expect(await page.getByTestId("train-builder").getByTestId("layer-input").textContent()).toMatch(/60 steps × 2/);
  await page.getByTestId("dataset").selectOption("brackets");
  await untrained(page);
  const lines = await page.locator("dl-data-preview code.tokens").allTextContents();
  expect(lines.length).toBeGreaterThan(3);
  for (const line of lines) expect(line).toMatch(/^[()]{16}$/);
  const builder = page.getByTestId("train-builder");
  expect(await builder.getByTestId("preset").locator("option:checked").textContent()).toBe("LSTM · 64");
  await builder.getByTestId("add-layer").click();
  await expect.poll(() => builder.getByTestId("add-gru").isVisible()).toBe(true);
  await page.keyboard.press("Escape");
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-test-accuracy"), { timeout: 240_000, interval: 1000 }).toBeGreaterThanOrEqual(0.9);
  await page.getByTestId("play").click(); // pause: the inside report follows
  // Inside the sequence: the gradient over the 16 steps, the LSTM's hidden state and its four gate maps.
  await expect.poll(() => page.getByTestId("step-gradients").locator("span").count(), { timeout: 60_000 }).toBe(16);
  expect(await page.getByTestId("hidden-state").isVisible()).toBe(true);
  expect(await page.getByTestId("lstm-gates").locator("figure").count()).toBe(4);
  expect(await page.getByTestId("sequence-prediction").textContent()).toMatch(/(unbalanced|balanced) ✓/);
  await page.getByTestId("sequence-next").click(); // another test sequence, reported at once
  await expect.poll(() => page.getByTestId("sequence-index").textContent(), { timeout: 60_000 }).toBe("2");
  await page.screenshot({ path: "test-results/sequences-brackets.png", fullPage: true });
  // A transformer on string reversal: one attention map per head.
  await page.getByTestId("dataset").selectOption("reverse");
  await untrained(page);
  expect(await builder.getByTestId("preset").locator("option:checked").textContent()).toBe("Tiny transformer");
  await expect.poll(() => page.getByTestId("attention-maps").locator("figure").count(), { timeout: 60_000 }).toBe(4);
  expect(await page.getByTestId("sequence-prediction").locator("b").count()).toBe(24); // 12 predicted, 12 true
  await page.screenshot({ path: "test-results/sequences-reverse.png", fullPage: true });
  // A character model of names: train a little, then draw names at a temperature.
  await page.getByTestId("dataset").selectOption("names-lm");
  await untrained(page);
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(60);
  await page.getByTestId("sample").click(); // while training: the trainer waits for the draw
  await expect.poll(() => page.getByTestId("samples").locator("code").count(), { timeout: 60_000 }).toBe(12);
  for (const name of await page.getByTestId("samples").locator("code").allTextContents()) expect(name).toMatch(/^([a-z-]+|\(empty\))$/);
  await page.getByTestId("play").click(); // pause
  await page.screenshot({ path: "test-results/sequences-names.png", fullPage: true });
  expect(errors).toEqual([]);
}, 400_000);

it("races RNN, LSTM, GRU, 1-D CNN and transformer on the adding problem, and samples Moby-Dick as it learns", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page.getByTestId("dataset").selectOption("adding");
  await untrained(page);
  await page.getByTestId("tab-race").click();
  const race = page.locator("dl-race-tab");
  await race.getByTestId("race-architectures").click();
  const architectures = async () => (await race.locator(".entry .name").allTextContents()).map((l) => l.split(" — ")[0]);
  await expect.poll(architectures, { timeout: 10_000 }).toEqual(["RNN · 64", "LSTM · 64", "GRU · 64", "1-D CNN", "Tiny transformer"]);
  expect(await race.getByTestId("race-model-1").locator("option:checked").textContent()).toBe("LSTM · 64");
  await race.getByTestId("race-start").click();
  await expect.poll(() => appNumber(page, "data-race-epochs"), { timeout: 240_000, interval: 500 }).toBeGreaterThanOrEqual(15); // epoch 0 and two more, each entry
  await race.getByTestId("race-start").click(); // pause
  expect(await race.getByTestId("metric-chart-loss").getAttribute("data-series")).toBe("5");
  expect(await race.getByTestId("metric-chart-accuracy").count()).toBe(0); // a regression task: no accuracy to race
  expect(await race.getByTestId("race-table").getAttribute("data-rows")).toBe("5");
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.screenshot({ path: "test-results/sequences-race.png", fullPage: true });
  // The LSTM in the Train tab: its gradient by step covers every one of the 30 steps.
  await page.getByTestId("tab-train").click();
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(40);
  await page.getByTestId("play").click();
  await expect.poll(() => page.getByTestId("step-gradients").locator("span").count(), { timeout: 60_000 }).toBe(30);
  // The gate heatmaps follow the training: drawn again, different, after more steps.
  const forgetGate = () => page.getByTestId("lstm-gates").locator("img").nth(1).getAttribute("src");
  const gatesBefore = await forgetGate();
  const stepBefore = await appNumber(page, "data-step");
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(stepBefore + 40);
  await page.getByTestId("play").click();
  await expect.poll(forgetGate, { timeout: 60_000 }).not.toBe(gatesBefore);
  // Moby-Dick: passages drawn before training are noise; after some training they change.
  await page.getByTestId("dataset").selectOption("moby-dick");
  await untrained(page);
  const passages = () => page.getByTestId("samples").locator("code").allTextContents();
  await page.getByTestId("sample").click();
  await expect.poll(async () => (await passages()).length, { timeout: 60_000 }).toBe(2);
  const before = await passages();
  for (const p of before) expect(p).toMatch(/^[a-z .,;:!?'"-]{160}$/);
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(60);
  await page.getByTestId("sample").click();
  await expect.poll(passages, { timeout: 60_000 }).not.toEqual(before); // drawn again, from the trained model
  const after = await passages();
  expect(after).toHaveLength(2);
  for (const p of after) expect(p).toMatch(/^[a-z .,;:!?'"-]{160}$/);
  await page.getByTestId("play").click(); // pause
  await page.screenshot({ path: "test-results/sequences-moby.png", fullPage: true });
  expect(errors).toEqual([]);
}, 500_000);
