// The shared body of descendants() and ancestors().
import { edgesArg, indicesArg, nodeCountArg, sizeArg } from "./_args.ts";
import { run, stage } from "./_instance.ts";

/** Options of {@linkcode descendants} and {@linkcode ancestors}. */
export interface ReachOptions {
  /**
   * Include the starting nodes themselves (they are included anyway when another path
   * reaches them).
   * @default {false}
   */
  readonly inclusive?: boolean;
}

export function reachFrom(
  direction: "descendants" | "ancestors",
  nodeCount: number,
  edges: ArrayLike<number>,
  nodes: ArrayLike<number>,
  options: ReachOptions,
): Uint32Array {
  const n = nodeCountArg(nodeCount);
  const list = edgesArg(edges, n);
  const seeds = indicesArg(nodes, n, "nodes");
  sizeArg(0, list.length + seeds.length);
  stage([], [list, seeds]);
  const inclusive = options.inclusive ? 1 : 0;
  const m = list.length / 2;
  const out = run(
    (core) =>
      direction === "descendants"
        ? core.baton_graph_descendants(n, m, seeds.length, inclusive)
        : core.baton_graph_ancestors(n, m, seeds.length, inclusive),
    { 2: "nodes" },
  );
  return out.ints(out.header[0] ?? 0);
}
