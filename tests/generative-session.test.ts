/**
 * The Generative tab's worker session, run in Node with a post callback that transfers every
 * event's buffers as postMessage does: a 2-D GAN posts its plane (heatmap, points, arrows, modes),
 * streams D/G losses, judges its health, keeps a checkpoint and rolls back to it exactly; an image
 * GAN posts a samples grid, an interpolation strip and D's verdict histograms; a 2-D autoencoder
 * posts reconstructions and its latent plane and decodes a clicked point; a denoising autoencoder
 * shows the noisy inputs and a VAE samples its prior; a diverging GAN says so and continues from the
 * kept weights; bad configs and commands fail with the field named. Plus the health rules alone.
 */
import { describe, expect, it } from "vitest";
import type { GanStepEvent } from "../src/generative/gan-trainer";
import { ganHealth, HEALTH_WINDOW, spread } from "../src/generative/health";
import { GAN_2D } from "../src/generative/presets";
import { loadModel } from "../src/io/checkpoint";
import { tensor } from "../src/ops/creation";
import { memory, withBackend } from "../src/tensor/engine";
import type { GenerativeEvent } from "../src/worker/generative-protocol";
import { GenerativeSession } from "../src/worker/generative-session";
import { INTERPOLATION_FRAMES, PLANE_ARROWS, PLANE_GRID, PLANE_POINTS, SAMPLE_IMAGES, VERDICT_BINS, VERDICT_EXAMPLES } from "../src/worker/generative-views";
import { transferList } from "../src/worker/post";
import type { WorkerEvent } from "../src/worker/protocol";
import { cpu32, webgpu } from "./helpers/backends";

type Event = GenerativeEvent | { type: "error"; message: string };
type Of<T extends Event["type"]> = Extract<Event, { type: T }>;

function recorder() {
  const events: Event[] = [];
  const post = (e: Event) => {
    events.push(structuredClone(e, { transfer: transferList(e as WorkerEvent) }));
  };
  const of = <T extends Event["type"]>(type: T) => events.filter((e): e is Of<T> => e.type === type);
  const last = <T extends Event["type"]>(type: T) => of(type).at(-1) as Of<T>;
  const until = async (done: () => boolean, seconds = 60) => {
    const end = performance.now() + seconds * 1000;
    while (!done()) {
      if (performance.now() > end) throw new Error(`timed out; events: ${events.map((e) => e.type).join(" ")}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { events, post, of, last, until };
}

const relu = { type: "activation", fn: "relu" };
const ganRing = (overrides: Record<string, unknown> = {}) => ({
  ...GAN_2D,
  data: { name: "gaussian-ring", points: 1000, seed: 1 },
  training: { epochs: 40, batchSize: 64, seed: 1 },
  ...overrides,
});

describe("a 2-D GAN session", () => {
  it.each([
    ["CPU", async () => cpu32],
    ["WebGPU", webgpu],
  ])(
    "on %s: plane, losses, health, checkpoint and an exact rollback",
    async (_, make) => {
      const backend = await make();
      const r = recorder();
      const before = memory().tensors;
      const session = await GenerativeSession.load(ganRing(), { backend, post: r.post });
      const model = r.last("gen-model");
      expect(model.kind).toBe("gan");
      expect(model.iterationsPerEpoch).toBe(15); // 1,000 points in full batches of 64
      expect(model.networks.map((n) => n.role)).toEqual(["generator", "discriminator"]);
      expect(model.networks[0].inputShape).toEqual([2]);
      expect(model.networks[0].outputShape).toEqual([2]);
      expect(model.networks[1].outputShape).toEqual([1]);
      const first = r.last("gen-plane");
      expect(first.step).toBe(0);
      expect(first.heat.length).toBe(PLANE_GRID * PLANE_GRID);
      for (const v of first.heat) expect(v >= 0 && v <= 1).toBe(true);
      expect(first.real.length).toBe(PLANE_POINTS * 2);
      expect(first.fake.length).toBe(PLANE_POINTS * 2);
      expect(first.arrows.length).toBe(PLANE_ARROWS * 2);
      expect(first.arrows.some((v) => v !== 0)).toBe(true);
      expect(first.centres?.length).toBe(16);
      expect(first.modes?.total).toBe(8);
      expect(r.last("gen-state")).toMatchObject({ running: false, done: false });

      session.play();
      await r.until(() => r.of("gen-plane").some((p) => p.step >= 40) && r.of("gen-health").some((h) => h.checkpointStep !== null));
      await session.pause();
      await session.step(); // views on pause and step are not judged: the checkpoint stays behind
      await session.step();
      const steps = r.of("gen-steps");
      expect(steps[0].names).toEqual(["dLoss", "gLoss", "dRealAccuracy", "dFakeAccuracy"]);
      const all = steps.flatMap((s) => [...s.steps]);
      expect(all).toEqual(all.map((_, i) => i + 1)); // every iteration, in order, once
      for (const s of steps) for (const column of s.values) expect(column.length).toBe(s.steps.length);
      const health = r.last("gen-health");
      expect(health.status).toBe("ok");
      const checkpoint = health.checkpointStep as number;
      const atCheckpoint = r.of("gen-plane").find((p) => p.step === checkpoint);
      expect(atCheckpoint).toBeDefined();
      const paused = r.last("gen-plane");
      expect(paused.step).toBeGreaterThan(checkpoint);
      expect(paused.fake).not.toEqual(atCheckpoint?.fake); // training moved the samples on

      await session.rollback();
      const rolled = r.last("gen-plane");
      expect(rolled.fake).toEqual(atCheckpoint?.fake); // the same weights: the same samples, to the bit
      expect(rolled.heat).toEqual(atCheckpoint?.heat);
      expect(r.last("gen-health")).toMatchObject({ status: "ok", checkpointStep: checkpoint });
      await session.step(); // and training goes on from there
      expect(r.last("gen-plane").step).toBe(paused.step + 1);
      await session.dispose();
      expect(memory().tensors).toBe(before);
    },
    180_000,
  );

  it("reports a divergence, keeps finite weights and continues on play", async () => {
    const r = recorder();
    const session = await GenerativeSession.load(ganRing({ optimizer: { name: "sgd", lr: 10 } }), { backend: cpu32, post: r.post });
    session.play();
    await r.until(() => r.of("gen-state").some((s) => s.done));
    const health = r.last("gen-health");
    expect(health.status).toBe("diverged");
    expect(health.message).toMatch(
      /diverged.*the learning rate \(the generator's SGD 10 and the discriminator's SGD 10\) is too high: lower it \(try 1 and 1\)/,
    );
    expect(r.last("gen-plane").fake.every(Number.isFinite)).toBe(true);
    const done = r.of("gen-state").length;
    session.play(); // a fresh loop over the kept weights
    expect(r.of("gen-state").length).toBe(done + 1);
    expect(r.last("gen-state").done).toBe(false);
    await session.dispose();
  }, 60_000);
});

const tinyImageGan = {
  data: { name: "mnist", trainLimit: 64, testLimit: 16, seed: 1 },
  generative: {
    kind: "gan",
    latent: 8,
    generator: {
      layers: [
        { type: "linear", units: 4 * 7 * 7 },
        relu,
        { type: "unflatten", channels: 4, height: 7, width: 7 },
        { type: "upsample", scale: 4 },
        { type: "conv2d", filters: 1, kernel: 3, padding: 1 },
        { type: "activation", fn: "tanh" },
      ],
    },
    discriminator: {
      layers: [
        { type: "conv2d", filters: 4, kernel: 4, stride: 4 },
        { type: "activation", fn: "leakyRelu", slope: 0.2 },
        { type: "flatten" },
        { type: "linear", units: 1 },
      ],
    },
  },
  optimizer: { name: "adam", lr: 0.001 },
  training: { epochs: 1, batchSize: 16, seed: 1 },
};

it("an image GAN session posts the samples grid, the interpolation strip and D's verdicts", async () => {
  const r = recorder();
  const session = await GenerativeSession.load(tinyImageGan, { backend: cpu32, post: r.post });
  const first = r.last("gen-samples");
  expect(first.samples).toMatchObject({ count: SAMPLE_IMAGES, height: 28, width: 28 });
  expect(first.samples.pixels.length).toBe(SAMPLE_IMAGES * 784);
  expect(first.interpolation.count).toBe(INTERPOLATION_FRAMES);
  expect(first.dReal.length).toBe(VERDICT_BINS);
  expect(first.dReal.reduce((a, b) => a + b, 0)).toBe(Math.min(VERDICT_EXAMPLES, 64));
  expect(first.dFake.reduce((a, b) => a + b, 0)).toBe(VERDICT_EXAMPLES);
  // The strip's ends are the grid's first two samples (fixed latents 0 and 1).
  expect(first.interpolation.pixels.subarray(0, 784)).toEqual(first.samples.pixels.subarray(0, 784));
  expect(first.interpolation.pixels.subarray(9 * 784)).toEqual(first.samples.pixels.subarray(784, 2 * 784));
  await session.step();
  const next = r.last("gen-samples");
  expect(next.step).toBe(1);
  expect(next.samples.pixels).not.toEqual(first.samples.pixels);
  await session.dispose();
}, 60_000);

const mnistSmall = { name: "mnist", trainLimit: 256, testLimit: 200, seed: 1 };

describe("autoencoder sessions", () => {
  it("a 2-D autoencoder shows reconstructions and its latent plane, and decodes a clicked point", async () => {
    const r = recorder();
    const ae = {
      data: mnistSmall,
      generative: {
        kind: "autoencoder",
        latent: 2,
        encoder: { layers: [{ type: "flatten" }, { type: "linear", units: 32 }, relu, { type: "linear", units: 2 }] },
        decoder: {
          layers: [
            { type: "linear", units: 32 },
            relu,
            { type: "linear", units: 784 },
            { type: "activation", fn: "sigmoid" },
            { type: "unflatten", channels: 1, height: 28, width: 28 },
          ],
        },
      },
      optimizer: { name: "adam", lr: 0.005 },
      training: { epochs: 1, batchSize: 32, seed: 1 },
    };
    const session = await GenerativeSession.load(ae, { backend: cpu32, post: r.post });
    const view = r.last("gen-reconstruction");
    expect(view.inputs.count).toBe(10);
    expect(view.outputs.count).toBe(10);
    expect(view.noisy).toBeUndefined();
    expect(view.latent?.points.length).toBe(400);
    expect(view.latent?.labels.length).toBe(200);
    expect(view.latent?.classNames).toHaveLength(10);
    const [x0, x1, y0, y1] = view.latent?.bounds ?? [0, 0, 0, 0];
    expect(x1).toBeGreaterThan(x0);
    expect(y1).toBeGreaterThan(y0);
    session.play();
    await r.until(() => r.of("gen-state").some((s) => s.done));
    expect(r.last("gen-reconstruction").step).toBe(8);
    const epoch = r.last("gen-epoch"); // the epoch's test scores, for the tab's status line
    expect(epoch).toMatchObject({ epoch: 1, step: 8 });
    expect(epoch.test?.mse).toBeGreaterThan(0);
    expect(epoch.test?.baselineMse).toBeGreaterThan(0.03); // MNIST's pixels vary about their mean image by ~0.07
    expect(epoch.test?.elbo).toBeUndefined();
    await session.decode([0.5, -0.25]);
    const decoded = r.last("gen-decoded");
    expect(decoded.latent).toEqual([0.5, -0.25]);
    expect(decoded.image).toMatchObject({ count: 1, height: 28, width: 28 });
    expect(decoded.image.pixels.some((p) => p > 0)).toBe(true);
    await expect(session.decode([Number.NaN, 0])).rejects.toThrow(/two finite numbers/);
    // Export: each network's weights with its spec, and a PyTorch script that loads them.
    await session.export();
    const files = r.last("gen-exported").files;
    expect(files.map((f) => f.name)).toEqual(["encoder.safetensors", "encoder.py", "decoder.safetensors", "decoder.py"]);
    const decoder = loadModel(files[2].contents as Uint8Array, { backend: cpu32 });
    expect(decoder.spec).toEqual(ae.generative.decoder);
    expect(decoder.inputShape).toEqual([2]);
    const out = withBackend(cpu32, () => decoder.model.eval().forward(tensor([[0.5, -0.25]])));
    const image = Uint8Array.from(await out.data(), (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
    expect(image).toEqual(decoded.image.pixels); // the exported decoder draws what the session decoded
    expect(files[3].contents).toMatch(/class Decoder/);
    decoder.model.dispose();
    await session.dispose();
  }, 60_000);

  it("a denoising autoencoder shows its noisy inputs; a VAE samples its prior; a GAN cannot decode", async () => {
    const r = recorder();
    const layers = (units: number) => ({ layers: [{ type: "flatten" }, { type: "linear", units }] });
    const decoder = {
      layers: [
        { type: "linear", units: 784 },
        { type: "activation", fn: "sigmoid" },
        { type: "unflatten", channels: 1, height: 28, width: 28 },
      ],
    };
    const base = { data: mnistSmall, optimizer: { name: "adam", lr: 0.001 }, training: { epochs: 1, batchSize: 64, seed: 1 } };
    const denoising = await GenerativeSession.load(
      { ...base, generative: { kind: "autoencoder", latent: 8, noise: 0.3, encoder: layers(8), decoder } },
      { backend: cpu32, post: r.post },
    );
    const view = r.last("gen-reconstruction");
    expect(view.noisy?.count).toBe(10);
    expect(view.noisy?.pixels).not.toEqual(view.inputs.pixels);
    await expect(denoising.decode([0, 0])).rejects.toThrow(/2-D latent/);
    await denoising.dispose();
    const vae = await GenerativeSession.load(
      { ...base, generative: { kind: "vae", latent: 4, encoder: layers(8), decoder } },
      { backend: cpu32, post: r.post },
    );
    expect(r.last("gen-reconstruction").prior?.count).toBe(10);
    expect(r.last("gen-reconstruction").latent).toBeUndefined();
    await vae.dispose();
  }, 60_000);
});

it("a bad config fails with the network and layer named", async () => {
  const r = recorder();
  const bad = { ...GAN_2D, generative: { ...GAN_2D.generative, generator: { layers: [{ type: "linear", units: 3 }] } } };
  await expect(GenerativeSession.load(bad, { backend: cpu32, post: r.post })).rejects.toThrow(/generator/);
  await expect(GenerativeSession.load({ data: { name: "nowhere" } }, { backend: cpu32, post: r.post })).rejects.toThrow(/config/);
});

describe("GAN health", () => {
  const iteration = (e: Partial<GanStepEvent>): GanStepEvent => ({ epoch: 1, step: 1, dLoss: 1.2, gLoss: 0.8, dRealAccuracy: 0.6, dFakeAccuracy: 0.55, ...e });
  const many = (e: Partial<GanStepEvent>) => Array.from({ length: HEALTH_WINDOW }, () => iteration(e));

  it("calls a balanced game healthy, and needs a full window for the loss rules", () => {
    const fine = { ratio: 0.9, peak: 0.9 };
    expect(ganHealth(many({}), fine).status).toBe("ok");
    expect(ganHealth(many({ dRealAccuracy: 1, dFakeAccuracy: 1 }).slice(1), fine).status).toBe("ok");
  });

  it("names a winning discriminator, an exploding generator loss and a collapse, each with what to try", () => {
    const fine = { ratio: 0.9, peak: 0.9 };
    const wins = ganHealth(many({ dLoss: 0.01, dRealAccuracy: 1, dFakeAccuracy: 0.995 }), fine);
    expect(wins.status).toBe("discriminator-wins");
    expect(wins.message).toMatch(/label smoothing/);
    const explodes = ganHealth(many({ gLoss: 12, dRealAccuracy: 0.9 }), fine);
    expect(explodes.status).toBe("generator-explodes");
    expect(explodes.message).toMatch(/12\.0/);
    const collapse = ganHealth(many({}), { ratio: 0.05, peak: 0.8 });
    expect(collapse.status).toBe("collapse");
    expect(collapse.message).toMatch(/5% of the real data's, down from 80%/);
    // An untrained generator starts bunched: not a collapse until it has spread, or after long training.
    expect(ganHealth(many({ step: 30 }), { ratio: 0.05, peak: 0.05 }).status).toBe("ok");
    expect(ganHealth(many({ step: 1000 }), { ratio: 0.05, peak: 0.05 }).status).toBe("collapse");
  });

  it("measures spread as the root mean squared distance to the mean", () => {
    expect(spread([0, 0, 2, 0], 2)).toBeCloseTo(1); // two points 2 apart: each 1 from the mean
    expect(spread([1, 1, 1, 1, 1, 1], 3)).toBe(0);
  });
});
