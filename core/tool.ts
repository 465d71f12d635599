import type { JsonSchema } from "./json_schema.ts";

/** Resources a step or model call used; counted against the run's limits. */
export interface Usage {
  /** Model tokens. */
  readonly tokens?: number;
  /** Calls to paid or rate-limited APIs. */
  readonly apiCalls?: number;
  /** Money, in US dollars. */
  readonly costUsd?: number;
}

/** What a tool receives besides its input. */
export interface ToolContext {
  /** Aborted when the step times out or the run is cancelled or stopped. */
  readonly signal: AbortSignal;
  /** The run's id. */
  readonly runId: string;
  /** The step's id. */
  readonly stepId: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** The run's context (read-only). */
  readonly context: Readonly<Record<string, unknown>>;
  /** Reports resources used so far by this step (added to the run's totals). */
  report(usage: Usage): void;
  /** Records a custom progress event (`tool.progress`) in the run's history. */
  emit(message: string, data?: unknown): void;
}

/** A tool a plan step can call. */
export interface Tool<I = Record<string, unknown>, O = unknown> {
  /** Unique name, such as `fs.read`: letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /** What it does, for people and planners. */
  readonly description: string;
  /** JSON Schema of its input, checked before every call. */
  readonly input: JsonSchema;
  /** JSON Schema of its output, checked after every call when given. */
  readonly output?: JsonSchema;
  /** Does the work. */
  run(input: I, ctx: ToolContext): O | Promise<O>;
  /**
   * Calling it twice with the same input has no further effect (safe to retry and to merge).
   * @default {false}
   */
  readonly idempotent?: boolean;
  /**
   * Results may be reused for the same input within a run (needs `idempotent`).
   * @default {true}
   */
  readonly cache?: boolean;
  /** Default timeout of a call, in milliseconds. */
  readonly timeoutMs?: number;
  /** Resources one call uses, when known in advance. */
  readonly cost?: Usage;
}

const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * Checks a tool's shape and returns it frozen. Registering a tool that fails these checks
 * would otherwise surface only when a plan first uses it.
 *
 * @param tool The tool.
 * @returns The same tool, frozen.
 * @throws {TypeError} When the name, description, schema or `run` is missing or malformed.
 *
 * @example A tool that adds numbers
 * ```ts
 * import { defineTool } from "@baton/baton";
 *
 * export const add = defineTool({
 *   name: "math.add",
 *   description: "Adds two numbers",
 *   input: { type: "object", required: ["a", "b"], properties: { a: { type: "number" }, b: { type: "number" } } },
 *   idempotent: true,
 *   run: ({ a, b }: { a: number; b: number }) => a + b,
 * });
 * ```
 */
// deno-lint-ignore no-explicit-any
export function defineTool<I = any, O = unknown>(tool: Tool<I, O>): Tool<I, O> {
  if (typeof tool !== "object" || tool === null) throw new TypeError("A tool must be an object");
  if (typeof tool.name !== "string" || !TOOL_NAME.test(tool.name)) {
    throw new TypeError(
      `Tool name ${
        JSON.stringify(tool.name)
      } must start with a letter and hold only letters, digits, ".", "_" or "-" (64 at most)`,
    );
  }
  if (typeof tool.description !== "string" || tool.description.trim() === "") {
    throw new TypeError(`Tool "${tool.name}" needs a description`);
  }
  if (typeof tool.input !== "object" || tool.input === null) {
    throw new TypeError(`Tool "${tool.name}" needs an input JSON Schema`);
  }
  if (typeof tool.run !== "function") {
    throw new TypeError(`Tool "${tool.name}" needs a run() function`);
  }
  if (tool.timeoutMs !== undefined && !(tool.timeoutMs > 0)) {
    throw new TypeError(`Tool "${tool.name}": timeoutMs must be a positive number`);
  }
  return Object.freeze({ ...tool });
}
