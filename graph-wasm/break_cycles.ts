import { priorityJob } from "./_priority_job.ts";

/** Options of {@linkcode breakCycles}. */
export interface BreakCyclesOptions {
  /**
   * One number per node; edges into lower-priority nodes are dropped first.
   * @default {all equal}
   */
  readonly priority?: ArrayLike<number>;
}

/**
 * Opt-in cycle breaking: a small set of edges whose removal leaves the graph acyclic (a greedy
 * feedback arc set, Eades-Lin-Smyth ordering, then every dropped edge that closes no cycle is
 * put back). The default everywhere else in Baton is to reject cycles; call this only when
 * dropping dependencies is acceptable.
 *
 * @param nodeCount The number of nodes; nodes are `0 .. nodeCount - 1`.
 * @param edges A flat edge list `[from0, to0, from1, to1, ...]`.
 * @param options Node priorities.
 * @returns The indices (pairs) of the edges to drop, ascending; empty for a DAG.
 * @throws {TypeError | RangeError} When an argument is malformed or names a missing node.
 *
 * @example The edge into the less important node goes
 * ```ts
 * import { breakCycles } from "@baton/baton/graph";
 * import assert from "node:assert/strict";
 *
 * // 0 <-> 1; node 1 matters more, so the edge 1 -> 0 (edge 1) is dropped.
 * assert.deepEqual([...breakCycles(2, [0, 1, 1, 0], { priority: [1, 9] })], [1]);
 * ```
 */
export function breakCycles(
  nodeCount: number,
  edges: ArrayLike<number>,
  options: BreakCyclesOptions = {},
): Uint32Array {
  const { out } = priorityJob(
    nodeCount,
    edges,
    options.priority,
    (core, n, m, p) => core.baton_graph_break_cycles(n, m, p),
  );
  return out.ints(out.header[0] ?? 0);
}
