/**
 * Generative models, GANs and autoencoders: the spec of a pair of networks and its checks, the
 * losses, the 2-D targets and the modes-covered measure, the training loops, presets, and saving,
 * loading and exporting both networks. (The CLI's half, Node only, is src/cli/train-generative.ts.)
 */
export {
  type AutoencoderEpochEvent,
  type AutoencoderEvaluation,
  type AutoencoderStepEvent,
  AutoencoderTrainer,
  type AutoencoderTrainerOptions,
} from "./autoencoder-trainer";
export { type BuiltNetwork, buildGenerative, disposeGenerative, type GenerativeModels, network } from "./build";
export {
  exportGenerative,
  GENERATIVE_FORMAT,
  GENERATIVE_VERSION,
  type GenerativeCheckpointInfo,
  loadGenerative,
  loadGenerativeWeights,
  readGenerativeMetadata,
  saveGenerative,
} from "./checkpoint";
export {
  type GenerativeConfig,
  type GenerativeData,
  type GenerativeDataConfig,
  type GenerativeTrainingConfig,
  generativeDataShape,
  isGenerativeConfig,
  makeGenerativeData,
  parseAnyConfig,
  parseGenerativeConfig,
  summarizeGenerative,
} from "./config";
export { buildGenerativeModels, generativeSeed, makeGenerativeTrainer, withGanDefaults } from "./experiment";
export { type GanEpochEvent, type GanStepEvent, GanTrainer, type GanTrainerOptions, toSymmetric } from "./gan-trainer";
export { type LoopEvents, type LoopState, TrainingLoop } from "./loop";
export {
  decisionThreshold,
  discriminatorLoss,
  gaussianKl,
  generatorLoss,
  reconstructionLoss,
  reconstructionPerExample,
  reparameterize,
  splitMoments,
  type VaeTerms,
  vaeLoss,
} from "./losses";
export { type ModeCoverage, type ModeCoverageOptions, modeCoverage } from "./modes";
export { DeviceNoise } from "./noise";
export { DENOISING_AUTOENCODER, GAN_2D, GENERATIVE_PRESETS, type GenerativePreset, mlpAutoencoder, VAE } from "./presets";
export { type Landed, ReadbackRing } from "./readback";
export {
  type AutoencoderSpec,
  checkGenerativeSpec,
  GAN_LOSSES,
  type GanLossName,
  type GanSpec,
  type GenerativeKind,
  type GenerativeSpec,
  GenerativeSpecError,
  type NetworkRole,
  type NetworkSummary,
  networksOf,
  parseGenerativeSpec,
  RECONSTRUCTIONS,
  type ReconstructionName,
  type VaeSpec,
} from "./spec";
export {
  gaussianGrid,
  gaussianRing,
  gridModes,
  type MixtureModes,
  makeTarget,
  type PointTarget,
  ringModes,
  TARGET_NAMES,
  type TargetName,
  type TargetOptions,
} from "./targets";
