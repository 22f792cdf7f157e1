import { defineConfig } from "vite";

/**
 * Cross-origin isolation: with these headers the page may share memory between workers, so the wasm
 * backend computes on every core (without them it runs on one thread, and the page says so). A host
 * serving the built page needs the same two headers for threads.
 */
const isolated = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  worker: { format: "es" },
  build: { target: "es2022" },
  server: { host: "127.0.0.1", headers: isolated },
  preview: { host: "127.0.0.1", headers: isolated },
});
