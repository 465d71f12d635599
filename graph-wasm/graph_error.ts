/** What is wrong with a graph that is not a DAG. */
export type GraphProblem = "unknown-node" | "self-loop" | "duplicate-edge" | "cycle";

/** Details of a {@linkcode GraphError}. */
export interface GraphErrorDetails {
  /** The index of the offending edge (pair), or -1 when no single edge is to blame. */
  readonly edge: number;
  /** The nodes involved: for a cycle, its nodes in path order (the last leads to the first). */
  readonly nodes: readonly number[];
}

/**
 * Thrown by the graph functions when a graph that must be a DAG is not one.
 *
 * @example Catching a cycle
 * ```ts
 * import { GraphError, topoSort } from "@baton/baton/graph";
 * import assert from "node:assert/strict";
 *
 * try {
 *   topoSort(2, [0, 1, 1, 0]);
 * } catch (error) {
 *   assert.ok(error instanceof GraphError);
 *   assert.equal(error.problem, "cycle");
 *   assert.deepEqual(error.nodes, [0, 1]);
 * }
 * ```
 */
export class GraphError extends Error {
  /** What kind of problem it is. */
  readonly problem: GraphProblem;
  /** The index of the offending edge, or -1. */
  readonly edge: number;
  /** The nodes involved (for a cycle, in path order). */
  readonly nodes: readonly number[];

  /**
   * Makes the error for a graph that is not a valid DAG.
   *
   * @param problem What kind of problem it is.
   * @param message A sentence a person understands.
   * @param details The edge and nodes involved.
   */
  constructor(problem: GraphProblem, message: string, details: GraphErrorDetails) {
    super(message);
    this.name = "GraphError";
    this.problem = problem;
    this.edge = details.edge;
    this.nodes = details.nodes;
  }
}
