import { edgesArg, nodeCountArg, perNodeArg, sizeArg } from "./_args.ts";
import { run, stage } from "./_instance.ts";
import type { CriticalPath } from "./critical_path.ts";
import { readScheduleTimes } from "./_schedule.ts";
import type { ParallelLevels } from "./parallel_levels.ts";

/** Options of {@linkcode analyzeDag}. */
export interface AnalyzeDagOptions {
  /** How long each node takes; when given, the result has a `schedule`. */
  readonly durations?: ArrayLike<number>;
  /** Tie-break priorities for the order, as in `topoSort`. */
  readonly priority?: ArrayLike<number>;
}

/** Everything {@linkcode analyzeDag} finds. */
export interface DagAnalysis {
  /** The deterministic topological order (as `topoSort`). */
  readonly order: Uint32Array;
  /** The parallel levels (as `parallelLevels`). */
  readonly levels: ParallelLevels;
  /** The critical path schedule, when durations were given (as `criticalPath`). */
  readonly schedule?: CriticalPath;
}

/**
 * Validates a DAG and computes its order, levels and (given durations) critical path in one
 * call: the edge list crosses into WebAssembly once and its adjacency is built once. The arrays
 * of the result are views of one buffer, copied out of WebAssembly memory in one go.
 *
 * @param nodeCount The number of nodes; nodes are `0 .. nodeCount - 1`.
 * @param edges A flat edge list `[from0, to0, from1, to1, ...]`.
 * @param options Durations and priorities.
 * @returns The order, the levels and the schedule.
 * @throws {GraphError} On a self-loop, a duplicate edge or a cycle.
 * @throws {TypeError | RangeError} When an argument is malformed or names a missing node.
 *
 * @example One call for a plan's whole shape
 * ```ts
 * import { analyzeDag } from "@baton/baton/graph";
 * import assert from "node:assert/strict";
 *
 * const a = analyzeDag(4, [0, 1, 0, 2, 1, 3, 2, 3], { durations: [1, 2, 5, 1] });
 * assert.deepEqual([...a.order], [0, 1, 2, 3]);
 * assert.equal(a.levels.depth, 3);
 * assert.equal(a.schedule?.makespan, 7);
 * ```
 */
export function analyzeDag(
  nodeCount: number,
  edges: ArrayLike<number>,
  options: AnalyzeDagOptions = {},
): DagAnalysis {
  const n = nodeCountArg(nodeCount);
  const list = edgesArg(edges, n);
  const durations = options.durations === undefined
    ? undefined
    : perNodeArg(options.durations, n, "durations", 0);
  const priority = options.priority === undefined
    ? undefined
    : perNodeArg(options.priority, n, "priority");
  const floats = [durations, priority].filter((f): f is Float64Array => f !== undefined);
  sizeArg(floats.length * n, list.length);
  stage(floats, [list]);
  const flags = (durations ? 1 : 0) | (priority ? 2 : 0);
  const out = run((core) => core.baton_graph_analyze(n, list.length / 2, flags), {
    1: "durations",
  });
  const [depth = 0, pathLength = 0, hasSchedule = 0] = out.header;
  const times = hasSchedule ? readScheduleTimes(out, n) : undefined;
  const order = out.ints(n);
  const level = out.ints(n);
  const offsets = out.ints(depth + 1);
  const levels: ParallelLevels = { depth, level, offsets, nodes: out.ints(n) };
  if (times === undefined) return { order, levels };
  return { order, levels, schedule: { ...times, path: out.ints(pathLength) } };
}
