import { planToInput } from "../../core/optimize_plan.ts";
import type { ReplanStrategy } from "../../core/replan.ts";

/** What happened to the step, by trigger. */
const WHAT: Partial<Record<string, string>> = {
  timeout: "timed out",
  unexpected: "gave an unexpected result",
  deadline: "ran past its share of the run's deadline",
};

/**
 * The `alternative` replan strategy: replaces the failed step's tool with the next of its
 * `fallback:` tools (same id and input, so later steps read its output as before); when the
 * step has no fallback left, asks the planner for an alternative to that step alone. Steps that
 * failed the same way meanwhile (the trigger's `also`) move to their own fallbacks in the same
 * version, so a fan-out whose service is down costs one replan, not one per step. Does not apply
 * to triggers without a step, or without a fallback and a planner.
 *
 * @returns The strategy plugin.
 *
 * @example A search step with a fallback engine
 * ```ts
 * import { alternativeStrategy, createOrchestrator } from "@baton/baton";
 *
 * const baton = createOrchestrator({ tools: [], plugins: [alternativeStrategy()] });
 * // In a plan: { id: "search", tool: "search.primary", fallback: ["search.backup"], ... }
 * ```
 */
export function alternativeStrategy(): ReplanStrategy {
  return {
    name: "alternative",
    kind: "replan",
    async replan(ctx) {
      const stepId = ctx.trigger.stepId;
      const step = ctx.plan.steps.find((s) => s.id === stepId);
      if (step === undefined) return undefined;
      const [next] = step.fallback;
      if (next !== undefined) {
        // Steps that failed the same way meanwhile move to their fallbacks in the same version.
        const also = new Set(ctx.trigger.also);
        let others = 0;
        const input = planToInput(ctx.plan);
        return {
          plan: {
            ...input,
            steps: input.steps.map((s) => {
              const fallback = s.fallback ?? [];
              if (fallback.length === 0 || (s.id !== stepId && !also.has(s.id))) return s;
              if (s.id !== stepId) others++;
              return { ...s, tool: fallback[0]!, fallback: fallback.slice(1) };
            }),
          },
          reason: `"${stepId}" ${WHAT[ctx.trigger.kind] ?? "failed"} with tool "${step.tool}"; ` +
            `trying its fallback "${next}"` +
            (others > 0 ? `, and the fallbacks of ${others} more steps that failed too` : ""),
        };
      }
      const keep = ctx.plan.steps.filter((s) => s.id !== stepId).map((s) => s.id);
      const plans = await ctx.askPlanner("step", keep);
      if (plans === undefined || plans.length === 0) return undefined;
      return { plan: plans, reason: `The planner proposed an alternative to "${stepId}"` };
    },
  };
}
