/**
 * Baton's graph core: DAG algorithms over integer node indices, compiled from Rust to
 * WebAssembly and embedded in the package (no file, network or native access needed, so it
 * runs the same in Deno, Node and browsers).
 *
 * Nodes are `0 .. nodeCount - 1`; edges are a flat list `[from0, to0, from1, to1, ...]`
 * (a `Uint32Array` is passed through without per-element checks in JavaScript). Each function
 * is one job: the arrays cross into WebAssembly once, and results come back as typed arrays.
 * Plans are translated to and from these arrays by the kernel (`core/graph.ts`).
 *
 * @example Order, levels and critical path of a small plan
 * ```ts
 * import { criticalPath, parallelLevels, topoSort } from "@baton/baton/graph";
 * import assert from "node:assert/strict";
 *
 * // fetch(0) -> parse(1) -> report(3), fetch(0) -> stats(2) -> report(3)
 * const edges = [0, 1, 0, 2, 1, 3, 2, 3];
 * assert.deepEqual([...topoSort(4, edges)], [0, 1, 2, 3]);
 * assert.equal(parallelLevels(4, edges).depth, 3);
 * assert.deepEqual([...criticalPath(4, edges, [3, 1, 4, 1]).path], [0, 2, 3]);
 * ```
 *
 * @module
 */
export * from "./validate_dag.ts";
export * from "./topo_sort.ts";
export * from "./parallel_levels.ts";
export * from "./critical_path.ts";
export * from "./transitive_reduction.ts";
export * from "./descendants.ts";
export * from "./ancestors.ts";
export * from "./break_cycles.ts";
export * from "./analyze_dag.ts";
export * from "./graph_error.ts";
export * from "./release_graph_memory.ts";
