/** Optimizers (torch.optim): each update is one fused kernel per parameter group over a flat arena. */
export { Optimizer, type ParamGroupInput, type ParamGroup, type Regularization } from "./optimizer";
export { SGD, type SGDOptions } from "./sgd";
export { Adam, AdamW, type AdamOptions } from "./adam";
export { Adagrad, type AdagradOptions } from "./adagrad";
export { RMSprop, type RMSpropOptions } from "./rmsprop";
export { Adadelta, type AdadeltaOptions } from "./adadelta";
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR, LinearLR, SequentialLR, ReduceLROnPlateau, type PlateauOptions } from "./schedulers";
