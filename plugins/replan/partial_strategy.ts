import { planEdges } from "../../core/graph.ts";
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
      const { plan } = ctx;
      const index = planEdges(plan).index;
      if (stepId === undefined || !index.has(stepId)) return undefined;
      // Steps that failed the same way meanwhile are replanned with this one.
      const others = (ctx.trigger.also ?? []).filter((id) => id !== stepId && index.has(id));
      const roots = [stepId, ...others];
      // The replanned part, by step index.
      const inside = new Uint8Array(plan.steps.length);
      for (const id of roots) inside[index.get(id)!] = 1;
      const affected = ctx.descendants(roots).filter((id) => inside[index.get(id)!] === 0);
      for (const id of affected) inside[index.get(id)!] = 1;
      const failed = others.length === 0
        ? `"${stepId}"`
        : `"${stepId}" and ${others.length} more failed steps`;
      const them = others.length === 0 ? "it" : "them";
      const current = planToInput(plan);
      const outside = current.steps.filter((_, i) => inside[i] === 0);
      const keep = outside.map((s) => s.id);
      const plans = await ctx.askPlanner("partial", keep);
      if (plans !== undefined && plans.length > 0) {
        return {
          plan: plans.map((p) => keepOutside(p, current.steps, index, inside)),
          reason:
            `The planner replanned ${failed} and the ${affected.length} steps that depend on ${them}`,
        };
      }
      if (outside.length === 0) return undefined;
      const output = current.output !== undefined && inside[index.get(current.output)!] === 1
        ? undefined
        : current.output;
      const { output: _, ...rest } = current;
      return {
        plan: { ...rest, ...(output === undefined ? {} : { output }), steps: outside },
        reason:
          `Dropped ${failed} and the ${affected.length} steps that depend on ${them}; the rest of the plan goes on`,
      };
    },
  };
}

/**
 * A proposal with every step outside the replanned part restored as it was: a step the
 * proposal names is put back in its place, one it leaves out goes ahead of its steps.
 */
function keepOutside(
  proposal: PlanInput,
  current: readonly StepInput[],
  index: ReadonlyMap<string, number>,
  inside: Uint8Array,
): PlanInput {
  if (typeof proposal !== "object" || proposal === null || !Array.isArray(proposal.steps)) {
    return proposal;
  }
  const named = new Uint8Array(current.length);
  const steps = proposal.steps.map((s, k) => {
    // Most steps keep their place: the index is asked only for one that moved.
    const id = (s as Partial<StepInput> | null)?.id;
    const i = k < current.length && current[k]!.id === id ? k : index.get(id!);
    if (i === undefined) return s;
    named[i] = 1;
    return inside[i] === 1 ? s : current[i]!;
  });
  const missing = current.filter((_, i) => named[i] === 0 && inside[i] === 0);
  return { ...proposal, steps: missing.length === 0 ? steps : [...missing, ...steps] };
}
