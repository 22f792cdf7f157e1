/**
 * The generative model spec: a pair of networks in the model-spec schema, plus what ties them
 * together. A GAN is a generator (latent vector -> one example of the data) and a discriminator (one
 * example -> one logit); an autoencoder is an encoder (example -> latent vector) and a decoder (latent
 * vector -> example); a VAE's encoder outputs 2 x latent values, the means then the log-variances.
 * parseGenerativeSpec() validates untrusted JSON; checkGenerativeSpec() checks the pair against each
 * other and the data's shape with summarizeModel(), naming the network and the layer:
 * "generator layer 3 convTranspose2d: output 14x14 does not match the data's 28x28".
 */
import { type LayerSummary, summarizeModel } from "../nn/shapes";
import { type ModelSpec, ModelSpecError, modelSpecSchema } from "../nn/spec";
import { number, oneOf, optional, record, refine, required, type Schema, SchemaError, validate, variant } from "../schema/schema";
import { type OptimizerConfig, optimizerSchema } from "../train/config";

/** The GAN objectives: Goodfellow et al.'s minimax and non-saturating, LSGAN's least squares, the hinge loss (src/generative/losses.ts). */
export const GAN_LOSSES = ["minimax", "nonSaturating", "leastSquares", "hinge"] as const;
export type GanLossName = (typeof GAN_LOSSES)[number];

/** Reconstruction losses of autoencoders: squared error, or binary cross-entropy on [0, 1] pixels. */
export const RECONSTRUCTIONS = ["mse", "bce"] as const;
export type ReconstructionName = (typeof RECONSTRUCTIONS)[number];

/** A GAN: generator and discriminator, the loss, k discriminator steps per generator step. */
export interface GanSpec {
  kind: "gan";
  /** Size of the latent vector z ~ N(0, I) the generator maps to an example. */
  latent: number;
  generator: ModelSpec;
  discriminator: ModelSpec;
  /** Default "nonSaturating". */
  loss?: GanLossName;
  /** Discriminator steps per generator step (default 1). */
  dSteps?: number;
  /** One-sided label smoothing: real examples labelled 1 - s (default 0). */
  labelSmoothing?: number;
  /** The discriminator's optimizer when it differs from the config's `optimizer` (which then is the generator's). */
  discriminatorOptimizer?: OptimizerConfig;
  /**
   * Decay of a running average of the generator's weights that draws the samples (e.g. 0.999: about
   * the last 1,000 steps; src/generative/weight-average.ts). Default none: the trained weights draw.
   */
  average?: number;
}

/** A (denoising) autoencoder: encoder to a `latent`-sized code, decoder back. */
export interface AutoencoderSpec {
  kind: "autoencoder";
  latent: number;
  encoder: ModelSpec;
  decoder: ModelSpec;
  /** Default "mse". */
  reconstruction?: ReconstructionName;
  /** Standard deviation of gaussian noise added to the inputs (denoising; default 0). */
  noise?: number;
}

/** A variational autoencoder: the encoder outputs 2 x latent values (means, then log-variances). */
export interface VaeSpec {
  kind: "vae";
  latent: number;
  encoder: ModelSpec;
  decoder: ModelSpec;
  /** Default "bce". */
  reconstruction?: ReconstructionName;
  /** Weight of the KL term (default 1: the ELBO). */
  beta?: number;
  noise?: number;
}

export type GenerativeSpec = GanSpec | AutoencoderSpec | VaeSpec;
export type GenerativeKind = GenerativeSpec["kind"];
export type NetworkRole = "generator" | "discriminator" | "encoder" | "decoder";

/** An invalid generative spec; the message starts with the network: "generator layer 3 ...". */
export class GenerativeSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GenerativeSpecError";
  }
}

function fail(detail: string): never {
  throw new GenerativeSpecError(detail);
}

/** The two networks of a spec, in build order, each with its role. */
export function networksOf(spec: GenerativeSpec): [NetworkRole, ModelSpec][] {
  return spec.kind === "gan"
    ? [
        ["generator", spec.generator],
        ["discriminator", spec.discriminator],
      ]
    : [
        ["encoder", spec.encoder],
        ["decoder", spec.decoder],
      ];
}

const latentSchema = number({ min: 1, max: 1024, integer: true });

/** The settings an autoencoder and a VAE share. */
function autoencoderFields(kind: "autoencoder" | "vae") {
  return {
    kind: required(oneOf([kind])),
    latent: required(latentSchema),
    encoder: required(modelSpecSchema),
    decoder: required(modelSpecSchema),
    reconstruction: optional(oneOf(RECONSTRUCTIONS)),
    noise: optional(number({ min: 0, max: 10 })),
  };
}

/** Each kind's settings: both networks in the model-spec schema, the rest typed and ranged. */
const KIND_SCHEMAS: Record<GenerativeKind, Schema<GenerativeSpec>> = {
  gan: refine(
    record(
      {
        kind: required(oneOf(["gan"])),
        latent: required(latentSchema),
        generator: required(modelSpecSchema),
        discriminator: required(modelSpecSchema),
        loss: optional(oneOf(GAN_LOSSES)),
        dSteps: optional(number({ min: 1, max: 100, integer: true })),
        labelSmoothing: optional(number({ min: 0, max: 1, below: true })),
        discriminatorOptimizer: optional(optimizerSchema),
        average: optional(number({ min: 0, max: 1, above: true, below: true })),
      },
      "a GAN",
    ) as unknown as Schema<GenerativeSpec>,
    (g, place) => {
      if (g.kind === "gan" && g.loss === "hinge" && g.labelSmoothing)
        place.key("labelSmoothing").fail("does not apply to the hinge loss; remove it or pick another loss");
    },
  ),
  autoencoder: record(autoencoderFields("autoencoder"), "an autoencoder") as unknown as Schema<GenerativeSpec>,
  vae: record({ ...autoencoderFields("vae"), beta: optional(number({ min: 0, max: 1000 })) }, "a VAE") as unknown as Schema<GenerativeSpec>,
};

/** A generative spec: its kind picks its networks and settings. */
export const generativeSpecSchema: Schema<GenerativeSpec> = variant("kind", KIND_SCHEMAS, "a generative kind");

/** Validates untrusted JSON as a GenerativeSpec; throws a GenerativeSpecError naming the field, or the network and its layer ("generator: layer 3 linear units: ..."). */
export function parseGenerativeSpec(value: unknown): GenerativeSpec {
  try {
    return validate(generativeSpecSchema, value);
  } catch (e) {
    if (e instanceof SchemaError) throw new GenerativeSpecError(e.message);
    throw e;
  }
}

/** One network of a checked spec: its role, spec, input shape and layer summary. */
export interface NetworkSummary {
  role: NetworkRole;
  spec: ModelSpec;
  inputShape: number[];
  layers: LayerSummary[];
  outputShape: number[];
  totalParams: number;
}

const fmt = (shape: number[]) => shape.join("x");

function describe(shape: number[]): string {
  return shape.length === 1 ? `a vector of ${shape[0]}` : fmt(shape);
}

/** The last layer that changed the shape (the one to fix when the output is wrong), or the last layer. */
function shapingLayer(layers: LayerSummary[], inputShape: number[]): LayerSummary {
  const top = layers.filter((l) => !l.index.includes("."));
  for (let i = top.length - 1; i >= 0; i--) {
    const before = i === 0 ? inputShape : top[i - 1].outputShape;
    if (fmt(before) !== fmt(top[i].outputShape)) return top[i];
  }
  return top[top.length - 1];
}

/** Why `out` is not the data's shape `want`, with what to change. */
function dataMismatch(out: number[], want: number[]): string {
  const size = want.reduce((a, b) => a * b, 1);
  const spatial = out.length === 3 && want.length === 3 && out[0] === want[0];
  const data = want.length === 1 ? `vectors of ${want[0]}` : fmt(want);
  const what = spatial
    ? `output ${out[1]}x${out[2]} does not match the data's ${want[1]}x${want[2]}`
    : `output ${describe(out)} does not match the data's ${data}`;
  if (want.length === 3 && out.length === 1 && out[0] === size)
    return `${what}; add an unflatten layer (channels ${want[0]}, height ${want[1]}, width ${want[2]}) at the end`;
  if (want.length === 3 && out.length === 1)
    return `${what}; end with a linear layer of ${size} units and an unflatten layer (channels ${want[0]}, height ${want[1]}, width ${want[2]})`;
  if (spatial) return `${what}; change the kernel, stride or padding of the transposed convolutions`;
  return `${what}; end with a layer that outputs ${want.length === 1 ? `${want[0]} values` : fmt(want)}`;
}

/**
 * Checks a spec against the data's per-example shape (e.g. [2] or [1, 28, 28]): each network's layers
 * with summarizeModel(), the generator's or decoder's output against the data, the discriminator's
 * against one logit, the encoder's against the latent size (twice it for a VAE). Returns both
 * networks' summaries; throws a GenerativeSpecError naming the network and the layer.
 */
export function checkGenerativeSpec(spec: GenerativeSpec, dataShape: number[]): NetworkSummary[] {
  const latent = spec.latent;
  const code = spec.kind === "vae" ? 2 * latent : latent;
  const wanted: Record<NetworkRole, { input: number[]; output: number[] }> = {
    generator: { input: [latent], output: dataShape },
    discriminator: { input: dataShape, output: [1] },
    encoder: { input: dataShape, output: [code] },
    decoder: { input: [latent], output: dataShape },
  };
  return networksOf(spec).map(([role, net]) => {
    const { input, output } = wanted[role];
    let summary: ReturnType<typeof summarizeModel>;
    try {
      summary = summarizeModel(net, input);
    } catch (e) {
      if (!(e instanceof ModelSpecError)) throw e;
      fail(`${role} ${e.message}`);
    }
    const out = summary.outputShape;
    if (fmt(out) !== fmt(output)) {
      const layer = shapingLayer(summary.layers, input);
      const at = `${role} layer ${layer.index} ${layer.type}`;
      if (role === "discriminator")
        fail(
          `${at}: output ${describe(out)} must be one logit per example; end with a linear layer of 1 unit${out.length === 3 ? " after a flatten layer" : ""}`,
        );
      if (role === "encoder")
        fail(
          `${at}: output ${describe(out)} must be ${spec.kind === "vae" ? `2 x latent = ${code} values (the means, then the log-variances)` : `the latent size, a vector of ${latent}`}; end with a linear layer of ${code} units${out.length === 3 ? " after a flatten layer" : ""}`,
        );
      fail(`${at}: ${dataMismatch(out, output)}`);
    }
    return { role, spec: net, inputShape: input, ...summary };
  });
}
