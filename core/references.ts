import { PlanError } from "./errors.ts";

/** A `${{ ... }}` reference inside a step input. */
export interface Reference {
  /** `steps` for another step's output, `context` for the run's context. */
  readonly source: "steps" | "context";
  /** The step id (for `steps`) or the context key (for `context`). */
  readonly name: string;
  /** The path below it: `["text"]` for `steps.read.output.text`, `[0, "id"]` for `[0].id`. */
  readonly path: readonly (string | number)[];
}

const TEMPLATE = /\$\{\{(.*?)\}\}/g;
const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*/;

/** Parsed expressions by their text: a plan's references are parsed when it is validated and
 * again each time a step's input is resolved, and replanned versions repeat them. */
const parsed = new Map<string, Reference>();
const PARSED_MAX = 16_384;

/**
 * Parses the expression inside `${{ }}`: `steps.ID.output(.KEY|[INDEX])*` or
 * `context.KEY(.KEY|[INDEX])*`. The result is frozen and may be shared.
 * @throws {PlanError} When the expression is malformed (`path` says where it was found).
 */
function parseExpression(text: string, path: string): Reference {
  let ref = parsed.get(text);
  if (ref === undefined) {
    ref = parseNew(text, path);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(text, ref);
  }
  return ref;
}

function parseNew(text: string, path: string): Reference {
  const expr = text.trim();
  const fail = (why: string): never => {
    throw new PlanError(`Malformed reference "\${{ ${expr} }}": ${why}`, { path });
  };
  const head = /^(steps|context)\./.exec(expr);
  if (!head) fail('it must start with "steps." or "context."');
  const source = head![1] as "steps" | "context";
  let rest = expr.slice(head![0].length);
  let id: string;
  if (source === "steps") {
    const at = rest.indexOf(".output");
    if (at <= 0) fail('a step reference reads "steps.ID.output..."');
    id = rest.slice(0, at);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(id)) fail(`"${id}" is not a step id`);
    rest = rest.slice(at + ".output".length);
  } else {
    id = IDENT.exec(rest)?.[0] ?? fail('a context reference reads "context.KEY..."');
    rest = rest.slice(id.length);
  }
  const segments: (string | number)[] = [];
  while (rest.length > 0) {
    if (rest.startsWith(".")) {
      const key = IDENT.exec(rest.slice(1))?.[0];
      if (key === undefined) fail(`expected a field name after "."`);
      if (key === "__proto__" || key === "constructor" || key === "prototype") {
        fail(`"${key}" cannot be read`);
      }
      segments.push(key!);
      rest = rest.slice(1 + key!.length);
    } else {
      const index = /^\[(\d{1,9})\]/.exec(rest);
      if (!index) fail(`unexpected "${rest}"`);
      segments.push(Number(index![1]));
      rest = rest.slice(index![0].length);
    }
  }
  return Object.freeze({ source, name: id, path: Object.freeze(segments) });
}

/**
 * Every reference in a step input, with the path of the string holding it. Malformed
 * references are plan errors.
 *
 * @param input A step input (plain JSON).
 * @param path The input's path, for errors.
 * @returns The references and where each was found.
 * @throws {PlanError} On a malformed `${{ }}` expression or an unclosed `${{`.
 *
 * @example Finding what a step reads
 * ```ts
 * import { findReferences } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const refs = findReferences({ text: "${{ steps.read.output.text }}" }, "steps[1].input");
 * assert.deepEqual(refs.map((r) => [r.ref.name, r.at]), [["read", "steps[1].input.text"]]);
 * ```
 */
export function findReferences(
  input: unknown,
  path: string,
): Array<{ ref: Reference; at: string }> {
  const found: Array<{ ref: Reference; at: string }> = [];
  const walk = (value: unknown, at: string): void => {
    if (typeof value === "string") {
      if (!value.includes("${{")) return;
      for (const match of value.matchAll(TEMPLATE)) {
        found.push({ ref: parseExpression(match[1]!, at), at });
      }
      if (value.replace(TEMPLATE, "").includes("${{")) {
        throw new PlanError('Unclosed "${{" in a reference', { path: at });
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => mayHold(v) && walk(v, `${at}[${i}]`));
    } else if (typeof value === "object" && value !== null) {
      for (const k in value) {
        const v = (value as Record<string, unknown>)[k];
        if (Object.hasOwn(value, k) && mayHold(v)) walk(v, `${at}.${k}`);
      }
    }
  };
  walk(input, path);
  return found;
}

/** Whether a value may hold a reference: a string with `${{`, or a list or object. */
function mayHold(value: unknown): boolean {
  return typeof value === "string"
    ? value.includes("${{")
    : typeof value === "object" && value !== null;
}

function read(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    if (!Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** What references resolve against. */
export interface ReferenceScope {
  /** Outputs of completed steps, by step id. */
  readonly outputs: ReadonlyMap<string, unknown>;
  /** The run's context. */
  readonly context: Readonly<Record<string, unknown>>;
}

/**
 * Replaces references in a step input. A string that is one reference and nothing else takes
 * the referenced value as it is (object, number, ...); references inside longer text are
 * interpolated (non-strings as JSON). A missing value resolves to `null`.
 *
 * @param input The step input.
 * @param scope Outputs and context.
 * @returns A new value; the input is not changed.
 *
 * @example Whole values and interpolation
 * ```ts
 * import { resolveReferences } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const scope = { outputs: new Map([["read", { text: "hi", n: 2 }]]), context: { user: "ada" } };
 * assert.deepEqual(
 *   resolveReferences({ n: "${{ steps.read.output.n }}", s: "${{ context.user }}: ${{ steps.read.output.text }}" }, scope),
 *   { n: 2, s: "ada: hi" },
 * );
 * ```
 */
export function resolveReferences(input: unknown, scope: ReferenceScope): unknown {
  return resolve(input, scope);
}

function resolve(value: unknown, scope: ReferenceScope): unknown {
  if (typeof value === "string") {
    if (!value.includes("${{")) return value;
    const whole = /^\$\{\{(.*?)\}\}$/.exec(value);
    if (whole && !whole[1]!.includes("}}")) return lookup(parseExpression(whole[1]!, ""), scope);
    return value.replace(TEMPLATE, (_, expr: string) => {
      const v = lookup(parseExpression(expr, ""), scope);
      return typeof v === "string" ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, scope));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k in value) {
      if (Object.hasOwn(value, k)) out[k] = resolve((value as Record<string, unknown>)[k], scope);
    }
    return out;
  }
  return value;
}

function lookup(ref: Reference, scope: ReferenceScope): unknown {
  const root = ref.source === "steps"
    ? scope.outputs.get(ref.name)
    : Object.hasOwn(scope.context, ref.name)
    ? scope.context[ref.name]
    : undefined;
  return read(root, ref.path) ?? null;
}

function serialize(ref: Reference): string {
  const path = ref.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
  return ref.source === "steps" ? `steps.${ref.name}.output${path}` : `context.${ref.name}${path}`;
}

/**
 * Renames the steps that references read, leaving everything else as it is.
 *
 * @param input A step input (plain JSON) with valid references.
 * @param rename Old step id to new step id.
 * @returns A new input.
 *
 * @example Pointing a reference at another step
 * ```ts
 * import { renameStepReferences } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const out = renameStepReferences({ t: "x ${{ steps.b.output.v[0] }}" }, new Map([["b", "a"]]));
 * assert.deepEqual(out, { t: "x ${{ steps.a.output.v[0] }}" });
 * ```
 */
export function renameStepReferences(input: unknown, rename: ReadonlyMap<string, string>): unknown {
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") {
      return value.replace(TEMPLATE, (whole, expr: string) => {
        const ref = parseExpression(expr, "");
        const to = ref.source === "steps" ? rename.get(ref.name) : undefined;
        return to === undefined ? whole : `\${{ ${serialize({ ...ref, name: to })} }}`;
      });
    }
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  return walk(input);
}
