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
 * step has no fallback left, asks the planner for an alternative to that step alone. Does not
 * apply to triggers without a step, or without a fallback and a planner.
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
      const [next, ...rest] = step.fallback;
      if (next !== undefined) {
        const input = planToInput(ctx.plan);
        return {
          plan: {
            ...input,
            steps: input.steps.map((s) =>
              s.id === stepId ? { ...s, tool: next, fallback: rest } : s
            ),
          },
          reason: `"${stepId}" ${
            WHAT[ctx.trigger.kind] ?? "failed"
          } with tool "${step.tool}"; trying its fallback "${next}"`,
        };
      }
      const keep = ctx.plan.steps.filter((s) => s.id !== stepId).map((s) => s.id);
      const plans = await ctx.askPlanner("step", keep);
      if (plans === undefined || plans.length === 0) return undefined;
      return { plan: plans, reason: `The planner proposed an alternative to "${stepId}"` };
    },
  };
}
