/**
 * What a tab's session slice (Train, race, Generative) needs from the store that holds it: the
 * experiment and a way to change it (the store writes the URL and autosaves), the worker, a way to
 * say its state changed, and the right to pause the other sessions when it starts (one run at a
 * time, so runs do not slow each other down, and each paused run says why).
 */
import type { BackendKind } from "../../backend/backend";
import type { Command } from "../../worker/protocol";
import type { Experiment } from "./experiment";

export type SessionName = "train" | "race" | "generative";

export interface SessionHost {
  readonly experiment: Experiment | null;
  /** The engine the worker runs (its device limits bound a model's memory), once it has started. */
  readonly backend: { kind: BackendKind; limits?: { maxStorageBufferBindingSize: number; maxBufferSize: number } } | null;
  /** Replaces the experiment (written to the URL and autosaved). */
  setExperiment(next: Experiment): void;
  send(command: Command): void;
  /** Tells subscribers that some state changed. */
  changed(): void;
  /** Pauses every running session but `starting`, telling each why. */
  pauseOthers(starting: SessionName): void;
  /** A message for the banner (a link copied, a file that did not open). */
  notify(message: string): void;
}

/** What a session says when another one pauses it. */
export const PAUSED_BY: Record<SessionName, string> = {
  train: "Paused while the Train tab's model trains; resume it here.",
  race: "Paused while the optimizer race runs; resume it here.",
  generative: "Paused while the Generative tab trains; resume it here.",
};
