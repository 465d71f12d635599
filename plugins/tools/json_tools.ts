import { defineTool, type Tool } from "../../core/tool.ts";

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

function segments(path: string): (string | number)[] {
  if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+|\[\d+\])*$/.test(path)) {
    throw new TypeError(`"${path}" is not a path like "a.b[0].c"`);
  }
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((
    m,
  ) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

function pick(value: unknown, path: string): unknown {
  let cur = value;
  for (const s of segments(path)) {
    if (typeof s === "string" && FORBIDDEN.has(s)) throw new TypeError(`"${s}" cannot be read`);
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, s)) return null;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function merge(a: unknown, b: unknown, arrays: "concat" | "replace"): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return arrays === "concat" ? [...a, ...b] : b;
  if (!isObject(a) || !isObject(b)) return b;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (FORBIDDEN.has(k)) continue;
    out[k] = Object.hasOwn(out, k) ? merge(out[k], v, arrays) : v;
  }
  return out;
}

/**
 * `json.pick`: takes fields out of a JSON value by path (`items[0].name`); a missing path
 * gives null.
 *
 * @returns The tool.
 *
 * @example Picking two fields
 * ```ts
 * import { jsonPickTool } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const out = await jsonPickTool().run({ value: { a: { b: [1, 2] } }, paths: { second: "a.b[1]" } }, {} as never);
 * assert.deepEqual(out, { second: 2 });
 * ```
 */
export function jsonPickTool(): Tool {
  return defineTool({
    name: "json.pick",
    description: "Picks fields out of a JSON value by path, under new names",
    input: {
      type: "object",
      required: ["value", "paths"],
      additionalProperties: false,
      properties: {
        value: {},
        paths: { type: "object", additionalProperties: { type: "string" } },
      },
    },
    idempotent: true,
    run: ({ value, paths }: { value: unknown; paths: Record<string, string> }) => {
      const out: Record<string, unknown> = {};
      for (const [name, path] of Object.entries(paths)) {
        if (FORBIDDEN.has(name)) throw new TypeError(`"${name}" cannot be an output name`);
        out[name] = pick(value, path);
      }
      return out;
    },
  });
}

/**
 * `json.merge`: deep-merges JSON objects left to right (later values win; arrays are
 * concatenated, or replaced with `arrays: "replace"`).
 *
 * @returns The tool.
 *
 * @example Merging two sources
 * ```ts
 * import { jsonMergeTool } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const out = await jsonMergeTool().run({ values: [{ a: 1, l: [1] }, { b: 2, l: [2] }] }, {} as never);
 * assert.deepEqual(out, { a: 1, b: 2, l: [1, 2] });
 * ```
 */
export function jsonMergeTool(): Tool {
  return defineTool({
    name: "json.merge",
    description: "Deep-merges JSON objects, later ones winning",
    input: {
      type: "object",
      required: ["values"],
      additionalProperties: false,
      properties: {
        values: { type: "array", minItems: 1, maxItems: 1000 },
        arrays: { enum: ["concat", "replace"] },
      },
    },
    idempotent: true,
    run: ({ values, arrays = "concat" }: { values: unknown[]; arrays?: "concat" | "replace" }) =>
      values.reduce((acc, v) => merge(acc, v, arrays)),
  });
}
