// Checks of single fields of plan input, each failing with a PlanError at the field's path.
import { PlanError } from "./errors.ts";
import type { Condition } from "./conditions.ts";
import type { NormalizePlanOptions } from "./normalize_plan.ts";
import type { Tool } from "./tool.ts";

/** Shared by every step that has none: validated steps are frozen, so one list serves all. */
export const NONE: readonly string[] = Object.freeze([]);

/** A plain object of plan input. */
export type Obj = Record<string, unknown>;
/** Whether a value is a plain object (not null, not an array). */
export const isObject = (v: unknown): v is Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Refuses fields outside `allowed` (fields set to `undefined` count as absent). */
export function closed(value: Obj, allowed: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key) && value[key] !== undefined) {
      const hint = [...allowed].join(", ");
      throw new PlanError(`Unknown field "${key}" (allowed: ${hint})`, {
        path: path === "" ? key : `${path}.${key}`,
      });
    }
  }
}

/** A finite number, whole and at least `min` when the rule says so. */
export function num(
  value: unknown,
  path: string,
  rule: { min?: number; integer?: boolean },
): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new PlanError(`Expected a number, got ${JSON.stringify(value)}`, { path });
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw new PlanError(`Expected a whole number, got ${value}`, { path });
  }
  if (rule.min !== undefined && value < rule.min) {
    throw new PlanError(`Must be at least ${rule.min}, got ${value}`, { path });
  }
  return value;
}

/** Compiles a condition expression, or throws a plan error at `path`. */
export function compileCondition(
  value: unknown,
  path: string,
  options: NormalizePlanOptions,
): Condition {
  if (typeof value !== "string" || value.trim() === "" || value.length > 4096) {
    throw new PlanError("Expected a condition expression (4096 characters at most)", { path });
  }
  if (options.conditions === undefined) {
    throw new PlanError("No condition language is loaded to evaluate it", { path });
  }
  try {
    return options.conditions.compile(value);
  } catch (error) {
    throw new PlanError((error as Error).message, { path, cause: error });
  }
}

/** A step's fallback tools: known tool names, none twice. */
export function fallbackTools(
  value: unknown,
  at: string,
  tools: ReadonlyMap<string, Tool>,
): readonly string[] {
  if (value === undefined) return NONE;
  if (!Array.isArray(value) || value.length > 16) {
    throw new PlanError("Expected a list of at most 16 tool names", { path: `${at}.fallback` });
  }
  value.forEach((name, k) => {
    if (typeof name !== "string" || !tools.has(name)) {
      const known = [...tools.keys()].sort().join(", ") || "none";
      throw new PlanError(`Unknown tool ${JSON.stringify(name)} (known: ${known})`, {
        path: `${at}.fallback[${k}]`,
      });
    }
  });
  return [...new Set(value as string[])];
}
