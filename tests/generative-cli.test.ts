/**
 * The training CLI on generative configs (built as `npm run build:cli` builds it, by
 * tests/helpers/cli.ts): the 2-D GAN example on the ring of 8 gaussians at a CI size (fixed seeds,
 * the CPU reference backend) prints its per-epoch D/G losses, "modes covered" and "samples near a
 * mode" and reaches this file's bar; it writes a checkpoint of both networks that resumes, an export
 * of each network and a JSON summary; a bad pair is explained naming the network and the layer.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { buildCli } from "./helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "dl-gan-cli-"));
const run = (args: string[]) => spawnSync("node", [train, ...args], { encoding: "utf8", timeout: 300_000 });

let train = "";
beforeAll(() => {
  train = buildCli("generative-cli");
}, 120_000);

// The full run (80 epochs, 12,480 iterations) measured 8/8 modes with 89.0% of 2,000 samples within
// 3σ of one (the bar: 7/8 and 80%). The CI run is its first 16 epochs (the cosine schedule
// spans 80 whatever --epochs says), measured at 8/8 and 72.0%; this file's bar is 7/8 and 60%.
const CI_EPOCHS = "16";
const CI_MODES = 7;
const CI_NEAR = 60;

it("trains the 2-D GAN example at CI size, prints the modes covered, and saves, resumes and exports it", () => {
  const checkpoint = join(dir, "gan.safetensors");
  const out = run([
    "examples/gan-ring.json",
    "--device",
    "cpu",
    "--epochs",
    CI_EPOCHS,
    "--quiet",
    "--checkpoint",
    checkpoint,
    "--export",
    join(dir, "export"),
    "--json",
    join(dir, "gan.json"),
  ]);
  expect(out.status, out.stderr).toBe(0);
  expect(out.stdout).toMatch(/^generator: 5 layers, 1,218 parameters, 2 -> 2$/m);
  expect(out.stdout).toMatch(/^discriminator: 5 layers, 1,185 parameters, 2 -> 1$/m);
  expect(out.stdout).toMatch(
    /^epoch 1\/16 {2}D loss \d\.\d{4} {2}G loss \d\.\d{4} {2}D\(real\) acc [\d.]+% {2}D\(fake\) acc [\d.]+% {2}modes \d\/8, near a mode [\d.]+%/m,
  );
  const covered = Number(/^modes covered: (\d)\/8$/m.exec(out.stdout)?.[1]);
  const near = Number(/^samples near a mode: ([\d.]+)%$/m.exec(out.stdout)?.[1]);
  expect(covered).toBeGreaterThanOrEqual(CI_MODES);
  expect(near).toBeGreaterThanOrEqual(CI_NEAR);
  const summary = JSON.parse(readFileSync(join(dir, "gan.json"), "utf8"));
  expect(summary.stop.reason).toBe("done");
  expect(summary.epochs).toHaveLength(16);
  expect(summary.final.modes.covered).toBe(covered);
  expect(readdirSync(join(dir, "export")).sort()).toEqual(["discriminator.py", "discriminator.safetensors", "generator.py", "generator.safetensors"]);
  expect(readFileSync(join(dir, "export", "generator.py"), "utf8")).toMatch(/class Generator\(nn\.Sequential\)/);

  // Resuming from the checkpoint starts from the trained pair: its first epoch already covers the modes.
  const resumed = run(["examples/gan-ring.json", "--device", "cpu", "--epochs", "1", "--quiet", "--resume", checkpoint, "--json", join(dir, "resumed.json")]);
  expect(resumed.status, resumed.stderr).toBe(0);
  expect(resumed.stdout).toContain(`resumed from ${checkpoint}`);
  const again = JSON.parse(readFileSync(join(dir, "resumed.json"), "utf8"));
  expect(again.epochs[0].modes.covered).toBeGreaterThanOrEqual(CI_MODES);
  const fresh = summary.epochs[0].modes;
  expect(again.epochs[0].modes.nearShare).toBeGreaterThan(fresh.nearShare);
}, 300_000);

it("explains a generator that does not end at the data's shape", () => {
  const config = JSON.parse(readFileSync("examples/gan-ring.json", "utf8"));
  config.generative.generator.layers[4].units = 3;
  const bad = join(dir, "bad-gan.json");
  writeFileSync(bad, JSON.stringify(config));
  const out = run([bad, "--device", "cpu"]);
  expect(out.status).toBe(1);
  expect(out.stderr).toContain(
    "config generative: generator layer 5 linear: output a vector of 3 does not match the data's vectors of 2; end with a layer that outputs 2 values",
  );
});

it("judges an image GAN's and a VAE's samples with a classifier checkpoint trained by the CLI", () => {
  const classifier = join(dir, "classifier.safetensors");
  const trained = run([
    "examples/mnist-mlp.json",
    "--device",
    "cpu",
    "--epochs",
    "1",
    "--limit",
    "2000",
    "--test-limit",
    "200",
    "--quiet",
    "--checkpoint",
    classifier,
  ]);
  expect(trained.status, trained.stderr).toBe(0);
  const gan = {
    data: { name: "mnist", trainLimit: 64, testLimit: 16, seed: 1 },
    generative: {
      kind: "gan",
      latent: 8,
      generator: {
        layers: [
          { type: "linear", units: 784 },
          { type: "activation", fn: "tanh" },
          { type: "unflatten", channels: 1, height: 28, width: 28 },
        ],
      },
      discriminator: { layers: [{ type: "flatten" }, { type: "linear", units: 1 }] },
      average: 0.9,
    },
    optimizer: { name: "adam", lr: 0.001 },
    training: { epochs: 1, batchSize: 16, seed: 1 },
  };
  const file = join(dir, "tiny-image-gan.json");
  writeFileSync(file, JSON.stringify(gan));
  const json = join(dir, "judged.json");
  const out = run([file, "--device", "cpu", "--quiet", "--judge", classifier, "--json", json]);
  expect(out.status, out.stderr).toBe(0);
  expect(out.stdout).toMatch(
    new RegExp(
      `judged by ${classifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\d+\\.\\d% of 1000 samples labelled with confidence >= 0.9 \\(drawn by the generator's weight average\\)`,
    ),
  );
  expect(out.stdout).toMatch(/: \d+\.\d% of 1000 samples labelled with confidence >= 0.9 \(drawn by the trained generator\)/); // the two compared
  expect(out.stdout).toMatch(/labels: 0 \d+\.\d%, 1 \d+\.\d%, .*9 \d+\.\d%/);
  expect(out.stdout).toMatch(/rarest label: \d at \d+\.\d%/);
  const judged = JSON.parse(readFileSync(json, "utf8")).final.judged;
  expect(judged.samples).toBe(1000);
  expect(judged.classShares).toHaveLength(10);
  expect(judged.classShares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 6);
  // A VAE is judged on decodings of its prior's draws.
  const vae = {
    data: { name: "mnist", trainLimit: 64, testLimit: 16, seed: 1 },
    generative: {
      kind: "vae",
      latent: 4,
      encoder: { layers: [{ type: "flatten" }, { type: "linear", units: 8 }] },
      decoder: {
        layers: [
          { type: "linear", units: 784 },
          { type: "activation", fn: "sigmoid" },
          { type: "unflatten", channels: 1, height: 28, width: 28 },
        ],
      },
    },
    optimizer: { name: "adam", lr: 0.001 },
    training: { epochs: 1, batchSize: 16, seed: 1 },
  };
  const vaeFile = join(dir, "tiny-vae.json");
  writeFileSync(vaeFile, JSON.stringify(vae));
  const fromPrior = run([vaeFile, "--device", "cpu", "--quiet", "--judge", classifier]);
  expect(fromPrior.status, fromPrior.stderr).toBe(0);
  expect(fromPrior.stdout).toMatch(/of 1000 samples labelled with confidence >= 0.9/);
  // The 2-D GAN draws points, not images: the flag says what it needs.
  const wrong = run(["examples/gan-ring.json", "--device", "cpu", "--epochs", "1", "--quiet", "--judge", classifier]);
  expect(wrong.status).toBe(1);
  expect(wrong.stderr).toContain("--judge labels the samples of an image GAN");
}, 300_000);
