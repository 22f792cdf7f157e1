/**
 * Builds the Node entry points (src/cli/*.ts: bench, train, ...) into self-contained ES modules in
 * dist-cli/, with WGSL sources inlined. Only Dawn's `webgpu` package (a native addon) stays
 * external, so a bundle runs anywhere beside it (or the packed .gpu/). TF.js is bundled from its
 * ES modules, so its gradients and backends register in the same instance the bench uses; each chunk
 * gets CommonJS's require, __filename and __dirname, which its WASM backend's loader uses.
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
      output: {
        format: "es",
        entryFileNames: "[name].mjs",
        // TF.js's WASM backend (Emscripten) finds its files through CommonJS's require and __dirname.
        banner: [
          'import { createRequire as __createRequire } from "node:module";',
          'import { dirname as __pathDirname } from "node:path";',
          'import { fileURLToPath as __fileURLToPath } from "node:url";',
          "const require = __createRequire(import.meta.url);",
          "const __filename = __fileURLToPath(import.meta.url);",
          "const __dirname = __pathDirname(__filename);",
        ].join("\n"),
      },
    },
  },
  ssr: { noExternal: true },
});
