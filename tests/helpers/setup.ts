/**
 * Loaded before every engine test file: the engine's entry (src/functional.ts) installs the Tensor
 * methods and backward(), as src/index.ts, the CLI and the worker do for their code.
 */
import "../../src/functional";
