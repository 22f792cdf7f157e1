/** Neural-network modules (torch.nn), initialisers (torch.nn.init) and model specs. */
export { Module } from "./module";
export { Linear, Sequential, Flatten, Dropout, Embedding, ReLU, Tanh, Sigmoid, SiLU, LeakyReLU, ELU, GELU, Softplus, Softmax, LogSoftmax } from "./layers";
export { Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Upsample } from "./conv";
export { BatchNorm1d, BatchNorm2d, LayerNorm } from "./normalization";
export { Residual } from "./residual";
export * as init from "./init";
export { type ModelSpec, type LayerSpec, type LayerType, type ActivationName, ACTIVATIONS, ModelSpecError, parseModelSpec } from "./spec";
export { type BuiltModel, type LayerSummary, buildModel, summarizeModel } from "./build";
