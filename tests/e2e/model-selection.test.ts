/**
 * Model selection in the playground: Iris standardised from its training split (the preview shows
 * the rows after and before scaling), a validation split held out of the training data, and a
 * 5-fold cross-validation in the Race tab drawing a curve per fold and the mean ± std of the folds'
 * held-out accuracy; on noisy moons, a bagged ensemble of 5 drawing each member's decision boundary
 * beside the ensemble's, with its soft-vote, hard-vote and weighted accuracy against the mean member;
 * on MNIST, the digits the members split on, with every member's vote and the soft vote's; boosting
 * a weak learner on moons, round by round, with the points drawn by their weights.
 * A hyper-parameter search of 12 trials on the spiral, ranked by validation accuracy, whose best
 * settings apply to the Train tab in one click. Freezing layers in the builder: the lock on a row,
 * the frozen and trained parameter counts, and a run that trains with them frozen; its scores by
 * class (precision, recall, specificity, F1) and each class's ROC against the rest. The transfer study:
 * pretraining on digits 0-4, then digits 5-9 from 10, 25 and 50 labels four ways, in one chart and a
 * table. No console errors.
 */
import { expect, it } from "vitest";
import { accessibilityProblems, appNumber, open, untrained, useSession } from "./browser";

const session = useSession();

it("standardises Iris, holds out a validation split and cross-validates it in 5 folds", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page.getByTestId("dataset").selectOption("iris");
  await untrained(page);
  const preview = page.locator("dl-data-preview");
  expect(await preview.getByTestId("scaling-note").textContent()).toMatch(/standardised \(z-score.*fitted on the training split only/);
  expect(await preview.locator(".meta").last().textContent()).toMatch(/96 train · 24 validation · 30 test/);
  const firstCell = () => preview.locator("tbody tr").first().locator("td").first().textContent();
  const after = Number(await firstCell());
  await preview.getByTestId("show-raw").click();
  const before = Number(await firstCell());
  expect(before).toBeGreaterThan(4); // a sepal length in cm
  expect(Math.abs(after)).toBeLessThan(3); // in standard deviations from the training mean
  expect(await page.getByTestId("scale").inputValue()).toBe("standard");
  expect(await page.getByTestId("val-ratio").inputValue()).toBe("0.2");
  await page.screenshot({ path: "test-results/model-selection-iris.png", fullPage: true });
  // Five folds of the 120 training and validation flowers, in lock-step.
  await page.getByTestId("tab-race").click();
  const race = page.locator("dl-race-tab");
  await race.getByTestId("race-cross-validate").click();
  await expect.poll(() => race.getByTestId("race-folds").locator(".fold").count(), { timeout: 10_000 }).toBe(5);
  await race.getByTestId("race-start").click();
  await expect.poll(() => race.getByTestId("cv-summary").getAttribute("data-mean"), { timeout: 240_000, interval: 500 }).not.toBeNull();
  await expect.poll(() => appNumber(page, "data-race-epochs"), { timeout: 240_000, interval: 500 }).toBeGreaterThanOrEqual(5 * 6); // epoch 0 and five more, each fold
  await race.getByTestId("race-start").click(); // pause
  expect(Number(await race.getByTestId("cv-summary").getAttribute("data-mean"))).toBeGreaterThan(0.7);
  expect(await race.getByTestId("cv-summary").textContent()).toMatch(/Cross-validated accuracy: \d+\.\d% ± \d+\.\d%/);
  expect(await race.getByTestId("metric-chart-loss").getAttribute("data-series")).toBe("5");
  expect(await race.getByTestId("race-table").getAttribute("data-rows")).toBe("5");
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.screenshot({ path: "test-results/model-selection-folds.png", fullPage: true });
  expect(errors).toEqual([]);
}, 400_000);

it("bags an ensemble of 5 on noisy moons and draws each member's boundary beside the ensemble's", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page.getByTestId("dataset").selectOption("moons");
  await untrained(page);
  await page.getByRole("slider", { name: "Noise" }).fill("0.3");
  await page.getByRole("slider", { name: "Noise" }).dispatchEvent("change");
  await untrained(page);
  await page.getByTestId("tab-race").click();
  const race = page.locator("dl-race-tab");
  await race.getByTestId("race-bagging").click();
  await expect.poll(() => race.getByTestId("race-members").locator(".fold").count(), { timeout: 10_000 }).toBe(5);
  await race.getByTestId("race-start").click();
  await expect.poll(() => appNumber(page, "data-race-epochs"), { timeout: 240_000, interval: 500 }).toBeGreaterThanOrEqual(5 * 4); // epoch 0 and three more, each member
  await race.getByTestId("race-start").click(); // pause
  const summary = race.getByTestId("ensemble-summary");
  await expect.poll(() => summary.getAttribute("data-soft"), { timeout: 60_000 }).not.toBeNull();
  expect(await summary.textContent()).toMatch(/soft vote \d+\.\d% · hard vote \d+\.\d% · weighted \d+\.\d% — the mean member\s+\d+\.\d%/);
  expect(await race.getByTestId("ensemble-boundaries").locator("dl-boundary-plot").count()).toBe(6);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.screenshot({ path: "test-results/model-selection-ensemble.png", fullPage: true });
  expect(errors).toEqual([]);
}, 400_000);

it("shows the MNIST digits an ensemble's members split on, each member's vote and the soft vote's", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page.getByTestId("dataset").selectOption("mnist");
  await untrained(page);
  await page.getByTestId("tab-race").click();
  const race = page.locator("dl-race-tab");
  await race.getByTestId("race-ensemble").click();
  await expect.poll(() => race.getByTestId("race-members").locator(".fold").count(), { timeout: 10_000 }).toBe(5);
  await race.getByTestId("race-start").click();
  await expect.poll(() => appNumber(page, "data-race-epochs"), { timeout: 300_000, interval: 500 }).toBeGreaterThanOrEqual(5 * 2); // epoch 0 and one more, each member
  await race.getByTestId("race-start").click(); // pause
  const split = race.getByTestId("split-votes");
  await expect.poll(async () => Number(await split.getAttribute("data-count")), { timeout: 60_000 }).toBeGreaterThan(0);
  const first = split.locator("figure").first();
  expect(await first.locator(".votes i").count()).toBe(5); // one vote per member
  expect(await first.locator(".answer").textContent()).toMatch(/→ \d [✓✗]/);
  expect(await accessibilityProblems(page)).toEqual([]);
  await split.screenshot({ path: "test-results/model-selection-split-votes.png" });
  expect(errors).toEqual([]);
}, 400_000);

it("boosts a weak learner on moons round by round, drawing the points the next member will see most", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page.getByTestId("dataset").selectOption("moons");
  await untrained(page);
  // A weak learner: three hidden units.
  const units = page.getByTestId("train-builder").getByTestId("field-0-units");
  await units.fill("3");
  await units.press("Enter");
  await untrained(page);
  await page.getByTestId("tab-race").click();
  const boosting = page.getByTestId("boosting");
  await boosting.getByTestId("boost-rounds").fill("3");
  await boosting.getByTestId("boost-rounds").dispatchEvent("change");
  await boosting.getByTestId("boost-start").click();
  await expect.poll(() => boosting.getAttribute("data-running"), { timeout: 240_000, interval: 500 }).toBe("false");
  expect(await boosting.getByTestId("boost-error").count()).toBe(0);
  const rounds = Number(await boosting.getAttribute("data-rounds"));
  expect(rounds).toBeGreaterThanOrEqual(1);
  expect(await boosting.getByTestId("boost-table").locator("tbody tr").count()).toBe(rounds);
  // One boundary per member kept (a member no better than chance is not kept), and the boosted one.
  const stop = (await boosting.getByTestId("boost-stop").count()) ? await boosting.getByTestId("boost-stop").textContent() : "";
  const kept = stop?.includes("no better than chance") ? rounds - 1 : rounds;
  expect(await boosting.getByTestId("boost-members").locator("dl-boundary-plot").count()).toBe(kept);
  expect(await boosting.locator(".columns dl-boundary-plot").count()).toBe(kept > 0 ? 1 : 0);
  expect(await accessibilityProblems(page)).toEqual([]);
  await boosting.screenshot({ path: "test-results/model-selection-boosting.png" });
  expect(errors).toEqual([]);
}, 400_000);

it("searches 12 trials of the spiral side by side and applies the best to the Train tab", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page.getByTestId("tab-race").click();
  const race = page.locator("dl-race-tab");
  await race.getByTestId("race-search").click();
  await expect.poll(() => race.getByTestId("race-trials").locator("li").count(), { timeout: 10_000 }).toBe(12);
  await race.getByTestId("race-start").click();
  await expect.poll(() => appNumber(page, "data-race-epochs"), { timeout: 240_000, interval: 500 }).toBeGreaterThanOrEqual(12 * 4);
  await race.getByTestId("race-start").click(); // pause
  const best = race.getByTestId("search-best");
  await expect.poll(() => best.getAttribute("data-best"), { timeout: 60_000 }).not.toBeNull();
  const label = (await best.locator("b").textContent()) ?? "";
  const lr = /lr ([\d.e-]+)/.exec(label)?.[1];
  expect(lr).toBeDefined();
  expect(await race.getByTestId("search-plots").locator("figure").count()).toBe(3); // learning rate, weight decay, width
  await page.screenshot({ path: "test-results/model-selection-search.png", fullPage: true });
  await race.getByTestId("search-apply").click();
  await page.getByTestId("tab-train").click();
  await expect.poll(() => page.getByTestId("lr").inputValue(), { timeout: 10_000 }).toBe(lr);
  expect(errors).toEqual([]);
}, 400_000);

it("freezes layers in the builder and trains with them frozen", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  const builder = page.getByTestId("train-builder");
  expect(await builder.getByTestId("frozen-params").count()).toBe(0);
  await builder.getByTestId("freeze-0").click();
  await expect.poll(() => builder.getByTestId("freeze-0").getAttribute("aria-pressed"), { timeout: 10_000 }).toBe("true");
  const total = Number((await builder.getByTestId("total-params").textContent())?.replace(/,/g, ""));
  const frozen = Number(await builder.getByTestId("frozen-params").getAttribute("data-frozen"));
  expect(frozen).toBe(2 * 16 + 16); // the first Linear: 2 inputs to 16 units
  expect(await builder.getByTestId("frozen-params").textContent()).toContain(`${(total - frozen).toLocaleString("en-US")} trained`);
  expect(await builder.getByTestId("freeze-1").count()).toBe(0); // an activation has nothing to freeze
  await untrained(page); // reloaded with the lock
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(60);
  await page.getByTestId("play").click();
  // The test split's scores by class beside the confusion matrix, and each class's ROC against the rest.
  await expect.poll(() => page.getByTestId("class-metrics").getAttribute("data-classes"), { timeout: 60_000 }).toBe("3");
  expect(await page.getByTestId("class-metrics").locator("tr.macro").textContent()).toMatch(/Macro average(\s*[\d.]+%){4}/);
  await page.getByTestId("roc-class").selectOption("2");
  expect(await page.getByTestId("roc-class").locator("option:checked").textContent()).toMatch(/class 2 · AUC 0\.\d{3}|class 2 · AUC 1\.000/);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.screenshot({ path: "test-results/model-selection-frozen.png", fullPage: true });
  expect(errors).toEqual([]);
}, 300_000);

it("picks a loss that fits the task: one logit under binary cross-entropy for two classes, hinge, and MSE, L1 or Huber for regression", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page.getByTestId("dataset").selectOption("moons");
  await untrained(page);
  const picker = page.getByTestId("loss-picker");
  const options = () => picker.locator("option").allTextContents();
  await expect
    .poll(options, { timeout: 10_000 })
    .toEqual(["Cross-entropy", "Multi-margin (hinge)", "Mean squared error on one-hot", "Binary cross-entropy (one logit)"]);
  await picker.selectOption("bceWithLogits");
  await untrained(page);
  const output = page.getByTestId("train-builder").locator("li.row").last();
  await expect.poll(() => output.locator(".shape").textContent(), { timeout: 10_000 }).toBe("1"); // one logit
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-test-accuracy"), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(0.8);
  await page.getByTestId("play").click();
  await picker.selectOption("crossEntropy");
  await expect.poll(() => output.locator(".shape").textContent(), { timeout: 10_000 }).toBe("2"); // back to a score per class
  await page.getByTestId("dataset").selectOption("plane");
  await untrained(page);
  await expect.poll(options, { timeout: 10_000 }).toEqual(["Mean squared error", "Mean absolute error (L1)", "Huber"]); // drawn once the pick lands
  await picker.selectOption("huber");
  await expect
    .poll(() => page.locator("dl-training-panel small.hint").first().textContent(), { timeout: 10_000 })
    .toMatch(/Squared for small errors, absolute beyond 1/);
  expect(errors).toEqual([]);
}, 300_000);

it("runs the transfer study: pretraining on digits 0-4, then digits 5-9 from a few labels, four ways, in one chart", async () => {
  const { page, errors } = await open(session(), "", undefined, "wasm");
  await untrained(page);
  await page.getByTestId("tab-race").click();
  const study = page.getByTestId("transfer-study");
  await study.getByTestId("transfer-sizes").selectOption("0"); // 10, 25, 50 labelled examples
  await study.getByTestId("transfer-epochs").fill("5");
  await study.getByTestId("transfer-epochs").dispatchEvent("change");
  await study.getByTestId("transfer-pretrain").fill("400");
  await study.getByTestId("transfer-pretrain").dispatchEvent("change");
  await study.getByTestId("transfer-start").click();
  await expect.poll(() => study.getAttribute("data-done"), { timeout: 240_000, interval: 500 }).toBe("true");
  expect(await study.getByTestId("transfer-table").getAttribute("data-results")).toBe("12"); // 3 sizes x 4 ways
  expect(await study.locator("polyline").count()).toBe(4);
  expect(Number((await study.getByTestId("transfer-pretrained").textContent())?.replace("%", ""))).toBeGreaterThan(80);
  for (const row of await study.getByTestId("transfer-table").locator("tbody tr").all())
    expect(await row.locator("td").allTextContents()).toEqual(Array(4).fill(expect.stringMatching(/^\d+\.\d%$/)));
  expect(await accessibilityProblems(page)).toEqual([]);
  await study.screenshot({ path: "test-results/transfer-study.png" });
  expect(errors).toEqual([]);
}, 300_000);
