import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "engine",
          include: ["tests/**/*.test.ts"],
          setupFiles: ["tests/helpers/setup.ts"],
          exclude: ["tests/e2e/**"],
          environment: "node",
          // Two files at a time: most engine tests run on one thread (the CPU reference, PyTorch in a
          // child process), so a second worker uses the second core (one worker is the default here).
          maxWorkers: 2,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
