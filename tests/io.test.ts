/**
 * Saving and loading: the safetensors codec (bit-exact round trips, 8-byte alignment, a file written
 * byte by byte from the format's description, every kind of corruption rejected with its message,
 * random damage never crashing), and checkpoints (saveModel/loadModel give the same outputs for an
 * MLP, a LeNet-like CNN with batch norm and a residual CNN; files that do not fit change nothing).
 */
import { describe, expect, it } from "vitest";
import * as dl from "../src/index";
import {
  CheckpointError,
  checkpointFilename,
  decodeSafetensors,
  encodeSafetensors,
  loadModel,
  loadWeightsInto,
  readCheckpoint,
  SafetensorsError,
  type SafetensorsTensor,
  saveModel,
} from "../src/io";
import { memory, withBackend } from "../src/tensor/engine";
import { cpu32 } from "./helpers/backends";

const onCpu = <T>(fn: () => T) => withBackend(cpu32, fn);

// ---------------------------------------------------------------------------------------------
// Hand-made files

const ascii = (text: string) => Array.from(new TextEncoder().encode(text));

/** The 8 little-endian bytes of a length, written out digit by digit. */
function u64(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i++) out.push(Math.floor(n / 256 ** i) % 256);
  return out;
}

/** A safetensors file from a header (JSON text or a value to stringify) and data bytes. */
function file(header: unknown, data: number[] = [], declared?: number): Uint8Array {
  const text = ascii(typeof header === "string" ? header : JSON.stringify(header));
  return new Uint8Array([...u64(declared ?? text.length), ...text, ...data]);
}

const f32 = (...values: number[]) => Array.from(new Uint8Array(new Float32Array(values).buffer));
const f64 = (...values: number[]) => Array.from(new Uint8Array(new Float64Array(values).buffer));
const i64 = (...values: bigint[]) => Array.from(new Uint8Array(new BigInt64Array(values).buffer));
const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

function expectCorrupt(bytes: Uint8Array, message: string | RegExp): void {
  let error: unknown = null;
  try {
    decodeSafetensors(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SafetensorsError);
  expect((error as Error).message.startsWith("safetensors: ")).toBe(true);
  if (typeof message === "string") expect((error as Error).message).toContain(message);
  else expect((error as Error).message).toMatch(message);
}

/** Bits of a float32/int32 array, so NaN payloads and -0 compare exactly. */
const bits = (a: Float32Array | Int32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("safetensors", () => {
  const nanWithPayload = new Float32Array(new Uint32Array([0x7fc00001]).buffer)[0];
  const tensors = new Map<string, SafetensorsTensor>([
    ["layer.weight", { dtype: "F32", shape: [2, 3], data: new Float32Array([1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e-45, 3.4028234663852886e38]) }],
    ["nan", { dtype: "F32", shape: [1], data: new Float32Array([nanWithPayload]) }],
    ["scalar", { dtype: "F32", shape: [], data: new Float32Array([42.25]) }],
    ["empty", { dtype: "F32", shape: [0, 4], data: new Float32Array(0) }],
    ["ünïcode.counts", { dtype: "I32", shape: [4], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, -1]) }],
  ]);
  const metadata = { format: "test", note: "ünïcode ✓", json: '{"a":[1,2]}' };

  it("round-trips tensors bit for bit, with metadata, the data section 8-byte aligned", () => {
    const bytes = encodeSafetensors(tensors, metadata);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(header.trimEnd().endsWith("}")).toBe(true);
    expect(header.slice(header.trimEnd().length)).toMatch(/^ *$/); // padded with spaces only
    // tensors lie in the map's order, one after another, and fill the data section
    const parsed = JSON.parse(header) as Record<string, { data_offsets: [number, number] }>;
    const offsets = [...tensors.keys()].map((name) => parsed[name].data_offsets);
    expect(offsets).toEqual([
      [0, 24],
      [24, 28],
      [28, 32],
      [32, 32],
      [32, 48],
    ]);
    expect(bytes.length).toBe(8 + headerLength + 48);

    const decoded = decodeSafetensors(bytes);
    expect(decoded.metadata).toEqual(metadata);
    expect([...decoded.tensors.keys()]).toEqual([...tensors.keys()]);
    for (const [name, t] of tensors) {
      const d = decoded.tensors.get(name)!;
      expect([d.dtype, d.storedDtype, d.shape]).toEqual([t.dtype, t.dtype, t.shape]);
      expect(d.data.constructor).toBe(t.data.constructor);
      expect(bits(d.data)).toEqual(bits(t.data));
    }
  });

  it("decodes from a view at any byte offset of a larger buffer", () => {
    const bytes = encodeSafetensors(tensors);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const decoded = decodeSafetensors(padded.subarray(3));
    expect(decoded.metadata).toEqual({});
    expect(bits(decoded.tensors.get("layer.weight")!.data)).toEqual(bits(tensors.get("layer.weight")!.data));
  });

  it("decodes a Node Buffer (whose slice() is a view into a shared pool) into arrays of the right length", () => {
    const bytes = encodeSafetensors(tensors);
    const pooled = Buffer.concat([Buffer.alloc(5), Buffer.from(bytes)]).subarray(5);
    for (const [name, t] of decodeSafetensors(pooled).tensors) {
      expect(t.data.length, name).toBe(tensors.get(name)!.data.length);
      expect(bits(t.data)).toEqual(bits(tensors.get(name)!.data));
    }
  });

  it("reads and writes a file written byte by byte from the format's description", () => {
    const header = '{"__metadata__":{"note":"hi"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"i":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}}';
    expect(header.length).toBe(137); // padded with 7 spaces to 144, a multiple of 8
    const bytes = new Uint8Array([
      ...[144, 0, 0, 0, 0, 0, 0, 0],
      ...ascii(header),
      ...[0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20],
      ...[0x00, 0x00, 0x80, 0x3f], // 1.0f = 0x3f800000, little-endian
      ...[0x00, 0x00, 0x20, 0xc0], // -2.5f = 0xc0200000
      ...[0xfd, 0xff, 0xff, 0xff], // int32 -3
    ]);
    const decoded = decodeSafetensors(bytes);
    expect(decoded.metadata).toEqual({ note: "hi" });
    expect(decoded.tensors.get("w")).toEqual({ dtype: "F32", storedDtype: "F32", shape: [2], data: new Float32Array([1, -2.5]) });
    expect(decoded.tensors.get("i")).toEqual({ dtype: "I32", storedDtype: "I32", shape: [1], data: new Int32Array([-3]) });
    const written = encodeSafetensors(
      new Map<string, SafetensorsTensor>([
        ["w", { dtype: "F32", shape: [2], data: new Float32Array([1, -2.5]) }],
        ["i", { dtype: "I32", shape: [1], data: new Int32Array([-3]) }],
      ]),
      { note: "hi" },
    );
    expect(Array.from(written)).toEqual(Array.from(bytes));
  });

  it("converts F16, BF16 and F64 to float32 and I64, U8 and BOOL to int32", () => {
    const data = [
      ...[0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x7c, 0xff, 0x7b], // F16 1, -2, 2^-24, inf, 65504
      ...[0x80, 0x3f, 0x00, 0xbf], // BF16 1, -0.5
      ...[0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f], // F64 0.1
      ...[0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0], // I64 -5, 2^31 - 1
      ...[0xff, 0x00, 0x01], // U8 255, BOOL 0 1
    ];
    const header = {
      h: entry("F16", [5], 0, 10),
      b: entry("BF16", [2], 10, 14),
      d: entry("F64", [1], 14, 22),
      l: entry("I64", [2], 22, 38),
      u: entry("U8", [1], 38, 39),
      z: entry("BOOL", [2], 39, 41),
    };
    const t = decodeSafetensors(file(header, data)).tensors;
    expect(Array.from(t.get("h")!.data)).toEqual([1, -2, 2 ** -24, Number.POSITIVE_INFINITY, 65504]);
    expect(t.get("h")!.storedDtype).toBe("F16");
    expect(Array.from(t.get("b")!.data)).toEqual([1, -0.5]);
    expect(t.get("d")!.data).toEqual(new Float32Array([Math.fround(0.1)]));
    expect(t.get("l")).toEqual({ dtype: "I32", storedDtype: "I64", shape: [2], data: new Int32Array([-5, 2 ** 31 - 1]) });
    expect(Array.from(t.get("u")!.data)).toEqual([255]);
    expect(Array.from(t.get("z")!.data)).toEqual([0, 1]);
  });

  it("rejects each kind of corruption with a message naming it", () => {
    const w = { w: entry("F32", [2], 0, 8) };
    const eight = f32(1, 2);
    expectCorrupt(new Uint8Array(0), "the file is 0 bytes long, too short for the 8-byte header length");
    expectCorrupt(new Uint8Array(7), "the file is 7 bytes long");
    expectCorrupt(file(w, eight, 500), `the header length says 500 bytes but only ${JSON.stringify(w).length + 8} bytes follow it`);
    expectCorrupt(
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7b]),
      "the header length says 18446744073709551615 bytes but only 1 bytes follow it",
    );
    expectCorrupt(new Uint8Array([...u64(2), 0xff, 0xfe]), "the header is not UTF-8 text");
    expectCorrupt(file("{not json}"), /the header is not valid JSON \(.+\); the file is not a safetensors file or is corrupt/);
    expectCorrupt(file("[1,2]"), "the header must be a JSON object of tensors, got a list");
    expectCorrupt(file("null"), "the header must be a JSON object of tensors, got null");
    expectCorrupt(file({ w: 3 }), 'tensor "w" must be an object with "dtype", "shape" and "data_offsets", got number 3');
    expectCorrupt(file({ w: { shape: [2], data_offsets: [0, 8] } }, eight), 'tensor "w" has no "dtype"');
    expectCorrupt(file({ w: { dtype: "F32", data_offsets: [0, 8] } }, eight), 'tensor "w" has no "shape"');
    expectCorrupt(file({ w: { dtype: "F32", shape: [2] } }, eight), 'tensor "w" has no "data_offsets"');
    expectCorrupt(file({ w: entry("F99", [2], 0, 8) }, eight), 'tensor "w" has unknown dtype "F99"; safetensors dtypes are F32, F16, BF16');
    expectCorrupt(file({ w: { ...entry("F32", [2], 0, 8), dtype: 4 } }, eight), 'tensor "w" has unknown dtype 4');
    expectCorrupt(file({ w: entry("F8_E4M3", [8], 0, 8) }, eight), 'tensor "w" has dtype F8_E4M3, which this engine cannot read; convert it to F32');
    expectCorrupt(file({ w: entry("F32", [-2], 0, 8) }, eight), 'tensor "w" has shape [-2]; expected a list of at most 64 whole numbers >= 0');
    expectCorrupt(file({ w: entry("F32", [1.5], 0, 8) }, eight), 'tensor "w" has shape [1.5]');
    expectCorrupt(file({ w: { ...entry("F32", [2], 0, 8), shape: "2" } }, eight), 'tensor "w" has shape "2"');
    expectCorrupt(file({ w: { ...entry("F32", [2], 0, 8), data_offsets: [0] } }, eight), 'tensor "w" has data_offsets [0]; expected [begin, end]');
    expectCorrupt(file({ w: { ...entry("F32", [2], 0, 8), data_offsets: [-8, 0] } }, eight), 'tensor "w" has data_offsets [-8, 0]');
    expectCorrupt(file({ w: entry("F32", [2], 8, 0) }, eight), 'tensor "w" has data_offsets [8, 0], which end before they begin');
    expectCorrupt(
      file({ w: entry("F32", [4], 0, 16) }, eight),
      'tensor "w" has data_offsets [0, 16] but the data section is only 8 bytes; the file was cut off',
    );
    expectCorrupt(file({ w: entry("F32", [3], 0, 8) }, eight), 'tensor "w" has shape [3] of F32, which needs 12 bytes, but its data_offsets [0, 8] span 8');
    expectCorrupt(file({ a: entry("F32", [2], 0, 8), b: entry("F32", [2], 4, 12) }, f32(1, 2, 3)), 'tensors "a" (bytes 0..8) and "b" (bytes 4..12) overlap');
    expectCorrupt(file({ a: entry("F32", [1], 0, 4), b: entry("F32", [1], 8, 12) }, f32(1, 2, 3)), '4 unused bytes lie before tensor "b"');
    expectCorrupt(file({ a: entry("F32", [1], 4, 8) }, eight), '4 unused bytes lie before tensor "a"');
    expectCorrupt(file({ a: entry("F32", [1], 0, 4) }, eight), "4 bytes after the last tensor are not described by the header");
    expectCorrupt(file({ __metadata__: "x", ...w }, eight), '"__metadata__" must be an object of strings, got string "x"');
    expectCorrupt(file({ __metadata__: { epochs: 3 }, ...w }, eight), '"__metadata__" entry "epochs" is number 3; metadata values must be strings');
    expectCorrupt(file({ l: entry("I64", [1], 0, 8) }, i64(2n ** 31n)), 'tensor "l" holds the I64 value 2147483648, which does not fit in int32');
    expectCorrupt(file({ d: entry("F64", [1], 0, 8) }, f64(1e300)), 'tensor "d" holds 1e+300, beyond float32\'s range');
    expectCorrupt(
      file({ w: { ...entry("F32", [2], 0, 8), offsets: [0, 8] } }, eight),
      'tensor "w" has an unknown key "offsets"; a tensor has "dtype", "shape" and "data_offsets"',
    );
    expectCorrupt(file({ w: { ...entry("F32", [2], 0, 8), dtyp: "F32" } }, eight), 'tensor "w" has an unknown key "dtyp" (did you mean dtype?)');
    expectCorrupt(file({ w: { ...entry("F32", [2], 0, 8), constructor: 1 } }, eight), 'tensor "w" has an unknown key "constructor"');
    // Deep arrays and long names cannot make the message itself fail or grow.
    const deep = `{"w":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expectCorrupt(file(deep), "the header nests lists and objects more than 3 levels deep");
    const long = "n".repeat(1_000_000);
    let message = "";
    try {
      decodeSafetensors(file({ [long]: 3 }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^safetensors: tensor "n{57}…" must be an object/);
    expect(message.length).toBeLessThan(200);
  });

  it("never crashes on damaged files: each decodes or throws a SafetensorsError", () => {
    const good = encodeSafetensors(tensors, metadata);
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let rejected = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = good.slice(0, trial % 3 === 0 ? random(good.length) : good.length);
      const region = trial % 2 === 0 ? 8 + random(Math.min(bytes.length, 200)) : random(bytes.length);
      for (let k = 0; k <= random(3); k++) if (bytes.length) bytes[Math.min(region + k, bytes.length - 1)] = random(256);
      try {
        const decoded = decodeSafetensors(bytes);
        for (const t of decoded.tensors.values()) expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
      } catch (e) {
        if (!(e instanceof SafetensorsError)) throw e;
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });

  it("refuses to encode what it could not decode", () => {
    const one =
      (t: SafetensorsTensor, name = "w") =>
      () =>
        encodeSafetensors(new Map([[name, t]]));
    expect(one({ dtype: "F32", shape: [3], data: new Float32Array(2) })).toThrow('safetensors: tensor "w" has shape [3] (3 values) but 2 values');
    expect(one({ dtype: "I32", shape: [2], data: new Float32Array(2) })).toThrow(
      'safetensors: tensor "w" has dtype "I32" with a Float32Array; use F32 with a Float32Array',
    );
    expect(one({ dtype: "F32", shape: [1], data: new Float32Array(1) }, "__metadata__")).toThrow('safetensors: a tensor cannot be named "__metadata__"');
    expect(() => encodeSafetensors(new Map(), { epochs: 3 as unknown as string })).toThrow(
      'safetensors: metadata "epochs" is number 3; metadata values must be strings',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Checkpoints

const MLP: dl.nn.ModelSpec = {
  layers: [
    { type: "linear", units: 16 },
    { type: "activation", fn: "relu" },
    { type: "linear", units: 16 },
    { type: "activation", fn: "tanh" },
    { type: "linear", units: 3 },
  ],
};

const LENET_BN: dl.nn.ModelSpec = {
  layers: [
    { type: "conv2d", filters: 6, kernel: 5, padding: 2 },
    { type: "batchNorm" },
    { type: "activation", fn: "relu" },
    { type: "maxPool2d", kernel: 2 },
    { type: "conv2d", filters: 16, kernel: 5 },
    { type: "batchNorm", momentum: 0.3 },
    { type: "activation", fn: "relu" },
    { type: "maxPool2d", kernel: 2 },
    { type: "flatten" },
    { type: "linear", units: 32 },
    { type: "batchNorm" },
    { type: "activation", fn: "relu" },
    { type: "dropout", p: 0.2 },
    { type: "linear", units: 10 },
  ],
};

const RESNET: dl.nn.ModelSpec = {
  layers: [
    { type: "conv2d", filters: 8, kernel: 3, padding: 1 },
    { type: "batchNorm" },
    { type: "activation", fn: "relu" },
    { type: "residual", layers: [{ type: "conv2d", filters: 8, kernel: 3, padding: 1 }, { type: "batchNorm" }, { type: "activation", fn: "relu" }] },
    { type: "residual", layers: [{ type: "conv2d", filters: 16, kernel: 3, stride: 2, padding: 1, bias: false }, { type: "batchNorm" }] },
    { type: "activation", fn: "relu" },
    { type: "adaptiveAvgPool2d", size: 1 },
    { type: "flatten" },
    { type: "linear", units: 10 },
  ],
};

const CASES: [string, dl.nn.ModelSpec, number[]][] = [
  ["MLP", MLP, [2]],
  ["LeNet-like CNN with batch norm", LENET_BN, [1, 16, 16]],
  ["residual CNN", RESNET, [3, 8, 8]],
];

/** A model with trained-looking state: seeded weights and batch-norm statistics moved off 0 and 1. */
function prepared(spec: dl.nn.ModelSpec, inputShape: number[]): dl.nn.Module {
  dl.manualSeed(7);
  const { model } = dl.nn.buildModel(spec, inputShape);
  for (let i = 0; i < 2; i++) model.forward(dl.randn([4, ...inputShape], { mean: 0.5, std: 2 }));
  return model.eval();
}

const values = async (t: dl.Tensor) => Array.from(await t.data());

async function stateValues(model: dl.nn.Module): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [name, t] of model.stateDict()) out.set(name, await values(t));
  return out;
}

/** Expects fn to throw `message` having left no tensor behind and drawn no random number. */
async function expectRejected(fn: () => unknown, message: string | RegExp): Promise<void> {
  const live = memory().tensors;
  dl.manualSeed(99);
  expect(fn).toThrow(message);
  expect(memory().tensors).toBe(live);
  const next = dl.randn([4]);
  dl.manualSeed(99);
  const first = dl.randn([4]);
  expect(await values(next)).toEqual(await values(first));
  dl.dispose([next, first]);
}

/** A file from [name, dtype, shape, bytes] entries laid out in order. */
function fileOf(entries: [string, string, number[], ArrayLike<number>][], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const data: number[] = [];
  for (const [name, dtype, shape, bytes] of entries) {
    header[name] = entry(dtype, shape, data.length, data.length + bytes.length);
    for (let i = 0; i < bytes.length; i++) data.push(bytes[i]);
  }
  return file(header, data);
}

const bytesOf = (t: SafetensorsTensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

describe("checkpoints", () => {
  it.each(CASES)("%s: loadModel(saveModel(model)) gives the same outputs and weights", (_, spec, inputShape) =>
    onCpu(async () => {
      const model = prepared(spec, inputShape);
      const x = dl.randn([3, ...inputShape]);
      const before = await values(model.forward(x));
      const bytes = await saveModel(model, spec, inputShape, { note: "epoch 3" });

      const fresh = dl.nn.buildModel(spec, inputShape).model.eval();
      expect(await values(fresh.forward(x))).not.toEqual(before); // so equal outputs below mean the weights loaded

      const loaded = loadModel(bytes);
      loaded.model.eval();
      expect(loaded.spec).toEqual(spec);
      expect(loaded.inputShape).toEqual(inputShape);
      expect(loaded.metadata).toMatchObject({ format: "webgpu-dl-playground", version: "1", note: "epoch 3", inputShape: JSON.stringify(inputShape) });
      expect(await values(loaded.model.forward(x))).toEqual(before);
      expect(await stateValues(loaded.model)).toEqual(await stateValues(model));
      expect(readCheckpoint(bytes).tensors.size).toBe(model.stateDict().size);
    }),
  );

  it("stores buffers as well as parameters", () =>
    onCpu(async () => {
      const model = prepared(LENET_BN, [1, 16, 16]);
      const { tensors } = decodeSafetensors(await saveModel(model, LENET_BN, [1, 16, 16]));
      expect(Array.from(tensors.get("1.running_mean")!.data)).toEqual(await values(model.stateDict().get("1.running_mean")!));
      expect(tensors.get("1.running_mean")!.data.some((v) => v !== 0)).toBe(true);
      expect([...tensors.keys()]).toEqual([...model.stateDict().keys()]);
    }));

  it("saves the weights as they were when asked, though training changes them before the reads complete", () =>
    onCpu(async () => {
      // The CLI saves after each epoch while the next one trains: every tensor must come from the same moment.
      const model = prepared(MLP, [2]);
      const before = await stateValues(model);
      const saving = saveModel(model, MLP, [2]);
      dl.noGrad(() => {
        for (const p of model.parameters()) p.assign_(dl.add(p, 1)); // "the next step", before anything was read
      });
      const loaded = loadModel(await saving);
      expect(await stateValues(loaded.model)).toEqual(before);
      expect(await stateValues(model)).not.toEqual(before);
    }));

  it("builds on the backend it is given", async () => {
    const bytes = await onCpu(() => saveModel(prepared(MLP, [2]), MLP, [2]));
    const { model } = loadModel(bytes, { backend: cpu32 });
    expect(model.parameters().every((p) => p.backend === cpu32)).toBe(true);
  });

  it("rejects weights that do not fit the model, changing nothing", () =>
    onCpu(async () => {
      const model = prepared(MLP, [2]);
      const before = await stateValues(model);
      const wider: dl.nn.ModelSpec = { layers: [{ type: "linear", units: 32 }, ...MLP.layers.slice(1)] };
      const bytes = await saveModel(prepared(wider, [2]), wider, [2]);
      await expectRejected(
        () => loadWeightsInto(model, bytes),
        "loadStateDict: the weights do not fit this model: 0.weight has shape [32, 2], the model expects [16, 2]",
      );
      expect(await stateValues(model)).toEqual(before);
    }));

  it("rejects a file whose weights do not fit the spec saved with them, before building anything", () =>
    onCpu(async () => {
      const { tensors, metadata } = decodeSafetensors(await saveModel(prepared(MLP, [2]), MLP, [2]));
      const entries = [...tensors].map(([name, t]): [string, string, number[], ArrayLike<number>] => [name, t.dtype, t.shape, bytesOf(t)]);
      const rejected = (changed: typeof entries, message: string | RegExp) => expectRejected(() => loadModel(fileOf(changed, metadata)), message);
      const wider = { layers: [{ type: "linear", units: 32 }, ...MLP.layers.slice(1)] };
      await expectRejected(
        () => loadModel(fileOf(entries, { ...metadata, spec: JSON.stringify(wider) })),
        "checkpoint: the weights do not fit the spec saved with them: 0.weight has shape [16, 2], the saved spec gives [32, 2]; 0.bias has shape [16]",
      );
      await rejected(
        entries.filter(([name]) => name !== "4.bias"),
        "checkpoint: the weights do not fit the spec saved with them: 4.bias is missing; the file is corrupt",
      );
      await rejected(
        [...entries, ["9.weight", "F32", [1], f32(1)]],
        "checkpoint: the weights do not fit the spec saved with them: 9.weight is not in the model",
      );
      await rejected(
        entries.map(([name, dtype, shape, data]) => (name === "4.bias" ? [name, "I32", shape, data] : [name, dtype, shape, data])),
        "checkpoint: the weights do not fit the spec saved with them: 4.bias is I32 in the file, the model's is float32",
      );
      const model = prepared(MLP, [2]);
      const ints = fileOf(entries.map(([name, dtype, shape, data]) => (name === "4.bias" ? [name, "I32", shape, data] : [name, dtype, shape, data])));
      await expectRejected(
        () => loadWeightsInto(model, ints),
        "checkpoint: the weights do not fit this model: 4.bias is I32 in the file, the model's is float32",
      );
      const good = fileOf(entries, metadata);
      await expectRejected(() => loadModel(good.subarray(0, good.length - 1)), /^safetensors: /);
      expect(() => loadModel(good)).not.toThrow();
    }));

  it("explains a file without our metadata, and loadWeightsInto still reads it", () =>
    onCpu(async () => {
      const source = prepared(MLP, [2]);
      const { tensors } = decodeSafetensors(await saveModel(source, MLP, [2]));
      const plain = encodeSafetensors(tensors);
      await expectRejected(
        () => loadModel(plain),
        'checkpoint: this file has no "format": "webgpu-dl-playground" metadata, so it does not say which model its weights belong to; build the model yourself and use loadWeightsInto(model, bytes)',
      );
      const model = dl.nn.buildModel(MLP, [2]).model.eval();
      expect(loadWeightsInto(model, plain)).toEqual({});
      const x = dl.randn([5, 2]);
      expect(await values(model.forward(x))).toEqual(await values(source.forward(x)));
    }));

  it("explains each kind of bad metadata, building nothing", () =>
    onCpu(async () => {
      const { tensors, metadata } = decodeSafetensors(await saveModel(prepared(MLP, [2]), MLP, [2]));
      const withMetadata = (change: Record<string, string | undefined>) => {
        const m = { ...metadata, ...change };
        for (const key of Object.keys(m)) if (m[key] === undefined) delete m[key];
        return encodeSafetensors(tensors, m as Record<string, string>);
      };
      await expectRejected(() => loadModel(withMetadata({ format: "keras" })), 'checkpoint: this file\'s format is "keras", not "webgpu-dl-playground"');
      await expectRejected(() => loadModel(withMetadata({ version: "2" })), 'checkpoint: this file has format version "2"; this playground reads version 1');
      await expectRejected(
        () => loadModel(withMetadata({ spec: undefined })),
        'checkpoint: the file has no "spec" metadata; it is incomplete, so save the model again',
      );
      await expectRejected(() => loadModel(withMetadata({ spec: "{" })), /^checkpoint: the "spec" metadata is not valid JSON \(.+\); the file is corrupt$/);
      await expectRejected(
        () => loadModel(withMetadata({ spec: '{"layers":[{"type":"conv3d"}]}' })),
        'checkpoint: the saved spec is invalid: layer 1 type: "conv3d" is not a layer type',
      );
      await expectRejected(
        () => loadModel(withMetadata({ inputShape: "[0]" })),
        'checkpoint: the "inputShape" metadata must be a list of whole numbers >= 1 like [1, 28, 28], got [0]',
      );
      await expectRejected(
        () => loadModel(withMetadata({ inputShape: "[1, 4, 4]" })),
        "checkpoint: the saved spec does not fit the input shape [1, 4, 4]: layer 1 linear: expects a vector but its input is a 1-channel 4x4 image",
      );
    }));

  it("refuses to save a model that its spec does not describe", () =>
    onCpu(async () => {
      const model = prepared(MLP, [2]);
      await expect(saveModel(model, MLP, [3])).rejects.toThrow(
        "checkpoint: the model was not built from this spec and input shape: 0.weight has shape [16, 2], the spec gives [16, 3]",
      );
      await expect(saveModel(model, LENET_BN, [1, 16, 16])).rejects.toThrow(CheckpointError);
      await expect(saveModel(model, { layers: [] }, [2])).rejects.toThrow(
        "checkpoint: the spec is invalid: model layers: expected a list of 1 to 256 layers, got 0 layers",
      );
      await expect(saveModel(model, MLP, [2], { spec: "mine" })).rejects.toThrow('checkpoint: extra metadata cannot use the reserved key "spec"');
    }));

  it("loads a file saved from PyTorch, with BatchNorm's num_batches_tracked", () =>
    onCpu(async () => {
      const source = prepared(LENET_BN, [1, 16, 16]);
      const { tensors, metadata } = decodeSafetensors(await saveModel(source, LENET_BN, [1, 16, 16]));
      // As safetensors.torch.save_file(model.state_dict()) writes them: an I64 step counter per batch norm.
      const counters = ["1", "5", "10"].map((i): [string, string, number[], number[]] => [`${i}.num_batches_tracked`, "I64", [], i64(7n)]);
      const entries = [...tensors].map(([name, t]): [string, string, number[], ArrayLike<number>] => [name, t.dtype, t.shape, bytesOf(t)]);
      const pytorch = fileOf([...entries, ...counters], metadata);
      const { model } = loadModel(pytorch);
      expect(await stateValues(model.eval())).toEqual(await stateValues(source));
      const other = prepared(LENET_BN, [1, 16, 16]);
      loadWeightsInto(other, fileOf([...entries, ...counters]));
      expect(await stateValues(other)).toEqual(await stateValues(source));
      // a counter where the model has no batch norm is still an unknown weight
      const stray: [string, string, number[], number[]] = ["3.num_batches_tracked", "I64", [], i64(7n)];
      await expectRejected(
        () => loadWeightsInto(other, fileOf([...entries, stray])),
        "loadStateDict: the weights do not fit this model: 3.num_batches_tracked is not in the model",
      );
    }));

  it("names files after the model and the time", () => {
    const date = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
    expect(checkpointFilename("Spiral MLP!", date)).toBe("spiral-mlp-20250102-030405.safetensors");
    expect(checkpointFilename("***", date)).toBe("model-20250102-030405.safetensors");
    expect(checkpointFilename(undefined, date)).toBe("model-20250102-030405.safetensors");
  });
});
