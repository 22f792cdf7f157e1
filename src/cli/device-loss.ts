/**
 * A GPU device lost under a CLI run (a driver reset, the GPU taken by another process, or a test's
 * destroy()): nothing on the device can be read any more, so the run stops, the weights read after
 * the last finished epoch (held by EpochSaver) are written to a checkpoint, and the process exits with
 * DEVICE_LOST_EXIT_CODE and a message saying how to go on from them.
 */
import { basename, extname } from "node:path";
import type { Backend } from "../backend/backend";
import { WebGPUBackend } from "../backend/webgpu/webgpu-backend";
import type { EpochSaver } from "./epoch-saver";

/** The exit code of a run whose GPU device was lost (1: bad input or a failure, 2: diverged). */
export const DEVICE_LOST_EXIT_CODE = 3;

/**
 * Why the backend's device was lost, or null when it works (the CPU is never lost). An error from a
 * lost device can come a moment before the device says it is lost: wait up to a second for that.
 */
export async function lostDeviceReason(backend: Backend): Promise<string | null> {
  if (!(backend instanceof WebGPUBackend)) return null;
  if (backend.lost === null) await Promise.race([backend.device.lost, new Promise((r) => setTimeout(r, 1000))]);
  return backend.lost;
}

/** Writes the last good weights and says what happened and how to go on; returns the exit code. */
export async function reportLostDevice(reason: string, saver: EpochSaver, run: { configFile: string; epoch: number; epochs: number }): Promise<number> {
  const saved = await saver.rescue(`${basename(run.configFile, extname(run.configFile))}-device-lost.safetensors`);
  const next = saved
    ? `the weights after epoch ${saved.epoch} are saved in ${saved.file}; go on with: npm run train -- ${run.configFile} --resume ${saved.file} --epochs ${run.epochs - saved.epoch}`
    : "no weights had been read yet, so none were saved";
  console.error(`train: the GPU device was lost (${reason}) during epoch ${run.epoch}; ${next}`);
  return DEVICE_LOST_EXIT_CODE;
}

/**
 * For tests: with DL_TEST_LOSE_DEVICE_AT_STEP=N in the environment, the device is destroyed at
 * training step N, as a lost GPU would go. Returns the step handler to call with each step.
 */
export function deviceLossForTests(backend: Backend): (step: number) => void {
  const at = Number(process.env.DL_TEST_LOSE_DEVICE_AT_STEP);
  if (!Number.isInteger(at) || at < 1 || !(backend instanceof WebGPUBackend)) return () => {};
  return (step) => {
    if (step === at) backend.device.destroy();
  };
}
