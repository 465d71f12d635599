// Small pieces shared by the places that ask a planner and validate what it returns.
import type { ToolSummary } from "./planner.ts";
import type { Tool } from "./tool.ts";

/** An error as one line for a planner or a log: `path: message` when it has a path. */
export function errorText(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  const path = (error as { path?: unknown } | null)?.path;
  return typeof path === "string" && path !== "" ? `${path}: ${message}` : message;
}

/** What planners are told of the tools: names, descriptions and input schemas. */
export function toolSummaries(tools: ReadonlyMap<string, Tool>): ToolSummary[] {
  return [...tools.values()].map((t) => ({
    name: t.name,
    description: t.description,
    input: t.input,
  }));
}

/** A planner's answer as a list of candidates. */
export function candidatesOf<T>(proposed: T | readonly T[] | undefined): readonly T[] {
  if (proposed === undefined) return [];
  return Array.isArray(proposed) ? proposed : [proposed as T];
}

/** Runs a validation and returns its error as a list: empty when it passed. */
export function errorsOf(validate: () => unknown): string[] {
  try {
    validate();
    return [];
  } catch (error) {
    return [errorText(error)];
  }
}
