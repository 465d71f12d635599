import type { Plan } from "./plan.ts";
import type { Tool } from "./tool.ts";

/**
 * The estimated cost of a plan in US dollars: the sum of its steps' tools' declared
 * `cost.costUsd` (tools without one count as free).
 *
 * @param plan The plan.
 * @param tools The tools, by name.
 * @returns The estimated cost.
 */
export function estimatePlanCost(plan: Plan, tools: ReadonlyMap<string, Tool>): number {
  let cost = 0;
  for (const step of plan.steps) cost += tools.get(step.tool)?.cost?.costUsd ?? 0;
  return cost;
}

/**
 * Chooses the best of several candidate plans: the shortest critical-path makespan
 * (`estimatedDurationMs`), then the lowest estimated cost, then the fewest steps, then the
 * first given.
 *
 * @param plans Valid candidate plans, at least one.
 * @param tools The tools, by name (for costs).
 * @returns The chosen plan.
 * @throws {RangeError} When no plan is given.
 *
 * @example The faster of two plans
 * ```ts
 * import { choosePlan, normalizePlan, standardTools } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const tools = new Map(standardTools().map((t) => [t.name, t]));
 * const step = (id: string, estimateMs: number, dependsOn: string[] = []) =>
 *   ({ id, tool: "text.stats", input: { text: id }, estimateMs, dependsOn });
 * const serial = normalizePlan({ goal: "g", steps: [step("a", 50), step("b", 50, ["a"])] }, { tools });
 * const parallel = normalizePlan({ goal: "g", steps: [step("a", 50), step("b", 50)] }, { tools });
 * assert.equal(choosePlan([serial, parallel], tools), parallel);
 * ```
 */
export function choosePlan(plans: readonly Plan[], tools: ReadonlyMap<string, Tool>): Plan {
  if (plans.length === 0) throw new RangeError("choosePlan() needs at least one plan");
  if (plans.length === 1) return plans[0]!;
  let best = plans[0]!;
  let bestCost = estimatePlanCost(best, tools);
  for (const plan of plans.slice(1)) {
    const cost = estimatePlanCost(plan, tools);
    const better = plan.estimatedDurationMs - best.estimatedDurationMs ||
      cost - bestCost || plan.steps.length - best.steps.length;
    if (better < 0) {
      best = plan;
      bestCost = cost;
    }
  }
  return best;
}
