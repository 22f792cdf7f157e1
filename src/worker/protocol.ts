/**
 * The typed messages between the page and the training worker. The page never touches the engine;
 * it sends commands and renders the events the worker posts back.
 */
import type { Boundary, PointModelConfig, Progress } from "./point-session";

export interface DataConfig {
  points: number;
  classes: number;
  noise: number;
  seed: number;
}

export type Command = { type: "reset"; data: DataConfig; model: PointModelConfig } | { type: "play" } | { type: "pause" } | { type: "step" };

export type WorkerEvent =
  | { type: "backend"; kind: "webgpu" | "cpu"; description: string; fallbackReason?: string }
  | { type: "data"; x: Float32Array; y: Int32Array; classes: number }
  | ({ type: "progress" } & Progress)
  | ({ type: "boundary" } & Boundary)
  | { type: "state"; running: boolean }
  | { type: "error"; message: string };
