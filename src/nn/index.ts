/** Neural-network modules (torch.nn), initialisers (torch.nn.init) and model specs. */

export { type AttentionCall, MultiheadAttention, TransformerEncoderLayer } from "./attention";
export { type BuiltModel, buildModel } from "./build";
export { AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, Conv1d, Conv2d, ConvTranspose2d, MaxPool1d, MaxPool2d, Upsample } from "./conv";
export * as init from "./init";
export {
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GELU,
  LeakyReLU,
  Linear,
  LogSoftmax,
  ReLU,
  Sequential,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Tanh,
  Unflatten,
} from "./layers";
export { Module } from "./module";
export { BatchNorm1d, BatchNorm2d, LayerNorm } from "./normalization";
export { PositionalEncoding } from "./positional";
export { GRU, LSTM, type RecurrentOptions, type RecurrentResult, RNN } from "./recurrent";
export { Residual } from "./residual";
export { type LayerSummary, type ModelSummary, summarizeModel } from "./shapes";
export { ACTIVATIONS, type ActivationName, type LayerSpec, type LayerType, type ModelSpec, ModelSpecError, parseModelSpec } from "./spec";
