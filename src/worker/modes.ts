/**
 * Train mode against eval mode, side by side: Dropout and BatchNorm are the layers that behave
 * differently. In train mode dropout zeroes each unit with probability p (scaling the rest by
 * 1 / (1 - p)) and batch norm normalises with the statistics of the batch it sees; in eval mode
 * dropout passes everything through and batch norm uses its running averages. The report scores the
 * same validation examples both ways (several train-mode passes: each draws other dropout masks),
 * shows the class probabilities under each pass of the example the model is least sure of (on an
 * example it is certain of, every pass would say 100%), and for 2-D data both decision boundaries.
 * The train-mode passes touch nothing: their random draws come from a stream of their
 * own and batch norm's running statistics are put back after each forward.
 */
import type { Backend } from "../backend/backend";
import { type Dataset, subset } from "../data/dataset";
import { Module } from "../nn/module";
import type { LayerSpec, ModelSpec } from "../nn/spec";
import { clone } from "../ops/unary-api";
import { noGrad } from "../tensor/engine";
import { withRandomStream } from "../tensor/random";
import type { Tensor } from "../tensor/tensor";
import { evaluate } from "../train/evaluate";
import type { LossFn } from "../train/objectives";
import { EvalView } from "./eval-view";
import type { ModesReport } from "./protocol";
import { boundaryReport } from "./reports";

/** Train-mode passes over the same examples. */
export const MODE_PASSES = 8;
/** Validation examples scored in both modes. */
export const MODE_EXAMPLES = 256;

/** What in a model behaves differently in training: "dropout" (any layer's), "batch norm"; empty when nothing does. */
export function modeLayers(spec: ModelSpec): string[] {
  const found = new Set<string>();
  const stack: LayerSpec[][] = [spec.layers];
  for (let layers = stack.pop(); layers; layers = stack.pop())
    for (const l of layers) {
      if (l.type === "residual") stack.push(l.layers);
      if (l.type === "batchNorm") found.add("batch norm");
      const rate = l.type === "dropout" ? l.p : (l as { dropout?: number }).dropout;
      if ((rate ?? 0) > 0) found.add("dropout");
    }
  return ["dropout", "batch norm"].filter((name) => found.has(name));
}

/**
 * A module whose forward is `inner`'s in train mode, with nothing left behind: random draws from
 * stream `stream` (the main stream untouched) and every buffer (batch norm's running statistics)
 * as it was. Its own train()/eval() leave `inner` alone (evaluate() calls eval() on it).
 */
export class TrainModeView extends Module {
  constructor(
    private readonly inner: Module,
    private readonly stream: number,
  ) {
    super();
  }

  override children(): [string, Module][] {
    return [];
  }

  forward(x: Tensor): Tensor {
    const was = this.inner.training;
    const buffers = this.inner.namedBuffers().map(([, b]) => b);
    const saved = noGrad(() => buffers.map((b) => clone(b)));
    this.inner.train();
    try {
      return withRandomStream(this.stream, () => this.inner.forward(x));
    } finally {
      this.inner.train(was);
      noGrad(() => {
        for (const [i, b] of buffers.entries()) b.assign_(saved[i]);
      });
      for (const t of saved) t.dispose();
    }
  }
}

/**
 * The validation example the model is least sure of: the lowest top class probability in
 * `probabilities` ([n, classes], row-major); the first of equals.
 */
export function leastSure(probabilities: Float32Array, classes: number): number {
  let best = 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (let i = 0; i * classes < probabilities.length; i++) {
    const top = Math.max(...probabilities.subarray(i * classes, (i + 1) * classes));
    if (top < lowest) [best, lowest] = [i, top];
  }
  return best;
}

/**
 * The validation examples (the first MODE_EXAMPLES) in eval mode and in MODE_PASSES train-mode
 * passes, in batches of the training batch size (batch norm's statistics are those of such a
 * batch); the probabilities under each of the example the model is least sure of in eval mode;
 * and with `extent`, both boundaries.
 */
export async function modesReport(
  model: Module,
  spec: ModelSpec,
  options: { backend: Backend; val: Dataset; loss: LossFn; batchSize: number; step: number; extent: number | null; boundaryData: Dataset },
): Promise<ModesReport> {
  const { backend, loss, batchSize, step, extent } = options;
  const val =
    options.val.n > MODE_EXAMPLES
      ? subset(
          options.val,
          Int32Array.from({ length: MODE_EXAMPLES }, (_, i) => i),
        )
      : options.val;
  const evalView = new EvalView(model);
  const score = (view: Module) => evaluate(view, val, loss, { backend, batchSize });
  const inEval = await score(evalView);
  const passes = [];
  for (let pass = 0; pass < MODE_PASSES; pass++) passes.push(await score(new TrainModeView(model, pass)));
  const classes = Math.max(val.classes ?? 2, 2);
  const index = leastSure(inEval.probabilities as Float32Array, classes);
  const shown = (e: typeof inEval) => (e.probabilities as Float32Array).slice(index * classes, (index + 1) * classes);
  const train = new Float32Array(MODE_PASSES * classes);
  for (const [pass, e] of passes.entries()) train.set(shown(e), pass * classes);
  const report: ModesReport = {
    step,
    layers: modeLayers(spec),
    examples: val.n,
    evalAccuracy: inEval.classification?.accuracy ?? Number.NaN,
    trainAccuracies: passes.map((e) => e.classification?.accuracy ?? Number.NaN),
    example: { index, label: val.y[index], eval: shown(inEval), train },
  };
  if (extent !== null) {
    report.example.point = [val.x[2 * index], val.x[2 * index + 1]];
    report.boundaries = {
      eval: await boundaryReport(evalView, backend, options.boundaryData, extent, step),
      train: await boundaryReport(new TrainModeView(model, MODE_PASSES), backend, options.boundaryData, extent, step),
    };
  }
  return report;
}
