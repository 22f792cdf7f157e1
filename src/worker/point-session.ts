/**
 * A 2-D classification session for the playground's worker: builds the MLP from the page's
 * settings, trains it with the Trainer on mini-batches, and reports progress, accuracy and the
 * decision boundary (class probabilities over a grid) as the steps land. DOM-free.
 */
import type { Backend } from "../backend/backend";
import type { PointSet } from "../data/dataset";
import { buildModel } from "../nn/build";
import type { Module } from "../nn/module";
import type { LayerSpec } from "../nn/spec";
import { tensor } from "../ops/creation";
import { softmax } from "../ops/softmax";
import type { Optimizer } from "../optim/optimizer";
import { noGrad, tidy, withBackend } from "../tensor/engine";
import { manualSeed } from "../tensor/random";
import { makeOptimizer } from "../train/config";
import { evaluate } from "../train/evaluate";
import { lossByName } from "../train/objectives";
import { type StopEvent, Trainer } from "../train/trainer";

export interface PointModelConfig {
  hidden: number[];
  activation: "relu" | "tanh";
  optimizer: "sgd" | "adam";
  lr: number;
  seed: number;
}

export interface Progress {
  step: number;
  loss: number;
  accuracy: number;
  stepsPerSecond: number;
}

export interface Boundary {
  step: number;
  size: number;
  extent: number;
  classes: number;
  probabilities: Float32Array;
}

export interface SessionHooks {
  progress(p: Progress): void;
  boundary(b: Boundary): void;
  stopped(e: StopEvent): void;
}

const BATCH = 30;
const BOUNDARY_EVERY = 50;
const GRID = 100;
const EXTENT = 1.2;

export class PointSession {
  private readonly model: Module;
  private readonly optimizer: Optimizer;
  private readonly trainer: Trainer;
  private readonly loss = lossByName("crossEntropy");
  private accuracy = Number.NaN;
  private lastBoundary = -1;
  private started = false;
  private disposed = false;
  private rate = { step: 0, time: performance.now(), value: 0 };

  constructor(
    private readonly backend: Backend,
    readonly data: PointSet,
    config: PointModelConfig,
    private readonly hooks: SessionHooks,
  ) {
    manualSeed(config.seed);
    const layers: LayerSpec[] = [];
    for (const units of config.hidden) layers.push({ type: "linear", units }, { type: "activation", fn: config.activation });
    layers.push({ type: "linear", units: data.classes });
    this.model = withBackend(backend, () => buildModel({ layers }, [2]).model);
    this.optimizer = makeOptimizer(
      { name: config.optimizer, lr: config.lr, ...(config.optimizer === "sgd" ? { momentum: 0.9 } : {}) },
      this.model.parameters(),
    );
    this.trainer = new Trainer({
      model: this.model,
      optimizer: this.optimizer,
      loss: this.loss,
      train: data,
      val: data,
      batchSize: BATCH,
      epochs: Number.MAX_SAFE_INTEGER,
      seed: config.seed,
    });
    this.trainer.on("step", (e) => {
      const now = performance.now();
      if (now - this.rate.time > 500) {
        this.rate = { step: e.step, time: now, value: ((e.step - this.rate.step) * 1000) / (now - this.rate.time) };
      }
      this.hooks.progress({ step: e.step, loss: e.loss, accuracy: this.accuracy, stepsPerSecond: this.rate.value });
      if (Math.floor(e.step / BOUNDARY_EVERY) !== Math.floor(this.lastBoundary / BOUNDARY_EVERY) || this.trainer.state === "paused")
        void this.reportBoundary(e.step);
    });
    this.trainer.on("epoch", (e) => {
      this.accuracy = e.val?.classification?.accuracy ?? Number.NaN;
    });
    this.trainer.on("stop", (e) => {
      if (!this.disposed) this.hooks.stopped(e);
    });
  }

  /** Loss, accuracy and boundary of the untrained model. */
  async reportInitial(): Promise<void> {
    const e = await evaluate(this.model, this.data, this.loss, { backend: this.backend });
    this.accuracy = e.classification?.accuracy ?? Number.NaN;
    this.hooks.progress({ step: 0, loss: e.loss, accuracy: this.accuracy, stepsPerSecond: 0 });
    await this.reportBoundary(0);
  }

  play(): void {
    if (!this.started) this.start(false);
    else this.trainer.resume();
  }

  pause(): void {
    this.trainer.pause();
  }

  step(): void {
    if (!this.started) this.start(true);
    this.trainer.stepOnce();
  }

  dispose(): void {
    this.disposed = true;
    this.trainer.stop();
    void this.done.then(() => {
      this.optimizer.dispose();
      this.model.dispose();
    });
  }

  private done: Promise<unknown> = Promise.resolve();

  private start(paused: boolean): void {
    this.started = true;
    this.rate = { step: 0, time: performance.now(), value: 0 };
    this.done = this.trainer.run({ paused });
  }

  /** Class probabilities over a GRID x GRID square of the plane, rows from the top. */
  private async reportBoundary(step: number): Promise<void> {
    this.lastBoundary = step;
    const coords = new Float32Array(GRID * GRID * 2);
    for (let r = 0; r < GRID; r++)
      for (let c = 0; c < GRID; c++) {
        const k = (r * GRID + c) * 2;
        coords[k] = -EXTENT + (2 * EXTENT * (c + 0.5)) / GRID;
        coords[k + 1] = EXTENT - (2 * EXTENT * (r + 0.5)) / GRID;
      }
    const p = withBackend(this.backend, () => noGrad(() => tidy(() => softmax(this.model.forward(tensor(coords, { shape: [GRID * GRID, 2] })), 1))));
    const probabilities = (await p.data()) as Float32Array;
    p.dispose();
    if (!this.disposed) this.hooks.boundary({ step, size: GRID, extent: EXTENT, classes: this.data.classes, probabilities });
  }
}
