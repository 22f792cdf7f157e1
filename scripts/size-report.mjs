// Prints the size of the code: lines per folder (src/ and tests/ by sub-folder, shaders, scripts)
// and the largest files first, so that a file or folder that grows too big shows in every CI log.
// Printed, not enforced.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOTS = ["src", "tests", "shaders", "scripts"];
const EXTENSIONS = /\.(ts|mjs|js|wgsl|py)$/;
const LARGEST = 25;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (EXTENSIONS.test(name)) yield path;
  }
}

const counted = ROOTS.flatMap((root) => [...files(root)]).map((path) => ({ path, lines: readFileSync(path, "utf8").split("\n").length }));
const byFolder = new Map();
for (const { path, lines } of counted) {
  const parts = relative(".", path).split("/");
  const folder = parts.length > 2 ? parts.slice(0, 2).join("/") : parts[0];
  const entry = byFolder.get(folder) ?? { files: 0, lines: 0 };
  byFolder.set(folder, { files: entry.files + 1, lines: entry.lines + lines });
}

const pad = (s, n) => String(s).padStart(n);
const total = counted.reduce((s, f) => s + f.lines, 0);
console.log(`size report: ${counted.length} files, ${total.toLocaleString("en-US")} lines`);
console.log("\nlines per folder:");
for (const [folder, { files: n, lines }] of [...byFolder].sort((a, b) => b[1].lines - a[1].lines))
  console.log(`${pad(lines.toLocaleString("en-US"), 8)}  ${pad(n, 3)} files  ${folder}/`);
console.log(`\nthe ${LARGEST} largest files:`);
for (const { path, lines } of counted.sort((a, b) => b.lines - a.lines).slice(0, LARGEST)) console.log(`${pad(lines, 8)}  ${path}`);
console.log("");
