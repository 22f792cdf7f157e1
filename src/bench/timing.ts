/**
 * Timing GPU work fairly (DESIGN §6): warm up, estimate one iteration, then run as many iterations
 * as fit the budget back to back and wait for the GPU once at the end.
 */

export interface Timing {
  /** Mean milliseconds per iteration. */
  ms: number;
  iterations: number;
}

export interface Workload {
  /** Records (and submits) one iteration without waiting for the GPU. */
  run(): void;
  /** Resolves when all submitted work has finished. */
  sync(): Promise<void>;
}

export async function time(w: Workload, budgetMs: number, maxIterations = 200): Promise<Timing> {
  const clock = () => performance.now();
  w.run();
  await w.sync();
  let t0 = clock();
  w.run();
  await w.sync();
  const estimate = clock() - t0;
  if (estimate * 3 > budgetMs) return { ms: estimate, iterations: 1 };
  const iterations = Math.max(2, Math.min(maxIterations, Math.floor(budgetMs / Math.max(estimate, 0.01))));
  t0 = clock();
  for (let i = 0; i < iterations; i++) w.run();
  await w.sync();
  return { ms: (clock() - t0) / iterations, iterations };
}
