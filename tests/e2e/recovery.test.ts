/**
 * Recovering from what goes wrong while training, in Debian's Chromium with WebGPU (screenshots
 * under test-results/, looked at): (1) the GPU device lost mid-run (the worker's __loseDevice()
 * destroys it as a driver reset would) keeps the model, data, settings and curves, says so, and one
 * click goes on from the last saved step on a new GPU device, then, after a second loss, on the CPU (the wasm backend);
 * (2) a run with batch norm in the model that diverges stops with what happened and the likely cause,
 * puts back weights and batch-norm statistics (the test scores shown afterwards are finite), and
 * continues at a lower learning rate.
 */
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import type { ExperimentConfig } from "../../src/train/config";
import { defaultConfigFor, defaultExperiment, type Experiment } from "../../src/ui/state/experiment";
import { encodeExperiment } from "../../src/ui/state/url-state";
import { appNumber, open, ready, useSession } from "./browser";

const session = useSession();

async function link(change: (config: ExperimentConfig) => void): Promise<string> {
  const e: Experiment = defaultExperiment();
  change(e.config);
  return `#e=${await encodeExperiment(e)}`;
}

/** Destroys the worker's GPU device, as a driver reset would. */
async function loseDevice(page: Page): Promise<void> {
  const [worker] = page.workers();
  await worker.evaluate(() => (globalThis as unknown as { __loseDevice: () => void }).__loseDevice());
}

it("(1) a lost GPU device keeps the run and goes on from the last saved step, on a new device or the CPU", async () => {
  const { page, errors } = await open(session(), "", undefined, "webgpu"); // a GPU device to lose, whatever DL_TEST_BACKEND pins
  await ready(page);
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 60_000 }).toBeGreaterThan(40);
  await page.getByTestId("play").click(); // a pause saves the run
  await expect.poll(() => page.getByTestId("train-status").textContent()).toMatch(/Paused/);
  const saved = await appNumber(page, "data-step");
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 60_000 }).toBeGreaterThan(saved + 20);

  await loseDevice(page);
  const notice = page.getByTestId("device-lost");
  await expect
    .poll(() => notice.textContent(), { timeout: 30_000 })
    .toMatch(/The browser lost the GPU device \(.+\)\. Your data, model, settings and curves are kept\./);
  const from = Number((await notice.locator("b").textContent())?.replace(/,/g, ""));
  expect(from).toBeGreaterThanOrEqual(saved);
  expect(await page.getByTestId("play").isDisabled()).toBe(true);
  await page.screenshot({ path: "test-results/recovery-1-device-lost.png", fullPage: true });

  await page.getByTestId("continue-gpu").click();
  await expect.poll(() => page.getByTestId("device-lost").count()).toBe(0);
  await expect.poll(() => page.getByTestId("train-status").textContent(), { timeout: 60_000 }).toMatch(/Training/);
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 60_000 }).toBeGreaterThan(from + 20);
  expect(await page.getByTestId("backend").textContent()).toMatch(/WebGPU/);

  await loseDevice(page);
  await expect.poll(() => page.getByTestId("device-lost").count(), { timeout: 30_000 }).toBe(1);
  await page.getByTestId("continue-cpu").click();
  await expect.poll(() => page.getByTestId("backend").textContent(), { timeout: 60_000 }).toMatch(/^\s*WebAssembly · \d+ threads?\s*$/);
  const onCpu = await appNumber(page, "data-step");
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 60_000 }).toBeGreaterThan(onCpu + 20);
  await page.screenshot({ path: "test-results/recovery-1-on-cpu.png", fullPage: true });
  expect(errors).toEqual([]);
  await page.close();
});

it("(2) a diverging run with batch norm says why, puts back weights and statistics, and continues at a lower rate", async () => {
  const diverging = await link((c) => {
    Object.assign(c, defaultConfigFor("plane"));
    c.model = {
      layers: [{ type: "linear", units: 32 }, { type: "batchNorm" }, { type: "activation", fn: "relu" }, { type: "linear", units: 1 }],
    };
    c.optimizer = { name: "sgd", lr: 10 };
  });
  const { page, errors } = await open(session(), diverging);
  await ready(page);
  await page.getByTestId("play").click();
  const error = page.getByTestId("error");
  await expect
    .poll(() => error.textContent(), { timeout: 120_000 })
    .toMatch(
      /training diverged\. The weights and batch-norm statistics are back to those after step \d+\. Likely cause: the learning rate \(SGD 10\) is too high: lower it \(try 1\)/,
    );
  await expect.poll(() => page.getByTestId("play").textContent(), { timeout: 30_000 }).toMatch(/Continue/);
  // The scores of the weights put back are numbers, not NaN.
  const loss = (await page.locator("dl-results").getByTestId("loss").textContent())?.trim() ?? "";
  expect(loss).toMatch(/^[\d.]+(e[+-]?\d+)?$/);
  await page.screenshot({ path: "test-results/recovery-2-diverged.png", fullPage: true });
  await page.getByTestId("lr").fill("0.01");
  await page.getByTestId("lr").press("Enter");
  const stopped = await appNumber(page, "data-step");
  await page.getByTestId("play").click();
  await expect.poll(() => appNumber(page, "data-step"), { timeout: 60_000 }).toBeGreaterThan(stopped + 30);
  expect(await page.getByTestId("error").count()).toBe(0);
  expect(errors).toEqual([]);
  await page.close();
});
