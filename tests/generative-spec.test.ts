/**
 * Generative specs and configs: parsing errors that name the field; the pair checked against each
 * other and the data, naming the network and the layer to fix; the unflatten layer; every preset and
 * example config valid; the 2-D targets; and the modes-covered measure on samples with a known answer.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isGenerativeConfig, parseAnyConfig, parseGenerativeConfig, summarizeGenerative } from "../src/generative/config";
import { modeCoverage } from "../src/generative/modes";
import { GENERATIVE_PRESETS, mlpAutoencoder } from "../src/generative/presets";
import { checkGenerativeSpec, type GenerativeSpec, parseGenerativeSpec } from "../src/generative/spec";
import { gaussianGrid, gaussianRing, makeTarget, ringModes } from "../src/generative/targets";
import * as dl from "../src/index";
import { exportPyTorchScript } from "../src/io/pytorch-export";
import { buildModel } from "../src/nn/build";
import { summarizeModel } from "../src/nn/shapes";
import type { LayerSpec } from "../src/nn/spec";
import { withBackend } from "../src/tensor/engine";
import { parseConfig } from "../src/train/config";
import { cpu32 } from "./helpers/backends";

const linear = (units: number): LayerSpec => ({ type: "linear", units });
const relu: LayerSpec = { type: "activation", fn: "relu" };
const gan2d = (overrides: Partial<Extract<GenerativeSpec, { kind: "gan" }>> = {}): GenerativeSpec => ({
  kind: "gan",
  latent: 2,
  generator: { layers: [linear(16), relu, linear(2)] },
  discriminator: { layers: [linear(16), relu, linear(1)] },
  ...overrides,
});

/** DCGAN-like networks for 28x28 images; `lastStride` 1 leaves the generator at 14x14. */
function dcgan(lastStride: number): GenerativeSpec {
  return {
    kind: "gan",
    latent: 16,
    generator: {
      layers: [
        linear(32 * 7 * 7),
        relu,
        { type: "unflatten", channels: 32, height: 7, width: 7 },
        { type: "convTranspose2d", filters: 16, kernel: 4, stride: 2, padding: 1 },
        relu,
        lastStride === 2
          ? { type: "convTranspose2d", filters: 1, kernel: 4, stride: 2, padding: 1 }
          : { type: "convTranspose2d", filters: 1, kernel: 3, padding: 1 },
        { type: "activation", fn: "tanh" },
      ],
    },
    discriminator: { layers: [{ type: "conv2d", filters: 8, kernel: 4, stride: 2, padding: 1 }, relu, { type: "flatten" }, linear(1)] },
  };
}

describe("parsing a generative spec", () => {
  it("accepts a GAN, an autoencoder and a VAE", () => {
    expect(parseGenerativeSpec(gan2d({ loss: "hinge", dSteps: 2 })).kind).toBe("gan");
    const ae = { kind: "autoencoder", latent: 2, encoder: { layers: [linear(2)] }, decoder: { layers: [linear(2)] }, noise: 0.2 };
    expect(parseGenerativeSpec(ae)).toEqual(ae);
    expect(parseGenerativeSpec({ ...ae, kind: "vae", beta: 4, noise: undefined }).kind).toBe("vae");
  });

  it.each([
    [{ ...gan2d(), kind: "diffusion" }, 'kind: "diffusion" is not a generative kind; expected one of gan, autoencoder, vae'],
    [{ ...gan2d(), latent: 0 }, "latent: expected a whole number from 1 to 1,024, got 0"],
    [{ ...gan2d(), encoder: { layers: [] } }, "encoder: unknown key. A GAN takes kind, latent, generator, discriminator, loss"],
    [{ ...gan2d(), discriminator: undefined }, "discriminator: is required (a model)"],
    [{ ...gan2d(), loss: "wasserstein" }, 'loss: expected one of "minimax", "nonSaturating", "leastSquares", "hinge", got "wasserstein"'],
    [{ ...gan2d(), loss: "hinge", labelSmoothing: 0.1 }, "labelSmoothing: does not apply to the hinge loss"],
    [{ ...gan2d(), labelSmoothing: 1 }, "labelSmoothing: expected a number at least 0 and below 1, got 1"],
    [
      { ...gan2d(), generator: { layers: [linear(16), { type: "linear", units: 0 }] } },
      "generator: layer 2 linear units: expected a whole number from 1 to 65,536, got 0",
    ],
    [{ ...gan2d(), discriminator: [] }, "discriminator: expected an object (a model), got []"],
    [
      { kind: "vae", latent: 2, encoder: { layers: [linear(4)] }, decoder: { layers: [linear(2)] }, beta: -1 },
      "beta: expected a number from 0 to 1,000, got -1",
    ],
  ])("rejects a spec: %#", (spec, message) => {
    expect(() => parseGenerativeSpec(spec)).toThrow(message);
  });
});

describe("checking the pair against the data", () => {
  it("summarises both networks with their input and output shapes", () => {
    const [g, d] = checkGenerativeSpec(dcgan(2), [1, 28, 28]);
    expect([g.role, g.inputShape, g.outputShape]).toEqual(["generator", [16], [1, 28, 28]]);
    expect([d.role, d.inputShape, d.outputShape]).toEqual(["discriminator", [1, 28, 28], [1]]);
    expect(g.layers[2]).toMatchObject({ index: "3", type: "unflatten", outputShape: [32, 7, 7], params: 0 });
  });

  it.each<[string, GenerativeSpec, number[], string]>([
    [
      "a generator short of the image size",
      dcgan(1),
      [1, 28, 28],
      "generator layer 6 convTranspose2d: output 14x14 does not match the data's 28x28; change the kernel, stride or padding of the transposed convolutions",
    ],
    [
      "a generator of 3-D points for 2-D data",
      gan2d({ generator: { layers: [linear(8), relu, linear(3)] } }),
      [2],
      "generator layer 3 linear: output a vector of 3 does not match the data's vectors of 2; end with a layer that outputs 2 values",
    ],
    [
      "a discriminator with 10 outputs",
      gan2d({ discriminator: { layers: [linear(8), relu, linear(10), relu] } }),
      [2],
      "discriminator layer 3 linear: output a vector of 10 must be one logit per example; end with a linear layer of 1 unit",
    ],
    [
      "a discriminator left as an image",
      { ...dcgan(2), discriminator: { layers: [{ type: "conv2d", filters: 1, kernel: 3 }] } } as GenerativeSpec,
      [1, 28, 28],
      "discriminator layer 1 conv2d: output 1x26x26 must be one logit per example; end with a linear layer of 1 unit after a flatten layer",
    ],
    [
      "a decoder that forgets to unflatten",
      {
        kind: "autoencoder",
        latent: 4,
        encoder: { layers: [{ type: "flatten" }, linear(4)] },
        decoder: { layers: [linear(784), { type: "activation", fn: "sigmoid" }] },
      },
      [1, 28, 28],
      "decoder layer 1 linear: output a vector of 784 does not match the data's 1x28x28; add an unflatten layer (channels 1, height 28, width 28) at the end",
    ],
    [
      "a VAE encoder giving only the means",
      {
        kind: "vae",
        latent: 8,
        encoder: { layers: [{ type: "flatten" }, linear(8)] },
        decoder: { layers: [linear(784), { type: "unflatten", channels: 1, height: 28, width: 28 }] },
      },
      [1, 28, 28],
      "encoder layer 2 linear: output a vector of 8 must be 2 x latent = 16 values (the means, then the log-variances); end with a linear layer of 16 units",
    ],
    [
      "a layer error inside the discriminator",
      { ...dcgan(2), discriminator: { layers: [linear(1)] } } as GenerativeSpec,
      [1, 28, 28],
      "discriminator layer 1 linear: expects a vector but its input is a 1-channel 28x28 image; add a flatten layer before it",
    ],
  ])("names the network and the layer: %s", (_, spec, dataShape, message) => {
    expect(() => checkGenerativeSpec(spec, dataShape)).toThrow(message);
  });
});

describe("the unflatten layer", () => {
  it("builds, checks its input and exports as nn.Unflatten", async () => {
    const spec = { layers: [linear(12), { type: "unflatten", channels: 3, height: 2, width: 2 } as LayerSpec] };
    expect(summarizeModel(spec, [5]).outputShape).toEqual([3, 2, 2]);
    expect(() => summarizeModel(spec, [1, 4, 4])).toThrow("layer 1 linear: expects a vector");
    expect(() => summarizeModel({ layers: [linear(10), spec.layers[1]] }, [5])).toThrow(
      "layer 2 unflatten: expects a vector of 12 values (3x2x2) but its input is a vector of 10; set the layer before it to 12 units",
    );
    const shape = await withBackend(cpu32, async () => {
      dl.manualSeed(1);
      const { model } = buildModel(spec, [5]);
      const y = model.forward(dl.randn([4, 5]));
      return y.shape;
    });
    expect(shape).toEqual([4, 3, 2, 2]);
    expect(exportPyTorchScript(spec, [5])).toContain("nn.Unflatten(1, (3, 2, 2))");
  });
});

describe("generative configs", () => {
  const config = {
    data: { name: "gaussian-ring", points: 500 },
    generative: gan2d(),
    optimizer: { name: "adam", lr: 0.001 },
    training: { epochs: 1, batchSize: 50 },
  };

  it("parseAnyConfig reads both kinds; parseConfig points generative configs to it", () => {
    expect(isGenerativeConfig(config)).toBe(true);
    expect("generative" in parseAnyConfig(config)).toBe(true);
    const classifier = JSON.parse(readFileSync("examples/spiral-mlp.json", "utf8"));
    expect("model" in parseAnyConfig(classifier)).toBe(true);
    expect(() => parseConfig(config)).toThrow("config generative: this is a generative (GAN or autoencoder) config; read it with parseAnyConfig()");
  });

  it.each([
    [
      { ...config, data: { name: "iris" } },
      'config data.name: "iris" is not a dataset for a generative model; expected one of gaussian-ring, gaussian-grid, moons, spiral, mnist, fashion-mnist',
    ],
    [{ ...config, data: { name: "mnist", points: 5 } }, "config data.points: unknown key. The mnist data takes name, trainLimit, testLimit, seed"],
    [{ ...config, loss: "mse" }, "config loss: unknown key. A generative config takes name, data, generative, optimizer, scheduler, training"],
    [
      { ...config, training: { epochs: 1, batchSize: 8, augment: {} } },
      "config training.augment: unknown key. A generative config's training takes epochs, batchSize, seed",
    ],
    [{ ...config, optimizer: { name: "adam" } }, "config optimizer.lr: is required (a number from 1e-6 to 10)"],
    [
      { ...config, generative: gan2d({ discriminatorOptimizer: { name: "lion", lr: 1 } as never }) },
      'config generative.discriminatorOptimizer.name: "lion" is not an optimizer; expected one of sgd, adam',
    ],
    [
      { ...config, data: { name: "mnist" } },
      "config generative: generator layer 3 linear: output a vector of 2 does not match the data's 1x28x28; end with a linear layer of 784 units and an unflatten layer (channels 1, height 28, width 28)",
    ],
  ])("rejects a config: %#", (bad, message) => {
    expect(() => parseGenerativeConfig(bad)).toThrow(message);
  });

  it.each(GENERATIVE_PRESETS.map((p) => [p.id, p] as const))("preset %s is a valid config", (_, preset) => {
    const parsed = parseGenerativeConfig(structuredClone(preset.config));
    const summaries = summarizeGenerative(parsed);
    expect(summaries).toHaveLength(2);
    for (const s of summaries) expect(s.totalParams).toBeGreaterThan(0);
  });

  it.each([
    ["gan-ring", "gan-2d"],
    ["mnist-dcgan", "dcgan-mnist"],
    ["mnist-autoencoder", "autoencoder-32d"],
    ["mnist-vae", "vae"],
  ])("examples/%s.json is a valid generative config, the same as the preset %s", (name, preset) => {
    const parsed = parseAnyConfig(JSON.parse(readFileSync(`examples/${name}.json`, "utf8")));
    const same = preset === "autoencoder-32d" ? mlpAutoencoder(32) : GENERATIVE_PRESETS.find((p) => p.id === preset)?.config;
    expect({ ...parsed, name: undefined }).toEqual({ ...same, name: undefined });
  });
});

describe("2-D targets and modes covered", () => {
  it("generates the ring and the grid from a seed, labelled by mode", () => {
    const a = gaussianRing({ points: 800, seed: 3 });
    expect(a.points.x).toEqual(gaussianRing({ points: 800, seed: 3 }).points.x);
    expect(a.points.x).not.toEqual(gaussianRing({ points: 800, seed: 4 }).points.x);
    expect(a.modes?.centres).toHaveLength(8);
    expect(a.modes?.centres[2][0]).toBeCloseTo(0, 12); // mode 3 at the top of the unit circle
    expect(a.modes?.centres[2][1]).toBeCloseTo(1, 12);
    expect(a.points.classes).toBe(8);
    const grid = gaussianGrid({ points: 250 });
    expect(grid.modes?.centres).toHaveLength(25);
    expect(grid.modes?.centres[24]).toEqual([0.8, 0.8]);
    expect(makeTarget("moons", { points: 100 }).modes).toBeUndefined();
    expect(makeTarget("spiral", { points: 100 }).points.n).toBe(100);
  });

  it("counts the target's own samples: every mode, and the 2-D gaussian's 1 - exp(-9/2) = 98.9% within 3σ", () => {
    const { points, modes } = gaussianRing({ points: 20_000, seed: 5 });
    const c = modeCoverage(points.x, modes as NonNullable<typeof modes>);
    expect(c.covered).toBe(8);
    expect(c.nearShare).toBeCloseTo(1 - Math.exp(-4.5), 2);
    expect(c.counts.every((n) => Math.abs(n - 2500 * c.nearShare) < 100)).toBe(true);
  });

  it("sees a collapse: samples on one mode, a mode under 2%, samples far from every mode", () => {
    const modes = ringModes(8, 0.05);
    const at = (points: [number, number][]) => Float32Array.from(points.flat());
    const collapsed = modeCoverage(at(Array.from({ length: 100 }, () => [1, 0.01])), modes);
    expect([collapsed.covered, collapsed.nearShare, collapsed.counts[0]]).toEqual([1, 1, 100]);
    // 98 samples at mode 1, 1 at mode 3 (1%: not covered), 1 at the centre (near no mode)
    const rare = modeCoverage(at([...Array.from({ length: 98 }, (): [number, number] => [1, 0]), [0, 1], [0, 0]]), modes);
    expect([rare.covered, rare.nearShare, rare.counts[2]]).toEqual([1, 0.99, 1]);
    // 0.16 from a centre is beyond 3σ = 0.15; 0.14 is within
    expect(modeCoverage(at([[1.16, 0]]), modes).nearShare).toBe(0);
    expect(modeCoverage(at([[1.14, 0]]), modes).nearShare).toBe(1);
  });
});
