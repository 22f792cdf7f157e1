/**
 * A small WebAssembly assembler: the wasm backend's kernels are written in TypeScript as calls that
 * emit WebAssembly instructions one by one (`code.local_get(x); code.f32x4_add()`), and this module
 * turns them into a binary module (https://webassembly.github.io/spec/core/binary/). No toolchain: the
 * kernels' source is the TypeScript that emits them (src/backend/wasm/kernels/), readable beside the
 * instructions they become, and shapes known when a kernel is built can be baked in as constants.
 *
 * Only what the kernels use is here: i32/f32/v128 values, one imported memory, functions, loops and
 * blocks, loads and stores, arithmetic, and SIMD (with relaxed-SIMD's fused multiply-add where the
 * runtime has it).
 */

export type ValType = "i32" | "f32" | "v128";

const VAL_TYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Unsigned LEB128 (sizes, indices). */
function uleb(n: number, out: number[]): void {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

/** Signed LEB128 (i32.const). */
function sleb(n: number, out: number[]): void {
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

function name(s: string, out: number[]): void {
  const bytes = new TextEncoder().encode(s);
  uleb(bytes.length, out);
  out.push(...bytes);
}

/** A section: its id, then its contents prefixed by their length. */
function section(id: number, contents: number[], out: number[]): void {
  out.push(id);
  uleb(contents.length, out);
  out.push(...contents);
}

/** A local variable or parameter of the function being written. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/**
 * The instructions of one function body. Method names follow the text format with `_` for `.`
 * (`f32x4_add` is `f32x4.add`); loads and stores take a constant byte offset added to the address
 * on the stack.
 */
export class Code {
  readonly bytes: number[] = [];
  private readonly extra: ValType[] = [];

  constructor(readonly params: readonly ValType[]) {}

  /** The function's parameters, as locals. */
  param(i: number): Local {
    return { index: i, type: this.params[i] };
  }

  /** A new local of `type` (zero at entry). */
  local(type: ValType): Local {
    this.extra.push(type);
    return { index: this.params.length + this.extra.length - 1, type };
  }

  /** The locals' declaration, as the code section writes it. */
  localsDeclaration(out: number[]): void {
    uleb(this.extra.length, out);
    for (const t of this.extra) {
      out.push(1, VAL_TYPE[t]);
    }
  }

  private op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  /** An instruction with one index immediate (a local, a branch depth). */
  private withIndex(code: number, index: number): this {
    this.bytes.push(code);
    uleb(index, this.bytes);
    return this;
  }

  private simd(code: number): this {
    this.bytes.push(0xfd);
    uleb(code, this.bytes);
    return this;
  }

  private memarg(align: number, offset: number): this {
    uleb(align, this.bytes);
    uleb(offset, this.bytes);
    return this;
  }

  // Control. `block` and `loop` take the body as a function; `br(0)` inside a loop goes to its top,
  // inside a block to its end.
  block(body: () => void): this {
    this.op(0x02, 0x40);
    body();
    return this.op(0x0b);
  }
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  /** Runs `then` when the i32 on the stack is not zero, else `otherwise`. */
  if_(then: () => void, otherwise?: () => void): this {
    this.op(0x04, 0x40);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.withIndex(0x0c, depth);
  }
  br_if(depth: number): this {
    return this.withIndex(0x0d, depth);
  }
  /** Calls the module's function `index` (the order functions were added in). */
  call(index: number): this {
    return this.withIndex(0x10, index);
  }

  /** Picks the first of two values when the i32 on top is not zero, else the second (stack: a, b, cond). */
  select(): this {
    return this.op(0x1b);
  }

  // Locals.
  local_get(l: Local): this {
    return this.withIndex(0x20, l.index);
  }
  local_set(l: Local): this {
    return this.withIndex(0x21, l.index);
  }

  // Memory (natural alignment: 4 bytes for scalars, 16 for vectors, as a hint only).
  i32_load(offset = 0): this {
    return this.op(0x28).memarg(2, offset);
  }
  f32_load(offset = 0): this {
    return this.op(0x2a).memarg(2, offset);
  }
  i32_store(offset = 0): this {
    return this.op(0x36).memarg(2, offset);
  }
  f32_store(offset = 0): this {
    return this.op(0x38).memarg(2, offset);
  }
  v128_load(offset = 0): this {
    return this.simd(0x00).memarg(4, offset);
  }
  /** Loads one f32 and copies it into all four lanes. */
  v128_load32_splat(offset = 0): this {
    return this.simd(0x09).memarg(2, offset);
  }
  v128_store(offset = 0): this {
    return this.simd(0x0b).memarg(4, offset);
  }

  // Constants.
  i32_const(n: number): this {
    this.op(0x41);
    sleb(n, this.bytes);
    return this;
  }
  f32_const(x: number): this {
    const b = new Uint8Array(new Float32Array([x]).buffer);
    return this.op(0x43, ...b);
  }

  // i32 arithmetic and comparisons.
  i32_eq(): this {
    return this.op(0x46);
  }
  i32_lt_s(): this {
    return this.op(0x48);
  }
  i32_lt_u(): this {
    return this.op(0x49);
  }
  i32_gt_s(): this {
    return this.op(0x4a);
  }
  i32_le_s(): this {
    return this.op(0x4c);
  }
  i32_ge_s(): this {
    return this.op(0x4e);
  }
  i32_add(): this {
    return this.op(0x6a);
  }
  i32_sub(): this {
    return this.op(0x6b);
  }
  i32_mul(): this {
    return this.op(0x6c);
  }
  i32_shl(): this {
    return this.op(0x74);
  }
  i32_shr_u(): this {
    return this.op(0x76);
  }
  i32_and(): this {
    return this.op(0x71);
  }
  i32_or(): this {
    return this.op(0x72);
  }
  i32_xor(): this {
    return this.op(0x73);
  }

  // f32 arithmetic.
  f32_sqrt(): this {
    return this.op(0x91);
  }
  f32_add(): this {
    return this.op(0x92);
  }
  f32_sub(): this {
    return this.op(0x93);
  }
  f32_mul(): this {
    return this.op(0x94);
  }
  f32_div(): this {
    return this.op(0x95);
  }
  f32_max(): this {
    return this.op(0x97);
  }
  f32_min(): this {
    return this.op(0x96);
  }
  f32_abs(): this {
    return this.op(0x8b);
  }
  /** Rounds to the nearest integer, ties to even. */
  f32_nearest(): this {
    return this.op(0x90);
  }
  f32_gt(): this {
    return this.op(0x5e);
  }
  f32_lt(): this {
    return this.op(0x5d);
  }
  /** The f32 as an i32, truncated, saturating at the i32 range (NaN: 0). */
  i32_trunc_sat_f32_s(): this {
    return this.op(0xfc, 0x00);
  }
  /** The i32's bits as an f32. */
  f32_reinterpret_i32(): this {
    return this.op(0xbe);
  }
  /** The f32's bits as an i32. */
  i32_reinterpret_f32(): this {
    return this.op(0xbc);
  }
  /** The i32 (signed) as the nearest f32. */
  f32_convert_i32_s(): this {
    return this.op(0xb2);
  }

  // f32x4 (SIMD).
  f32x4_splat(): this {
    return this.simd(0x13);
  }
  f32x4_extract_lane(lane: number): this {
    return this.simd(0x1f).op(lane);
  }
  f32x4_add(): this {
    return this.simd(0xe4);
  }
  f32x4_sub(): this {
    return this.simd(0xe5);
  }
  f32x4_mul(): this {
    return this.simd(0xe6);
  }
  f32x4_max(): this {
    return this.simd(0xe9);
  }
  f32x4_min(): this {
    return this.simd(0xe8);
  }
  /** a < b ? b : a per lane (the first operand's NaN kept, the second's ignored). */
  f32x4_pmax(): this {
    return this.simd(0xeb);
  }
  /** b < a ? b : a per lane (the first operand's NaN kept, the second's ignored). */
  f32x4_pmin(): this {
    return this.simd(0xea);
  }
  f32x4_abs(): this {
    return this.simd(0xe0);
  }
  /** Rounds each lane to the nearest integer, ties to even. */
  f32x4_nearest(): this {
    return this.simd(0x6a);
  }
  /** Lane masks: all ones where a < b. */
  f32x4_lt(): this {
    return this.simd(0x43);
  }
  /** Each lane as an i32, truncated, saturating (NaN: 0). */
  i32x4_trunc_sat_f32x4_s(): this {
    return this.simd(0xf8);
  }
  i32x4_splat(): this {
    return this.simd(0x11);
  }
  i32x4_add(): this {
    return this.simd(0xae);
  }
  /** Shifts each lane left by the i32 on top of the stack. */
  i32x4_shl(): this {
    return this.simd(0xab);
  }
  /** Lane masks: all ones where a > b. */
  f32x4_gt(): this {
    return this.simd(0x44);
  }
  /** Bits of the first where the mask is set, else of the second (stack: first, second, mask). */
  v128_bitselect(): this {
    return this.simd(0x52);
  }
  f32x4_sqrt(): this {
    return this.simd(0xe3);
  }
  f32x4_div(): this {
    return this.simd(0xe7);
  }
  /** a·b + c in one rounding where the hardware fuses it (relaxed SIMD; stack: a, b, c). */
  f32x4_relaxed_madd(): this {
    return this.simd(0x105);
  }

  /** Adds a·b to `acc` (stack: a, b): fused when `fma`, else a multiply then an add. */
  f32x4_mul_add_into(acc: Local, fma: boolean): this {
    if (fma) return this.local_get(acc).f32x4_relaxed_madd().local_set(acc);
    return this.f32x4_mul().local_get(acc).f32x4_add().local_set(acc);
  }

  // Small helpers for the loops the kernels write.
  /** local += n (i32). */
  add_to(l: Local, n: number | Local): this {
    this.local_get(l);
    if (typeof n === "number") this.i32_const(n);
    else this.local_get(n);
    return this.i32_add().local_set(l);
  }

  /**
   * for (i = from; i < to; i += step) body: `to` is a local or a constant, the body must leave the
   * stack as it found it.
   */
  for_(i: Local, from: number | Local, to: number | Local, step: number, body: () => void): this {
    if (typeof from === "number") this.i32_const(from);
    else this.local_get(from);
    this.local_set(i);
    return this.block(() => {
      const bound = () => (typeof to === "number" ? this.i32_const(to) : this.local_get(to));
      this.local_get(i);
      bound();
      this.i32_ge_s().br_if(0);
      this.loop(() => {
        body();
        this.add_to(i, step);
        this.local_get(i);
        bound();
        this.i32_lt_s().br_if(0);
      });
    });
  }
}

interface FunctionEntry {
  name: string;
  params: readonly ValType[];
  results: readonly ValType[];
  code: Code;
}

/** A module importing one memory (`env.memory`) and exporting the functions added to it. */
export class ModuleBuilder {
  private readonly functions: FunctionEntry[] = [];

  /** Adds an exported function; `write` emits its body. */
  function(name: string, params: readonly ValType[], results: readonly ValType[], write: (code: Code) => void): this {
    const code = new Code(params);
    write(code);
    this.functions.push({ name, params, results, code });
    return this;
  }

  /** The index of the function added as `name`, for `call`. */
  indexOf(name: string): number {
    const i = this.functions.findIndex((f) => f.name === name);
    if (i < 0) throw new Error(`wasm assembler: no function ${name} yet`);
    return i;
  }

  /**
   * The module's bytes. `memory` describes the imported memory: its initial pages and, for a shared
   * memory (threads), its maximum.
   */
  build(memory: { initialPages: number; maximumPages?: number; shared?: boolean }): Uint8Array {
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const types: number[] = [];
    uleb(this.functions.length, types);
    for (const f of this.functions) {
      types.push(0x60);
      uleb(f.params.length, types);
      for (const p of f.params) types.push(VAL_TYPE[p]);
      uleb(f.results.length, types);
      for (const r of f.results) types.push(VAL_TYPE[r]);
    }
    section(1, types, out);
    const imports: number[] = [1];
    name("env", imports);
    name("memory", imports);
    imports.push(0x02);
    if (memory.maximumPages === undefined) {
      imports.push(0x00);
      uleb(memory.initialPages, imports);
    } else {
      imports.push(memory.shared ? 0x03 : 0x01);
      uleb(memory.initialPages, imports);
      uleb(memory.maximumPages, imports);
    }
    section(2, imports, out);
    const declarations: number[] = [];
    uleb(this.functions.length, declarations);
    for (let i = 0; i < this.functions.length; i++) uleb(i, declarations);
    section(3, declarations, out);
    const exports: number[] = [];
    uleb(this.functions.length, exports);
    this.functions.forEach((f, i) => {
      name(f.name, exports);
      exports.push(0x00);
      uleb(i, exports);
    });
    section(7, exports, out);
    const bodies: number[] = [];
    uleb(this.functions.length, bodies);
    for (const f of this.functions) {
      const body: number[] = [];
      f.code.localsDeclaration(body);
      body.push(...f.code.bytes, 0x0b);
      uleb(body.length, bodies);
      bodies.push(...body);
    }
    section(10, bodies, out);
    return new Uint8Array(out);
  }
}

/** Whether this runtime runs relaxed SIMD (f32x4.relaxed_madd): Chromium 114+, Node 22+. */
export function hasRelaxedSimd(): boolean {
  const probe = new ModuleBuilder().function("f", ["v128"], ["v128"], (c) => {
    c.local_get(c.param(0)).local_get(c.param(0)).local_get(c.param(0)).f32x4_relaxed_madd();
  });
  return WebAssembly.validate(probe.build({ initialPages: 1 }) as BufferSource);
}
