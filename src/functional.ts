/**
 * The functional API, like torch and torch.nn.functional together: every public op function in one
 * namespace. Importing it installs the Tensor methods (x.add(y), x.relu(), ...).
 */
import "./autograd";
import * as self from "./functional";
import { installMethods } from "./tensor/tensor";

export { attentionWeights, scaledDotProductAttention } from "./nn/functional/attention";
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huberLoss,
  l1Loss,
  mseLoss,
  multiMarginLoss,
  nllLoss,
  type Reduction,
  smoothL1Loss,
} from "./nn/functional/losses";
export { batchNorm, layerNorm } from "./nn/functional/normalization";
export { gru, lstm, type RecurrentOptions, type RecurrentWeights, rnn } from "./nn/functional/recurrent";
export { sinusoidalPositionalEncoding } from "./nn/positional";
export { type AugmentOptions, augment } from "./ops/augment";
export { add, compare, div, eq, ge, gt, le, lt, maximum, minimum, mul, ne, neg, pow, sub, where } from "./ops/binary";
export { conv2d, convTranspose2d } from "./ops/conv";
export { arange, full, ones, onesLike, rand, randn, scalarLike, tensor, zeros, zerosLike } from "./ops/creation";
export { dropout, embedding, indexSelect, oneHot } from "./ops/indexing";
export { linear, matmul } from "./ops/matmul";
export { adaptiveAvgPool2d, avgPool2d, maxPool2d, maxPool2dWithIndices, upsample } from "./ops/pool";
export { argmax, argmin, logsumexp, max, mean, min, std, sum, sumToShape, variance } from "./ops/reduce";
export { avgPool1d, conv1d, maxPool1d } from "./ops/sequence-1d";
export { cat, expand, flatten, narrow, pad, permute, reshape, slice, squeeze, stack, transpose, unsqueeze } from "./ops/shape-ops";
export { logSoftmax, softmax } from "./ops/softmax";
export { abs, cast, clamp, clone, cos, elu, exp, gelu, leakyRelu, log, relu, rsqrt, sigmoid, sign, silu, sin, softplus, sqrt, tanh } from "./ops/unary-api";

installMethods(self);
