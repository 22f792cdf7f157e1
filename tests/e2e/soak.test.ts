/**
 * A soak run in Debian's Chromium with WebGPU: the default spiral trains SOAK_STEPS steps (`npm run
 * test:soak` runs 10,000, about ten minutes here; the suite runs 600 to stay within CI's time) while
 * the flow samples the page. From the first fifth of the run to its end: the loss does not climb; the
 * floor of the worker's memory in each epoch (its live tensors, device buffers and bytes at their
 * lowest over the epoch's steps: without the transient second divergence snapshot or a report being
 * made, so what a leak would raise) comes back in the second half to no more than it was in the first;
 * the page's JS heap (after a garbage collection) grows by less than the curves it keeps, and the
 * page stays responsive: the time the page takes to answer a script, and the gaps between animation
 * frames, are measured throughout. (SwiftShader runs the WebGPU compute on the CPU in the same GPU
 * process that composites the page's frames, two cores for everything: frames wait behind training
 * steps there, so their bound is looser than a real GPU's would be; the page's own main thread must
 * stay quick.)
 */
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { defaultExperiment } from "../../src/ui/state/experiment";
import { encodeExperiment } from "../../src/ui/state/url-state";
import { appNumber, open, ready, useSession } from "./browser";

const STEPS = Number(process.env.SOAK_STEPS ?? 600);
const session = useSession();

/** The engine's memory as the page last heard it: live tensors, device buffers and bytes. */
async function engineMemory(page: Page): Promise<number[]> {
  return ((await page.locator("dl-app").getAttribute("data-engine-memory")) ?? "").split(" ").map(Number);
}

/** The page's JS heap after a full garbage collection, in bytes. */
async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
  await cdp.detach();
  return usedSize;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

it(
  `trains ${STEPS.toLocaleString("en-US")} steps with flat loss, memory and live objects, the page responsive throughout`,
  async () => {
    const e = defaultExperiment();
    const perEpoch = Math.ceil(384 / e.config.training.batchSize); // the default spiral: 480 training points, a fifth held out for validation
    e.config.training.epochs = Math.ceil(STEPS / perEpoch);
    const { page, errors } = await open(session(), `#e=${await encodeExperiment(e)}`);
    await ready(page);
    // Every gap between animation frames, from now on.
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[] };
      w.__frames = [];
      let last = performance.now();
      const tick = (now: number) => {
        w.__frames.push(now - last);
        last = now;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.getByTestId("play").click();
    const started = performance.now();
    const answers: number[] = [];
    const losses: { step: number; loss: number }[] = [];
    let early: { heap: number; step: number } | null = null;
    const memories: { step: number; memory: number[] }[] = [];
    for (;;) {
      const asked = performance.now();
      const step = await appNumber(page, "data-step");
      answers.push(performance.now() - asked);
      losses.push({ step, loss: await appNumber(page, "data-loss") });
      if (!early && step >= STEPS / 5) early = { heap: await heapAfterGc(page), step };
      const training = (await page.getByTestId("train-status").textContent())?.includes("Training");
      const memory = await engineMemory(page);
      if (training && step >= STEPS / 5 && memory.length === 3) memories.push({ step, memory });
      if ((await page.getByTestId("train-status").textContent())?.includes("Finished")) break;
      expect(performance.now() - started, "the soak run takes too long").toBeLessThan(40 * 60_000);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const seconds = (performance.now() - started) / 1000;
    const end = { heap: await heapAfterGc(page), step: await appNumber(page, "data-step") };
    // Floors vary a little from epoch to epoch (how many steps are in flight when one lands); a leak
    // lifts every later floor above all the early ones.
    const floors = (from: number, to: number, pick: (...xs: number[]) => number) =>
      [0, 1, 2].map((k) => pick(...memories.filter((m) => m.step >= from && m.step < to).map((m) => m.memory[k])));
    const engine = { firstHalfHighest: floors(0, STEPS / 2, Math.max), secondHalfLowest: floors(STEPS / 2, Number.POSITIVE_INFINITY, Math.min) };
    const frames = await page.evaluate(() => (window as unknown as { __frames: number[] }).__frames);
    const mean = (xs: { loss: number }[]) => xs.reduce((a, b) => a + b.loss, 0) / xs.length;
    const windowAt = (from: number, to: number) => losses.filter((l) => l.step >= from && l.step < to && Number.isFinite(l.loss));
    const earlyLoss = mean(windowAt(STEPS / 5, STEPS / 5 + STEPS / 10));
    const lateLoss = mean(windowAt(STEPS - STEPS / 10, STEPS + 1));
    const report = {
      steps: end.step,
      seconds: Math.round(seconds),
      stepsPerSecond: +(end.step / seconds).toFixed(1),
      loss: { early: +earlyLoss.toFixed(4), late: +lateLoss.toFixed(4) },
      engine,
      heapMB: { early: +((early?.heap ?? 0) / 1e6).toFixed(2), end: +(end.heap / 1e6).toFixed(2) },
      frameMs: {
        p50: +percentile(frames, 0.5).toFixed(1),
        p95: +percentile(frames, 0.95).toFixed(1),
        p99: +percentile(frames, 0.99).toFixed(1),
        max: +Math.max(...frames).toFixed(0),
        n: frames.length,
      },
      answerMs: { p95: Math.round(percentile(answers, 0.95)), max: Math.round(Math.max(...answers)) },
    };
    console.log(`soak: ${JSON.stringify(report)}`);
    expect(end.step).toBeGreaterThanOrEqual(STEPS);
    expect(lateLoss).toBeLessThanOrEqual(earlyLoss * 1.05); // the loss does not climb back
    expect(memories.length).toBeGreaterThan(10);
    for (const k of [0, 1, 2]) expect(engine.secondHalfLowest[k], "live tensors, device buffers and bytes").toBeLessThanOrEqual(engine.firstHalfHighest[k]);
    // The page keeps the curves (a few numbers a step); nothing else may grow.
    expect(end.heap - (early?.heap ?? 0)).toBeLessThan(64 * (end.step - (early?.step ?? 0)) + 2e6);
    expect(report.answerMs.p95).toBeLessThan(200); // the page's main thread answers at once
    expect(report.answerMs.max).toBeLessThan(1000);
    // Frames: SwiftShader composites in the GPU process that also runs every training step, on the same
    // two cores, so frames wait behind steps (83 ms p50, 267 ms p95 measured here over 2,000 steps); a
    // real GPU draws at the display's rate. The bound catches a page that stops drawing.
    expect(report.frameMs.p50).toBeLessThan(250);
    expect(report.frameMs.p95).toBeLessThan(1000);
    await page.screenshot({ path: "test-results/soak-end.png", fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  },
  45 * 60_000,
);
