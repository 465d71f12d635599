import { canonicalJson } from "./canonical_json.ts";
import type { Plan, PlanInput, Step } from "./plan.ts";
import { renameStepReferences } from "./references.ts";
import type { Tool } from "./tool.ts";
import { transitiveReduction } from "../graph-wasm/mod.ts";
import { planEdges } from "./graph.ts";
import { stepToInput } from "./_step_origin.ts";

/** What {@linkcode optimizePlan} changed. */
export interface PlanChanges {
  /** Dependencies dropped because another path implies them: `[step, dependency]`. */
  readonly droppedDependencies: readonly (readonly [string, string])[];
  /** Steps merged into an identical earlier one: `[removed, kept]`. */
  readonly mergedSteps: readonly (readonly [string, string])[];
}

/**
 * A validated plan back as input (for re-validation after changes). Its steps are frozen; one
 * that comes back unchanged as a step of a later version is not checked again.
 */
export function planToInput(
  plan: Pick<Plan, "id" | "goal" | "output" | "steps">,
): PlanInput & { id: string } {
  return {
    id: plan.id,
    goal: plan.goal,
    ...(plan.output === undefined ? {} : { output: plan.output }),
    steps: plan.steps.map(stepToInput),
  };
}

/**
 * Optimizes a validated plan before it runs, returning the changed plan as input (to be
 * validated again) and what changed; an unchanged plan gives `undefined`.
 *
 * - Steps of an idempotent tool with the same input, dependencies, condition and policies as
 *   an earlier step are merged into it; references and dependencies are redirected.
 * - Dependencies implied by other dependencies (the graph core's transitive reduction) are
 *   dropped, in plans without `when:` conditions only: a condition-skipped dependency is judged
 *   by a step's direct dependencies, which the reduction would change.
 *
 * @param plan The validated plan.
 * @param tools The tools, to know which are idempotent.
 * @returns The optimized plan input and the changes, or `undefined`.
 *
 * @example A shortcut dependency is dropped
 * ```ts
 * import { defineTool, normalizePlan, optimizePlan } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const noop = defineTool({ name: "noop", description: "Nothing", input: { type: "object" }, run: () => null });
 * const tools = new Map([["noop", noop]]);
 * const plan = normalizePlan({
 *   goal: "g",
 *   steps: [
 *     { id: "a", tool: "noop" },
 *     { id: "b", tool: "noop", dependsOn: ["a"] },
 *     { id: "c", tool: "noop", dependsOn: ["a", "b"] },
 *   ],
 * }, { tools });
 * assert.deepEqual(optimizePlan(plan, tools)?.changes.droppedDependencies, [["c", "a"]]);
 * ```
 */
export function optimizePlan(
  plan: Plan,
  tools: ReadonlyMap<string, Tool>,
): { input: PlanInput & { id: string }; changes: PlanChanges } | undefined {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const alias = new Map<string, string>();
  const seen = new Map<string, string>();
  const merged: [string, string][] = [];
  // Steps whose dependencies or input a merge renamed; the others are kept as they are.
  const renamed = new Map<string, { dependsOn: string[]; input: Record<string, unknown> }>();
  for (const id of plan.order) {
    const step = byId.get(id)!;
    const dependsOn = alias.size
      ? [...new Set(step.dependsOn.map((d) => alias.get(d) ?? d))]
      : step.dependsOn as string[];
    const input = (alias.size ? renameStepReferences(step.input, alias) : step.input) as Record<
      string,
      unknown
    >;
    const tool = tools.get(step.tool)!;
    if (tool.idempotent && tool.cache !== false && !step.checkpoint) {
      const key = canonicalJson([
        step.tool,
        input,
        [...dependsOn].sort(),
        step.when ?? null,
        step.retry,
        step.timeoutMs ?? null,
        step.fallback,
        step.expect ?? null,
      ]);
      const first = seen.get(key);
      if (first !== undefined) {
        alias.set(id, first);
        merged.push([id, first]);
        continue;
      }
      seen.set(key, id);
    }
    if (alias.size) renamed.set(id, { dependsOn, input });
  }
  // Copied only when something changes: most plans have nothing to optimize.
  let steps: readonly Step[] = plan.steps;
  const copy = () => {
    if (steps === plan.steps) {
      steps = plan.steps.filter((s) => !alias.has(s.id)).map((s) => ({
        ...s,
        ...renamed.get(s.id),
      }));
    }
    return steps as { -readonly [K in keyof Step]: Step[K] }[];
  };
  if (merged.length > 0) copy();
  const dropped: [string, string][] = [];
  // An edge is redundant only when another path reaches its step, so only steps with two
  // dependencies or more can lose one: chains and trees are left alone without a look.
  if (steps.some((s) => s.dependsOn.length > 1) && !steps.some((s) => s.when !== undefined)) {
    // The validated plan's own edge list when no merge changed the steps (the same order).
    const edges = planEdges(steps === plan.steps ? plan : { steps }).edges;
    const redundant = new Set(Array.from(transitiveReduction(steps.length, edges)));
    if (redundant.size > 0) {
      // Which step and which of its dependencies each edge is, in the order listed above.
      const owners: [number, number][] = [];
      steps.forEach((s, i) => s.dependsOn.forEach((_, k) => owners.push([i, k])));
      const changed = copy();
      const keep = changed.map((s) => [...s.dependsOn]);
      const removeAt = steps.map(() => new Set<number>());
      for (const e of redundant) {
        const [i, k] = owners[e]!;
        removeAt[i]!.add(k);
        dropped.push([steps[i]!.id, steps[i]!.dependsOn[k]!]);
      }
      changed.forEach((s, i) => {
        s.dependsOn = keep[i]!.filter((_, k) => !removeAt[i]!.has(k));
      });
    }
  }
  if (merged.length === 0 && dropped.length === 0) return undefined;
  const output = plan.output === undefined ? undefined : alias.get(plan.output) ?? plan.output;
  const input = planToInput({ ...plan, steps, output });
  return { input, changes: { droppedDependencies: dropped, mergedSteps: merged } };
}
