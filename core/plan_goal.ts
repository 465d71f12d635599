// The first version of a plan, from a goal: ask the planner, validate, choose.
import { candidatesOf, errorsOf, errorText, toolSummaries } from "./_planning.ts";
import { choosePlan } from "./choose_plan.ts";
import { addUsage, noUsage } from "./_usage.ts";
import type { Condition } from "./conditions.ts";
import { BatonError } from "./errors.ts";
import type { Plan } from "./plan.ts";
import type { Planner } from "./planner.ts";
import type { Tool, Usage } from "./tool.ts";

/** What planning a goal needs. */
export interface GoalPlanning {
  readonly planner: Planner;
  readonly tools: ReadonlyMap<string, Tool>;
  readonly context: Readonly<Record<string, unknown>>;
  /** How long the planner may take. */
  readonly maxDurationMs: number;
  /** Validates a candidate and compiles its conditions; throws a PlanError when invalid. */
  prepare(input: unknown): { plan: Plan; compiled: Map<string, Condition> };
}

/**
 * Asks the planner for a plan that reaches `goal`, validates every candidate it offers and
 * chooses the best valid one (shortest critical path, then lowest cost).
 *
 * @returns The plan, its compiled conditions and what the planner used.
 * @throws {TypeError} When the goal is empty.
 * @throws {BatonError} When the planner offers no valid plan (with every candidate's errors).
 */
export async function planGoal(
  goal: string,
  options: GoalPlanning,
): Promise<{ plan: Plan; compiled: Map<string, Condition>; usage: Required<Usage> }> {
  if (typeof goal !== "string" || goal.trim() === "") {
    throw new TypeError("A goal must be a non-empty string");
  }
  const { planner, prepare } = options;
  const usage = noUsage();
  const proposed = await planner.plan({
    goal,
    tools: toolSummaries(options.tools),
    context: options.context,
    signal: AbortSignal.timeout(Math.min(options.maxDurationMs, 2 ** 31 - 1)),
    validate: (candidate) => errorsOf(() => prepare(candidate)),
    report: (u) => addUsage(usage, u),
  });
  const errors: string[] = [];
  const valid: { plan: Plan; compiled: Map<string, Condition> }[] = [];
  for (const candidate of candidatesOf(proposed)) {
    try {
      valid.push(prepare(candidate));
    } catch (error) {
      errors.push(errorText(error));
    }
  }
  if (valid.length === 0) {
    throw new BatonError(
      `Planner "${planner.name}" offered no valid plan for the goal${
        errors.length ? `: ${errors.join("; ")}` : ""
      }`,
    );
  }
  const chosen = choosePlan(valid.map((v) => v.plan), options.tools);
  return { ...valid.find((v) => v.plan === chosen)!, usage };
}
