import { edgesArg, nodeCountArg, sizeArg } from "./_args.ts";
import { graphCore, Output, Status, statusError } from "./_instance.ts";
import type { GraphProblem } from "./graph_error.ts";

/** The verdict of {@linkcode validateDag}. */
export type DagValidation = DagValid | DagInvalid;

/** A valid DAG. */
export interface DagValid {
  /** Always true. */
  readonly ok: true;
}

/** The first problem found, in the order unknown node, self-loop, duplicate edge, cycle. */
export interface DagInvalid {
  /** Always false. */
  readonly ok: false;
  /** What is wrong. */
  readonly problem: GraphProblem;
  /** The index of the offending edge (pair), or -1 for a cycle. */
  readonly edge: number;
  /**
   * The nodes involved: the unknown index, the self-looping node, the duplicated edge's
   * endpoints, or the cycle in path order (its last node leads back to its first).
   */
  readonly nodes: readonly number[];
  /** A sentence a person understands. */
  readonly message: string;
}

/**
 * Checks that a graph is a DAG: every edge endpoint is a node, no self-loops, no duplicate
 * edges, no cycles. Problems are results, not exceptions; only malformed arguments throw.
 *
 * @param nodeCount The number of nodes; nodes are `0 .. nodeCount - 1`.
 * @param edges A flat edge list `[from0, to0, from1, to1, ...]`.
 * @returns `{ ok: true }`, or the first problem found.
 * @throws {TypeError | RangeError} When an argument is malformed (odd length, not integers).
 *
 * @example A cycle is reported as its path
 * ```ts
 * import { validateDag } from "@baton/baton/graph";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(validateDag(3, [0, 1, 1, 2]), { ok: true });
 * const verdict = validateDag(3, [0, 1, 1, 2, 2, 1]);
 * assert.equal(verdict.ok, false);
 * if (!verdict.ok) assert.deepEqual(verdict.nodes, [1, 2]);
 * ```
 */
export function validateDag(nodeCount: number, edges: ArrayLike<number>): DagValidation {
  const n = nodeCountArg(nodeCount);
  // Indices past nodeCount are a finding here, not an argument error.
  const list = edgesArg(edges, n, "edges", 2 ** 32);
  sizeArg(0, list.length);
  return validateStaged(n, list);
}

function validateStaged(n: number, list: Uint32Array): DagValidation {
  const core = graphCore();
  const ptr = core.baton_graph_input(list.length * 4);
  if (ptr === 0) throw statusError(Status.outOfMemory);
  new Uint32Array(core.memory.buffer, ptr, list.length).set(list);
  const status = core.baton_graph_validate(n, list.length / 2);
  if (status === Status.ok) return { ok: true };
  const header = new Output().header;
  const a = header[0] ?? 0;
  const b = header[1] ?? 0;
  switch (status) {
    case Status.unknownNode:
      return invalid(
        "unknown-node",
        a >> 1,
        [b],
        `Edge ${a >> 1} ${a % 2 === 0 ? "starts" : "ends"} at node ${b}, which does not exist`,
      );
    case Status.selfLoop:
      return invalid("self-loop", a, [b], `Edge ${a} goes from node ${b} to itself`);
    case Status.duplicateEdge:
      return invalid(
        "duplicate-edge",
        a,
        [list[2 * a] ?? 0, list[2 * a + 1] ?? 0],
        `Edge ${a} repeats edge ${b} (${list[2 * a]} -> ${list[2 * a + 1]})`,
      );
    case Status.cycle: {
      const error = statusError(status);
      const nodes = "nodes" in error ? (error.nodes as number[]) : [];
      return invalid("cycle", -1, nodes, error.message);
    }
    default:
      throw statusError(status);
  }
}

function invalid(
  problem: GraphProblem,
  edge: number,
  nodes: number[],
  message: string,
): DagInvalid {
  return { ok: false, problem, edge, nodes, message };
}
