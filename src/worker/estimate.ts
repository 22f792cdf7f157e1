/**
 * About how long an epoch will take on this device, measured before any training: a few training
 * steps' forward and backward passes on the real model and a real batch, recorded back to back and
 * waited for once (as training runs them: pipelined, one wait per several steps), after one pass
 * that compiles the kernels. It changes nothing a run depends on: the model is in eval mode (no
 * dropout draws from the seeded generator, no batch-norm statistics move), the gradients it leaves
 * are zeroed by the first real step, and no optimizer step is taken.
 */
import { batchCount, gatherBatch } from "../data/batches";
import { noGrad, tidy } from "../tensor/engine";
import type { Tensor } from "../tensor/tensor";
import { uploadBatch } from "../train/evaluate";
import type { Trainer } from "../train/trainer";

/** Passes timed after the warm-up. */
const TIMED = 4;

/** Seconds one epoch of `trainer` should take, from timed forward and backward passes. */
export async function estimateEpochSeconds(trainer: Trainer): Promise<number> {
  const o = trainer.options;
  const backend = o.optimizer.backend;
  const size = Math.min(o.batchSize, o.train.n);
  const batch = gatherBatch(
    o.train,
    Int32Array.from({ length: size }, (_, i) => i),
  );
  const wasTraining = o.model.training;
  o.model.eval();
  const pass = (): Tensor =>
    tidy(() => {
      const { x, y } = uploadBatch(backend, o.train, batch);
      const loss = o.loss(o.model.forward(x), y);
      loss.backward();
      return noGrad(() => loss.detach());
    });
  try {
    const warm = pass();
    await warm.data(); // compiles the kernels
    warm.dispose();
    const started = performance.now();
    const losses = Array.from({ length: TIMED }, pass);
    await losses[TIMED - 1].data();
    for (const l of losses) l.dispose();
    const perStep = (performance.now() - started) / 1000 / TIMED;
    return perStep * batchCount(o.train.n, o.batchSize);
  } finally {
    o.model.train(wasTraining);
    o.optimizer.zeroGrad();
  }
}
