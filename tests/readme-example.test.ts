/**
 * The README's Node example is the file src/cli/example-spiral.ts, word for word, and it trains: the
 * loss it prints falls below 0.3 within its 500 steps.
 */
import { readFileSync } from "node:fs";
import { expect, it, vi } from "vitest";

it("the README shows the example file, and running it trains the spiral MLP", async () => {
  const example = readFileSync("src/cli/example-spiral.ts", "utf8");
  const readme = readFileSync("README.md", "utf8");
  const body = example.split("\n").slice(1).join("\n").trim(); // without its header comment
  expect(readme).toContain(body);
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    lines.push(args.join(" "));
  });
  try {
    await import("../src/cli/example-spiral");
  } finally {
    log.mockRestore();
  }
  expect(lines).toHaveLength(5);
  const losses = lines.map((l) => Number(/loss (\S+)/.exec(l)?.[1]));
  expect(losses[4]).toBeLessThan(0.3);
  expect(losses[4]).toBeLessThan(losses[0]);
  expect(lines[0]).toMatch(/\((WebGPU|wasm)/); // a real GPU, or the wasm backend rather than an emulated one
});
