/**
 * The functional API, like torch and torch.nn.functional together: every public op function in one
 * namespace. Importing it installs the Tensor methods (x.add(y), x.relu(), ...).
 */
import * as self from "./functional";
import { installMethods } from "./tensor/tensor";

export { add, sub, mul, div, pow, neg, minimum, maximum, compare, eq, ne, lt, le, gt, ge, where } from "./ops/binary";
export { tensor, full, zeros, ones, zerosLike, onesLike, arange, rand, randn, scalarLike } from "./ops/creation";
export { matmul, linear } from "./ops/matmul";
export { indexSelect, oneHot, embedding, dropout } from "./ops/indexing";
export { conv2d, convTranspose2d } from "./ops/conv";
export { maxPool2d, maxPool2dWithIndices, avgPool2d, adaptiveAvgPool2d, upsample } from "./ops/pool";
export { sum, mean, max, min, argmax, argmin, variance, std, logsumexp, sumToShape } from "./ops/reduce";
export { reshape, permute, transpose, expand, slice, narrow, pad, cat, stack, unsqueeze, squeeze, flatten } from "./ops/shape-ops";
export { softmax, logSoftmax } from "./ops/softmax";
export { exp, log, sqrt, rsqrt, abs, sign, sin, cos, relu, leakyRelu, elu, sigmoid, tanh, gelu, silu, softplus, clamp, cast, clone } from "./ops/unary-api";

export { batchNorm, layerNorm } from "./nn/functional/normalization";
export {
  mseLoss,
  l1Loss,
  huberLoss,
  smoothL1Loss,
  crossEntropy,
  nllLoss,
  binaryCrossEntropyWithLogits,
  binaryCrossEntropy,
  multiMarginLoss,
  type Reduction,
} from "./nn/functional/losses";
export { rnn, lstm, gru, type RecurrentWeights } from "./nn/functional/recurrent";
export { scaledDotProductAttention } from "./nn/functional/attention";

installMethods(self);
