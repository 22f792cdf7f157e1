/**
 * Every differentiable registry op: the gradient autograd computes (through the op's vjp) against
 * central finite differences, on the CPU backend in float64 (but for the cases marked as not the
 * derivative by design, such as an embedding's padding row, which the PyTorch fixtures check).
 */
import { describe, it } from "vitest";
import { registry } from "../src/ops/registry";
import { cpu64 } from "./helpers/backends";
import { describeCase, expectClose, makeInputs, prng, runOp } from "./helpers/op-cases";

const H = 1e-6;
/** At most this many elements per input are perturbed (a random subset of larger inputs). */
const MAX_PROBES = 60;

const differentiable = Object.values(registry).filter((op) => op.vjp && op.test && op.test.gradcheck !== false);

describe.each(differentiable)("$name", (op) => {
  const cases = (op.test?.cases ?? []).filter((c) => c.gradcheck !== false);
  it.each(cases.map((c, i) => ({ ...c, i, label: describeCase(c.inputs, c.attrs) })))("$label", async ({ inputs: specs, attrs = {}, i }) => {
    const inputs = makeInputs(op, specs, 2000 + i);
    const first = await runOp(cpu64, op, inputs, attrs);
    const random = prng(11 + i);
    const upstream = Array.from(first.outputs[0], () => 2 * random() - 1);
    const analytic = await runOp(cpu64, op, inputs, attrs, upstream);
    const objective = async (perturbed: typeof inputs) => {
      const out = (await runOp(cpu64, op, perturbed, attrs)).outputs[0];
      let s = 0;
      for (let j = 0; j < out.length; j++) s += out[j] * upstream[j];
      return s;
    };
    for (let k = 0; k < inputs.length; k++) {
      if (inputs[k].dtype !== "float32") continue;
      const n = inputs[k].data.length;
      const probes = n <= MAX_PROBES ? [...Array(n).keys()] : Array.from({ length: MAX_PROBES }, () => Math.floor(random() * n));
      const numeric: number[] = [];
      const got: number[] = [];
      for (const j of probes) {
        const plus = inputs.map((t, m) => (m === k ? { ...t, data: t.data.map((v, q) => (q === j ? v + H : v)) } : t));
        const minus = inputs.map((t, m) => (m === k ? { ...t, data: t.data.map((v, q) => (q === j ? v - H : v)) } : t));
        numeric.push(((await objective(plus)) - (await objective(minus))) / (2 * H));
        got.push((analytic.grads[k] as Float64Array)[j]);
      }
      expectClose(got, numeric, 1e-5, 1e-6, `${op.name} d/d input ${k}`);
    }
  });
});
