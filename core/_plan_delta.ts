// Plan versions are recorded as deltas: storage grows with what changed, not with plan size.
import { planEdges } from "./graph.ts";
import type { Step } from "./plan.ts";
import type { PlanDiff, PlanVersion } from "./plan_diff.ts";

/** What a `plan.replanned` event holds to rebuild the new version from the one before. */
export interface PlanDelta {
  readonly id: string;
  readonly goal: string;
  readonly output: string | undefined;
  /** Added and changed steps, as validated. */
  readonly steps: readonly Step[];
  /** Every step id in order, when the order is not the old one with additions at the end. */
  readonly order?: readonly string[];
}

/** The delta from `from` to `to`, given their diff. */
export function planDelta(from: PlanVersion, to: PlanVersion, diff: PlanDiff): PlanDelta {
  const changed = new Set([...diff.added, ...diff.changed.map((c) => c.id)]);
  return {
    id: to.id,
    goal: to.goal,
    output: to.output,
    steps: changedSteps(to, changed),
    ...(keptOrder(from, to, diff) ? {} : { order: to.steps.map((s) => s.id) }),
  };
}

/** The steps of `to` with these ids, in its order; few are looked up by index. */
function changedSteps(to: PlanVersion, ids: ReadonlySet<string>): Step[] {
  if (ids.size === 0) return [];
  if (ids.size > 64) return to.steps.filter((s) => ids.has(s.id));
  const index = planEdges(to).index;
  return [...ids].map((id) => index.get(id)!).sort((a, b) => a - b).map((i) => to.steps[i]!);
}

/** Whether `to` lists the steps `from` kept in their order, then the added ones. */
function keptOrder(from: PlanVersion, to: PlanVersion, diff: PlanDiff): boolean {
  if (from.steps.length - diff.removed.length + diff.added.length !== to.steps.length) {
    return false;
  }
  const removed = new Set(diff.removed);
  let k = 0;
  for (const step of from.steps) {
    if (removed.size > 0 && removed.has(step.id)) continue;
    if (to.steps[k++]!.id !== step.id) return false;
  }
  return diff.added.every((id) => to.steps[k++]!.id === id);
}

/** Rebuilds a version from the one before, the diff and the delta. */
export function applyPlanDelta(
  from: PlanVersion,
  diff: PlanDiff,
  delta: PlanDelta,
  parent: { id: string; version: number },
): PlanVersion {
  const removed = new Set(diff.removed);
  const byId = new Map(from.steps.filter((s) => !removed.has(s.id)).map((s) => [s.id, s]));
  for (const step of delta.steps) byId.set(step.id, step);
  const order = delta.order ?? [
    ...from.steps.filter((s) => !removed.has(s.id)).map((s) => s.id),
    ...diff.added,
  ];
  return {
    id: delta.id,
    version: diff.to,
    goal: delta.goal,
    output: delta.output,
    parent,
    steps: order.map((id) => byId.get(id)!),
  };
}
