import { jsonEqual as same, sameSet } from "./_json_equal.ts";
import type { Plan, Step } from "./plan.ts";

/** A plan version as history keeps it: its steps, without the derived analysis. */
export type PlanVersion = Pick<Plan, "id" | "version" | "goal" | "steps" | "output" | "parent">;

/** A step whose definition differs between two plan versions. */
export interface StepChange {
  /** The step's id. */
  readonly id: string;
  /** The fields that differ, such as `tool`, `input` or `dependsOn`. */
  readonly fields: readonly string[];
}

/** What changed from one plan version to another. */
export interface PlanDiff {
  /** The older version's number. */
  readonly from: number;
  /** The newer version's number. */
  readonly to: number;
  /** Steps only in the newer version, in its order. */
  readonly added: readonly string[];
  /** Steps only in the older version, in its order. */
  readonly removed: readonly string[];
  /** Steps in both whose definitions differ. */
  readonly changed: readonly StepChange[];
  /** Whether the goal or the output step changed. */
  readonly goalChanged: boolean;
  /** Whether the output step changed. */
  readonly outputChanged: boolean;
}

const FIELDS = [
  "tool",
  "input",
  "dependsOn",
  "when",
  "expect",
  "fallback",
  "priority",
  "retry",
  "timeoutMs",
  "estimateMs",
  "checkpoint",
  "title",
] as const satisfies readonly (keyof Step)[];

/**
 * The structural difference between two plan versions: steps added, removed, and changed with
 * the fields that changed. Dependencies compare as sets.
 *
 * @param from The older version.
 * @param to The newer version.
 * @returns The difference.
 *
 * @example A changed tool
 * ```ts
 * import { diffPlans, normalizePlan, standardTools } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const tools = new Map(standardTools().map((t) => [t.name, t]));
 * const a = normalizePlan({ goal: "g", steps: [{ id: "s", tool: "text.stats", input: { text: "a" } }] }, { tools });
 * const b = normalizePlan({ goal: "g", steps: [{ id: "s", tool: "text.stats", input: { text: "b" } }] }, { tools, version: 2 });
 * assert.deepEqual(diffPlans(a, b).changed, [{ id: "s", fields: ["input"] }]);
 * ```
 */
export function diffPlans(
  from: Pick<Plan, "version" | "goal" | "output" | "steps">,
  to: Pick<Plan, "version" | "goal" | "output" | "steps">,
): PlanDiff {
  const aligned = alignedChanges(from.steps, to.steps);
  if (aligned !== undefined) {
    return {
      from: from.version,
      to: to.version,
      added: [],
      removed: [],
      changed: aligned,
      goalChanged: from.goal !== to.goal,
      outputChanged: from.output !== to.output,
    };
  }
  const before = new Map(from.steps.map((s) => [s.id, s]));
  const after = new Set<string>();
  const added: string[] = [];
  const changed: StepChange[] = [];
  for (const step of to.steps) {
    after.add(step.id);
    const old = before.get(step.id);
    if (old === undefined) {
      added.push(step.id);
      continue;
    }
    if (old === step) continue;
    const change = changeOf(old, step);
    if (change) changed.push(change);
  }
  return {
    from: from.version,
    to: to.version,
    added,
    removed: from.steps.filter((s) => !after.has(s.id)).map((s) => s.id),
    changed,
    goalChanged: from.goal !== to.goal,
    outputChanged: from.output !== to.output,
  };
}

function changeOf(old: Step, step: Step): StepChange | undefined {
  const fields = FIELDS.filter((f) =>
    f === "dependsOn" ? !sameSet(old.dependsOn, step.dependsOn) : !same(old[f], step[f])
  );
  return fields.length > 0 ? { id: step.id, fields } : undefined;
}

/**
 * The changes between two versions whose steps have the same ids in the same places (the
 * usual replan), found without indexing either; `undefined` when the ids differ.
 */
function alignedChanges(
  from: readonly Step[],
  to: readonly Step[],
): StepChange[] | undefined {
  if (from.length !== to.length) return undefined;
  const differ: number[] = [];
  for (let i = 0; i < from.length; i++) {
    const a = from[i]!;
    const b = to[i]!;
    if (a === b) continue;
    if (a.id !== b.id) return undefined;
    differ.push(i);
  }
  const changed: StepChange[] = [];
  for (const i of differ) {
    const change = changeOf(from[i]!, to[i]!);
    if (change) changed.push(change);
  }
  return changed;
}
