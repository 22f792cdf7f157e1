/**
 * Data augmentation on the device (shaders/augment.wgsl): random shifts, horizontal flips, small
 * rotations and gaussian noise for a batch of NCHW images, drawn from the seeded generator. The CPU
 * reference computes the same pixels from the same key.
 */

import augmentWgsl from "../../shaders/augment.wgsl?raw";
import mathWgsl from "../../shaders/math.wgsl?raw";
import rngWgsl from "../../shaders/rng.wgsl?raw";
import { cachedKernel, fillTemplate, Uniforms } from "../backend/webgpu/kernel";
import { check, fmtShape } from "../errors";
import { apply1 } from "../tensor/engine";
import { nextKey, normal01, uniform01 } from "../tensor/random";
import { sizeOf } from "../tensor/shape";
import type { Tensor } from "../tensor/tensor";
import { defineOp, type OpDef, type OpTable } from "./op";

export interface AugmentOptions {
  /** Largest shift, in pixels, in each direction (0: none). */
  maxShift?: number;
  /** Probability of a horizontal flip (0: never). */
  flipProbability?: number;
  /** Largest rotation, in degrees, either way (0: none). */
  maxRotationDegrees?: number;
  /** Standard deviation of gaussian pixel noise (0: none). */
  noiseStd?: number;
}

type Attrs = { key: number; maxShift: number; flipProb: number; maxRotation: number; noiseStd: number };

function sample(src: ArrayLike<number>, plane: number, w: number, h: number, x: number, y: number): number {
  return x < 0 || y < 0 || x >= w || y >= h ? 0 : src[plane * w * h + y * w + x];
}

const mix = (a: number, b: number, t: number) => a + (b - a) * t;

export const augmentOp: OpDef<Attrs> = defineOp<Attrs>({
  name: "augmentImages",
  infer([x]) {
    check(x.shape.length === 4 && x.dtype === "float32", "augment", () => `expects float32 images [N, C, H, W], got ${x.dtype} ${fmtShape(x.shape)}`);
    return [{ shape: x.shape, dtype: "float32" }];
  },
  cpu([x], [y], a) {
    const [, channels, h, w] = x.shape;
    for (let i = 0; i < y.data.length; i++) {
      const plane = Math.floor(i / (h * w));
      const image = Math.floor(plane / channels);
      const px = i % w;
      const py = Math.floor(i / w) % h;
      const u = (j: number) => uniform01(a.key, 4 * image + j);
      const dx = Math.round((2 * u(0) - 1) * a.maxShift);
      const dy = Math.round((2 * u(1) - 1) * a.maxShift);
      const flip = u(2) < a.flipProb;
      const angle = Math.fround((2 * u(3) - 1) * a.maxRotation);
      const rx = px + 0.5 - w / 2 - dx;
      const ry = py + 0.5 - h / 2 - dy;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      let sx = c * rx + s * ry;
      const sy = -s * rx + c * ry;
      if (flip) sx = -sx;
      const fx = sx + w / 2 - 0.5;
      const fy = sy + h / 2 - 0.5;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const top = mix(sample(x.data, plane, w, h, x0, y0), sample(x.data, plane, w, h, x0 + 1, y0), fx - x0);
      const bottom = mix(sample(x.data, plane, w, h, x0, y0 + 1), sample(x.data, plane, w, h, x0 + 1, y0 + 1), fx - x0);
      let v = mix(top, bottom, fy - y0);
      if (a.noiseStd > 0) v += a.noiseStd * normal01((a.key ^ 0x9e3779b9) >>> 0, i);
      y.data[i] = v;
    }
  },
  gpu(ctx, [x], [y], a) {
    const [, channels, h, w] = x.shape;
    const n = sizeOf(x.shape);
    const kernel = cachedKernel("augmentImages", () => ({ code: fillTemplate(augmentWgsl, { RNG: `${rngWgsl}\n${mathWgsl}` }), bindings: ["read", "write"] }));
    const u = new Uniforms().u32(n).u32(channels).u32(h).u32(w).u32(a.key).f32(a.maxShift).f32(a.flipProb).f32(a.maxRotation).f32(a.noiseStd);
    ctx.dispatch(kernel, [x.binding, y.binding], u, [Math.min(Math.ceil(n / 256), ctx.tuning.gridWorkgroups)]);
  },
  test: {
    cases: [
      { inputs: [[3, 1, 8, 8]], attrs: { key: 11, maxShift: 2, flipProb: 0.5, maxRotation: 0.2, noiseStd: 0 } },
      { inputs: [[2, 3, 7, 5]], attrs: { key: 12, maxShift: 1, flipProb: 1, maxRotation: 0, noiseStd: 0.1 } },
    ],
    domain: [0, 1],
    gradcheck: false,
  },
});

/** Augments a batch of NCHW images (each image its own draw from the seeded generator). */
export function augment(x: Tensor, options: AugmentOptions): Tensor {
  const { maxShift = 0, flipProbability = 0, maxRotationDegrees = 0, noiseStd = 0 } = options;
  check(
    maxShift >= 0 && flipProbability >= 0 && flipProbability <= 1 && maxRotationDegrees >= 0 && noiseStd >= 0,
    "augment",
    () => `settings must be >= 0 (and the flip probability <= 1), got ${JSON.stringify(options)}`,
  );
  return apply1(augmentOp, [x], { key: nextKey(), maxShift, flipProb: flipProbability, maxRotation: (maxRotationDegrees * Math.PI) / 180, noiseStd });
}

/** This module's ops, by name (the registry joins every module's table). */
export const augmentOps = {
  augmentImages: augmentOp,
} satisfies OpTable;

declare module "./op" {
  interface OpModules {
    augment: typeof augmentOps;
  }
}
