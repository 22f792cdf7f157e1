/**
 * Python source as a small tree, printed the way black would lay it out: a call or literal on one
 * line when it fits PEP 8's 79 columns, else its items on a line of their own, else one item per
 * line (with comments between items). The PyTorch export writes its model definition with it.
 */

export type Py = string | PyGroup;
export interface PyGroup {
  open: string;
  items: PyItem[];
  close: string;
}
export type PyItem = { comment: string } | { lead?: string; node: Py };

/** PEP 8's maximum line length. */
const WIDTH = 79;

/** `fn(a, b, ...)`, leaving out the arguments given as false or undefined. */
export const call = (fn: string, args: (string | false | undefined)[]): PyGroup => ({
  open: `${fn}(`,
  items: args.filter((a): a is string => typeof a === "string").map((node) => ({ node })),
  close: ")",
});

function flat(node: Py): string | null {
  if (typeof node === "string") return node;
  const parts: string[] = [];
  for (const item of node.items) {
    if ("comment" in item) return null;
    const inner = flat(item.node);
    if (inner === null) return null;
    parts.push((item.lead ?? "") + inner);
  }
  return `${node.open}${parts.join(", ")}${node.close}`;
}

/** Lines of `lead + node + trail` at `indent`, broken one item per line when too long. */
export function render(node: Py, indent: number, lead = "", trail = ""): string[] {
  const pad = " ".repeat(indent);
  const one = flat(node);
  if (one !== null && (typeof node === "string" || pad.length + lead.length + one.length + trail.length <= WIDTH)) return [`${pad}${lead}${one}${trail}`];
  const group = node as PyGroup;
  // As black does: the items on one line of their own if they fit, else one item per line.
  const inner = one === null ? null : one.slice(group.open.length, one.length - group.close.length);
  if (inner !== null && pad.length + 4 + inner.length <= WIDTH) return [`${pad}${lead}${group.open}`, `${pad}    ${inner}`, `${pad}${group.close}${trail}`];
  const lines = [`${pad}${lead}${group.open}`];
  for (const item of group.items) {
    if ("comment" in item) lines.push(`${pad}    # ${item.comment}`);
    else lines.push(...render(item.node, indent + 4, item.lead ?? "", ","));
  }
  lines.push(`${pad}${group.close}${trail}`);
  return lines;
}

/** A Python float literal (eps=1e-05 style values; integers get ".0"). */
export function pyFloat(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? `${v}.0` : String(v);
}

export const pyString = (s: string) => JSON.stringify(s);
export const pyTuple = (shape: number[]) => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`);

/** A JSON value as a Python literal (true -> True). */
export function pyLiteral(value: unknown): Py {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" || typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return { open: "[", items: value.map((v) => ({ node: pyLiteral(v) })), close: "]" };
  const entries = Object.entries(value as Record<string, unknown>);
  return { open: "{", items: entries.map(([k, v]) => ({ lead: `${JSON.stringify(k)}: `, node: pyLiteral(v) })), close: "}" };
}

const KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

/** Whether `name` can name a Python class or variable. */
export const isPythonIdentifier = (name: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name);
