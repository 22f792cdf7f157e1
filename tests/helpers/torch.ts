/**
 * Real PyTorch for the tests that check against it: Debian's python3-torch belongs to
 * /usr/bin/python3 (which may not be the first python3 on the PATH). Where it is missing the suites
 * that need it are skipped with a warning, except under CI, where they fail (`.ci/run` installs it).
 */
import { spawnSync } from "node:child_process";

export const PYTHON = "/usr/bin/python3";
export const INSTALL_TORCH = "apt-get install -y --no-install-recommends python3-torch python3-numpy";

/** Runs /usr/bin/python3 with `args` (stdin from `input`). */
export function python(args: string[], options: { input?: string; cwd?: string; timeout?: number } = {}) {
  const result = spawnSync(PYTHON, args, { input: options.input, cwd: options.cwd, encoding: "utf8", timeout: options.timeout ?? 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const torchFound = (() => {
  try {
    return python(["-c", "import torch"]).status === 0;
  } catch {
    return false;
  }
})();

/** Whether a suite that needs PyTorch skips here (never under CI). */
export function skipWithoutTorch(suite: string): boolean {
  const skip = !torchFound && process.env.CI !== "true";
  if (skip) console.warn(`${suite}: PyTorch is not installed for ${PYTHON}; the real-PyTorch checks are skipped (install: ${INSTALL_TORCH})`);
  return skip;
}
