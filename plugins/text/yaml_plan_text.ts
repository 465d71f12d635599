import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from "yaml";
import { PlanError } from "../../core/errors.ts";
import { DEFAULT_INPUT_CAPS } from "../../core/input_guard.ts";
import type { ParsedPlanText, PlanTextCaps, PlanTextParser } from "../../core/plan_text.ts";

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Parses with the yaml package, which reads the LOG_TOKENS and LOG_STREAM environment variables
 * while parsing; under Deno that needs env permission, so say which flag when it is missing.
 */
function parseYaml(text: string, lineCounter: LineCounter) {
  try {
    return parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      schema: "core",
      merge: false,
      strict: true,
    });
  } catch (error) {
    if ((error as Error)?.name === "NotCapable" || (error as Error)?.name === "PermissionDenied") {
      throw new Error(
        "Parsing plan text needs read access to two environment variables that the yaml package checks: run Deno with --allow-env=LOG_TOKENS,LOG_STREAM",
        { cause: error },
      );
    }
    throw error;
  }
}

/** Splits `steps[2].input.url` into `["steps", 2, "input", "url"]`. */
function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    out.push(part[2] !== undefined ? Number(part[2]) : part[1]!);
  }
  return out;
}

/**
 * Parses a plan written in YAML or JSON (JSON is YAML) with hard limits, before anything
 * else looks at it: the text's size, syntax errors, duplicate keys, explicit tags (none are
 * allowed: no custom types), prototype keys, and alias expansion (`maxAliases`). Every error
 * is a `PlanError` with the line and column.
 *
 * @param text The file's text.
 * @param caps Size and alias caps.
 * @returns The value and a locator for error positions.
 * @throws {PlanError} With line and column.
 *
 * @example Errors point into the file
 * ```ts
 * import { parsePlanText, PlanError } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const parsed = parsePlanText("goal: g\nsteps:\n  - id: a\n    tool: echo\n");
 * assert.deepEqual(parsed.locate("steps[0].tool"), { line: 4, column: 11 });
 * assert.throws(() => parsePlanText("goal: !!js/function f\n"), PlanError);
 * ```
 */
export function parsePlanText(text: string, caps: PlanTextCaps = {}): ParsedPlanText {
  if (typeof text !== "string") {
    throw new PlanError("Expected the text of a plan file", { path: "" });
  }
  const maxBytes = caps.maxBytes ?? DEFAULT_INPUT_CAPS.maxBytes;
  if (text.length > maxBytes) {
    throw new PlanError(`The plan file is larger than ${maxBytes} bytes`, { path: "" });
  }
  const lineCounter = new LineCounter();
  const doc = parseYaml(text, lineCounter);
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const first = doc.errors[0];
  if (first) {
    throw new PlanError(first.message.split("\n")[0]!, { path: "", ...at(first.pos[0]) });
  }
  visit(doc, {
    Node(_key, node) {
      if ((isScalar(node) || isMap(node) || isSeq(node)) && node.tag !== undefined) {
        throw new PlanError(`Tags such as ${node.tag} are not allowed in plan files`, {
          path: "",
          ...at(node.range?.[0] ?? 0),
        });
      }
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && FORBIDDEN.has(String(pair.key.value))) {
        throw new PlanError(`The key "${pair.key.value}" is not allowed`, {
          path: "",
          ...at(pair.key.range?.[0] ?? 0),
        });
      }
    },
  });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: caps.maxAliases ?? 50 });
  } catch (error) {
    throw new PlanError(
      `The plan file expands aliases too much (more than ${caps.maxAliases ?? 50}): refused`,
      { path: "", cause: error },
    );
  }
  return {
    value,
    locate(path: string) {
      const segments = splitPath(path);
      // Walk down as far as the path exists: a missing field points at its parent.
      for (let n = segments.length; n >= 0; n--) {
        const node = doc.getIn(segments.slice(0, n), true) as Node | undefined;
        const target = n === segments.length ? node : node;
        if (target && !isPair(target) && target.range) return at(target.range[0]);
      }
      return undefined;
    },
  };
}

/**
 * Plan text in YAML or JSON, as a plugin: what `run()` uses to read a plan given as text, and
 * the replan policy when it is given as text. `createOrchestrator` loads it by default; it is
 * the one part of the kernel's input path that loads the `yaml` package.
 *
 * @returns The plan text plugin.
 *
 * @example A kernel that reads YAML plans
 * ```ts
 * import { createKernel, memoryStore, sequentialScheduler, yamlPlanText } from "@baton/baton";
 *
 * const kernel = createKernel({
 *   tools: [],
 *   plugins: [sequentialScheduler(), memoryStore(), yamlPlanText()],
 * });
 * ```
 */
export function yamlPlanText(): PlanTextParser {
  return { name: "yaml-text", kind: "text", parse: parsePlanText };
}
