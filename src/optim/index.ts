/** Optimizers: each update is one fused kernel over a flat parameter arena. */
export { Optimizer } from "./optimizer";
export { SGD, type SGDOptions } from "./sgd";
export { Adam, AdamW, type AdamOptions } from "./adam";
