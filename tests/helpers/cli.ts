/**
 * The training CLI as the CLI tests run it: built once per test file into its own folder under
 * dist-cli/ (`npm run build:cli`'s config, another output folder), so test files running side by
 * side never run a CLI another file is rebuilding.
 */
import { execFileSync } from "node:child_process";

/** Builds the CLI into dist-cli/test-`name`/ and returns the path of its train.mjs. */
export function buildCli(name: string): string {
  const outDir = `dist-cli/test-${name}`;
  execFileSync("npx", ["vite", "build", "--config", "vite.cli.config.ts", "--logLevel", "error", "--outDir", outDir], { stdio: "inherit" });
  return `${outDir}/train.mjs`;
}
