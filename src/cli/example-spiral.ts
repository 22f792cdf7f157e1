/** The README's example (`npm run example`): an MLP learns a 2-D spiral in Node, on a GPU through Dawn's WebGPU, else on WebAssembly. */
import { nodeGpu } from "../backend/node-gpu";
import * as dl from "../index";

const { description } = await dl.init({ gpu: await nodeGpu() }); // a real GPU, else WebAssembly SIMD (wasm), else the CPU
dl.manualSeed(0);
const spiral = dl.data.spiral({ points: 300, classes: 3 });
const x = dl.tensor(spiral.x, { shape: [spiral.n, 2] });
const y = dl.tensor(spiral.y); // int32 class labels
const { Sequential, Linear, ReLU } = dl.nn;
const model = new Sequential(new Linear(2, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 3));
const optimizer = new dl.optim.Adam(model.parameters(), { lr: 0.01 });
for (let step = 1; step <= 500; step++) {
  const loss = dl.tidy(() => {
    optimizer.zeroGrad();
    const l = dl.crossEntropy(model.forward(x), y);
    l.backward();
    optimizer.step(); // one fused kernel for every parameter
    return l; // everything else made inside tidy() is freed
  });
  if (step % 100 === 0) console.log(`step ${step}  loss ${(await loss.item()).toFixed(4)}  (${description})`);
  loss.dispose();
}
