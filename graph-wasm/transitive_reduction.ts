import { edgesArg, nodeCountArg, sizeArg } from "./_args.ts";
import { run, stage } from "./_instance.ts";

/**
 * The edges of a DAG that can be dropped without changing which nodes reach which: shortcuts
 * past a longer path, and repeats of an edge.
 *
 * Worst case O(nodes x edges); plans of thousands of steps take well under a millisecond.
 *
 * @param nodeCount The number of nodes; nodes are `0 .. nodeCount - 1`.
 * @param edges A flat edge list `[from0, to0, from1, to1, ...]`.
 * @returns The indices (pairs) of the redundant edges, ascending.
 * @throws {GraphError} When the graph has a cycle.
 * @throws {TypeError | RangeError} When an argument is malformed or names a missing node.
 *
 * @example A shortcut is redundant
 * ```ts
 * import { transitiveReduction } from "@baton/baton/graph";
 * import assert from "node:assert/strict";
 *
 * // 0 -> 1 -> 2, and the shortcut 0 -> 2 (edge 2).
 * assert.deepEqual([...transitiveReduction(3, [0, 1, 1, 2, 0, 2])], [2]);
 * ```
 */
export function transitiveReduction(nodeCount: number, edges: ArrayLike<number>): Uint32Array {
  const n = nodeCountArg(nodeCount);
  const list = edgesArg(edges, n);
  sizeArg(0, list.length);
  stage([], [list]);
  const out = run((core) => core.baton_graph_transitive_reduction(n, list.length / 2));
  return out.ints(out.header[0] ?? 0);
}
