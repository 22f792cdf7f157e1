/**
 * The catalog of layers a learner can add in the model builder: for each, a friendly name, a one-line
 * description, default settings, and descriptors of the form controls that edit its settings (kind,
 * range, options, the engine's default when a setting is left out). Plain data, no DOM.
 */
import type { InitScheme } from "../../nn/init";
import { type ActivationName, LAYERS_WITH_WEIGHTS, type LayerSpec, type LayerType } from "../../nn/spec";

/** The add-layer menu's sections, in order. */
export const LAYER_GROUPS = ["dense", "convolution", "pooling", "sequence", "regularisation", "activation", "structure"] as const;
export type LayerGroup = (typeof LAYER_GROUPS)[number];

export const GROUP_LABELS: Record<LayerGroup, string> = {
  dense: "Dense",
  convolution: "Convolution",
  pooling: "Pooling",
  sequence: "Sequences & attention",
  regularisation: "Normalisation & regularisation",
  activation: "Activation",
  structure: "Structure",
};

/** Each group's tint: the rows' left edge and badge, and the add menu's headings. */
export const GROUP_COLORS: Record<LayerGroup, string> = {
  dense: "#38bdf8",
  convolution: "#a78bfa",
  pooling: "#2dd4bf",
  sequence: "#fb923c",
  regularisation: "#fbbf24",
  activation: "#f472b6",
  structure: "#94a3b8",
};

/** One editable setting of a layer, described for a form control. */
export interface Field {
  /** The LayerSpec key it edits. */
  name: string;
  label: string;
  kind: "number" | "select" | "checkbox";
  /** Required settings cannot be left empty; optional ones fall back to the engine's default. */
  required: boolean;
  /** The engine's value when the setting is absent, shown in the editor. */
  fallback?: number | string | boolean;
  /** Shown in an empty number editor when there is no single fallback value. */
  placeholder?: string;
  min?: number;
  max?: number;
  step?: number;
  options?: { value: number | string; label: string }[];
  /** A sentence for learners, shown as the editor's tooltip. */
  hint: string;
}

export type Needs = "image" | "vector" | "sequence" | "tokens";

/** How the menu says each kind of input. */
export const NEEDS_WORDS: Record<Needs, string> = { image: "an image", vector: "a vector", sequence: "a sequence (time × features)", tokens: "token indices" };

/** Whether a layer that needs `needs` fits an input of `input`. */
export function fits(needs: Needs | undefined, input: number[]): boolean {
  if (needs === "image") return input.length === 3;
  if (needs === "vector" || needs === "tokens") return input.length === 1;
  if (needs === "sequence") return input.length === 2;
  return true;
}

/** One entry of the add-layer menu. */
export interface LayerKind {
  /** The layer type, or the function's name for an activation ("relu"). */
  id: string;
  label: string;
  group: LayerGroup;
  /** One line for learners: what the layer does. */
  description: string;
  /** The input it needs: an image [C, H, W], a vector [N], a sequence [T, F] or tokens [T]; any when absent. */
  needs?: Needs;
  /** A new layer with sensible settings for an input of `input` (null when unknown). */
  create(input: number[] | null): LayerSpec;
}

const ACTIVATION_KINDS: [ActivationName, string, string][] = [
  ["relu", "ReLU", "Keeps positive values and zeroes the rest: the default choice for hidden layers."],
  ["leakyRelu", "Leaky ReLU", "Like ReLU, but lets a small slope through for negative values so no unit goes silent."],
  ["elu", "ELU", "Smooth for negative values, tending to -alpha; centres activations near zero."],
  ["sigmoid", "Sigmoid", "Squashes values into (0, 1); saturates, so gradients vanish in deep stacks."],
  ["tanh", "Tanh", "Squashes values into (-1, 1), centred on zero; the TensorFlow Playground's classic."],
  ["gelu", "GELU", "A smooth ReLU weighted by the Gaussian CDF, used in transformers."],
  ["silu", "SiLU", "x times sigmoid(x) (also called swish): smooth and non-monotonic."],
  ["softplus", "Softplus", "log(1 + e^x): a smooth ReLU that is always positive."],
];

/** Every layer a learner can add, grouped as in the add-layer menu. */
export const LAYER_KINDS: LayerKind[] = [
  {
    id: "linear",
    label: "Linear",
    group: "dense",
    description: "Every output is a weighted sum of all inputs plus a bias (a fully connected layer).",
    needs: "vector",
    create: () => ({ type: "linear", units: 16 }),
  },
  {
    id: "conv2d",
    label: "Conv2d",
    group: "convolution",
    description: "Slides small learned filters over the image; each filter detects one local pattern.",
    needs: "image",
    create: () => ({ type: "conv2d", filters: 8, kernel: 3, padding: "same" }),
  },
  {
    id: "convTranspose2d",
    label: "ConvTranspose2d",
    group: "convolution",
    description: "A learned upsampling: spreads each pixel over a filter-sized patch (stride 2 doubles the size).",
    needs: "image",
    create: () => ({ type: "convTranspose2d", filters: 8, kernel: 2, stride: 2 }),
  },
  {
    id: "maxPool2d",
    label: "MaxPool2d",
    group: "pooling",
    description: "Keeps the largest value of each window, shrinking the image and adding shift tolerance.",
    needs: "image",
    create: () => ({ type: "maxPool2d", kernel: 2 }),
  },
  {
    id: "avgPool2d",
    label: "AvgPool2d",
    group: "pooling",
    description: "Averages each window, shrinking the image smoothly.",
    needs: "image",
    create: () => ({ type: "avgPool2d", kernel: 2 }),
  },
  {
    id: "adaptiveAvgPool2d",
    label: "AdaptiveAvgPool2d",
    group: "pooling",
    description: "Averages down to a fixed size whatever the input size; size 1 is global average pooling.",
    needs: "image",
    create: () => ({ type: "adaptiveAvgPool2d", size: 1 }),
  },
  {
    id: "embedding",
    label: "Embedding",
    group: "sequence",
    description: "Looks up a learned vector for each token: words or characters become points in space.",
    needs: "tokens",
    create: () => ({ type: "embedding", vocab: 64, dim: 32 }),
  },
  {
    id: "rnn",
    label: "RNN",
    group: "sequence",
    description: "Reads the sequence step by step, carrying a hidden state: simple, but its gradients fade over long spans.",
    needs: "sequence",
    create: () => ({ type: "rnn", units: 32 }),
  },
  {
    id: "lstm",
    label: "LSTM",
    group: "sequence",
    description: "A recurrent layer with input, forget and output gates around a cell state: remembers across long spans.",
    needs: "sequence",
    create: () => ({ type: "lstm", units: 32 }),
  },
  {
    id: "gru",
    label: "GRU",
    group: "sequence",
    description: "A lighter gated recurrent layer (reset and update gates), often as good as an LSTM.",
    needs: "sequence",
    create: () => ({ type: "gru", units: 32 }),
  },
  {
    id: "conv1d",
    label: "Conv1d",
    group: "sequence",
    description: "Slides learned filters along time: each detects a short pattern wherever it occurs.",
    needs: "sequence",
    create: () => ({ type: "conv1d", filters: 16, kernel: 3, padding: "same" }),
  },
  {
    id: "maxPool1d",
    label: "MaxPool1d",
    group: "sequence",
    description: "Keeps the largest value of each window of time steps, shortening the sequence.",
    needs: "sequence",
    create: () => ({ type: "maxPool1d", kernel: 2 }),
  },
  {
    id: "avgPool1d",
    label: "AvgPool1d",
    group: "sequence",
    description: "Averages each window of time steps, shortening the sequence smoothly.",
    needs: "sequence",
    create: () => ({ type: "avgPool1d", kernel: 2 }),
  },
  {
    id: "positional",
    label: "Positional encoding",
    group: "sequence",
    description: "Adds a vector for each position, so attention (which sees a set) knows the order of the steps.",
    needs: "sequence",
    create: () => ({ type: "positional" }),
  },
  {
    id: "attention",
    label: "Self-attention",
    group: "sequence",
    description: "Every step gathers information from every other step, weighted by learned relevance (several heads at once).",
    needs: "sequence",
    create: () => ({ type: "attention", heads: 2 }),
  },
  {
    id: "transformer",
    label: "Transformer layer",
    group: "sequence",
    description: "Self-attention and a feed-forward block, each with a residual connection and layer norm.",
    needs: "sequence",
    create: (input) => ({ type: "transformer", heads: 2, feedforward: 4 * (input?.length === 2 ? input[1] : 32) }),
  },
  {
    id: "lastStep",
    label: "Last step",
    group: "sequence",
    description: "Keeps only the last time step: what a recurrent layer has gathered from the whole sequence.",
    needs: "sequence",
    create: () => ({ type: "lastStep" }),
  },
  {
    id: "meanOverTime",
    label: "Mean over time",
    group: "sequence",
    description: "Averages the sequence over time into one vector (global average pooling for sequences).",
    needs: "sequence",
    create: () => ({ type: "meanOverTime" }),
  },
  {
    id: "batchNorm",
    label: "BatchNorm",
    group: "regularisation",
    description: "Normalises each channel over the mini-batch, then scales and shifts it: faster, steadier training.",
    create: () => ({ type: "batchNorm" }),
  },
  {
    id: "layerNorm",
    label: "LayerNorm",
    group: "regularisation",
    description: "Normalises each example over all its features, independent of the batch.",
    create: () => ({ type: "layerNorm" }),
  },
  {
    id: "dropout",
    label: "Dropout",
    group: "regularisation",
    description: "While training, zeroes a random fraction of values so the network cannot rely on any one.",
    create: () => ({ type: "dropout", p: 0.2 }),
  },
  ...ACTIVATION_KINDS.map(
    ([fn, label, description]): LayerKind => ({ id: fn, label, group: "activation", description, create: () => ({ type: "activation", fn }) }),
  ),
  {
    id: "flatten",
    label: "Flatten",
    group: "structure",
    description: "Unrolls an image into one long vector so Linear layers can follow.",
    create: () => ({ type: "flatten" }),
  },
  {
    id: "unflatten",
    label: "Unflatten",
    group: "structure",
    description: "Folds a vector back into an image (channels × height × width), so convolutions or upsampling can follow.",
    needs: "vector",
    create: (input) => {
      const size = input?.length === 1 ? input[0] : 16;
      const side = Math.sqrt(size);
      return Number.isInteger(side)
        ? { type: "unflatten", channels: 1, height: side, width: side }
        : { type: "unflatten", channels: size, height: 1, width: 1 };
    },
  },
  {
    id: "residual",
    label: "Residual block",
    group: "structure",
    description: "Adds the block's input to its output (a skip connection), as in ResNet: deep networks train easily.",
    create: (input) =>
      input?.length === 3
        ? {
            type: "residual",
            layers: [
              { type: "conv2d", filters: input[0], kernel: 3, padding: "same" },
              { type: "batchNorm" },
              { type: "activation", fn: "relu" },
              { type: "conv2d", filters: input[0], kernel: 3, padding: "same" },
              { type: "batchNorm" },
            ],
          }
        : {
            type: "residual",
            layers: [
              { type: "linear", units: input?.length === 1 || input?.length === 2 ? input[input.length - 1] : 16 },
              { type: "activation", fn: "relu" },
              { type: "linear", units: input?.length === 1 || input?.length === 2 ? input[input.length - 1] : 16 },
            ],
          },
  },
  {
    id: "upsample",
    label: "Upsample",
    group: "structure",
    description: "Repeats every pixel to enlarge the image by a whole factor (nearest neighbour).",
    needs: "image",
    create: () => ({ type: "upsample", scale: 2 }),
  },
];

/** The catalog entry of a layer (activations by their function). */
export function kindOf(layer: LayerSpec): LayerKind {
  const id = layer.type === "activation" ? layer.fn : layer.type;
  const kind = LAYER_KINDS.find((k) => k.id === id);
  if (!kind) throw new RangeError(`no catalog entry for layer ${JSON.stringify(layer)}`);
  return kind;
}

const count = (name: string, label: string, max: number, hint: string, fallback?: number): Field => ({
  name,
  label,
  kind: "number",
  required: fallback === undefined,
  fallback,
  min: 1,
  max,
  step: 1,
  hint,
});
const whole = (name: string, label: string, hint: string): Field => ({
  name,
  label,
  kind: "number",
  required: false,
  fallback: 0,
  min: 0,
  max: 8,
  step: 1,
  hint,
});
const bias: Field = { name: "bias", label: "bias", kind: "checkbox", required: false, fallback: true, hint: "Learn an offset added to each output." };
const filters = count("filters", "filters", 512, "How many filters, i.e. output channels.");
const kernel = (max: number) => count("kernel", "kernel", max, "The window's height and width in pixels.");
const poolStride: Field = {
  name: "stride",
  label: "stride",
  kind: "number",
  required: false,
  placeholder: "= kernel",
  min: 1,
  max: 8,
  step: 1,
  hint: "How far the window moves each step; empty means the kernel size (windows do not overlap).",
};

/** A convolution's editors (2-D or 1-D: the words differ). */
function convolutionFields(words: { kernel: string; stride: string; padding: string; paddings: number[]; maxKernel: number }): Field[] {
  return [
    filters,
    count("kernel", "kernel", words.maxKernel, words.kernel),
    count("stride", "stride", 8, words.stride, 1),
    {
      name: "padding",
      label: "padding",
      kind: "select",
      required: false,
      fallback: 0,
      options: [{ value: "same", label: "same" }, ...words.paddings.map((p) => ({ value: p, label: String(p) }))],
      hint: words.padding,
    },
    count("dilation", "dilation", 8, "Spacing between the filter's taps; widens its view at no extra cost.", 1),
    bias,
  ];
}

/** An optional setting picked from `options` ([value, label]); the first is the engine's default. */
const choice = (name: string, label: string, options: [string, string][], hint: string): Field => ({
  name,
  label,
  kind: "select",
  required: false,
  fallback: options[0][0],
  options: options.map(([value, text]) => ({ value, label: text })),
  hint,
});

const dropoutRate: Field = { name: "dropout", label: "dropout", kind: "number", required: false, fallback: 0, min: 0, max: 0.9, step: 0.05, hint: "" };
const recurrentFields: Field[] = [
  count("units", "units", 1024, "The size of the hidden state carried from step to step."),
  count("layers", "layers", 4, "Recurrent layers stacked, each reading the one below's outputs.", 1),
  {
    name: "bidirectional",
    label: "both ways",
    kind: "checkbox",
    required: false,
    fallback: false,
    hint: "Also read the sequence backwards, and join both readings at each step.",
  },
  { ...dropoutRate, hint: "Dropout between stacked layers while training (needs 2 or more layers)." },
];
const heads = count("heads", "heads", 16, "Attention heads: each learns its own way to weigh the steps; they must divide the features.");
const causal: Field = {
  name: "causal",
  label: "causal",
  kind: "checkbox",
  required: false,
  fallback: false,
  hint: "Each step sees only itself and the steps before it (for predicting the next step).",
};

const FIELDS: Record<Exclude<LayerType, "activation">, Field[]> = {
  linear: [count("units", "units", 4096, "How many outputs (neurons) the layer has."), bias],
  conv2d: convolutionFields({
    kernel: "The window's height and width in pixels.",
    stride: "How far the filter moves each step; 2 halves the image.",
    padding: 'Zeros added around the image; "same" keeps the size (with stride 1).',
    paddings: [0, 1, 2, 3],
    maxKernel: 11,
  }),
  convTranspose2d: [
    filters,
    kernel(11),
    count("stride", "stride", 8, "The upsampling factor.", 1),
    whole("padding", "padding", "Trims this many pixels from each border of the output."),
    whole("outputPadding", "out pad", "Adds rows/columns on one side to reach an exact size; must be below the stride."),
    bias,
  ],
  maxPool2d: [kernel(8), poolStride, whole("padding", "padding", "Padding around the image, at most half the kernel.")],
  avgPool2d: [kernel(8), poolStride, whole("padding", "padding", "Zeros around the image, at most half the kernel.")],
  adaptiveAvgPool2d: [count("size", "size", 32, "The output's height and width.")],
  upsample: [count("scale", "scale", 8, "The enlargement factor.")],
  flatten: [],
  unflatten: [
    count("channels", "channels", 512, "Channels of the image; channels × height × width must equal the vector's length."),
    count("height", "height", 256, "Height of the image in pixels."),
    count("width", "width", 256, "Width of the image in pixels."),
  ],
  batchNorm: [
    {
      name: "momentum",
      label: "momentum",
      kind: "number",
      required: false,
      fallback: 0.1,
      min: 0,
      max: 1,
      step: 0.05,
      hint: "How fast the running mean and variance used for evaluation follow the batches.",
    },
  ],
  layerNorm: [],
  dropout: [
    { name: "p", label: "drop rate", kind: "number", required: true, min: 0, max: 0.95, step: 0.05, hint: "The fraction of values zeroed while training." },
  ],
  residual: [],
  embedding: [
    count("vocab", "vocabulary", 100_000, "How many different tokens there are (the table's rows)."),
    count("dim", "dimension", 1024, "The length of each token's vector."),
    {
      name: "paddingIdx",
      label: "padding token",
      kind: "number",
      required: false,
      placeholder: "none",
      min: 0,
      max: 99_999,
      step: 1,
      hint: "A token that only pads sequences to one length: its vector stays zero and learns nothing.",
    },
  ],
  rnn: [
    ...recurrentFields,
    choice(
      "nonlinearity",
      "function",
      [
        ["tanh", "tanh"],
        ["relu", "ReLU"],
      ],
      "The squashing function of the hidden state.",
    ),
  ],
  lstm: recurrentFields,
  gru: recurrentFields,
  conv1d: convolutionFields({
    kernel: "How many time steps each filter spans.",
    stride: "How far the filter moves each step; 2 halves the length.",
    padding: 'Zero steps added at both ends; "same" keeps the length (with stride 1).',
    paddings: [0, 1, 2],
    maxKernel: 15,
  }),
  maxPool1d: [
    count("kernel", "kernel", 8, "How many time steps each window spans."),
    poolStride,
    whole("padding", "padding", "Padding at both ends, at most half the kernel."),
  ],
  avgPool1d: [
    count("kernel", "kernel", 8, "How many time steps each window spans."),
    poolStride,
    whole("padding", "padding", "Zeros at both ends, at most half the kernel."),
  ],
  positional: [
    choice(
      "kind",
      "kind",
      [
        ["sinusoidal", "sinusoidal"],
        ["learned", "learned"],
      ],
      "Sinusoidal: fixed waves of many wavelengths (the transformer paper's); learned: one trained vector per position.",
    ),
  ],
  attention: [heads, causal, { ...dropoutRate, hint: "Dropout on the attention weights while training." }],
  transformer: [
    heads,
    count("feedforward", "feed-forward", 8192, "Width of the feed-forward block's hidden layer (often 4x the features)."),
    { ...dropoutRate, fallback: 0.1, hint: "Dropout after attention and in the feed-forward block while training." },
    choice(
      "activation",
      "function",
      [
        ["relu", "ReLU"],
        ["gelu", "GELU"],
      ],
      "The feed-forward block's non-linearity.",
    ),
    {
      name: "normFirst",
      label: "norm first",
      kind: "checkbox",
      required: false,
      fallback: false,
      hint: "Layer norm before each block (pre-norm) rather than after: steadier when stacking many layers.",
    },
    causal,
  ],
  lastStep: [],
  meanOverTime: [],
};

/** The editors for a layer's settings, in display order (nested residual layers are rows of their own). */
/** Every layer with weights also takes a learning-rate multiple (discriminative fine-tuning). */
const LR_SCALE_FIELD: Field = {
  name: "lrScale",
  label: "lr ×",
  kind: "number",
  required: false,
  fallback: 1,
  min: 0.0001,
  max: 100,
  step: 0.1,
  hint: "This layer's learning rate as a multiple of the optimizer's. Fine-tuning a pretrained model, give early layers less (0.1) so that they keep what they learned while the new head catches up.",
};

export function fieldsOf(layer: LayerSpec): Field[] {
  if (layer.type !== "activation") return LAYERS_WITH_WEIGHTS.has(layer.type) ? [...FIELDS[layer.type], LR_SCALE_FIELD] : FIELDS[layer.type];
  const fn: Field = {
    name: "fn",
    label: "function",
    kind: "select",
    required: true,
    options: ACTIVATION_KINDS.map(([value, label]) => ({ value, label })),
    hint: "The non-linearity applied to every value.",
  };
  if (layer.fn === "leakyRelu")
    return [
      fn,
      { name: "slope", label: "slope", kind: "number", required: false, fallback: 0.01, min: 0, max: 1, step: 0.01, hint: "The slope for negative inputs." },
    ];
  if (layer.fn === "elu")
    return [
      fn,
      {
        name: "slope",
        label: "alpha",
        kind: "number",
        required: false,
        fallback: 1,
        min: 0,
        max: 10,
        step: 0.1,
        hint: "The value ELU tends to for very negative inputs is -alpha.",
      },
    ];
  if (layer.fn === "gelu")
    return [
      fn,
      choice(
        "approximate",
        "form",
        [
          ["none", "exact"],
          ["tanh", "tanh approx."],
        ],
        "Exact GELU uses the Gaussian CDF; the tanh approximation (GPT-2, BERT) is a little cheaper.",
      ),
    ];
  return [fn];
}

/** Weight initialisations a model can use, with friendly names. */
export const INIT_OPTIONS: { value: InitScheme; label: string }[] = [
  { value: "default", label: "PyTorch default" },
  { value: "xavierUniform", label: "Xavier uniform" },
  { value: "xavierNormal", label: "Xavier normal" },
  { value: "kaimingUniform", label: "Kaiming uniform" },
  { value: "kaimingNormal", label: "Kaiming normal" },
  { value: "zeros", label: "All zeros (to see it fail)" },
  { value: "constant", label: "Constant 0.1 (to see it fail)" },
];
