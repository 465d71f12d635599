// The shared body of jobs that take a node count, edges and optional priorities.
import { edgesArg, nodeCountArg, perNodeArg, sizeArg } from "./_args.ts";
import { type GraphCoreExports, type Output, run, stage } from "./_instance.ts";

/** Checks and stages the arguments, then runs `job(core, n, m, withPriority)`. */
export function priorityJob(
  nodeCount: number,
  edges: ArrayLike<number>,
  priorityValues: ArrayLike<number> | undefined,
  job: (core: GraphCoreExports, n: number, m: number, withPriority: number) => number,
): { out: Output; n: number } {
  const n = nodeCountArg(nodeCount);
  const list = edgesArg(edges, n);
  const priority = priorityValues === undefined
    ? undefined
    : perNodeArg(priorityValues, n, "priority");
  sizeArg(priority?.length ?? 0, list.length);
  stage(priority === undefined ? [] : [priority], [list]);
  return { out: run((core) => job(core, n, list.length / 2, priority ? 1 : 0)), n };
}
