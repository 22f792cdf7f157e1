/**
 * What the page shows is what trains, in Debian's Chromium with WebGPU, each flow with a screenshot
 * under test-results/ and no console errors: (1) a model that cannot build refuses Train with the
 * reason, until it is fixed; "Your CSV" without a table does the same and stays in the picker; edits
 * made in one moment all count; (2) an
 * optimizer switched mid-run is listed as waiting for a reset (its fields lose the ⚡ mark) until a
 * reset; (3) a diverging run says so with short numbers and offers Continue; a finished run trains
 * more; (4) a reload resumes the run where it was, with its curves, and Weights ↓ on an untrained
 * model asks first; (5) on a phone no tab is wider than the screen and the Train controls stay in
 * reach; the tabs follow the arrow keys; axe-core finds no WCAG A/AA problem on any tab.
 */
import { expect, it } from "vitest";
import type { ExperimentConfig } from "../../src/train/config";
import { defaultConfigFor, defaultExperiment, type Experiment } from "../../src/ui/state/experiment";
import { encodeExperiment } from "../../src/ui/state/url-state";
import { accessibilityProblems, address, appNumber, open, ready, useSession } from "./browser";

const session = useSession();

const attr = appNumber;

/** The default experiment with `change` applied to its config, as a link path. */
async function link(change: (config: ExperimentConfig) => void): Promise<string> {
  const e: Experiment = defaultExperiment();
  change(e.config);
  return `#e=${await encodeExperiment(e)}`;
}

it("(1) refuses Train with the reason while the model or the CSV on screen cannot train", async () => {
  const broken = await link((c) => {
    c.model.layers.splice(4, 0, { type: "unflatten", channels: 2, height: 2, width: 2 });
  });
  const { page, errors } = await open(session(), broken);
  await expect.poll(() => page.getByTestId("blocked").textContent(), { timeout: 60_000 }).toMatch(/^Fix layer 5 to train: expects a vector of 8 values/);
  expect(await page.getByTestId("play").isDisabled()).toBe(true);
  await page.getByTestId("train-builder").getByTestId("preset").selectOption("relu-mlp");
  await expect.poll(() => page.getByTestId("blocked").count()).toBe(0);
  await ready(page);
  await page.locator("dl-run-controls").getByTestId("step").click();
  await expect.poll(() => attr(page, "data-step"), { timeout: 60_000 }).toBe(1);

  await page.getByTestId("dataset").selectOption("csv");
  await expect.poll(() => page.getByTestId("blocked").textContent()).toBe("Choose a CSV file to train on, or pick another dataset.");
  expect(await page.getByTestId("dataset").inputValue()).toBe("csv");
  expect(await page.getByTestId("play").isDisabled()).toBe(true);
  await page.getByTestId("csv-upload").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("a,b,label\n1,2,x\n3,oops,y\n") });
  await expect.poll(() => page.getByTestId("blocked").textContent()).toMatch(/^bad\.csv cannot be used: .*row 3/i);
  expect(await page.getByTestId("dataset").inputValue()).toBe("csv"); // not the spiral that the worker still holds
  await page.screenshot({ path: "test-results/honest-1-blocked.png", fullPage: true });
  await page.getByTestId("dataset").selectOption("moons");
  await expect.poll(() => page.getByTestId("blocked").count()).toBe(0);
  expect(await page.getByTestId("play").isDisabled()).toBe(false);
  // Edits made in one moment, before the page draws again, all count: each applies to the settings as
  // they are when it lands, not to the copy an element drew before the edit before it.
  const controls = [page.getByTestId("train-builder").getByTestId("preset"), page.getByTestId("lr"), page.getByTestId("batch-size")];
  const handles = await Promise.all(controls.map((c) => c.elementHandle()));
  await page.evaluate((elements) => {
    const values = ["tf-playground", "0.007", "64"];
    elements.forEach((element, i) => {
      (element as HTMLInputElement).value = values[i];
      element?.dispatchEvent(new Event("change", { bubbles: true, composed: true }));
    });
  }, handles);
  await expect.poll(() => Promise.all(controls.map((c) => c.inputValue()))).toEqual(["tf-playground", "0.007", "64"]);
  expect(await page.getByTestId("train-builder").getByTestId("total-params").textContent()).toBe("114"); // 2·8+8 + 8·8+8 + 8·2+2
  expect(errors).toEqual([]);
  await page.close();
});

it("(2) an optimizer switched mid-run waits for a reset, and says so beside Train", async () => {
  const { page, errors } = await open(session());
  await ready(page);
  await page.getByTestId("play").click();
  await expect.poll(() => attr(page, "data-step"), { timeout: 60_000 }).toBeGreaterThan(5);
  await page.getByTestId("optimizer").selectOption("sgd");
  await expect.poll(() => page.getByTestId("stale").textContent()).toMatch(/On reset: optimizer Adam → SGD\. The run on screen trains the previous settings/);
  expect(await page.locator("dl-training-panel").locator("label:has([data-testid=lr]) .bolt").count()).toBe(0); // not marked live
  await page.getByTestId("play").click(); // pause
  await page.getByTestId("stale").getByRole("button", { name: "Reset now" }).click();
  await expect.poll(() => page.getByTestId("stale").count()).toBe(0);
  await ready(page);
  expect(await page.locator("dl-training-panel").locator("label:has([data-testid=lr]) .bolt").count()).toBe(1);
  expect(errors).toEqual([]);
  await page.close();
});

it("(3) a diverging run says so in short numbers and offers to continue; a finished run trains more", async () => {
  const diverging = await link((c) => {
    Object.assign(c, defaultConfigFor("plane"));
    c.optimizer = { name: "sgd", lr: 10 }; // squared errors that grow six-fold a step: Infinity within a few dozen steps
  });
  const { page, errors } = await open(session(), diverging);
  await ready(page);
  await page.getByTestId("play").click();
  await expect.poll(() => page.getByTestId("error").textContent(), { timeout: 60_000 }).toMatch(/training diverged/);
  await expect.poll(() => page.getByTestId("play").textContent()).toMatch(/Continue/);
  const loss = (await page.locator("dl-results").getByTestId("loss").textContent())?.trim() ?? "";
  expect(loss.length).toBeLessThanOrEqual(9); // "4.76e+20", never 21 digits
  await page.screenshot({ path: "test-results/honest-3-diverged.png", fullPage: true });

  const short = await link((c) => {
    c.training.epochs = 2;
  });
  await page.goto(address(session(), short));
  await ready(page);
  await page.getByTestId("play").click();
  await expect.poll(() => page.getByTestId("play").textContent(), { timeout: 60_000 }).toMatch(/Train 2 more epochs/);
  const finishedAt = await attr(page, "data-step");
  expect(finishedAt).toBe(24); // 2 epochs of 12 batches (384 of the 480 training points: a fifth held out for validation)
  await page.getByTestId("play").click();
  await expect.poll(() => page.getByTestId("play").textContent(), { timeout: 60_000 }).toMatch(/Train 4 more epochs/); // epochs 2 -> 4: 4 more next
  await expect.poll(() => attr(page, "data-step")).toBe(48);
  expect(errors).toEqual([]);
  await page.close();
});

it("(4) a reload resumes the run where it was, with its curves; untrained weights are not downloaded without a word", async () => {
  const { page, errors } = await open(session());
  await ready(page);
  await page.getByTestId("download-weights").click();
  expect(await page.getByTestId("untrained-warning").textContent()).toMatch(/has not trained yet/);
  await page.getByTestId("untrained-warning").getByRole("button", { name: "Cancel" }).click();
  await page.getByTestId("play").click();
  await expect.poll(() => attr(page, "data-step"), { timeout: 60_000 }).toBeGreaterThanOrEqual(60);
  await page.getByTestId("play").click(); // pause: the run is saved
  await expect.poll(() => page.getByTestId("train-status").textContent()).toMatch(/Paused/);
  await page.waitForTimeout(1500); // the last losses in flight land, and the run's snapshot reaches IndexedDB
  const pausedAt = await attr(page, "data-step");
  const points = Number(await page.locator("dl-results").getByTestId("metric-chart-loss").getAttribute("data-points"));
  await page.reload();
  await expect.poll(() => page.getByTestId("resumed").textContent(), { timeout: 60_000 }).toMatch(/Resumed from the autosave at step/);
  expect(await attr(page, "data-step")).toBe(pausedAt);
  expect(Number(await page.locator("dl-results").getByTestId("metric-chart-loss").getAttribute("data-points"))).toBe(points);
  await page.getByTestId("play").click();
  await expect.poll(() => attr(page, "data-step"), { timeout: 60_000 }).toBeGreaterThan(pausedAt + 10);
  await page.getByTestId("play").click();
  await page.screenshot({ path: "test-results/honest-4-resumed.png", fullPage: true });
  expect(errors).toEqual([]);
  await page.close();
});

it("(5) on a phone every tab fits the screen and Train stays in reach; tabs follow the arrow keys; no accessibility problems", async () => {
  const { page, errors } = await open(session(), "", { width: 390, height: 844 });
  await ready(page);
  const overflow = () => page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
  expect(await overflow()).toBeLessThanOrEqual(390);
  expect(await page.locator("dl-train-tab").locator(".mobile-bar").isVisible()).toBe(true);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.screenshot({ path: "test-results/honest-5-phone-train.png" });
  await page.getByTestId("tab-train").focus();
  await page.keyboard.press("ArrowRight");
  await expect.poll(() => page.getByTestId("tab-race").getAttribute("aria-selected")).toBe("true");
  await expect.poll(() => page.locator("dl-race-tab").getByTestId("race-start").count(), { timeout: 30_000 }).toBe(1);
  expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.shadowRoot?.activeElement?.getAttribute("data-testid"))).toBe("tab-race");
  expect(await overflow()).toBeLessThanOrEqual(390);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.keyboard.press("ArrowRight");
  await expect.poll(() => page.locator("dl-generative-tab").getByTestId("gen-play").count(), { timeout: 30_000 }).toBe(1);
  await expect.poll(() => page.locator("dl-generative-tab").getAttribute("data-view-step"), { timeout: 120_000 }).toBe("0");
  expect(await overflow()).toBeLessThanOrEqual(390);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.screenshot({ path: "test-results/honest-5-phone-generative.png", fullPage: true });
  expect(errors).toEqual([]);
  await page.close();
});
