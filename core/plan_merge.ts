import type { Plan, PlanInput, Step, StepInput } from "./plan.ts";
import { planEdges } from "./graph.ts";
import { planToInput } from "./optimize_plan.ts";
import { survivalMarks } from "./_merge_marks.ts";
import type { StepState } from "./step_state.ts";

/**
 * Carries a run's completed steps into a proposed next plan version: every completed step the
 * proposal leaves out is added back unchanged (ahead of the proposal's steps), so work done is
 * never lost and later steps may still read its output. A completed step the proposal
 * redefines is the proposal's to change.
 *
 * @param proposal The proposed plan.
 * @param current The plan version being run.
 * @param completed The ids of its completed steps (a set, or the map of their outputs).
 * @returns The proposal with the missing completed steps; the proposal itself when none miss.
 *
 * @example A replan that left out finished work
 * ```ts
 * import { carryCompletedSteps, normalizePlan, standardTools } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const tools = new Map(standardTools().map((t) => [t.name, t]));
 * const current = normalizePlan({
 *   goal: "g",
 *   steps: [{ id: "a", tool: "text.stats", input: { text: "x" } }],
 * }, { tools });
 * const next = carryCompletedSteps(
 *   { goal: "g", steps: [{ id: "b", tool: "text.stats", input: { text: "y" } }] },
 *   current,
 *   new Set(["a"]),
 * );
 * assert.deepEqual(next.steps.map((s) => s.id), ["a", "b"]);
 * ```
 */
export function carryCompletedSteps(
  proposal: PlanInput,
  current: Plan,
  completed: { has(id: string): boolean },
): PlanInput {
  if (typeof proposal !== "object" || proposal === null || !Array.isArray(proposal.steps)) {
    return proposal;
  }
  // Which of the current steps the proposal names, by index.
  const index = planEdges(current).index;
  const named = new Uint8Array(current.steps.length);
  proposal.steps.forEach((s, k) => {
    const id = (s as Partial<StepInput> | null)?.id;
    const i = k < current.steps.length && current.steps[k]!.id === id ? k : index.get(id!);
    if (i !== undefined) named[i] = 1;
  });
  const missing = current.steps.filter((s, i) => named[i] === 0 && completed.has(s.id));
  if (missing.length === 0) return proposal;
  const carried = planToInput({ ...current, steps: missing }).steps;
  return { ...proposal, steps: [...carried, ...proposal.steps] };
}

/** What the merge needs to know of a step in the running version. */
export interface MergeRecord {
  /** The step as the running version has it. */
  readonly step: Step;
  /** Its state in the run. */
  readonly state: StepState;
  /** The tool and canonical resolved input of its last attempt, when known. */
  readonly key?: string | undefined;
}

/**
 * Which steps of the running version live on, unchanged, in the next one: a completed step
 * whose id, tool and resolved input are the same and whose dependencies all live on keeps its
 * result; a ready, running or retrying step with the same definition and surviving
 * dependencies goes on as it is. Every other step of the next version starts afresh.
 *
 * @param current The running version's steps, by id.
 * @param next The next version.
 * @param keyOf The tool and canonical resolved input of a step of the next version, or
 *   `undefined` when it cannot be resolved yet.
 * @returns The ids that live on.
 */
export function survivingSteps(
  current: ReadonlyMap<string, MergeRecord>,
  next: Plan,
  keyOf: (step: Step) => string | undefined,
): Set<string> {
  const live = survivalMarks(next.steps.map((s) => current.get(s.id)), next, keyOf);
  return new Set(next.steps.filter((_, i) => live[i] === 1).map((s) => s.id));
}
