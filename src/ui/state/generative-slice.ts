/**
 * The Generative tab's session as the page sees it: the worker's views (the 2-D GAN plane, samples,
 * reconstructions, the decoded latent point), the health report, the run's state and curves, and the
 * intents that edit the generative config and drive the run. As on the Train tab, a pair of networks
 * that does not fit is kept on screen with Train refused and the reason; an edit while a run is under
 * way waits for a reset and says so.
 */
import { type GenerativeConfig, generativeDataShape } from "../../generative/config";
import { GENERATIVE_PRESETS } from "../../generative/presets";
import type { GenerativeSpec } from "../../generative/spec";
import { TARGET_NAMES } from "../../generative/targets";
import type { ModelSpec } from "../../nn/spec";
import type { GenerativeEvent, GenerativeSteps, ImageStrip, NetworkView, PlaneView, ReconstructionView, SamplesView } from "../../worker/generative-protocol";
import { networks, pairProblem } from "../generative/generative-config";
import { defaultGenerative } from "./experiment";
import { Feed } from "./feed";
import { PAUSED_BY, type SessionHost, type SessionName } from "./session-host";

export type GenerativeAction = "play" | "pause" | "step" | "reset" | "rollback";

export interface GenerativeState {
  networks: NetworkView[];
  /** Iterations in one pass over the data. */
  iterationsPerEpoch: number;
  plane: PlaneView | null;
  samples: SamplesView | null;
  reconstruction: ReconstructionView | null;
  decoded: { latent: [number, number]; image: ImageStrip } | null;
  health: Extract<GenerativeEvent, { type: "gen-health" }> | null;
  running: boolean;
  done: boolean;
  reason: string;
  step: number;
  epoch: number;
  rate: number;
  modes: { covered: number; total: number; nearShare: number } | null;
  /** An autoencoder's test scores after the last epoch. */
  test: { mse: number; baselineMse: number; elbo?: number } | null;
  /** A view was updated at this iteration (the flows wait on it). */
  viewStep: number | null;
  error: string;
  pausedBecause: string;
  /** The config of the run in the worker, as JSON ("" before the first load). */
  loadedJson: string;
}

const INITIAL: GenerativeState = {
  networks: [],
  iterationsPerEpoch: 0,
  plane: null,
  samples: null,
  reconstruction: null,
  decoded: null,
  health: null,
  running: false,
  done: false,
  reason: "",
  step: 0,
  epoch: 0,
  rate: 0,
  modes: null,
  test: null,
  viewStep: null,
  error: "",
  pausedBecause: "",
  loadedJson: "",
};

const RELOAD_DELAY = 250;

export class GenerativeSlice {
  state: GenerativeState = { ...INITIAL };
  readonly curves = new Feed<GenerativeSteps>();
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: SessionHost) {}

  /** The config on screen (the preset until the user picks one). */
  get config(): GenerativeConfig {
    return this.host.experiment?.generative ?? defaultGenerative();
  }

  /** Why Train cannot start with the networks on screen, or null. */
  get blockedReason(): string | null {
    const problem = pairProblem(this.config);
    return problem ? `The two networks do not fit yet: ${problem}` : null;
  }

  /** Edits the running session has not taken (they apply on reset). */
  get pending(): boolean {
    return this.state.step > 0 && !this.state.done && JSON.stringify(this.config) !== this.state.loadedJson;
  }

  private patch(next: Partial<GenerativeState>): void {
    this.state = { ...this.state, ...next };
    this.host.changed();
  }

  receive(event: GenerativeEvent): void {
    const s = this.state;
    switch (event.type) {
      case "gen-model":
        this.patch({ networks: event.networks, iterationsPerEpoch: event.iterationsPerEpoch });
        return;
      case "gen-steps":
        this.curves.add(event);
        this.patch({ step: event.steps[event.steps.length - 1] ?? s.step, epoch: event.epoch, rate: event.stepsPerSecond });
        return;
      case "gen-epoch":
        this.patch({ ...(event.modes ? { modes: event.modes } : {}), ...(event.test ? { test: event.test } : {}) });
        return;
      case "gen-plane":
        this.patch({ plane: event, viewStep: event.step, ...(event.modes ? { modes: event.modes } : {}) });
        return;
      case "gen-samples":
        this.patch({ samples: event, viewStep: event.step });
        return;
      case "gen-reconstruction":
        this.patch({ reconstruction: event, viewStep: event.step });
        return;
      case "gen-decoded":
        this.patch({ decoded: event });
        return;
      case "gen-health":
        this.patch({ health: event });
        return;
      case "gen-state":
        this.patch({ running: event.running, done: event.done, reason: event.reason ?? "", ...(event.running ? { pausedBecause: "" } : {}) });
        return;
      case "gen-exported":
        return; // the store downloads the files
    }
  }

  /** The tab was shown: the first showing builds the run. */
  activate(): void {
    if (!this.state.loadedJson) this.load();
  }

  /** A config from outside (an opened file or link) replaces the run, once the tab has a run. */
  configReplaced(): void {
    if (this.state.loadedJson && !this.pending && JSON.stringify(this.config) !== this.state.loadedJson) this.load();
  }

  /** Builds a fresh run from the config: new weights, empty views and curves. */
  load(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = undefined;
    const config = this.config;
    if (this.blockedReason) return;
    this.curves.clear();
    this.state = { ...INITIAL, networks: this.state.networks, loadedJson: JSON.stringify(config) };
    this.host.changed();
    this.host.send({ type: "gen-load", config });
  }

  control(action: GenerativeAction): void {
    if (action === "reset") {
      this.load();
      return;
    }
    if (action === "pause" || action === "rollback") {
      this.host.send({ type: `gen-${action}` });
      return;
    }
    if (this.blockedReason) return;
    // A pending or deferred reload goes first: the worker handles commands in order.
    if (this.pending || this.reloadTimer !== undefined || !this.state.loadedJson) this.load();
    this.host.pauseOthers("generative");
    this.patch({ error: "", pausedBecause: "" });
    this.host.send({ type: `gen-${action}` });
  }

  pausedBy(other: SessionName): void {
    if (!this.state.running) return;
    this.host.send({ type: "gen-pause" });
    this.patch({ pausedBecause: PAUSED_BY[other] });
  }

  /** An edited config: saved at once; the run reloads soon, or waits for a reset while it trains. */
  change(config: GenerativeConfig): void {
    const e = this.host.experiment;
    if (!e) return;
    this.host.setExperiment({ ...e, generative: config });
    clearTimeout(this.reloadTimer);
    this.reloadTimer = undefined;
    if (this.pending || this.blockedReason) {
      this.host.changed();
      return;
    }
    this.reloadTimer = setTimeout(() => this.load(), RELOAD_DELAY);
  }

  pickPreset(id: string): void {
    const preset = GENERATIVE_PRESETS.find((p) => p.id === id);
    if (preset) this.change(structuredClone(preset.config));
  }

  setData(name: string): void {
    const c = this.config;
    const data = (TARGET_NAMES as readonly string[]).includes(name) ? { name, points: 10_000, seed: 1 } : { name, seed: 1 };
    this.change({ ...c, name: `${name}-${c.generative.kind}`, data: data as GenerativeConfig["data"] });
  }

  /** A change of the config as a function of the config now (not of a copy drawn before the last edit). */
  update(change: (config: GenerativeConfig) => GenerativeConfig): void {
    this.change(change(this.config));
  }

  setSpec(patch: Partial<GenerativeSpec>): void {
    const c = this.config;
    this.change({ ...c, generative: { ...c.generative, ...patch } as GenerativeSpec });
  }

  /** Network 0 or 1 of the pair (generator/discriminator, encoder/decoder) edited in its builder. */
  setNetwork(index: number, spec: ModelSpec): void {
    const c = this.config;
    if (JSON.stringify(spec) === JSON.stringify(networks(c.generative)[index])) return;
    const roles = c.generative.kind === "gan" ? ["generator", "discriminator"] : ["encoder", "decoder"];
    this.setSpec({ [roles[index]]: spec } as Partial<GenerativeSpec>);
  }

  decode(latent: [number, number]): void {
    this.host.send({ type: "gen-decode", latent });
  }

  exportWeights(): void {
    this.host.send({ type: "gen-export" });
  }

  failed(message: string): void {
    this.patch({ error: message });
  }

  /** Whether the config's examples are images. */
  get images(): boolean {
    return generativeDataShape(this.config.data).length === 3;
  }
}
