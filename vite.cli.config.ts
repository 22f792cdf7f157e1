/**
 * Builds the Node entry points (src/cli/*.ts: bench, train, ...) into self-contained ES modules in
 * dist-cli/, with WGSL sources inlined. Only Dawn's `webgpu` package (a native addon) stays
 * external, so a bundle runs anywhere beside it (or the packed .gpu/). TF.js is bundled from its
 * ES modules, so its gradients register in the same instance the bench uses.
 */
import { readdirSync } from "node:fs";
import { defineConfig } from "vite";

const entries = Object.fromEntries(
  readdirSync("src/cli")
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => [f.replace(/\.ts$/, ""), `src/cli/${f}`]),
);

export default defineConfig({
  build: {
    ssr: true,
    outDir: "dist-cli",
    emptyOutDir: true,
    target: "node20",
    minify: false,
    rollupOptions: {
      input: entries,
      external: [/^webgpu/, /^node:/],
      output: { format: "es", entryFileNames: "[name].mjs" },
    },
  },
  ssr: { noExternal: true },
});
