/**
 * The vanishing gradient, measured: for a batch of sequences [B, T, F], the size of the loss's
 * gradient with respect to each time step's input, ‖∂loss/∂x_t‖ (over the batch and the features).
 * Through a plain RNN it shrinks about geometrically with the distance from the end, so the early
 * steps barely move the loss; an LSTM's cell state carries it back. The model's own parameter
 * gradients are left as they were. gradientByStep() measures it on a dataset's first examples, for
 * tokens through their embedded vectors (the CLI prints it, the playground draws it).
 */
import type { Backend } from "../backend/backend";
import { gatherBatch } from "../data/batches";
import type { Dataset } from "../data/dataset";
import { check, fmtShape } from "../errors";
import { Embedding, Sequential } from "../nn/layers";
import type { Module } from "../nn/module";
import { tensor } from "../ops/creation";
import { noGrad, withBackend } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { uploadBatch } from "./evaluate";
import type { LossFn } from "./objectives";

/** ‖∂loss/∂x_t‖ for t = 0 .. T-1, for inputs `x` [B, T, F] (host values) and targets `y` (a tensor). */
export async function inputGradientByStep(model: Module, backend: Backend, loss: LossFn, x: Float32Array, shape: number[], y: Tensor): Promise<Float32Array> {
  check(shape.length === 3, "inputGradientByStep", () => `inputs must be [batch, time, features], got ${fmtShape(shape)}`);
  const [, T, F] = shape;
  const saved = model.parameters().map((p) => p.grad);
  for (const p of model.parameters()) p.grad = null;
  const input = withBackend(backend, () => tensor(x, { shape }).requiresGrad_());
  try {
    const l = withBackend(backend, () => loss(model.forward(input), y));
    l.backward();
    const g = await (input.grad as Tensor).data();
    l.dispose();
    const norms = new Float32Array(T);
    for (let i = 0; i < g.length; i++) norms[Math.floor(i / F) % T] += g[i] * g[i];
    return norms.map(Math.sqrt);
  } finally {
    model.parameters().forEach((p, k) => {
      p.grad?.dispose();
      p.grad = saved[k];
    });
    input.grad?.dispose();
    input.dispose();
  }
}

/**
 * |dloss/dx_t| over the first `count` examples of sequence data `ds`; for a model that embeds tokens,
 * with respect to their embedded vectors (token indices have no gradient).
 */
export async function gradientByStep(model: Sequential, backend: Backend, ds: Dataset, loss: LossFn, count: number): Promise<Float32Array> {
  const batch = gatherBatch(
    ds,
    Int32Array.from({ length: Math.min(count, ds.n) }, (_, i) => i),
  );
  const { x, y } = uploadBatch(backend, ds, batch);
  try {
    const [first, ...rest] = model.layers;
    if (!(first instanceof Embedding)) return await inputGradientByStep(model, backend, loss, batch.x, x.shape, y);
    const embedded = noGrad(() => withBackend(backend, () => first.forward(x)));
    const vectors = Float32Array.from(await embedded.data());
    embedded.dispose();
    return await inputGradientByStep(new Sequential(...rest), backend, loss, vectors, embedded.shape, y);
  } finally {
    x.dispose();
    y.dispose();
  }
}
