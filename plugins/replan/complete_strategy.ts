import type { ReplanStrategy } from "../../core/replan.ts";

/**
 * The `complete` replan strategy: asks the planner to replan all remaining work from the
 * current state (completed steps are kept and carried into the new version). It answers any
 * trigger, interventions included; without a planner it does not apply.
 *
 * @returns The strategy plugin.
 *
 * @example Replan everything left when a person changes the goal's details
 * ```ts
 * import { completeStrategy, createOrchestrator, staticPlanner } from "@baton/baton";
 *
 * const baton = createOrchestrator({
 *   tools: [],
 *   plugins: [completeStrategy(), staticPlanner([])],
 * });
 * ```
 */
export function completeStrategy(): ReplanStrategy {
  return {
    name: "complete",
    kind: "replan",
    async replan(ctx) {
      const completed = [...ctx.outputs.keys()];
      const plans = await ctx.askPlanner("complete", completed);
      if (plans === undefined || plans.length === 0) return undefined;
      const why = ctx.trigger.message ?? ctx.trigger.error ?? ctx.trigger.kind;
      return { plan: plans, reason: `The planner replanned the remaining work (${why})` };
    },
  };
}
