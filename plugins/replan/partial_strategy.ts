import { planToInput } from "../../core/optimize_plan.ts";
import type { PlanInput, StepInput } from "../../core/plan.ts";
import type { ReplanStrategy } from "../../core/replan.ts";

/**
 * The `partial` replan strategy: replans only the failed step and what depends on it (found
 * with the graph core's `descendants`); every other step, and every completed step, stays as
 * it is. With a planner, the planner rewrites that part; without one, the part is dropped and
 * the rest of the plan goes on.
 *
 * @returns The strategy plugin.
 *
 * @example Let independent branches finish when one fails
 * ```ts
 * import { createOrchestrator, partialStrategy } from "@baton/baton";
 *
 * const baton = createOrchestrator({ tools: [], plugins: [partialStrategy()] });
 * ```
 */
export function partialStrategy(): ReplanStrategy {
  return {
    name: "partial",
    kind: "replan",
    async replan(ctx) {
      const stepId = ctx.trigger.stepId;
      if (stepId === undefined || !ctx.plan.steps.some((s) => s.id === stepId)) return undefined;
      const affected = new Set([stepId, ...ctx.descendants([stepId])]);
      const current = planToInput(ctx.plan);
      const outside = current.steps.filter((s) => !affected.has(s.id));
      const keep = outside.map((s) => s.id);
      const plans = await ctx.askPlanner("partial", keep);
      if (plans !== undefined && plans.length > 0) {
        return {
          plan: plans.map((p) => keepOutside(p, outside)),
          reason: `The planner replanned "${stepId}" and the ${
            affected.size - 1
          } steps that depend on it`,
        };
      }
      if (outside.length === 0) return undefined;
      const output = current.output !== undefined && affected.has(current.output)
        ? undefined
        : current.output;
      const { output: _, ...rest } = current;
      return {
        plan: { ...rest, ...(output === undefined ? {} : { output }), steps: outside },
        reason: `Dropped "${stepId}" and the ${
          affected.size - 1
        } steps that depend on it; the rest of the plan goes on`,
      };
    },
  };
}

/** A proposal with every step outside the replanned part restored as it was. */
function keepOutside(proposal: PlanInput, outside: readonly StepInput[]): PlanInput {
  if (typeof proposal !== "object" || proposal === null || !Array.isArray(proposal.steps)) {
    return proposal;
  }
  const fixed = new Map(outside.map((s) => [s.id, s]));
  const steps = proposal.steps.map((s) => fixed.get(s?.id) ?? s);
  const named = new Set(steps.map((s) => s?.id));
  return { ...proposal, steps: [...outside.filter((s) => !named.has(s.id)), ...steps] };
}
