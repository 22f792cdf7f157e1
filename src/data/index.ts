/** Datasets: synthetic 2-D problems (more, and real image sets, arrive with the training issue). */

export { Rng } from "./random";
export { type PointSet, spiral } from "./spiral";
