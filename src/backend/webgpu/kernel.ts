/**
 * Kernels as the WebGPU backend sees them: a WGSL source with a cache key, the storage bindings it
 * declares after its uniform block, and override constants. Ops build kernels through the small
 * factories in src/ops/kernels/, which memoise them so that a kernel's source is composed once.
 */

/** How a storage binding is used: read-only input or written output. */
export type Access = "read" | "write";

export interface Kernel {
  /** Unique cache key: shader family + variant; pipelines are cached by key + constants. */
  readonly key: string;
  /** Complete WGSL source; binding 0 is always the uniform block. */
  readonly code: string;
  /** Storage bindings 1..n, in order. */
  readonly bindings: readonly Access[];
  /** WGSL `override` constants (tile and workgroup sizes). */
  readonly constants?: Readonly<Record<string, number>>;
}

const kernelCache = new Map<string, Kernel>();

/** Returns the kernel cached under `key`, building it on first use. */
export function cachedKernel(key: string, build: () => Omit<Kernel, "key">): Kernel {
  let k = kernelCache.get(key);
  if (!k) {
    k = { key, ...build() };
    kernelCache.set(key, k);
  }
  return k;
}

/** Every kernel built so far (the shader-compilation test walks these). */
export function builtKernels(): Kernel[] {
  return [...kernelCache.values()];
}

/** Replaces each `{{NAME}}` marker in a shader template (comment lines are left alone). */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template
    .split("\n")
    .map((line) =>
      line.trimStart().startsWith("//")
        ? line
        : line.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
            if (!(name in values)) throw new Error(`shader template: no value for {{${name}}}`);
            return values[name];
          }),
    )
    .join("\n");
}

/** Declares the storage bindings 1..n of a kernel as WGSL. */
export function storageDecls(items: { name: string; access: Access; type: string }[]): string {
  return items.map((b, i) => `@group(0) @binding(${i + 1}) var<storage, ${b.access === "read" ? "read" : "read_write"}> ${b.name}: ${b.type};`).join("\n");
}

/** Largest uniform block a dispatch may carry (and the ring's slot size). */
export const UNIFORM_SLOT_BYTES = 256;

/**
 * Packs a dispatch's uniforms in WGSL uniform layout: 4-byte scalars in order, arrays of vec4 aligned
 * to 16 bytes. Kernels declare the matching struct in their contract.
 */
export class Uniforms {
  readonly bytes = new ArrayBuffer(UNIFORM_SLOT_BYTES);
  private readonly view = new DataView(this.bytes);
  private offset = 0;

  u32(v: number): this {
    this.view.setUint32(this.take(4), v >>> 0, true);
    return this;
  }
  f32(v: number): this {
    this.view.setFloat32(this.take(4), v, true);
    return this;
  }
  /** An `array<vec4<u32>, slots>` holding `values` (padded with 0). */
  u32Array(values: readonly number[], slots: number): this {
    if (values.length > slots * 4) throw new Error(`uniforms: ${values.length} values do not fit in ${slots} vec4 slots`);
    this.offset = Math.ceil(this.offset / 16) * 16;
    for (let i = 0; i < slots * 4; i++) this.u32(values[i] ?? 0);
    return this;
  }
  /** Bytes used, rounded up to a 16-byte multiple. */
  get byteLength(): number {
    return Math.max(16, Math.ceil(this.offset / 16) * 16);
  }
  private take(n: number): number {
    const at = this.offset;
    if (at + n > UNIFORM_SLOT_BYTES) throw new Error(`uniforms: more than ${UNIFORM_SLOT_BYTES} bytes`);
    this.offset += n;
    return at;
  }
}
