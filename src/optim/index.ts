/** Optimizers (torch.optim): each update is one fused kernel per parameter group over a flat arena. */

export { Adadelta, type AdadeltaOptions } from "./adadelta";
export { Adagrad, type AdagradOptions } from "./adagrad";
export { Adam, type AdamOptions, AdamW } from "./adam";
export { Optimizer, type ParamGroup, type ParamGroupInput, type Regularization } from "./optimizer";
export { RMSprop, type RMSpropOptions } from "./rmsprop";
export { CosineAnnealingLR, ExponentialLR, LinearLR, LRScheduler, type PlateauOptions, ReduceLROnPlateau, SequentialLR, StepLR } from "./schedulers";
export { SGD, type SGDOptions } from "./sgd";
