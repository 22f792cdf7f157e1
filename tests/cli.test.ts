/**
 * The training CLI end to end (built as `npm run build:cli` builds it, by tests/helpers/cli.ts):
 * the spiral MLP example reaches 97% test accuracy and writes a checkpoint that resumes, a PyTorch
 * export and a JSON summary; the adding problem shows a plain RNN's vanishing gradient; a character
 * model of names samples names; one of Moby-Dick beats the unigram entropy and samples text; spam is
 * told from ham by an LSTM and by a bag-of-words baseline; a CI-sized MNIST LeNet run (3,000 training images, 2 epochs: 87% on 500 test images when measured) learns; bad configs
 * and flags fail with a message naming the problem.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { buildCli } from "./helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "dl-cli-"));
const run = (args: string[]) => spawnSync("node", [train, ...args], { encoding: "utf8", timeout: 600_000 });

let train = "";
beforeAll(() => {
  train = buildCli("cli");
}, 120_000);

it("trains the spiral example to 97% test accuracy and writes a checkpoint, an export and a summary", () => {
  const out = run([
    "examples/spiral-mlp.json",
    "--quiet",
    "--checkpoint",
    join(dir, "spiral.safetensors"),
    "--export",
    join(dir, "export"),
    "--json",
    join(dir, "spiral.json"),
  ]);
  expect(out.status, out.stderr).toBe(0);
  expect(out.stdout).toMatch(/^backend: (WebGPU|wasm)/m); // the automatic choice: a real GPU, else wasm
  const summary = JSON.parse(readFileSync(join(dir, "spiral.json"), "utf8"));
  expect(summary.stop.reason).toBe("done");
  expect(summary.test.classification.accuracy).toBeGreaterThanOrEqual(0.97);
  expect(summary.epochs).toHaveLength(60);
  expect(existsSync(join(dir, "export", "model.safetensors"))).toBe(true);
  expect(readFileSync(join(dir, "export", "model.py"), "utf8")).toMatch(/class Model\(nn\.Sequential\)/);
  // Resuming from the checkpoint starts where training ended: the first epoch's loss is already low.
  const resumed = run([
    "examples/spiral-mlp.json",
    "--quiet",
    "--epochs",
    "1",
    "--resume",
    join(dir, "spiral.safetensors"),
    "--json",
    join(dir, "resumed.json"),
  ]);
  expect(resumed.status, resumed.stderr).toBe(0);
  const again = JSON.parse(readFileSync(join(dir, "resumed.json"), "utf8"));
  expect(again.epochs[0].trainLoss).toBeLessThan(summary.epochs[0].trainLoss / 10);
});

it("shows the vanishing gradient through a plain RNN on the adding problem, and samples names from a character model", () => {
  const rnn = run(["examples/adding-rnn.json", "--quiet", "--epochs", "2"]);
  expect(rnn.status, rnn.stderr).toBe(0);
  const steps = /gradient of the loss by input step, \|dloss\/dx_t\| over 64 test sequences: t=0 (\S+), .*t=49 (\S+)$/m.exec(rnn.stdout);
  expect(steps, rnn.stdout).not.toBeNull();
  const [first, last] = [Number(steps?.[1]), Number(steps?.[2])];
  expect(first).toBeLessThan(last * 1e-3); // 50 steps back, the loss barely feels the input (measured 2.6e-18 vs 7.5e-3)
  const names = run(["examples/names-lm.json", "--quiet", "--epochs", "1"]);
  expect(names.status, names.stderr).toBe(0);
  expect(names.stdout).toMatch(/^sampled before training:\n {2}at temperature 0\.5: .+\n {2}at temperature 1: .+$/m);
  const after = /^sampled after training:\n {2}at temperature 0\.5: (.+)$/m.exec(names.stdout)?.[1].split(", ") ?? [];
  expect(after).toHaveLength(8);
  expect(after.every((n) => /^[a-z-]*$/.test(n) || n === "(empty)")).toBe(true);
}, 300_000);

it("models Moby-Dick below the unigram entropy in bits per character, and classifies spam beside a bag-of-words baseline", () => {
  // CI-sized: 1,500 windows of 32 characters, 2 epochs (measured 3.52 bits/char on the test chapters against 4.26).
  const config = JSON.parse(readFileSync("examples/moby-lstm.json", "utf8"));
  config.data = { ...config.data, examples: 1500, length: 32 };
  config.model.layers[1].units = 128;
  writeFileSync(join(dir, "moby.json"), JSON.stringify(config));
  const moby = run([join(dir, "moby.json"), "--quiet", "--epochs", "2"]);
  expect(moby.status, moby.stderr).toBe(0);
  const unigram = Number(/^unigram entropy of the training characters: (\S+) bits per character/m.exec(moby.stdout)?.[1]);
  const bits = Number(/^test: .* (\S+) bits\/char$/m.exec(moby.stdout)?.[1]);
  expect(unigram).toBeGreaterThan(4);
  expect(bits, moby.stdout).toBeLessThan(unigram - 0.5);
  const passage = /^sampled after training:\n {2}going on from "(.{32})"\n {2}at temperature 0\.5: "(.{160})"$/m.exec(moby.stdout);
  expect(passage, moby.stdout).not.toBeNull();
  // Spam: the LSTM for 2 epochs (91% when measured) and the bag-of-words linear model in full (98%).
  for (const [file, epochs, bar] of [
    ["examples/spam-lstm.json", "2", 0.88],
    ["examples/spam-bow.json", "8", 0.95],
  ] as const) {
    const out = run([file, "--quiet", "--epochs", epochs, "--json", join(dir, "spam.json")]);
    expect(out.status, out.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, "spam.json"), "utf8"));
    expect(summary.test.n).toBe(1152);
    expect(summary.test.classification.accuracy, file).toBeGreaterThanOrEqual(bar);
  }
}, 300_000);

it("cross-validates Iris in 5 stratified folds, and leave-one-out, without the test split", () => {
  const out = run(["examples/iris-mlp.json", "--quiet", "--folds", "5", "--epochs", "30", "--json", join(dir, "folds.json")]);
  expect(out.status, out.stderr).toBe(0);
  expect(out.stdout).toMatch(/^cross-validation: 5 folds \(stratified\) over the 120 training and validation examples; the 30 test examples are not used$/m);
  expect(out.stdout.match(/^fold \d\/5: loss/gm)).toHaveLength(5);
  const summary = JSON.parse(readFileSync(join(dir, "folds.json"), "utf8")).crossValidation;
  expect(summary.folds.map((f: { n: number }) => f.n)).toEqual([24, 24, 24, 24, 24]);
  const accuracies = summary.folds.map((f: { accuracy: number }) => f.accuracy);
  const mean = accuracies.reduce((a: number, b: number) => a + b, 0) / 5;
  expect(summary.score.mean).toBeCloseTo(mean, 12);
  expect(summary.score.mean).toBeGreaterThan(0.85);
  expect(out.stdout).toContain(`cross-validated accuracy: ${(100 * mean).toFixed(2)}% ± ${(100 * summary.score.std).toFixed(2)}%`);
  const loo = run(["examples/iris-mlp.json", "--quiet", "--folds", "loo", "--epochs", "5"]);
  expect(loo.status, loo.stderr).toBe(0);
  expect(loo.stdout).toMatch(/^cross-validation: 120 folds \(leave-one-out\)/m);
  expect(loo.stdout).toMatch(/^cross-validated accuracy: [\d.]+% ± [\d.]+% \(mean ± std over 120 folds\)/m);
  const bad = run(["examples/iris-mlp.json", "--folds", "1"]);
  expect(bad.status).toBe(1);
  expect(bad.stderr).toMatch(/--folds takes a whole number from 2 to 100, or loo \(leave-one-out\), got "1"/);
}, 300_000);

it("trains a bagged ensemble of 5 and combines it by voting, averaging and stacking", () => {
  const out = run(["examples/moons-ensemble.json", "--quiet", "--json", join(dir, "ensemble.json")]);
  expect(out.status, out.stderr).toBe(0);
  const members = [...out.stdout.matchAll(/^member (\d)\/5, seed (\d+) \(([\d.]+)% of the examples drawn\): val accuracy [\d.]+%, test accuracy ([\d.]+)%$/gm)];
  expect(members.map((m) => Number(m[2]))).toEqual([1, 2, 3, 4, 5]);
  for (const m of members) expect(Math.abs(Number(m[3]) - 63.2)).toBeLessThan(6); // a bootstrap sample holds about 1 - 1/e of the examples
  const summary = JSON.parse(readFileSync(join(dir, "ensemble.json"), "utf8")).ensemble;
  const meanMember = members.reduce((a, m) => a + Number(m[4]), 0) / 5;
  expect(100 * summary.meanMember).toBeCloseTo(meanMember, 1);
  for (const c of ["hard", "soft", "weighted", "stacking"]) expect(summary[c]).toBeGreaterThan(0.8); // noisy moons: 86.5% for the mean member when measured
  expect(out.stdout).toMatch(/^ensemble test accuracy: hard [\d.]+%, soft [\d.]+%, weighted [\d.]+%, \*stacking [\d.]+%/m);
}, 300_000);

it("searches a grid of 12 trials side by side and ranks them by validation accuracy", () => {
  const out = run(["examples/spiral-search.json", "--quiet", "--json", join(dir, "search.json")]);
  expect(out.status, out.stderr).toBe(0);
  expect(out.stdout).toMatch(/^search: 12 trials \(grid\), trained side by side for 30 epochs, scored on the validation split$/m);
  const rows = [...out.stdout.matchAll(/^ +([\d.]+)% +epoch +\d+ +(lr .+)$/gm)];
  expect(rows).toHaveLength(12);
  const scores = rows.map((r) => Number(r[1]));
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  expect(out.stdout).toContain(`best: ${rows[0][2]}`);
  expect(scores[0]).toBeGreaterThan(90); // lr 0.01, no weight decay, width 64 when measured: 98.96%
  const summary = JSON.parse(readFileSync(join(dir, "search.json"), "utf8")).search;
  expect(summary.trials).toHaveLength(12);
}, 300_000);

it("pretrains on digits 0-4 and fine-tunes on 100 labelled digits 5-9 from those weights, with the features frozen", () => {
  const pretrain = run([
    "examples/mnist-pretrain-0-4.json",
    "--quiet",
    "--limit",
    "3000",
    "--test-limit",
    "500",
    "--epochs",
    "1",
    "--checkpoint",
    join(dir, "digits04.safetensors"),
  ]);
  expect(pretrain.status, pretrain.stderr).toBe(0);
  const tuned = run([
    "examples/mnist-finetune-5-9.json",
    "--quiet",
    "--init-from",
    join(dir, "digits04.safetensors"),
    "--freeze",
    "7",
    "--json",
    join(dir, "tuned.json"),
  ]);
  expect(tuned.status, tuned.stderr).toBe(0);
  expect(tuned.stdout).toMatch(/^model: 12 layers, 61,281 parameters \(2,572 frozen, 58,709 trained\), output 5$/m);
  expect(tuned.stdout).toMatch(/^init from .*digits04\.safetensors: loaded 10 weights \(/m);
  expect(JSON.parse(readFileSync(join(dir, "tuned.json"), "utf8")).test.classification.accuracy).toBeGreaterThan(0.75);
  const both = run(["examples/mnist-finetune-5-9.json", "--init-from", "x", "--resume", "y"]);
  expect(both.stderr).toMatch(/give --init-from .* or --resume .*, not both/);
}, 300_000);

it("learns MNIST with LeNet on a CI-sized subset", () => {
  const out = run(["examples/mnist-lenet.json", "--quiet", "--limit", "3000", "--test-limit", "500", "--epochs", "2", "--json", join(dir, "mnist.json")]);
  expect(out.status, out.stderr).toBe(0);
  const summary = JSON.parse(readFileSync(join(dir, "mnist.json"), "utf8"));
  expect(summary.test.n).toBe(500);
  expect(summary.test.classification.accuracy).toBeGreaterThanOrEqual(0.84);
}, 600_000);

it("--epochs 0 trains nothing and evaluates the initial model", () => {
  const out = run(["examples/spiral-mlp.json", "--quiet", "--epochs", "0", "--json", join(dir, "zero.json")]);
  expect(out.status, out.stderr).toBe(0);
  const summary = JSON.parse(readFileSync(join(dir, "zero.json"), "utf8"));
  expect(summary.epochs).toEqual([]);
  expect(summary.stop.message).toBe("trained 0 epochs");
  expect(summary.test.classification.accuracy).toBeLessThan(0.6); // an untrained 3-class model
});

it("explains a bad config or flag", () => {
  const bad = join(dir, "bad.json");
  writeFileSync(
    bad,
    JSON.stringify({
      data: { name: "spiral" },
      model: { layers: [{ type: "linear", units: 0 }] },
      loss: "crossEntropy",
      optimizer: { name: "adam", lr: 0.01 },
      training: { epochs: 1, batchSize: 8 },
    }),
  );
  const out = run([bad]);
  expect(out.status).toBe(1);
  expect(out.stderr).toContain("config model: layer 1 linear units: expected a whole number from 1 to 65,536, got 0");
  const flag = run(["examples/spiral-mlp.json", "--device", "tpu"]);
  expect(flag.stderr).toContain('train: --device takes auto, webgpu, wasm, cpu, got "tpu"');
  const epochs = run(["examples/spiral-mlp.json", "--epochs", "1.5"]);
  expect(epochs.status).toBe(1);
  expect(epochs.stderr).toContain('train: --epochs takes a whole number from 0 to 100,000, got "1.5"');
  const missing = run([join(dir, "nope.json")]);
  expect(missing.stderr).toMatch(/train: cannot read .*nope\.json as JSON/);
});

it("a GPU device lost mid-run exits with code 3, saving the weights of the last finished epoch, which resume", () => {
  const checkpoint = join(dir, "lost.safetensors");
  const run3 = spawnSync("node", [train, "examples/spiral-mlp.json", "--device", "webgpu", "--quiet", "--epochs", "6", "--checkpoint", checkpoint], {
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, DL_TEST_LOSE_DEVICE_AT_STEP: "50" }, // the device is destroyed at step 50 (of 15 an epoch)
  });
  expect(run3.status, run3.stderr).toBe(3);
  const said = run3.stderr.match(
    /^train: the GPU device was lost \(.+\) during epoch (\d); the weights after epoch (\d) are saved in (.+); go on with: npm run train -- examples\/spiral-mlp\.json --resume (.+) --epochs (\d)$/m,
  );
  expect(said, run3.stderr).not.toBeNull();
  const [, during, saved, file, resumeFile, rest] = said as RegExpMatchArray;
  expect(Number(saved)).toBeGreaterThanOrEqual(1);
  expect(Number(saved)).toBeLessThan(Number(during));
  expect(file).toBe(checkpoint);
  expect(resumeFile).toBe(checkpoint);
  expect(Number(rest)).toBe(6 - Number(saved));
  expect(run3.stdout).not.toMatch(/^test:/m); // no evaluation on a lost device
  const resumed = run([`examples/spiral-mlp.json`, "--quiet", "--epochs", rest, "--resume", checkpoint]);
  expect(resumed.status, resumed.stderr).toBe(0);
  expect(resumed.stdout).toMatch(/^done: /m);
});

it("a diverging run says why and exits with code 2; an unwritable --checkpoint folder fails before training", () => {
  const diverging = join(dir, "diverging.json");
  writeFileSync(
    diverging,
    JSON.stringify({
      data: { name: "plane", points: 300, seed: 1 },
      model: {
        layers: [
          { type: "linear", units: 16 },
          { type: "activation", fn: "relu" },
          { type: "linear", units: 1 },
        ],
      },
      loss: "mse",
      optimizer: { name: "sgd", lr: 1 },
      training: { epochs: 20, batchSize: 32 },
    }),
  );
  const out = run([diverging, "--quiet", "--device", "cpu", "--checkpoint", join(dir, "diverged.safetensors")]);
  expect(out.status, out.stderr).toBe(2);
  expect(out.stdout).toMatch(
    /^diverged: the loss rose to .* and stayed above .* for 20 steps in a row: training diverged\. The weights are back to those after step \d+\./m,
  );
  // The checkpoint holds the weights put back, which load without --allow-nonfinite.
  const resumed = run([diverging, "--quiet", "--device", "cpu", "--epochs", "0", "--resume", join(dir, "diverged.safetensors")]);
  expect(resumed.status, resumed.stderr).toBe(0);
  writeFileSync(join(dir, "a-file"), "x");
  const blocked = run(["examples/spiral-mlp.json", "--quiet", "--checkpoint", join(dir, "a-file", "model.safetensors")]);
  expect(blocked.status).toBe(1);
  expect(blocked.stderr).toMatch(/^train: --checkpoint: cannot write into ".*a-file" \(a file is in the way\); pick a folder you can write to/);
  expect(blocked.stdout).toBe(""); // nothing started
});
