/** Neural-network modules (torch.nn). */
export { Module } from "./module";
export { Linear, Sequential, Flatten, ReLU, Tanh, Sigmoid, SiLU, LeakyReLU, ELU, GELU, Softplus } from "./layers";
