/**
 * Trains an MLP classifier on 2-D points: the engine slice the playground runs in its worker. It is
 * DOM-free and never waits on the GPU inside a step: steps are recorded and submitted one by one,
 * and the loss of the last step of a batch of steps is read back asynchronously.
 */

import type { PointSet } from "../data/spiral";
import { crossEntropy } from "../nn/functional/losses";
import { Linear, ReLU, Sequential, Tanh } from "../nn/layers";
import type { Module } from "../nn/module";
import { compare } from "../ops/binary";
import { tensor } from "../ops/creation";
import { argmax, mean } from "../ops/reduce";
import { softmax } from "../ops/softmax";
import { Adam } from "../optim/adam";
import type { Optimizer } from "../optim/optimizer";
import { SGD } from "../optim/sgd";
import { getBackend, keep, noGrad, tidy } from "../tensor/engine";
import { manualSeed } from "../tensor/random";
import type { Tensor } from "../tensor/tensor";

export interface PointClassifierConfig {
  hidden: number[];
  activation: "relu" | "tanh";
  optimizer: "sgd" | "adam";
  lr: number;
  seed: number;
}

export class PointClassifier {
  readonly model: Module;
  private readonly optimizer: Optimizer;
  private readonly x: Tensor;
  private readonly y: Tensor;
  steps = 0;

  constructor(
    readonly data: PointSet,
    readonly config: PointClassifierConfig,
  ) {
    manualSeed(config.seed);
    const sizes = [2, ...config.hidden, data.classes];
    const layers: Module[] = [];
    sizes.slice(1).forEach((out, i) => {
      layers.push(new Linear(sizes[i], out));
      if (i < sizes.length - 2) layers.push(config.activation === "relu" ? new ReLU() : new Tanh());
    });
    this.model = new Sequential(...layers);
    const params = this.model.parameters();
    this.optimizer = config.optimizer === "adam" ? new Adam(params, { lr: config.lr }) : new SGD(params, { lr: config.lr, momentum: 0.9 });
    this.x = keep(tensor(data.x, { shape: [data.n, 2] }));
    this.y = keep(tensor(data.y));
  }

  /** Records `count` full-batch steps (one submit each) and returns the last loss, unread. */
  run(count: number): Tensor {
    let loss: Tensor | null = null;
    for (let i = 0; i < count; i++) {
      loss?.dispose();
      loss = tidy(() => {
        this.optimizer.zeroGrad();
        const l = crossEntropy(this.model.forward(this.x), this.y);
        l.backward();
        this.optimizer.step();
        return l;
      });
      getBackend().flush();
      this.steps++;
    }
    return loss as Tensor;
  }

  /** The current loss over the training set, without a step (unread). */
  loss(): Tensor {
    return noGrad(() => tidy(() => crossEntropy(this.model.forward(this.x), this.y)));
  }

  /** Training accuracy (a one-element tensor, unread). */
  accuracy(): Tensor {
    return noGrad(() => tidy(() => mean(compare(argmax(this.model.forward(this.x), 1), this.y, "eq"))));
  }

  /**
   * Class probabilities over a size x size grid spanning [-extent, extent]^2, row by row from the
   * top: [size * size, classes], unread.
   */
  probabilities(size: number, extent: number): Tensor {
    const coords = new Float32Array(size * size * 2);
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) {
        const k = (r * size + c) * 2;
        coords[k] = -extent + (2 * extent * (c + 0.5)) / size;
        coords[k + 1] = extent - (2 * extent * (r + 0.5)) / size;
      }
    return noGrad(() => tidy(() => softmax(this.model.forward(tensor(coords, { shape: [size * size, 2] })), 1)));
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
    this.x.dispose();
    this.y.dispose();
  }
}
