/**
 * Saving, loading and exporting models: the safetensors format, checkpoints (weights plus the spec
 * that rebuilds the model) and a PyTorch script of the same architecture.
 */

export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CheckpointError,
  type CheckpointInfo,
  checkpointFilename,
  type LoadedModel,
  loadModel,
  loadWeightsInto,
  readCheckpoint,
  saveModel,
} from "./checkpoint";
export { exportPyTorchScript, type PyTorchExportOptions, specStateShapes } from "./pytorch-export";
export { type DecodedSafetensors, type DecodedTensor, decodeSafetensors, encodeSafetensors, SafetensorsError, type SafetensorsTensor } from "./safetensors";
