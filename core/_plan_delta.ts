// Plan versions are recorded as deltas: storage grows with what changed, not with plan size.
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
  const removed = new Set(diff.removed);
  const expected = [
    ...from.steps.filter((s) => !removed.has(s.id)).map((s) => s.id),
    ...diff.added,
  ];
  const inOrder = expected.length === to.steps.length &&
    to.steps.every((s, i) => s.id === expected[i]);
  return {
    id: to.id,
    goal: to.goal,
    output: to.output,
    steps: to.steps.filter((s) => changed.has(s.id)),
    ...(inOrder ? {} : { order: to.steps.map((s) => s.id) }),
  };
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
