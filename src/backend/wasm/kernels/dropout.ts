/**
 * Dropout as WebAssembly (the wasm half of the dropout op in src/ops/indexing.ts). The mask is the
 * same hash of (key, element index) as the reference's and the GPU's (src/tensor/random.ts,
 * shaders/rng.wgsl), so every backend drops the same elements from the same seed:
 *
 *   dropout(x, y, start, end, key, threshold, scaleBits), for start <= i < end:
 *     y[i] = x[i]·scale  where (pcg(pcg(i) ^ key) >>> 8) >= threshold,  else 0
 *
 * with threshold = ceil(p·2^24) (uniform01 = (hash >>> 8) / 2^24 >= p, in whole numbers) and
 * scale = 1 / (1 − p), passed as its float32 bits (threads take whole numbers only): each thread
 * takes a range of elements. The backward pass is the same kernel on dy with the same key. Scalar
 * i32 arithmetic: PCG's shift by a per-element amount has no SIMD form.
 */
import type { Code, Local, ModuleBuilder } from "../asm";

/**
 * (x, y, start, end, key, threshold, scaleBits): byte offsets, the range of elements, the draw's key
 * (its u32 bits as an i32), the whole-number threshold, the scale's float32 bits.
 */
export type DropoutArgs = [x: number, y: number, start: number, end: number, key: number, threshold: number, scaleBits: number];

/** Emits pcg(v) for the i32 on top of the stack, leaving the hash there (state and word: scratch locals). */
function pcg(c: Code, state: Local, word: Local): void {
  // state = v·747796405 + 2891336453
  c.i32_const(747796405)
    .i32_mul()
    .i32_const(2891336453 | 0)
    .i32_add()
    .local_set(state);
  // word = ((state >>> ((state >>> 28) + 4)) ^ state)·277803737
  c.local_get(state).local_get(state).i32_const(28).i32_shr_u().i32_const(4).i32_add().i32_shr_u();
  c.local_get(state).i32_xor().i32_const(277803737).i32_mul().local_set(word);
  // (word >>> 22) ^ word
  c.local_get(word).i32_const(22).i32_shr_u().local_get(word).i32_xor();
}

export function addDropoutFunctions(m: ModuleBuilder): void {
  m.function("dropout", Array(7).fill("i32"), [], (c) => {
    const [x, y, start, end, key, threshold, scaleBits] = Array.from({ length: 7 }, (_, i) => c.param(i));
    const [i, at, state, word] = Array.from({ length: 4 }, () => c.local("i32"));
    const scale = c.local("f32");
    c.local_get(scaleBits).f32_reinterpret_i32().local_set(scale);
    c.for_(i, start, end, 1, () => {
      c.local_get(i).i32_const(2).i32_shl().local_set(at);
      c.local_get(y).local_get(at).i32_add(); // the store's address
      c.local_get(x).local_get(at).i32_add().f32_load().local_get(scale).f32_mul();
      c.f32_const(0);
      c.local_get(i);
      pcg(c, state, word);
      c.local_get(key).i32_xor();
      pcg(c, state, word);
      c.i32_const(8).i32_shr_u().local_get(threshold).i32_ge_s();
      c.select().f32_store();
    });
  });
}
