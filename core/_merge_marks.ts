// Which steps of the running plan version live on in the next, worked out over step indices:
// the board calls it with its records in plan order, which line up with the next version's
// steps in the usual replan, so no step id is looked up at all.
import { jsonEqual, sameSet } from "./_json_equal.ts";
import { planEdges } from "./graph.ts";
import type { Plan, Step } from "./plan.ts";
import type { MergeRecord } from "./plan_merge.ts";

/**
 * `survivingSteps` by index: `prevs[i]` is the running version's record of the next version's
 * step `i` (same id), if any. Returns a mark per step of `next`, 1 for those that live on.
 */
export function survivalMarks(
  prevs: readonly (MergeRecord | undefined)[],
  next: Plan,
  keyOf: (step: Step) => string | undefined,
): Uint8Array {
  const n = next.steps.length;
  const graph = planEdges(next);
  const order = graph.order ?? Uint32Array.from(next.order, (id) => graph.index.get(id)!);
  // Each step's dependencies, by index (the edges grouped by dependent).
  const edges = graph.edges;
  const start = new Uint32Array(n + 1);
  for (let k = 1; k < edges.length; k += 2) start[edges[k]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const from = new Uint32Array(edges.length / 2);
  const fill = start.slice(0, n);
  for (let k = 0; k < edges.length; k += 2) from[fill[edges[k + 1]!]!++] = edges[k]!;
  const live = new Uint8Array(n);
  for (let o = 0; o < n; o++) {
    const i = order[o]!;
    const prev = prevs[i];
    const step = next.steps[i]!;
    if (prev === undefined || prev.step.tool !== step.tool) continue;
    let ok = true;
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      const d = from[e]!;
      if (live[d] === 0 || prevs[d]!.state !== "completed") {
        ok = false;
        break;
      }
    }
    if (ok && livesOn(prev, step, keyOf)) live[i] = 1;
  }
  return live;
}

/** Whether a step whose dependencies all live on lives on itself. */
function livesOn(
  prev: MergeRecord,
  step: Step,
  keyOf: (step: Step) => string | undefined,
): boolean {
  if (prev.state === "completed") {
    // The same validated step over the same surviving dependencies reads the same outputs.
    return prev.step === step ||
      (prev.key === undefined ? jsonEqual(prev.step.input, step.input) : keyOf(step) === prev.key);
  }
  if (prev.state === "ready" || prev.state === "running" || prev.state === "retrying") {
    const p = prev.step;
    return jsonEqual(p.input, step.input) && p.when === step.when && p.expect === step.expect &&
      sameSet(p.dependsOn, step.dependsOn);
  }
  return false;
}
