import { edgesArg, nodeCountArg, sizeArg } from "./_args.ts";
import { run, stage } from "./_instance.ts";

/** The wavefronts of a DAG, as computed by {@linkcode parallelLevels}. */
export interface ParallelLevels {
  /** The number of levels (0 for an empty graph). */
  readonly depth: number;
  /** The level of every node: 0 when it has no predecessors, else one past its deepest one. */
  readonly level: Uint32Array;
  /** `nodes[offsets[k] .. offsets[k + 1]]` are the nodes of level `k`; `depth + 1` entries. */
  readonly offsets: Uint32Array;
  /** The nodes grouped by level, ascending within a level. */
  readonly nodes: Uint32Array;
}

/**
 * The parallel levels (wavefronts) of a DAG: all nodes of a level can run at once once the
 * levels before it are done.
 *
 * @param nodeCount The number of nodes; nodes are `0 .. nodeCount - 1`.
 * @param edges A flat edge list `[from0, to0, from1, to1, ...]`.
 * @returns The level of every node and the nodes of every level.
 * @throws {GraphError} When the graph has a cycle.
 * @throws {TypeError | RangeError} When an argument is malformed or names a missing node.
 *
 * @example Levels of a diamond
 * ```ts
 * import { parallelLevels } from "@baton/baton/graph";
 * import assert from "node:assert/strict";
 *
 * const levels = parallelLevels(4, [0, 1, 0, 2, 1, 3, 2, 3]);
 * assert.equal(levels.depth, 3);
 * assert.deepEqual([...levels.level], [0, 1, 1, 2]);
 * assert.deepEqual([...levels.nodes.subarray(levels.offsets[1], levels.offsets[2])], [1, 2]);
 * ```
 */
export function parallelLevels(nodeCount: number, edges: ArrayLike<number>): ParallelLevels {
  const n = nodeCountArg(nodeCount);
  const list = edgesArg(edges, n);
  sizeArg(0, list.length);
  stage([], [list]);
  const out = run((core) => core.baton_graph_levels(n, list.length / 2));
  const depth = out.header[0] ?? 0;
  const level = out.ints(n);
  const offsets = out.ints(depth + 1);
  return { depth, level, offsets, nodes: out.ints(n) };
}
