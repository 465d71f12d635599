import { edgesArg, nodeCountArg, perNodeArg, sizeArg } from "./_args.ts";
import { run, stage } from "./_instance.ts";
import { readScheduleTimes } from "./_schedule.ts";

/** The schedule of a DAG, as computed by {@linkcode criticalPath}. */
export interface CriticalPath {
  /** The earliest time each node can start. */
  readonly earliestStart: Float64Array;
  /** The latest time each node can start without delaying the end. */
  readonly latestStart: Float64Array;
  /** `latestStart - earliestStart`: how long each node may slip. */
  readonly slack: Float64Array;
  /** When the last node finishes, with unlimited parallelism. */
  readonly makespan: number;
  /** The longest chain, source to sink (ties go to the lower index). */
  readonly path: Uint32Array;
}

/**
 * The critical path method: earliest and latest start and slack of every node, the makespan,
 * and the critical path itself.
 *
 * @param nodeCount The number of nodes; nodes are `0 .. nodeCount - 1`.
 * @param edges A flat edge list `[from0, to0, from1, to1, ...]`.
 * @param durations How long each node takes: finite and not negative.
 * @returns The schedule.
 * @throws {GraphError} When the graph has a cycle.
 * @throws {TypeError | RangeError} When an argument is malformed (a NaN duration, say).
 *
 * @example The long branch of a diamond is critical
 * ```ts
 * import { criticalPath } from "@baton/baton/graph";
 * import assert from "node:assert/strict";
 *
 * const schedule = criticalPath(4, [0, 1, 0, 2, 1, 3, 2, 3], [1, 2, 5, 1]);
 * assert.equal(schedule.makespan, 7);
 * assert.deepEqual([...schedule.path], [0, 2, 3]);
 * assert.equal(schedule.slack[1], 3);
 * ```
 */
export function criticalPath(
  nodeCount: number,
  edges: ArrayLike<number>,
  durations: ArrayLike<number>,
): CriticalPath {
  const n = nodeCountArg(nodeCount);
  const list = edgesArg(edges, n);
  const times = perNodeArg(durations, n, "durations", 0);
  sizeArg(n, list.length);
  stage([times], [list]);
  const out = run((core) => core.baton_graph_critical_path(n, list.length / 2), {
    1: "durations",
  });
  const schedule = readScheduleTimes(out, n);
  return { ...schedule, path: out.ints(out.header[0] ?? 0) };
}
