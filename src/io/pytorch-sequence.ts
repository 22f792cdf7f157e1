/**
 * The Python classes an exported script defines for the model spec's sequence layers, each as
 * src/nn/sequence-layers.ts (and the recurrent and positional modules) computes it over batch-first
 * sequences (N, T, F), subclassing its torch.nn parent so that the state_dict names are the same:
 * a 1-D convolution and pooling over time, an embedding of token indices, recurrent layers that
 * return every step's output, positional encodings, (causal) self-attention and encoder layers, and
 * the last step or the mean over time, and batch norm over a sequence's steps.
 */
import type { LayerType } from "../nn/spec";

const OVER_TIME = (parent: string, what: string) => `class Time${parent.replace("nn.", "")}(${parent}):
    """${what} over time, the features as its channels.

    (N, T, F) -> (N, T', ·).
    """

    def forward(self, x):
        return super().forward(x.transpose(1, 2)).transpose(1, 2)`;

const SEQUENCE_OUTPUTS = (parent: string) => `class Sequence${parent.replace("nn.", "")}(${parent}):
    """Every step's output (N, T, units x directions), not the states."""

    def forward(self, x):
        return super().forward(x)[0]`;

const CAUSAL_MASK = `def causal_mask(length, device):
    """True above the diagonal: step i may not attend to the steps after it."""
    ones = torch.ones(length, length, dtype=torch.bool, device=device)
    return torch.triu(ones, diagonal=1)`;

/** Each class (or function) by name, with the names it needs defined before it. */
const DEFINITIONS: Record<string, { code: string; needs?: string[] }> = {
  TimeConv1d: { code: OVER_TIME("nn.Conv1d", "A 1-D convolution") },
  TimeMaxPool1d: { code: OVER_TIME("nn.MaxPool1d", "Max pooling") },
  TimeAvgPool1d: { code: OVER_TIME("nn.AvgPool1d", "Average pooling") },
  TimeBatchNorm1d: { code: OVER_TIME("nn.BatchNorm1d", "Batch norm of each feature") },
  TokenEmbedding: {
    code: `class TokenEmbedding(nn.Embedding):
    """Token indices (N, T) -> vectors (N, T, dim)."""

    def forward(self, x):
        return super().forward(x.long())`,
  },
  SequenceRNN: { code: SEQUENCE_OUTPUTS("nn.RNN") },
  SequenceLSTM: { code: SEQUENCE_OUTPUTS("nn.LSTM") },
  SequenceGRU: { code: SEQUENCE_OUTPUTS("nn.GRU") },
  PositionalEncoding: {
    code: `class PositionalEncoding(nn.Module):
    """Adds a vector per position to (N, T, F): sinusoidal (fixed) or learned.

    Sinusoidal: table[p, 2i] = sin(p / 10000^(2i/F)) and
    table[p, 2i+1] = cos(p / 10000^(2i/F)).
    """

    def __init__(self, length, features, learned=False):
        super().__init__()
        if learned:
            self.table = nn.Parameter(torch.zeros(length, features))
        else:
            position = torch.arange(length, dtype=torch.float32)[:, None]
            even = torch.arange(0, features, 2, dtype=torch.float32)
            rate = 10000 ** (even / features)
            table = torch.zeros(length, features)
            table[:, 0::2] = torch.sin(position / rate)
            table[:, 1::2] = torch.cos(position / rate[: features // 2])
            self.register_buffer("table", table)

    def forward(self, x):
        return x + self.table[: x.shape[1]]`,
  },
  causal_mask: { code: CAUSAL_MASK },
  SelfAttention: {
    needs: ["causal_mask"],
    code: `class SelfAttention(nn.MultiheadAttention):
    """Self-attention over (N, T, F).

    Each step sees every step, or (causal) itself and the steps before it.
    """

    def __init__(self, features, heads, causal=False, dropout=0.0):
        super().__init__(features, heads, dropout=dropout, batch_first=True)
        self.causal = causal

    def forward(self, x):
        mask = causal_mask(x.shape[1], x.device) if self.causal else None
        out = super().forward(x, x, x, attn_mask=mask, need_weights=False)
        return out[0]`,
  },
  EncoderLayer: {
    needs: ["causal_mask"],
    code: `class EncoderLayer(nn.TransformerEncoderLayer):
    """A transformer encoder layer over (N, T, F), optionally causal."""

    def __init__(self, features, heads, feedforward, dropout=0.1,
                 activation="relu", norm_first=False, causal=False):
        super().__init__(features, heads, dim_feedforward=feedforward,
                         dropout=dropout, activation=activation,
                         batch_first=True, norm_first=norm_first)
        self.causal = causal

    def forward(self, x):
        mask = causal_mask(x.shape[1], x.device) if self.causal else None
        return super().forward(x, src_mask=mask)`,
  },
  LastStep: {
    code: `class LastStep(nn.Module):
    """The last time step: (N, T, F) -> (N, F)."""

    def forward(self, x):
        return x[:, -1]`,
  },
  MeanOverTime: {
    code: `class MeanOverTime(nn.Module):
    """The mean over time: (N, T, F) -> (N, F)."""

    def forward(self, x):
        return x.mean(dim=1)`,
  },
};

/** The class each sequence layer type is exported as. */
const CLASS_OF: Partial<Record<LayerType, string>> = {
  embedding: "TokenEmbedding",
  rnn: "SequenceRNN",
  lstm: "SequenceLSTM",
  gru: "SequenceGRU",
  conv1d: "TimeConv1d",
  maxPool1d: "TimeMaxPool1d",
  avgPool1d: "TimeAvgPool1d",
  positional: "PositionalEncoding",
  attention: "SelfAttention",
  transformer: "EncoderLayer",
  lastStep: "LastStep",
  meanOverTime: "MeanOverTime",
};

/** The exported class of a sequence layer type. */
export const sequenceClass = (type: LayerType): string => CLASS_OF[type] ?? "";

/** The definitions of these classes (as Planned.uses names them), with what they need, in a working order. */
export function sequenceDefinitions(classes: Iterable<string>): string[] {
  const wanted: string[] = [];
  const add = (name: string) => {
    if (wanted.includes(name)) return;
    for (const need of DEFINITIONS[name].needs ?? []) add(need);
    wanted.push(name);
  };
  for (const name of classes) add(name);
  return wanted.map((name) => DEFINITIONS[name].code);
}
