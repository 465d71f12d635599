// The one translator between plans and the graph core's integer arrays.
import { analyzeDag, descendants, GraphError } from "../graph-wasm/mod.ts";
import { CycleError } from "./errors.ts";
import type { Step } from "./plan.ts";
import { idRecord } from "./_id_record.ts";

/** The shape of a plan the graph core needs. */
export interface PlanShape {
  /** Step ids, in plan order. */
  readonly ids: readonly string[];
  /** For each step (same order), the ids it depends on, all known. */
  readonly dependsOn: readonly (readonly string[])[];
  /** Estimated duration of each step. */
  readonly estimateMs: readonly number[];
  /** Priority of each step. */
  readonly priority: readonly number[];
}

/** What the graph core says about a plan. */
export interface PlanGraph {
  /** Step ids in the deterministic topological order (higher priority first among ready steps). */
  readonly order: string[];
  /** Step ids by parallel level: each level depends only on earlier ones. */
  readonly levels: string[][];
  /** The step ids of the critical path, first to last. */
  readonly criticalPath: string[];
  /** The critical path's length from the steps' `estimateMs`, in milliseconds. */
  readonly makespanMs: number;
  /** How long each step may slip without delaying the plan, in milliseconds, by id. */
  readonly slackMs: Record<string, number>;
  /** The step indices and edge list the analysis ran on. */
  readonly edges: PlanEdges;
}

/** A plan's graph as the graph core takes it: step ids by index and back, a flat edge list. */
export interface PlanEdges {
  /** Step ids by index. */
  readonly ids: readonly string[];
  /** Step indices by id. */
  readonly index: ReadonlyMap<string, number>;
  /** The dependencies as a flat edge list `[from0, to0, ...]` of step indices (dependency first). */
  readonly edges: Uint32Array;
  /** Step indices in the analysis' topological order, when the plan was analysed. */
  readonly order?: Uint32Array;
}

const planGraphs = new WeakMap<object, PlanEdges>();

/** Keeps the graph a validated plan was analysed on, for later queries over it. */
export function rememberPlanEdges(plan: object, graph: PlanEdges): void {
  planGraphs.set(plan, graph);
}

/** A validated plan's graph in the graph core's form (made once per plan). */
export function planEdges(plan: { readonly steps: readonly Step[] }): PlanEdges {
  let graph = planGraphs.get(plan);
  if (graph === undefined) {
    const ids = plan.steps.map((s) => s.id);
    const index = new Map(ids.map((id, i) => [id, i]));
    graph = {
      ids,
      index,
      edges: edgesOf({ dependsOn: plan.steps.map((s) => s.dependsOn) }, index),
    };
    planGraphs.set(plan, graph);
  }
  return graph;
}

function edgesOf(
  shape: Pick<PlanShape, "dependsOn">,
  index: ReadonlyMap<string, number>,
): Uint32Array {
  // Indexed loops: this runs once per plan, often before it is optimized, and an unoptimized
  // for-of makes an iterator result per element.
  const all = shape.dependsOn;
  let m = 0;
  for (let to = 0; to < all.length; to++) m += all[to]!.length;
  const edges = new Uint32Array(2 * m);
  let k = 0;
  for (let to = 0; to < all.length; to++) {
    const deps = all[to]!;
    for (let j = 0; j < deps.length; j++) {
      edges[k++] = index.get(deps[j]!)!;
      edges[k++] = to;
    }
  }
  return edges;
}

/**
 * Validates and analyses a plan's dependency graph in one WebAssembly call.
 * @throws {CycleError} With the step ids of the cycle.
 */
export function analyzePlanGraph(
  shape: PlanShape,
  index: ReadonlyMap<string, number> = new Map(shape.ids.map((id, i) => [id, i])),
): PlanGraph {
  const edges = edgesOf(shape, index);
  const id = (i: number) => shape.ids[i]!;
  try {
    const { order, levels, schedule } = analyzeDag(shape.ids.length, edges, {
      durations: shape.estimateMs,
      priority: shape.priority,
    });
    const s = schedule!;
    const slackMs: Record<string, number> = idRecord();
    const ids = shape.ids;
    for (let i = 0; i < ids.length; i++) slackMs[ids[i]!] = s.slack[i]!;
    // A level at a time without a view or an iterator each: a chain has as many levels as steps.
    const { nodes, offsets } = levels;
    const byLevel: string[][] = new Array(levels.depth);
    for (let k = 0; k < levels.depth; k++) {
      const from = offsets[k]!;
      const level: string[] = new Array(offsets[k + 1]! - from);
      for (let j = 0; j < level.length; j++) level[j] = ids[nodes[from + j]!]!;
      byLevel[k] = level;
    }
    const ordered: string[] = new Array(order.length);
    for (let i = 0; i < order.length; i++) ordered[i] = ids[order[i]!]!;
    return {
      order: ordered,
      levels: byLevel,
      criticalPath: Array.from(s.path, id),
      makespanMs: s.makespan,
      slackMs,
      // A copy: the analysis' arrays are views of one buffer, which the order would keep alive
      // (about 40 bytes per step) for as long as the plan lives.
      edges: { ids: shape.ids, index, edges, order: order.slice() },
    };
  } catch (error) {
    if (
      error instanceof GraphError && (error.problem === "cycle" || error.problem === "self-loop")
    ) {
      throw new CycleError(error.nodes.map(id), { cause: error });
    }
    throw error;
  }
}

/**
 * The steps that depend, directly or not, on any of `ids` (the graph core's `descendants`):
 * what a partial replan of those steps must invalidate.
 *
 * @param shape The plan's steps and dependencies.
 * @param ids The starting steps (unknown ids are ignored).
 * @param inclusive Include the starting steps themselves.
 * @returns The dependent step ids, in plan order.
 *
 * @example What a failure invalidates
 * ```ts
 * import { stepDescendants } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const shape = { ids: ["a", "b", "c"], dependsOn: [[], ["a"], []] };
 * assert.deepEqual(stepDescendants(shape, ["a"], true), ["a", "b"]);
 * ```
 */
export function stepDescendants(
  shape: Pick<PlanShape, "ids" | "dependsOn">,
  ids: readonly string[],
  inclusive = false,
): string[] {
  const index = new Map(shape.ids.map((id, i) => [id, i]));
  if (!ids.some((id) => index.has(id))) return [];
  return descendantsIn({ ids: shape.ids, index, edges: edgesOf(shape, index) }, ids, inclusive);
}

/** `stepDescendants` over a graph already in the graph core's form. */
export function descendantsIn(
  graph: PlanEdges,
  ids: readonly string[],
  inclusive = false,
): string[] {
  const seeds = ids.flatMap((id) => graph.index.has(id) ? [graph.index.get(id)!] : []);
  if (seeds.length === 0) return [];
  const found = descendants(graph.ids.length, graph.edges, seeds, { inclusive });
  return Array.from(found, (i) => graph.ids[i]!);
}
