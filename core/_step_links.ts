// The checks that link a plan's steps to each other: its graph in the graph core (cycles with the
// path of the step they start at), and references that read only from ancestors.
import { CycleError, PlanError } from "./errors.ts";
import { analyzePlanGraph, type PlanGraph } from "./graph.ts";
import type { Step } from "./plan.ts";
import { findReferences } from "./references.ts";

/** The plan's graph analysis; a cycle error points at the dependency list it starts from. */
export function analyzeWithPaths(
  steps: readonly Step[],
  index: ReadonlyMap<string, number>,
): PlanGraph {
  try {
    return analyzePlanGraph({
      ids: steps.map((s) => s.id),
      dependsOn: steps.map((s) => s.dependsOn),
      estimateMs: steps.map((s) => s.estimateMs),
      priority: steps.map((s) => s.priority),
    }, index);
  } catch (error) {
    if (error instanceof CycleError) {
      // Point at the dependency list of the cycle's first step.
      const at = index.get(error.cycle[0]!);
      throw new CycleError(error.cycle, { path: `steps[${at}].dependsOn`, cause: error.cause });
    }
    throw error;
  }
}

/** Every step a step's input reads must be a dependency of it, directly or not. */
export function checkReferencesAreDependencies(
  steps: readonly Step[],
  refs: readonly (ReturnType<typeof findReferences> | undefined)[],
  sameGraph: boolean,
): void {
  let byId: Map<string, Step> | undefined;
  const stamp = new Map<string, number>();
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    // A step taken as it was over the same graph passed this check before.
    if (sameGraph && refs[i] === undefined) continue;
    if (readsOnlyDependencies(step)) continue;
    const missing = new Set(step.reads.filter((target) => !step.dependsOn.includes(target)));
    // One depth-first walk over the step's ancestors, stopping once every target is found.
    const stack = [...step.dependsOn];
    while (stack.length > 0 && missing.size > 0) {
      const id = stack.pop()!;
      if (stamp.get(id) === i) continue;
      stamp.set(id, i);
      missing.delete(id);
      byId ??= new Map(steps.map((s) => [s.id, s]));
      stack.push(...byId.get(id)!.dependsOn);
    }
    const [target] = missing;
    if (target !== undefined) {
      const found = refs[i] ?? findReferences(step.input, `steps[${i}].input`);
      const where = found.find((r) => r.ref.source === "steps" && r.ref.name === target)!;
      throw new PlanError(
        `Step "${step.id}" reads the output of "${target}", which is not among its dependencies (add it to dependsOn)`,
        { path: where.at },
      );
    }
  }
}

/** Whether every step the step reads is a direct dependency (the common case, checked first). */
function readsOnlyDependencies(step: Step): boolean {
  const { reads, dependsOn } = step;
  for (let j = 0; j < reads.length; j++) if (!dependsOn.includes(reads[j]!)) return false;
  return true;
}
