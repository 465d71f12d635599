import type { PlanInput } from "../../core/plan.ts";
import type { Planner } from "../../core/planner.ts";

/**
 * A planner that needs no model: its first answer is the first plan given, each later answer
 * (a replan) the next one, then nothing. A script of plan versions for tests, demos and
 * workflows whose plan is known in advance.
 *
 * @param plans The plans to hand out, in order.
 * @returns The planner plugin.
 *
 * @example Plan a goal without a model
 * ```ts
 * import { createOrchestrator, standardTools, staticPlanner } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const plan = { goal: "Count words", steps: [{ id: "count", tool: "text.stats", input: { text: "a b c" } }] };
 * const baton = createOrchestrator({ tools: standardTools(), plugins: [staticPlanner(plan)] });
 * const run = await baton.runGoal("Count words");
 * assert.equal(((await run.result).output as { words: number }).words, 3);
 * ```
 */
export function staticPlanner(plans: PlanInput | readonly PlanInput[]): Planner {
  const list = Array.isArray(plans) ? [...plans] : [plans as PlanInput];
  let next = 0;
  return {
    name: "static",
    kind: "planner",
    plan: () => structuredClone(list[next++]),
  };
}
