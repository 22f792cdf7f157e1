/**
 * Losses, initialisation and modes in the playground. Imbalanced moons (the rare class thinned to a
 * tenth): balanced class weights under cross-entropy, and a loss race of cross-entropy, balanced
 * cross-entropy, hinge and MSE on one-hot from the same weights on the same batches. A constant
 * initialisation: every hidden unit stays a copy of the others, which the weights view says, and
 * each weighted layer takes a learning-rate multiple. A dropout layer added in the builder: the
 * same validation examples in train mode and eval mode, their accuracies, one example's
 * probabilities per pass and both decision boundaries. A weights file as the model's starting point:
 * the hidden layers load, the head for another number of classes starts fresh, and a file that is
 * not safetensors is refused with the reason while the run goes on. No console errors.
 */
import { expect, it } from "vitest";
import { saveModel } from "../../src/io/checkpoint";
import { buildModel } from "../../src/nn/build";
import { withBackend } from "../../src/tensor/engine";
import { manualSeed } from "../../src/tensor/random";
import { defaultConfigFor } from "../../src/ui/state/experiment";
import { cpu32 } from "../helpers/backends";
import { accessibilityProblems, appNumber, open, untrained, useSession } from "./browser";

const session = useSession();

it("weighs a rare class and races the classification losses on imbalanced moons", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page.getByTestId("dataset").selectOption("moons");
  await untrained(page);
  const rare = page.getByRole("slider", { name: "Rare last class" });
  await rare.fill("0.1");
  await rare.dispatchEvent("change");
  await untrained(page);
  // The plotted points (training and test) of each class: about a tenth as many of class 1.
  const plotted = async (k: number) => Number(/· (\d+)$/.exec((await page.getByTestId(`class-count-${k}`).textContent()) ?? "")?.[1]);
  await expect.poll(async () => (await plotted(0)) / (await plotted(1)), { timeout: 10_000 }).toBeGreaterThan(6);
  const picker = page.getByTestId("loss-picker");
  await expect
    .poll(() => picker.locator("option").allTextContents(), { timeout: 10_000 })
    .toEqual(["Cross-entropy", "Multi-margin (hinge)", "Mean squared error on one-hot", "Binary cross-entropy (one logit)"]);
  await page.getByTestId("class-weights").selectOption("balanced");
  await untrained(page);
  await picker.selectOption("mseOneHot");
  await expect.poll(() => page.getByTestId("class-weights").count(), { timeout: 10_000 }).toBe(0); // MSE takes no class weights
  await picker.selectOption("crossEntropy");
  await untrained(page);
  await page.getByTestId("tab-race").click();
  const race = page.locator("dl-race-tab");
  await race.getByTestId("race-losses").click();
  await expect
    .poll(() => race.getByTestId("race-trials").locator("li").allTextContents(), { timeout: 10_000 })
    .toEqual(["Cross-entropy", "Cross-entropy · balanced class weights", "Multi-margin (hinge)", "Mean squared error on one-hot"]);
  await race.getByTestId("race-start").click();
  await expect.poll(() => appNumber(page, "data-race-epochs"), { timeout: 240_000, interval: 500 }).toBeGreaterThanOrEqual(4 * 4); // epoch 0 and three more, each loss
  await race.getByTestId("race-start").click(); // pause
  expect(await race.getByTestId("race-table").getAttribute("data-rows")).toBe("4");
  expect(await race.getByTestId("metric-chart-accuracy").getAttribute("data-series")).toBe("4");
  expect(await race.getByTestId("race-note").textContent()).toMatch(/compare the accuracy curves/);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.screenshot({ path: "test-results/losses-race.png", fullPage: true });
  expect(errors).toEqual([]);
}, 400_000);

it("shows the symmetry problem of a constant initialisation, and takes a learning-rate multiple per layer", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  const builder = page.getByTestId("train-builder");
  await builder.getByTestId("init").selectOption("constant");
  await untrained(page);
  const lrScale = builder.getByTestId("field-0-lrScale");
  await lrScale.fill("0.5");
  await lrScale.press("Enter");
  await untrained(page);
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(60);
  await page.getByTestId("play").click();
  const stats = page.locator("dl-layer-stats");
  await expect.poll(() => stats.getByTestId("units-0.weight").textContent(), { timeout: 60_000 }).toMatch(/all 16 units identical/);
  await expect.poll(() => stats.getByTestId("units-2.weight").textContent(), { timeout: 60_000 }).toMatch(/all 16 units identical/);
  expect(await stats.getByTestId("units-4.weight").textContent()).toMatch(/3 units, all different/); // the output units: one per class
  await page.screenshot({ path: "test-results/init-constant.png", fullPage: true });
  // Random initialisation breaks the symmetry.
  await builder.getByTestId("init").selectOption("default");
  await page.getByTestId("reset").click();
  await untrained(page);
  await expect.poll(() => stats.getByTestId("units-0.weight").textContent(), { timeout: 60_000 }).toMatch(/16 units, all different/);
  expect(errors).toEqual([]);
}, 300_000);

it("runs the same inputs through a dropout model in train mode and in eval mode", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page.getByTestId("dataset").selectOption("moons");
  await untrained(page);
  expect(await page.getByTestId("modes-view").count()).toBe(0); // no dropout, no batch norm: nothing differs
  const builder = page.getByTestId("train-builder");
  await builder.getByTestId("insert-1").click();
  await builder.getByTestId("add-dropout").click();
  await untrained(page);
  const modes = page.getByTestId("modes-view");
  await expect.poll(() => modes.getAttribute("data-eval"), { timeout: 60_000 }).not.toBeNull();
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 180_000, interval: 500 }).toBeGreaterThanOrEqual(150);
  await page.getByTestId("play").click(); // pause: the test report, and the modes report with it, for the weights as they are
  await expect.poll(async () => Number(await modes.getAttribute("data-step")), { timeout: 60_000 }).toBeGreaterThanOrEqual(150);
  expect(await modes.locator("dl-boundary-plot").count()).toBe(2);
  expect(await modes.locator("circle").count()).toBe(2 * 8); // two classes, eight train-mode passes
  expect(await modes.getByTestId("boundary-plot").count()).toBe(2);
  for (const plot of await modes.getByTestId("boundary-plot").all()) expect(await plot.getAttribute("data-marked")).toMatch(/^-?[\d.e-]+,-?[\d.e-]+$/); // the example, ringed
  expect(await modes.textContent()).toMatch(/In train mode dropout zeroes a random share of the units/);
  expect(Number(await modes.getAttribute("data-eval"))).toBeGreaterThan(0.7);
  expect(Number(await modes.getAttribute("data-train"))).toBeGreaterThan(0.5);
  expect(Number(await modes.getAttribute("data-spread"))).toBeGreaterThan(0); // each pass drops other units: other probabilities
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.locator("section.card", { has: modes }).screenshot({ path: "test-results/train-vs-eval.png" });
  expect(errors).toEqual([]);
}, 400_000);

it("starts the model from a weights file: what fits loads, a new head starts fresh, and the card says which", async () => {
  // Weights of the spiral's model with a head for 5 classes (the page's spiral has 3).
  const spec = defaultConfigFor("spiral").model;
  const fiveClasses = { ...spec, layers: [...spec.layers.slice(0, -1), { type: "linear" as const, units: 5 }] };
  const bytes = await withBackend(cpu32, async () => {
    manualSeed(21);
    const { model } = buildModel(fiveClasses, [2]);
    const saved = await saveModel(model, fiveClasses, [2]);
    model.dispose();
    return saved;
  });
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page
    .getByTestId("init-weights-file")
    .setInputFiles({ name: "five-spirals.safetensors", mimeType: "application/octet-stream", buffer: Buffer.from(bytes) });
  const report = page.getByTestId("init-weights-report");
  await expect.poll(() => report.getAttribute("data-mismatched"), { timeout: 60_000 }).toBe("2");
  const hidden = spec.layers.filter((l) => l.type === "linear").length - 1;
  expect(Number(await report.getAttribute("data-loaded"))).toBe(2 * hidden);
  expect(await report.textContent()).toMatch(/kept as initialised, their shape differs: \d+\.weight \(\[5, \d+\] in the file, \[3, \d+\] here\)/);
  expect(await page.getByTestId("init-weights-name").textContent()).toMatch(/Starting from five-spirals\.safetensors/);
  await untrained(page);
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(30);
  await page.getByTestId("play").click();
  await page.getByTestId("train-builder").screenshot({ path: "test-results/init-weights-builder.png" });
  await page.locator("dl-init-weights").screenshot({ path: "test-results/init-weights.png" });
  // A file that is not safetensors: said, and the model goes on from its own weights.
  await page
    .getByTestId("init-weights-file")
    .setInputFiles({ name: "notes.safetensors", mimeType: "application/octet-stream", buffer: Buffer.from("not weights") });
  await expect
    .poll(() => page.getByTestId("init-weights-error").textContent(), { timeout: 60_000 })
    .toMatch(/notes\.safetensors: .*safetensors.*the model starts from its own initial weights/);
  await untrained(page);
  expect(errors).toEqual([]);
}, 300_000);
