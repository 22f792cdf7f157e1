/** Neural-network modules (torch.nn). */

export { ELU, Flatten, GELU, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, SiLU, Softplus, Tanh } from "./layers";
export { Module } from "./module";
