// Taking a step, or a whole graph analysis, from the plan version being replaced when nothing
// in it changed: replanning a large plan then checks only what is new.
import { jsonEqual, sameList } from "./_json_equal.ts";
import { planEdges, type PlanGraph } from "./graph.ts";
import type { Plan, Step } from "./plan.ts";

/** The analysis of `previous` when `steps` form the same graph: ids, dependencies, estimates. */
export function sameGraph(
  previous: Plan | undefined,
  steps: readonly Step[],
): PlanGraph | undefined {
  if (previous === undefined || previous.steps.length !== steps.length) return undefined;
  for (let i = 0; i < steps.length; i++) {
    const a = previous.steps[i]!;
    const b = steps[i]!;
    if (
      a !== b && (a.id !== b.id || a.estimateMs !== b.estimateMs || a.priority !== b.priority ||
        !sameList(a.dependsOn, b.dependsOn))
    ) return undefined;
  }
  return {
    order: previous.order as string[],
    levels: previous.levels as string[][],
    criticalPath: previous.criticalPath as string[],
    makespanMs: previous.estimatedDurationMs,
    slackMs: previous.slackMs as Record<string, number>,
    // Same ids in the same places with the same dependencies: the same graph.
    edges: planEdges(previous),
  };
}

/** Whether an already validated step has exactly these (normalized) fields. */
export function sameStep(
  previous: Step,
  tool: string,
  input: Readonly<Record<string, unknown>>,
  fields: Omit<Step, "id" | "tool" | "input" | "reads">,
): boolean {
  const p = previous;
  const f = fields;
  return p.tool === tool && p.when === f.when && p.expect === f.expect &&
    p.priority === f.priority && p.timeoutMs === f.timeoutMs && p.estimateMs === f.estimateMs &&
    p.checkpoint === f.checkpoint && p.title === f.title &&
    p.retry.max === f.retry.max && p.retry.backoffMs === f.retry.backoffMs &&
    p.retry.maxBackoffMs === f.retry.maxBackoffMs &&
    sameList(p.dependsOn, f.dependsOn) && sameList(p.fallback, f.fallback) &&
    (p.input === input || jsonEqual(p.input, input));
}
