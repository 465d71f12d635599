// Plan text: what the kernel needs of a parser, and error positions. Parsing itself is a
// plugin (plugins/text/yaml_plan_text.ts), so the kernel loads no parser library.
import { CycleError, PlanError } from "./errors.ts";
import type { InputCaps } from "./input_guard.ts";

/** Caps specific to plan text. */
export interface PlanTextCaps extends InputCaps {
  /**
   * Most alias expansions (`*name`) in one file: a small number stops "billion laughs".
   * @default {50}
   */
  readonly maxAliases?: number;
}

/** Parsed plan text: the value, and a way to find where a field came from. */
export interface ParsedPlanText {
  /** The plain JSON value of the file. */
  readonly value: unknown;
  /** 1-based line and column of the field at a path like `steps[2].input.url`, if found. */
  locate(path: string): { line: number; column: number } | undefined;
}

/**
 * Reads plan text, as a plugin of kind `"text"`: `yamlPlanText()` reads YAML and JSON. The
 * kernel uses it for plans given to `run()` as text and for a replan policy given as text.
 */
export interface PlanTextParser {
  /** The plugin's name, as recorded in history. */
  readonly name: string;
  /** Marks the plugin as the plan text parser. */
  readonly kind: "text";
  /**
   * Parses text into a plain JSON value, with a way to locate a field in the text.
   * @throws {PlanError} When the text is malformed or over a cap, with line and column.
   */
  parse(text: string, caps: PlanTextCaps): ParsedPlanText;
}

/**
 * Runs `normalize` on parsed text and adds the line and column to any `PlanError` it throws.
 *
 * @param parsed Parsed plan text.
 * @param normalize What to do with the value.
 * @returns What `normalize` returns.
 * @throws {PlanError} With line and column when the field is found in the file.
 */
export function withPositions<T>(parsed: ParsedPlanText, normalize: (value: unknown) => T): T {
  try {
    return normalize(parsed.value);
  } catch (error) {
    if (error instanceof PlanError && error.line === undefined) {
      const where = parsed.locate(error.path);
      if (where) {
        const message = error.message.startsWith(`${error.path}: `)
          ? error.message.slice(error.path.length + 2)
          : error.message;
        throw error instanceof CycleError
          ? new CycleError(error.cycle, { path: error.path, ...where, cause: error })
          : new PlanError(message, { path: error.path, ...where, cause: error });
      }
    }
    throw error;
  }
}
