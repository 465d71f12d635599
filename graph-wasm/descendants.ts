import { reachFrom, type ReachOptions } from "./_reach.ts";

export type { ReachOptions };

/**
 * Every node reachable from a set of nodes: what a partial replan of those nodes must
 * invalidate. Works on any graph, cyclic or not.
 *
 * @param nodeCount The number of nodes; nodes are `0 .. nodeCount - 1`.
 * @param edges A flat edge list `[from0, to0, from1, to1, ...]`.
 * @param nodes The starting nodes.
 * @param options Whether to include the starting nodes.
 * @returns The reachable nodes, ascending.
 * @throws {TypeError | RangeError} When an argument is malformed or names a missing node.
 *
 * @example What depends on a failed step
 * ```ts
 * import { descendants } from "@baton/baton/graph";
 * import assert from "node:assert/strict";
 *
 * const diamond = [0, 1, 0, 2, 1, 3, 2, 3];
 * assert.deepEqual([...descendants(4, diamond, [1])], [3]);
 * assert.deepEqual([...descendants(4, diamond, [1], { inclusive: true })], [1, 3]);
 * ```
 */
export function descendants(
  nodeCount: number,
  edges: ArrayLike<number>,
  nodes: ArrayLike<number>,
  options: ReachOptions = {},
): Uint32Array {
  return reachFrom("descendants", nodeCount, edges, nodes, options);
}
