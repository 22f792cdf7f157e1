/**
 * The messages of the playground's Generative tab (GANs, autoencoders, VAEs), the generative half of
 * protocol.ts: commands carry the same GenerativeConfig the CLI, files and links use; events carry
 * what the views draw, every array a fresh typed array so postMessage can transfer it.
 */
import type { GenerativeConfig } from "../generative/config";
import type { HealthReport } from "../generative/health";
import type { NetworkSummary } from "../generative/spec";

export type GenerativeCommand =
  /** Builds data, both networks, optimizers and the loop (discarding any previous generative session). */
  | { type: "gen-load"; config: GenerativeConfig }
  | { type: "gen-play" }
  | { type: "gen-pause" }
  | { type: "gen-step" }
  /** Puts back both networks' weights from the last checkpoint taken while training looked healthy. */
  | { type: "gen-rollback" }
  /** The decoder's image for a point of a 2-D latent plane. */
  | { type: "gen-decode"; latent: [number, number] }
  /** Both networks as safetensors (spec in the metadata) with a PyTorch script each. */
  | { type: "gen-export" };

/** One network of the pair, as the builder and the summary show it. */
export type NetworkView = Omit<NetworkSummary, "spec">;

/** Images as uint8 grey levels, `count` of them, each height×width, one after another. */
export interface ImageStrip {
  count: number;
  height: number;
  width: number;
  pixels: Uint8Array;
}

/** Per-iteration numbers, batched (~20 messages a second at most); `names` label the `values` columns. */
export interface GenerativeSteps {
  steps: Int32Array;
  /** GAN: dLoss, gLoss, dRealAccuracy, dFakeAccuracy; autoencoder: loss, reconstruction, kl. */
  names: string[];
  /** One array per name, aligned with `steps`. */
  values: Float32Array[];
  stepsPerSecond: number;
  epoch: number;
}

/** The 2-D GAN view: the plane [-extent, extent]², real and generated points, D's heatmap and G's arrows. */
export interface PlaneView {
  step: number;
  extent: number;
  /** Cells per side of the heatmap. */
  size: number;
  /** How real D finds each cell, in [0, 1], rows from the top: σ(logit), or the least-squares score clamped. */
  heat: Float32Array;
  /** [n, 2] real examples. */
  real: Float32Array;
  /** [m, 2] generated samples from a fixed set of latents. */
  fake: Float32Array;
  /** [a, 2]: where G's loss pushes each of the first `a` generated samples (-N dL_G/dx). */
  arrows: Float32Array;
  /** The target's mode centres [k, 2] (mixtures only). */
  centres?: Float32Array;
  modes?: { covered: number; total: number; nearShare: number };
}

/** The image GAN view: samples of the fixed latent batch, an interpolation strip, D's verdict histograms. */
export interface SamplesView {
  step: number;
  samples: ImageStrip;
  /** From fixed latent 0 to fixed latent 1 in equal steps. */
  interpolation: ImageStrip;
  /** Histograms over [0, 1] of how real D finds real examples and generated ones. */
  dReal: Int32Array;
  dFake: Int32Array;
}

/** The autoencoder view: inputs, reconstructions and (2-D latent) the latent plane. */
export interface ReconstructionView {
  step: number;
  /** Clean test images. */
  inputs: ImageStrip;
  /** What the encoder saw (the denoising autoencoder's noisy inputs). */
  noisy?: ImageStrip;
  outputs: ImageStrip;
  /** A 2-D latent: the codes of test images [n, 2] with their classes, and the bounds of the plane. */
  latent?: { points: Float32Array; labels: Int32Array; classNames: string[]; bounds: [number, number, number, number] };
  /** A VAE: decodings of latents drawn from the prior N(0, I). */
  prior?: ImageStrip;
}

export type GenerativeEvent =
  | {
      type: "gen-model";
      kind: GenerativeConfig["generative"]["kind"];
      networks: NetworkView[];
      dataShape: number[];
      latent: number;
      iterationsPerEpoch: number;
    }
  | ({ type: "gen-steps" } & GenerativeSteps)
  | {
      type: "gen-epoch";
      epoch: number;
      step: number;
      seconds: number;
      /** A GAN on a mixture target. */
      modes?: { covered: number; total: number; nearShare: number };
      /** An autoencoder: the test reconstruction MSE beside predicting the mean image, and a VAE's ELBO. */
      test?: { mse: number; baselineMse: number; elbo?: number };
    }
  | ({ type: "gen-plane" } & PlaneView)
  | ({ type: "gen-samples" } & SamplesView)
  | ({ type: "gen-reconstruction" } & ReconstructionView)
  | { type: "gen-decoded"; latent: [number, number]; image: ImageStrip }
  /** generator.safetensors, generator.py, discriminator.safetensors... (or encoder and decoder). */
  | { type: "gen-exported"; files: { name: string; contents: Uint8Array | string }[] }
  | ({ type: "gen-health" } & HealthReport & { step: number; checkpointStep: number | null })
  | { type: "gen-state"; running: boolean; done: boolean; reason?: string };

/** Every generative event's type: the compiler checks the list is complete. */
const GENERATIVE_EVENT_TYPES: Record<GenerativeEvent["type"], true> = {
  "gen-model": true,
  "gen-steps": true,
  "gen-epoch": true,
  "gen-plane": true,
  "gen-samples": true,
  "gen-reconstruction": true,
  "gen-decoded": true,
  "gen-exported": true,
  "gen-health": true,
  "gen-state": true,
};

/** Whether a worker event is one of the Generative tab's. */
export function isGenerativeEvent(event: { type: string }): event is GenerativeEvent {
  return Object.hasOwn(GENERATIVE_EVENT_TYPES, event.type);
}
