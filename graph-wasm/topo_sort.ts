import { priorityJob } from "./_priority_job.ts";

/** Options of {@linkcode topoSort}. */
export interface TopoSortOptions {
  /**
   * One number per node; among nodes that are ready at the same time, the higher priority
   * comes first, then the lower index.
   * @default {all equal}
   */
  readonly priority?: ArrayLike<number>;
}

/**
 * A deterministic topological order: among ready nodes, the higher priority first, then the
 * lower index.
 *
 * @param nodeCount The number of nodes; nodes are `0 .. nodeCount - 1`.
 * @param edges A flat edge list `[from0, to0, from1, to1, ...]`; duplicates are allowed.
 * @param options Tie-break priorities.
 * @returns Every node once, each after all of its predecessors.
 * @throws {GraphError} When the graph has a cycle (`error.nodes` is the cycle).
 * @throws {TypeError | RangeError} When an argument is malformed or names a missing node.
 *
 * @example Priority breaks ties
 * ```ts
 * import { topoSort } from "@baton/baton/graph";
 * import assert from "node:assert/strict";
 *
 * const diamond = [0, 1, 0, 2, 1, 3, 2, 3];
 * assert.deepEqual([...topoSort(4, diamond)], [0, 1, 2, 3]);
 * assert.deepEqual([...topoSort(4, diamond, { priority: [0, 0, 9, 0] })], [0, 2, 1, 3]);
 * ```
 */
export function topoSort(
  nodeCount: number,
  edges: ArrayLike<number>,
  options: TopoSortOptions = {},
): Uint32Array {
  const { out, n } = priorityJob(
    nodeCount,
    edges,
    options.priority,
    (core, n, m, p) => core.baton_graph_topo_sort(n, m, p),
  );
  return out.ints(n);
}
