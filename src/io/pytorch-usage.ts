/**
 * What an exported network is for, and the words its PyTorch script says about it: how to prepare
 * its inputs (pixels divided by 255, a GAN's images in [-1, 1], a latent vector), what its outputs
 * mean (class logits, a VAE encoder's concatenated mean and log-variance), what main() feeds it,
 * and how to go on training it in PyTorch with the loss the playground used.
 */

import type { Scaling } from "../data/scaling";

/** How the examples a network reads were prepared by the playground. */
export type InputKind =
  /** Images, pixels divided by 255 into [0, 1], NCHW. */
  | "pixels"
  /** The 2-D synthetic sets' (x, y) points, as generated. */
  | "points"
  /** A table's feature columns (Iris, a CSV), as numbers, unscaled. */
  | "features"
  /** Sequences of steps, each a few numbers: (N, T, F). */
  | "series"
  /** Sequences of token indices into the first layer's embedding: (N, T). */
  | "tokens";

/** What the network does; the script's docstring, main() and training notes follow it. */
export type ExportPurpose =
  | { kind: "classifier"; input: InputKind; scaling?: Scaling }
  | { kind: "regressor"; input: InputKind; scaling?: Scaling }
  | { kind: "generator"; latent: number; images: boolean; loss: string }
  | { kind: "discriminator"; latent: number; images: boolean; loss: string }
  | { kind: "encoder"; latent: number; variational: boolean; reconstruction: string }
  | { kind: "decoder"; latent: number; variational: boolean; reconstruction: string };

/** The script's sections that depend on the purpose. */
export interface UsageText {
  /** Docstring lines after "Input: (N, ...)". */
  input: string[];
  /** Docstring lines after "Output: (N, ...)". */
  output: string[];
  /** A Python expression for main()'s example batch of `n` examples (uses INPUT_SHAPE). */
  exampleBatch: (n: number) => string;
  /** The "Continue training in PyTorch" comment, without its title; CLASS is the model class. */
  training: string[];
}

const INPUTS: Record<InputKind, string[]> = {
  pixels: ["float32 images, pixel values divided by 255 (so in [0, 1]),", "channels first (N, C, H, W); no mean is subtracted."],
  points: ["the (x, y) coordinates of 2-D points as the playground", "generates them (about -1.5 to 1.5), unscaled."],
  features: ["the table's feature columns as float32 numbers, unscaled", "(the values as they are in the file)."],
  series: ["sequences of float32 steps, batch first (N, T, F), as the", "playground generates them."],
  tokens: ["sequences of token indices (int64), batch first (N, T), each", "below the first layer's num_embeddings."],
};

/** How the playground scaled the features (fitted on its training split), for the docstring. */
function scalingLines(s: Scaling): string[] {
  const list = (values: number[]) => `[${values.map((v) => Number(v.toPrecision(6))).join(", ")}]`;
  return [
    `Then ${s.kind === "standard" ? "standardised (z-score)" : "min-max scaled"} as the playground did, with the`,
    "shift and scale it fitted on its training split:",
    `    x = (x - torch.tensor(${list(s.shift)}))`,
    `    x = x / torch.tensor(${list(s.scale)})`,
  ];
}

const GAN_LOSSES: Record<string, string> = {
  nonSaturating: "the non-saturating loss: D minimises BCE(D(x), 1) + BCE(D(G(z)), 0), G minimises BCE(D(G(z)), 1)",
  minimax: "the minimax loss: D as in the non-saturating loss, G minimises -BCE(D(G(z)), 0)",
  leastSquares: "least squares: D minimises (D(x) - 1)^2 + D(G(z))^2, G minimises (D(G(z)) - 1)^2",
  hinge: "the hinge loss: D minimises relu(1 - D(x)) + relu(1 + D(G(z))), G minimises -D(G(z))",
};

function ganTraining(latent: number, loss: string): string[] {
  return [
    "The playground trains the pair with",
    `${GAN_LOSSES[loss] ?? loss} (BCE on`,
    "D's logits). With both exported scripts (non-saturating loss):",
    "",
    "    from discriminator import Discriminator",
    "    from generator import Generator, load_weights, save_weights",
    "",
    '    G = load_weights(Generator(), "generator.safetensors")',
    '    D = load_weights(Discriminator(), "discriminator.safetensors")',
    "    bce = nn.functional.binary_cross_entropy_with_logits",
    "    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))",
    "    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))",
    "    for real in loader:  # real examples prepared as the discriminator's input",
    `        fake = G(torch.randn(len(real), ${latent}))`,
    "        d_real, d_fake = D(real), D(fake.detach())",
    "        loss_d = bce(d_real, torch.ones_like(d_real)) + bce(",
    "            d_fake, torch.zeros_like(d_fake)",
    "        )",
    "        opt_d.zero_grad()",
    "        loss_d.backward()",
    "        opt_d.step()",
    "        d_out = D(fake)",
    "        loss_g = bce(d_out, torch.ones_like(d_out))",
    "        opt_g.zero_grad()",
    "        loss_g.backward()",
    "        opt_g.step()",
    '    save_weights(G, "generator.safetensors")  # loadModel() in the',
    '    save_weights(D, "discriminator.safetensors")  # engine reads them',
  ];
}

function autoencoderTraining(latent: number, variational: boolean, reconstruction: string): string[] {
  const lossLine =
    reconstruction === "bce"
      ? '        loss = nn.functional.binary_cross_entropy(out, x, reduction="sum")'
      : '        loss = nn.functional.mse_loss(out, x, reduction="sum")';
  const body = variational
    ? [
        "        moments = encoder(x)",
        `        mean, log_var = moments[:, :${latent}], moments[:, ${latent}:]`,
        "        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)",
        "        out = decoder(z)",
        lossLine,
        "        kl = -0.5 * torch.sum(1 + log_var - mean**2 - log_var.exp())",
        "        loss = (loss + kl) / len(x)  # the negative ELBO per example",
      ]
    : ["        out = decoder(encoder(x))", `${lossLine.replace('"sum"', '"mean"')}`];
  return [
    `The playground trains encoder and decoder together (${variational ? "a VAE" : "an autoencoder"},`,
    `${reconstruction === "bce" ? "binary cross-entropy" : "mean squared error"} between the output and the input):`,
    "",
    "    from decoder import Decoder",
    "    from encoder import Encoder, load_weights, save_weights",
    "",
    '    encoder = load_weights(Encoder(), "encoder.safetensors")',
    '    decoder = load_weights(Decoder(), "decoder.safetensors")',
    "    params = [*encoder.parameters(), *decoder.parameters()]",
    "    optimizer = torch.optim.Adam(params, lr=1e-3)",
    "    for x, _ in loader:  # images prepared as the encoder's input",
    ...body,
    "        optimizer.zero_grad()",
    "        loss.backward()",
    "        optimizer.step()",
    '    save_weights(encoder, "encoder.safetensors")  # loadModel() in the',
    '    save_weights(decoder, "decoder.safetensors")  # engine reads them',
  ];
}

function supervisedTraining(kind: "classifier" | "regressor"): string[] {
  const loss = kind === "classifier" ? "cross_entropy(model(inputs), targets)" : "mse_loss(model(inputs), targets)";
  return [
    "The weights are ordinary parameters, so training goes on from where the",
    "playground stopped:",
    "",
    "    model = load_weights(CLASS())",
    "    model.train()  # dropout on, batch norm updates its running statistics",
    "    # frozen layers stay frozen, per-layer learning rates (lrScale) kept",
    "    optimizer = torch.optim.Adam(parameter_groups(model, lr=1e-3))",
    "    for epoch in range(10):",
    "        for inputs, targets in loader:  # a torch.utils.data.DataLoader",
    "            optimizer.zero_grad()",
    `            loss = nn.functional.${loss}`,
    "            loss.backward()",
    "            optimizer.step()",
    '    save_weights(model, "trained.safetensors")  # the playground loads it',
    "",
    kind === "classifier" ? "Targets are class indices (int64); the model outputs one logit per class." : "Targets are float32 values of the output's shape.",
    "The file holds no optimizer state, so the optimizer starts afresh: a",
    "learning rate near the one the playground ended with avoids a jump in",
    'the loss. On a GPU, call model.to("cuda") before creating the optimizer',
    'and move each batch with inputs.to("cuda").',
  ];
}

/** The script's words for a network with this purpose. */
export function usageText(purpose: ExportPurpose): UsageText {
  const uniform = (n: number) => `torch.rand(${n}, *INPUT_SHAPE)`;
  switch (purpose.kind) {
    case "classifier":
    case "regressor":
      return {
        input: purpose.scaling ? [...INPUTS[purpose.input], ...scalingLines(purpose.scaling)] : INPUTS[purpose.input],
        output: purpose.kind === "classifier" ? ["one logit per class (softmax gives the probabilities)."] : ["the predicted values."],
        exampleBatch:
          purpose.input === "pixels"
            ? uniform
            : purpose.input === "tokens"
              ? (n) => `torch.randint(0, model[0].num_embeddings, (${n}, *INPUT_SHAPE))`
              : (n) => `torch.randn(${n}, *INPUT_SHAPE)`,
        training: supervisedTraining(purpose.kind),
      };
    case "generator":
      return {
        input: [`latent vectors z ~ N(0, 1), float32 (N, ${purpose.latent}).`],
        output: purpose.images ? ["images in [-1, 1] (tanh); pixels = (y + 1) / 2 * 255."] : ["2-D points in the data's units."],
        exampleBatch: (n) => `torch.randn(${n}, *INPUT_SHAPE)`,
        training: ganTraining(purpose.latent, purpose.loss),
      };
    case "discriminator":
      return {
        input: purpose.images
          ? ["images scaled to [-1, 1], the generator's range:", "pixels / 127.5 - 1 (that is 2 * pixels / 255 - 1), NCHW."]
          : ["2-D points in the data's units."],
        output: ["one logit per example: > 0 means D judges it real", "(sigmoid gives the probability)."],
        exampleBatch: purpose.images ? (n) => `torch.rand(${n}, *INPUT_SHAPE) * 2 - 1` : (n) => `torch.randn(${n}, *INPUT_SHAPE)`,
        training: ganTraining(purpose.latent, purpose.loss),
      };
    case "encoder":
      return {
        input: INPUTS.pixels,
        output: purpose.variational
          ? [
              `the concatenated mean and log-variance of q(z | x):`,
              `mean = y[:, :${purpose.latent}], log_var = y[:, ${purpose.latent}:];`,
              "a code is mean + exp(0.5 * log_var) * N(0, 1) noise.",
            ]
          : [`the code, a vector of ${purpose.latent} values.`],
        exampleBatch: uniform,
        training: autoencoderTraining(purpose.latent, purpose.variational, purpose.reconstruction),
      };
    case "decoder":
      return {
        input: purpose.variational
          ? [`codes z of ${purpose.latent} values; z ~ N(0, 1) samples the prior.`]
          : [`codes of ${purpose.latent} values, as the encoder makes them.`],
        output: ["the reconstruction, compared with the input's pixels / 255."],
        exampleBatch: (n) => `torch.randn(${n}, *INPUT_SHAPE)`,
        training: autoencoderTraining(purpose.latent, purpose.variational, purpose.reconstruction),
      };
  }
  return purpose satisfies never;
}
