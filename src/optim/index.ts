/** Optimizers: each update is one fused kernel over a flat parameter arena. */

export { Adam, type AdamOptions, AdamW } from "./adam";
export { Optimizer } from "./optimizer";
export { SGD, type SGDOptions } from "./sgd";
