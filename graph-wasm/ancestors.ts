import { reachFrom, type ReachOptions } from "./_reach.ts";

/**
 * Every node from which a set of nodes can be reached: what those nodes depend on, directly
 * or not. Works on any graph, cyclic or not.
 *
 * @param nodeCount The number of nodes; nodes are `0 .. nodeCount - 1`.
 * @param edges A flat edge list `[from0, to0, from1, to1, ...]`.
 * @param nodes The target nodes.
 * @param options Whether to include the target nodes.
 * @returns The ancestor nodes, ascending.
 * @throws {TypeError | RangeError} When an argument is malformed or names a missing node.
 *
 * @example What a step depends on
 * ```ts
 * import { ancestors } from "@baton/baton/graph";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...ancestors(4, [0, 1, 0, 2, 1, 3, 2, 3], [3])], [0, 1, 2]);
 * ```
 */
export function ancestors(
  nodeCount: number,
  edges: ArrayLike<number>,
  nodes: ArrayLike<number>,
  options: ReachOptions = {},
): Uint32Array {
  return reachFrom("ancestors", nodeCount, edges, nodes, options);
}
