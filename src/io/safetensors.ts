/**
 * The safetensors format (https://github.com/huggingface/safetensors), the file PyTorch, JAX and the
 * Hugging Face hub share weights in: an 8-byte little-endian header length N, N bytes of JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { string: string } }`
 * (padded with spaces), then the raw little-endian data, offsets counted from the data's start.
 *
 * encodeSafetensors() writes what the reference implementation writes: the header padded so the data
 * starts at a multiple of 8, tensors one after another without gaps. decodeSafetensors() checks
 * everything the reference checks (and names the tensor and the fix when something is wrong) before
 * it returns anything, so a corrupt file never yields partial weights.
 */
import { checkDepth, excerpt, nearest, Place, SchemaError } from "../schema/schema";

/** A tensor as this engine stores it: float32 or int32, row-major. */
export interface SafetensorsTensor {
  dtype: "F32" | "I32";
  shape: number[];
  data: Float32Array | Int32Array;
}

/** A decoded tensor; `storedDtype` is the file's dtype when it was converted (F16 -> F32, I64 -> I32...). */
export interface DecodedTensor extends SafetensorsTensor {
  storedDtype: string;
}

/** What decodeSafetensors() returns: tensors in the order of their data, and the string metadata. */
export interface DecodedSafetensors {
  tensors: Map<string, DecodedTensor>;
  metadata: Record<string, string>;
}

/** A file (or an encode request) that is not valid safetensors; the message starts with "safetensors:". */
export class SafetensorsError extends Error {
  constructor(detail: string) {
    super(`safetensors: ${detail}`);
    this.name = "SafetensorsError";
  }
}

/** The reference implementation refuses headers longer than this. */
const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = "__metadata__";

interface DtypeInfo {
  bytes: number;
  /** What this engine reads it as; absent when it cannot read it. */
  to?: "F32" | "I32";
  read?: (view: DataView, at: number) => number;
}

/** Every dtype of the reference implementation, with its size and, where we read it, how. */
const DTYPES: Record<string, DtypeInfo> = {
  F32: { bytes: 4, to: "F32", read: (v, at) => v.getFloat32(at, true) },
  F16: { bytes: 2, to: "F32", read: (v, at) => halfToFloat(v.getUint16(at, true)) },
  BF16: { bytes: 2, to: "F32", read: (v, at) => bfloat16ToFloat(v.getUint16(at, true)) },
  F64: { bytes: 8, to: "F32", read: (v, at) => v.getFloat64(at, true) },
  I32: { bytes: 4, to: "I32", read: (v, at) => v.getInt32(at, true) },
  I64: { bytes: 8, to: "I32", read: (v, at) => Number(v.getBigInt64(at, true)) },
  U64: { bytes: 8, to: "I32", read: (v, at) => Number(v.getBigUint64(at, true)) },
  U32: { bytes: 4, to: "I32", read: (v, at) => v.getUint32(at, true) },
  I16: { bytes: 2, to: "I32", read: (v, at) => v.getInt16(at, true) },
  U16: { bytes: 2, to: "I32", read: (v, at) => v.getUint16(at, true) },
  I8: { bytes: 1, to: "I32", read: (v, at) => v.getInt8(at) },
  U8: { bytes: 1, to: "I32", read: (v, at) => v.getUint8(at) },
  BOOL: { bytes: 1, to: "I32", read: (v, at) => (v.getUint8(at) ? 1 : 0) },
  F8_E5M2: { bytes: 1 },
  F8_E4M3: { bytes: 1 },
  F8_E8M0: { bytes: 1 },
  C64: { bytes: 8 },
};

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

const bf16Bits = new Uint32Array(1);
const bf16Float = new Float32Array(bf16Bits.buffer);
function bfloat16ToFloat(h: number): number {
  bf16Bits[0] = h << 16;
  return bf16Float[0];
}

/** What a header value is, for a message: short whatever the value (src/schema/schema.ts's excerpt). */
const describe = (value: unknown): string => {
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list (${excerpt(value)})`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${excerpt(value)}`;
};

/** A tensor's name in a message (names may be long: the header allows 100 MB). */
const named = (name: string) => `tensor ${excerpt(name)}`;

/** A header nests three levels (header, entry, shape); deeper is never a safetensors file. */
const MAX_HEADER_DEPTH = 3;
/** The most dimensions a tensor may have (PyTorch allows 64). */
const MAX_RANK = 64;
const ENTRY_KEYS = ["dtype", "shape", "data_offsets"];

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const elementCount = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Writes tensors (in the map's order, without gaps) and optional string metadata as safetensors
 * bytes, exactly as the reference implementation lays them out.
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, SafetensorsTensor>, metadata?: Record<string, string>): Uint8Array {
  const entries: string[] = [];
  if (metadata !== undefined) entries.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(checkedMetadata(metadata))}`);
  let offset = 0;
  for (const [name, t] of tensors) {
    checkEncodable(name, t);
    const end = offset + t.data.byteLength;
    entries.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${entries.join(",")}}`);
  const headerLength = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const t of tensors.values()) {
    writeData(view, out, at, t);
    at += t.data.byteLength;
  }
  return out;
}

function checkedMetadata(metadata: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== "string")
      throw new SafetensorsError(`metadata "${key}" is ${describe(value)}; metadata values must be strings (JSON.stringify other values)`);
    out[key] = value;
  }
  return out;
}

function checkEncodable(name: string, t: SafetensorsTensor): void {
  if (name === METADATA_KEY) throw new SafetensorsError(`a tensor cannot be named "${METADATA_KEY}", the key the format reserves for metadata; rename it`);
  const arrayOk = t.dtype === "F32" ? t.data instanceof Float32Array : t.dtype === "I32" ? t.data instanceof Int32Array : false;
  if (!arrayOk)
    throw new SafetensorsError(
      `tensor "${name}" has dtype ${JSON.stringify(t.dtype)} with a ${t.data?.constructor?.name}; use F32 with a Float32Array or I32 with an Int32Array`,
    );
  if (!Array.isArray(t.shape) || !t.shape.every(isCount))
    throw new SafetensorsError(`tensor "${name}" has shape ${JSON.stringify(t.shape)}; expected a list of whole numbers >= 0`);
  if (elementCount(t.shape) !== t.data.length)
    throw new SafetensorsError(`tensor "${name}" has shape [${t.shape.join(", ")}] (${elementCount(t.shape)} values) but ${t.data.length} values`);
}

function writeData(view: DataView, out: Uint8Array, at: number, t: SafetensorsTensor): void {
  if (littleEndianHost) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    return;
  }
  const f32 = t.data instanceof Float32Array;
  for (let i = 0; i < t.data.length; i++) {
    if (f32) view.setFloat32(at + 4 * i, t.data[i], true);
    else view.setInt32(at + 4 * i, t.data[i], true);
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

interface Entry {
  name: string;
  dtype: string;
  info: DtypeInfo;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads safetensors bytes. F32 and I32 are read as they are; F16, BF16 and F64 become float32
 * (F16/BF16 exactly, F64 rounded), I64/U64/U32/I16/U16/I8/U8/BOOL become int32 when every value
 * fits. Anything invalid throws a SafetensorsError naming the problem; nothing partial is returned.
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) throw new SafetensorsError(`expected the file's bytes as a Uint8Array, got ${describe(bytes)}`);
  const { header, dataStart } = readHeader(bytes);
  const dataLength = bytes.length - dataStart;
  const metadata = readMetadata(header[METADATA_KEY]);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, value]) => readEntry(name, value, dataLength));
  checkLayout(entries, dataLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, dataLength);
  const tensors = new Map<string, DecodedTensor>();
  for (const entry of entries) tensors.set(entry.name, readTensor(entry, bytes, dataStart, view));
  return { tensors, metadata };
}

function readHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8)
    throw new SafetensorsError(
      `the file is ${bytes.length} bytes long, too short for the 8-byte header length every safetensors file starts with; it is empty or was cut off`,
    );
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8))
    throw new SafetensorsError(
      `the header length says ${declared} bytes but only ${bytes.length - 8} bytes follow it; the file was cut off or is not a safetensors file`,
    );
  const length = Number(declared);
  if (length > MAX_HEADER_BYTES)
    throw new SafetensorsError(`the header is ${length} bytes, more than the ${MAX_HEADER_BYTES} the reference implementation accepts`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + length));
  } catch {
    throw new SafetensorsError("the header is not UTF-8 text; the file is not a safetensors file or is corrupt");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(`the header is not valid JSON (${(e as Error).message}); the file is not a safetensors file or is corrupt`);
  }
  if (!header || typeof header !== "object" || Array.isArray(header))
    throw new SafetensorsError(`the header must be a JSON object of tensors, got ${describe(header)}; the file is not a safetensors file`);
  try {
    checkDepth(header, new Place(""), MAX_HEADER_DEPTH);
  } catch (e) {
    if (e instanceof SchemaError) throw new SafetensorsError(`the header ${e.message}; the file is not a safetensors file or is corrupt`);
    throw e;
  }
  return { header: header as Record<string, unknown>, dataStart: 8 + length };
}

function readMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new SafetensorsError(`"${METADATA_KEY}" must be an object of strings, got ${describe(value)}`);
  const entries = Object.entries(value);
  for (const [key, v] of entries)
    if (typeof v !== "string")
      throw new SafetensorsError(
        `"${METADATA_KEY}" entry ${excerpt(key)} is ${describe(v)}; metadata values must be strings (the writer should JSON-encode other values)`,
      );
  return Object.fromEntries(entries) as Record<string, string>;
}

function readEntry(name: string, value: unknown, dataLength: number): Entry {
  const where = named(name);
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new SafetensorsError(`${where} must be an object with "dtype", "shape" and "data_offsets", got ${describe(value)}`);
  const fields = value as Record<string, unknown>;
  for (const key of ["dtype", "shape", "data_offsets"])
    if (!Object.hasOwn(fields, key)) throw new SafetensorsError(`${where} has no "${key}"; every tensor needs "dtype", "shape" and "data_offsets"`);
  for (const key of Object.keys(fields))
    if (!ENTRY_KEYS.includes(key)) {
      const near = nearest(key, ENTRY_KEYS);
      throw new SafetensorsError(
        `${where} has an unknown key ${excerpt(key)}${near ? ` (did you mean ${near}?)` : ""}; a tensor has "dtype", "shape" and "data_offsets"`,
      );
    }
  const { dtype, shape, data_offsets: offsets } = fields;
  if (typeof dtype !== "string" || !Object.hasOwn(DTYPES, dtype))
    throw new SafetensorsError(`${where} has unknown dtype ${excerpt(dtype)}; safetensors dtypes are ${Object.keys(DTYPES).join(", ")}`);
  const info = DTYPES[dtype];
  if (!info.to)
    throw new SafetensorsError(`${where} has dtype ${dtype}, which this engine cannot read; convert it to F32 before saving (in PyTorch: tensor.float())`);
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isCount))
    throw new SafetensorsError(`${where} has shape ${excerpt(shape)}; expected a list of at most ${MAX_RANK} whole numbers >= 0`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount))
    throw new SafetensorsError(`${where} has data_offsets ${excerpt(offsets)}; expected [begin, end], two whole numbers >= 0`);
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new SafetensorsError(`${where} has data_offsets [${begin}, ${end}], which end before they begin; the header is corrupt`);
  if (end > dataLength)
    throw new SafetensorsError(
      `${where} has data_offsets [${begin}, ${end}] but the data section is only ${dataLength} bytes; the file was cut off or its header is corrupt`,
    );
  const expected = elementCount(shape) * info.bytes;
  if (expected !== end - begin)
    throw new SafetensorsError(
      `${where} has shape [${shape.join(", ")}] of ${dtype}, which needs ${expected} bytes, but its data_offsets [${begin}, ${end}] span ${end - begin}; the header is corrupt`,
    );
  return { name, dtype, info, shape: [...shape], begin, end };
}

/** Tensors must tile the data section exactly: sorted by offset, no overlaps, no gaps, nothing after. */
function checkLayout(entries: Entry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: Entry | null = null;
  for (const e of entries) {
    if (previous && e.begin < expected)
      throw new SafetensorsError(
        `tensors ${excerpt(previous.name)} (bytes ${previous.begin}..${previous.end}) and ${excerpt(e.name)} (bytes ${e.begin}..${e.end}) overlap; each tensor needs its own bytes`,
      );
    if (e.begin > expected)
      throw new SafetensorsError(
        `${e.begin - expected} unused bytes lie before ${named(e.name)} (data_offsets [${e.begin}, ${e.end}]); tensors must follow one another without gaps`,
      );
    expected = e.end;
    previous = e;
  }
  if (expected !== dataLength)
    throw new SafetensorsError(`${dataLength - expected} bytes after the last tensor are not described by the header; the file is corrupt`);
}

function readTensor(entry: Entry, bytes: Uint8Array, dataStart: number, view: DataView): DecodedTensor {
  const { dtype, info, shape, name } = entry;
  const count = elementCount(shape);
  const base = { shape, storedDtype: dtype };
  if (littleEndianHost && (dtype === "F32" || dtype === "I32")) {
    // Copy into a fresh, aligned buffer; the bits (NaN payloads included) stay as they are. (Not
    // bytes.slice(): on a Node Buffer, slice() is a view into a shared pool, not a copy.)
    const copy = new Uint8Array(entry.end - entry.begin);
    copy.set(bytes.subarray(dataStart + entry.begin, dataStart + entry.end));
    return dtype === "F32" ? { dtype: "F32", data: new Float32Array(copy.buffer), ...base } : { dtype: "I32", data: new Int32Array(copy.buffer), ...base };
  }
  const read = info.read!;
  if (info.to === "F32") {
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const v = read(view, entry.begin + i * info.bytes);
      data[i] = v;
      if (Number.isFinite(v) && !Number.isFinite(data[i]))
        throw new SafetensorsError(
          `${named(name)} holds ${v}, beyond float32's range; this engine computes in float32, so scale the weights or save them as F32`,
        );
    }
    return { dtype: "F32", data, ...base };
  }
  const data = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = read(view, entry.begin + i * info.bytes);
    if (v < -(2 ** 31) || v > 2 ** 31 - 1)
      throw new SafetensorsError(`${named(name)} holds the ${dtype} value ${v}, which does not fit in int32, the widest integer this engine has`);
    data[i] = v;
  }
  return { dtype: "I32", data, ...base };
}
