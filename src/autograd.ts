/**
 * Reverse-mode autograd on a tape. Each op output remembers its GradNode (op, inputs, outputs,
 * attrs). backward() walks the nodes from the root in reverse topological order, calls each op's
 * `vjp` (written with registry ops, so it runs on the same backend), sums gradients that reach a
 * tensor along several paths, and reduces broadcast gradients back to each input's shape here, in
 * one place, rather than in every op. It sits above the ops and installs itself into the Tensor class
 * (src/functional.ts imports it), so src/tensor/ never imports src/ops/.
 */
import { fmtShape, OpError } from "./errors";
import { add } from "./ops/binary";
import { onesLike, zerosLike } from "./ops/creation";
import { sumToShape } from "./ops/reduce";
import { clone } from "./ops/unary-api";
import { keep, noGrad, tidy } from "./tensor/engine";
import { sameShape } from "./tensor/shape";
import { type GradNode, installBackward, type Tensor } from "./tensor/tensor";

/** Nodes reachable from `root`, each after every node that consumes its outputs. */
function reverseTopologicalOrder(root: Tensor): GradNode[] {
  const order: GradNode[] = [];
  const seen = new Set<GradNode>();
  // Iterative post-order DFS (deep graphs like RNNs would overflow recursion).
  const stack: [GradNode, number][] = [];
  if (root.gradFn) stack.push([root.gradFn, 0]);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i === 0 && seen.has(node)) {
      stack.pop();
      continue;
    }
    seen.add(node);
    if (i < node.inputs.length) {
      top[1]++;
      const child = node.inputs[i].gradFn;
      if (child && !seen.has(child)) stack.push([child, 0]);
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

/** tensor.backward(): gradients of `root` into every leaf that requires one. */
export function backward(root: Tensor, seed: Tensor | undefined, options: { retainGraph?: boolean }): void {
  if (!root.requiresGrad) throw new OpError("backward", "this tensor does not require a gradient: no input of the ops that made it had requiresGrad set");
  if (seed === undefined && root.size !== 1)
    throw new OpError(
      "backward",
      `a gradient can only be implied for a one-element output; this one has shape ${fmtShape(root.shape)}, so pass the upstream gradient`,
    );
  if (seed !== undefined && !sameShape(seed.shape, root.shape))
    throw new OpError("backward", `the gradient has shape ${fmtShape(seed.shape)} but the tensor has shape ${fmtShape(root.shape)}`);
  const nodes = reverseTopologicalOrder(root);
  for (const node of nodes)
    if (node.released)
      throw new OpError(
        "backward",
        `the graph through ${node.op.name} was freed by an earlier backward(); pass { retainGraph: true } to that call to run backward twice`,
      );

  tidy(() =>
    noGrad(() => {
      const grads = new Map<Tensor, Tensor>();
      grads.set(root, seed ?? onesLike(root));
      for (const node of nodes) {
        const outGrads = node.outputs.map((o) => grads.get(o) ?? null);
        if (outGrads.every((g) => g === null)) continue;
        const needs = node.inputs.map((t) => t.requiresGrad);
        let inGrads: (Tensor | null)[];
        try {
          const dy = outGrads[0] ?? zerosLike(node.outputs[0]);
          inGrads = node.op.vjp?.({ inputs: node.inputs, outputs: node.outputs, attrs: node.attrs, dy, grads: outGrads, needs }) ?? [];
        } catch (e) {
          if (e instanceof OpError && /disposed/.test(e.message))
            throw new OpError(
              "backward",
              `a tensor ${node.op.name} saved for its gradient was disposed (for example by the tidy() it was made in): ${e.message}`,
            );
          throw e;
        }
        node.inputs.forEach((input, i) => {
          const g = inGrads[i];
          if (!g || !needs[i]) return;
          const reduced = sameShape(g.shape, input.shape) ? g : sumToShape(g, input.shape);
          const prev = grads.get(input);
          grads.set(input, prev ? add(prev, reduced) : reduced);
        });
        if (!options.retainGraph) node.released = true;
      }
      for (const [t, g] of grads) {
        if (t.gradFn !== null || !t.requiresGrad) continue;
        if (t.gradInPlace && t.grad) {
          // The gradient lives in an optimizer's arena: copy into it, or add to what is there.
          t.grad.assign_(t.gradIsZero ? g : add(t.grad, g));
          t.gradIsZero = false;
          continue;
        }
        const owned = g === seed ? clone(g) : g;
        const total = t.grad ? add(t.grad, owned) : owned;
        t.grad?.dispose();
        t.grad = keep(total);
      }
    }),
  );
}

installBackward(backward);
