/**
 * The typed messages between the page and the training worker. The page never touches the engine;
 * it sends commands and renders the events the worker posts back.
 */
import type { PointClassifierConfig } from "../train/point-classifier";

export interface DataConfig {
  points: number;
  classes: number;
  noise: number;
  seed: number;
}

export type Command = { type: "reset"; data: DataConfig; model: PointClassifierConfig } | { type: "play" } | { type: "pause" } | { type: "step" };

export type WorkerEvent =
  | { type: "backend"; kind: "webgpu" | "cpu"; description: string; fallbackReason?: string }
  | { type: "data"; x: Float32Array; y: Int32Array; classes: number }
  | { type: "progress"; step: number; loss: number; accuracy: number; stepsPerSecond: number }
  | { type: "boundary"; step: number; size: number; extent: number; classes: number; probabilities: Float32Array }
  | { type: "state"; running: boolean }
  | { type: "error"; message: string };
