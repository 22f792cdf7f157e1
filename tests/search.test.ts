/**
 * Hyper-parameter search: grid and random trials, a trial applied to a config (learning rate,
 * weight decay, batch size, width of the hidden Linear layers, dropout), the search config's
 * checks, the Race tab's default grid and best trial, and a search's trials trained side by side
 * with different batch sizes in lock-step.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/train/config";
import { applyTrial, describeTrial, gridTrials, randomTrials, searchProblem } from "../src/train/search";
import { bestTrial, defaultSearch, searchEntries, trialScores } from "../src/ui/race/race-entries";
import { defaultConfigFor } from "../src/ui/state/experiment";
import type { RaceEpoch } from "../src/worker/protocol";
import { cpu32 } from "./helpers/backends";
import { raceEpochs, raceToTheEnd } from "./helpers/race";

describe("trials", () => {
  it("a grid lists every combination, the first setting varying slowest", () => {
    expect(gridTrials({ lr: [0.1, 0.01], width: [8, 16, 32] })).toEqual([
      { lr: 0.1, width: 8 },
      { lr: 0.1, width: 16 },
      { lr: 0.1, width: 32 },
      { lr: 0.01, width: 8 },
      { lr: 0.01, width: 16 },
      { lr: 0.01, width: 32 },
    ]);
    expect(gridTrials({})).toEqual([{}]);
  });

  it("a random search draws each setting from its list, seeded", () => {
    const space = { lr: [0.001, 0.01, 0.1], batchSize: [16, 32], dropout: [0, 0.2, 0.5] };
    const trials = randomTrials(space, 20, 4);
    expect(trials).toEqual(randomTrials(space, 20, 4));
    expect(trials).not.toEqual(randomTrials(space, 20, 5));
    for (const t of trials) {
      expect(space.lr).toContain(t.lr);
      expect(space.batchSize).toContain(t.batchSize);
      expect(space.dropout).toContain(t.dropout);
    }
    expect(new Set(trials.map((t) => t.lr)).size).toBe(3); // 20 draws reach every value
  });

  it("applies a trial to a config: optimizer, batch size, hidden widths (not the output) and dropout rates", () => {
    const config = defaultConfigFor("spiral");
    config.model.layers.splice(2, 0, { type: "dropout", p: 0.1 });
    const tried = applyTrial(config, { lr: 0.05, weightDecay: 0.001, batchSize: 8, width: 12, dropout: 0.3 });
    expect(tried.optimizer).toMatchObject({ lr: 0.05, weightDecay: 0.001 });
    expect(tried.training.batchSize).toBe(8);
    const units = tried.model.layers.filter((l) => l.type === "linear").map((l) => (l as { units: number }).units);
    expect(units.slice(0, -1).every((u) => u === 12)).toBe(true);
    expect(units.at(-1)).toBe(3);
    expect(tried.model.layers.find((l) => l.type === "dropout")).toEqual({ type: "dropout", p: 0.3 });
    expect(config.optimizer.lr).not.toBe(0.05); // the config itself is left as it was
    expect(describeTrial({ lr: 0.05, width: 12 })).toBe("lr 0.05 · width 12");
  });

  it("a search config names what is wrong with it", () => {
    const config = defaultConfigFor("spiral");
    expect(parseConfig({ ...config, search: { kind: "grid", space: { lr: [0.1, 0.01] } } }).search?.space.lr).toEqual([0.1, 0.01]);
    expect(() => parseConfig({ ...config, search: { kind: "grid", space: { lr: [1, 2, 3, 4], width: [1, 2, 3, 4] } } })).toThrow(
      /config search\.space: a grid of 16 trials; a search trains at most 12 side by side/,
    );
    expect(() => parseConfig({ ...config, search: { kind: "grid", space: {} } })).toThrow(/config search\.space: list the values of at least one/);
    expect(() => parseConfig({ ...config, search: { kind: "grid", space: { dropout: [0.1, 0.5] } } })).toThrow(
      /config search: space\.dropout: the model has no Dropout layer/,
    );
    expect(() => parseConfig({ ...config, search: { kind: "walk", space: { lr: [0.1] } } })).toThrow(/config search\.kind/);
    expect(searchProblem({ ...config, model: { layers: [{ type: "linear", units: 3 }] } }, { width: [4] })).toMatch(/no hidden Linear layer/);
  });
});

describe("the Race tab's search", () => {
  it("grids the learning rate around the Train tab's, by weight decay and width: 12 trials; the best by validation score", () => {
    const config = defaultConfigFor("spiral");
    const search = defaultSearch(config);
    expect(search.space.lr).toEqual([Number((config.optimizer.lr / 3).toPrecision(3)), config.optimizer.lr, Number((config.optimizer.lr * 3).toPrecision(3))]);
    const entries = searchEntries(config);
    expect(entries).toHaveLength(12);
    expect(entries[0].label).toBe(describeTrial(entries[0].trial ?? {}));
    const epoch = (entry: number, epoch: number, accuracy: number): RaceEpoch => ({
      entry,
      epoch,
      step: 0,
      train: { loss: 1, accuracy },
      val: { loss: 1, accuracy },
    });
    const scores = trialScores(3, [epoch(0, 0, 0.9), epoch(0, 1, 0.5), epoch(1, 1, 0.7), epoch(1, 2, 0.6), epoch(2, 1, 0.65)]);
    expect(scores.best).toEqual([0.5, 0.7, 0.65]); // epoch 0 (untrained) does not count
    expect(bestTrial(scores)).toBe(1);
    expect(bestTrial({ metric: "loss", best: [0.3, 0.2, Number.NaN] })).toBe(1);
  });

  it("trains trials of different batch sizes side by side until the last ends its epoch", async () => {
    const config = defaultConfigFor("spiral");
    config.data = { name: "spiral", points: 200, classes: 3, noise: 0.1, seed: 2 };
    config.training = { epochs: 2, batchSize: 16, seed: 3 };
    const trials = [{ batchSize: 16 }, { batchSize: 32 }, { batchSize: 32, lr: 0.003 }];
    const events = await raceToTheEnd(
      config,
      trials.map((trial) => ({ label: describeTrial(trial), optimizer: applyTrial(config, trial).optimizer, trial })),
      cpu32,
    );
    const steps = (entry: number) => events.flatMap((e) => (e.type === "race-steps" && e.entry === entry ? Array.from(e.steps) : []));
    // 128 training points: 8 batches of 16 or 4 of 32 an epoch; a tick is one step of every trial with a batch left.
    expect(steps(0)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(steps(1)).toEqual([1, 2, 3, 4, 9, 10, 11, 12]);
    expect(steps(2)).toEqual(steps(1));
    expect(
      raceEpochs(events)
        .filter((e) => e.epoch === 2)
        .map((e) => e.entry),
    ).toEqual([0, 1, 2]);
  });
});
