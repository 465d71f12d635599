/**
 * Baton orchestrates multi-step work for LLM agents: a plan (a DAG of tool-call steps) is
 * validated, analysed by a WebAssembly graph core, and executed in parallel where the graph
 * allows, with retries, timeouts, limits and a complete event history.
 *
 * Start with {@linkcode createOrchestrator} and {@linkcode defineTool}; the graph core has its
 * own entry point, `@baton/baton/graph`.
 *
 * @example Run a plan
 * ```ts
 * import { createOrchestrator, defineTool } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const add = defineTool({
 *   name: "math.add",
 *   description: "Adds two numbers",
 *   input: { type: "object", required: ["a", "b"], properties: { a: { type: "number" }, b: { type: "number" } } },
 *   run: ({ a, b }: { a: number; b: number }) => a + b,
 * });
 * const baton = createOrchestrator({ tools: [add] });
 * const run = baton.run({
 *   goal: "Add up",
 *   steps: [
 *     { id: "x", tool: "math.add", input: { a: 1, b: 2 } },
 *     { id: "y", tool: "math.add", input: { a: "${{ steps.x.output }}", b: 10 }, dependsOn: ["x"] },
 *   ],
 * });
 * assert.equal((await run.result).output, 13);
 * ```
 *
 * @module
 */
export { VERSION } from "./version.ts";
export * from "./preset.ts";
export * from "./core/kernel.ts";
export * from "./core/orchestrator.ts";
export * from "./core/tool.ts";
export * from "./core/plan.ts";
export * from "./core/normalize_plan.ts";
export * from "./core/optimize_plan.ts";
export * from "./core/plan_text.ts";
export * from "./core/input_guard.ts";
export * from "./core/json_schema.ts";
export * from "./core/references.ts";
export * from "./core/errors.ts";
export * from "./core/events.ts";
export * from "./core/step_state.ts";
export * from "./core/limits.ts";
export * from "./core/clock.ts";
export * from "./core/store.ts";
export * from "./core/scheduler.ts";
export * from "./core/plugin.ts";
export * from "./core/run_result.ts";
export * from "./core/run_history.ts";
export * from "./core/run_state.ts";
export * from "./core/canonical_json.ts";
export * from "./core/graph.ts";
export * from "./core/planner.ts";
export * from "./core/replan.ts";
export * from "./core/plan_diff.ts";
export * from "./core/plan_merge.ts";
export * from "./core/choose_plan.ts";
export * from "./plugins/schedulers/sequential_scheduler.ts";
export * from "./plugins/schedulers/parallel_scheduler.ts";
export * from "./plugins/schedulers/priority_scheduler.ts";
export * from "./plugins/schedulers/critical_path_scheduler.ts";
export * from "./plugins/schedulers/resource_aware_scheduler.ts";
export * from "./plugins/stores/memory_store.ts";
export * from "./plugins/conditions/cel_conditions.ts";
export * from "./plugins/replan/retry_strategy.ts";
export * from "./plugins/replan/alternative_strategy.ts";
export * from "./plugins/replan/partial_strategy.ts";
export * from "./plugins/replan/complete_strategy.ts";
export * from "./plugins/planners/static_planner.ts";
export * from "./plugins/planners/yaml_planner.ts";
export * from "./plugins/planners/llm_planner.ts";
export * from "./plugins/tools/standard_tools.ts";
export * from "./plugins/tools/fs_tools.ts";
export * from "./plugins/tools/http_fetch_tool.ts";
export * from "./plugins/tools/text_tools.ts";
export * from "./plugins/tools/json_tools.ts";
export * from "./plugins/tools/csv_parse_tool.ts";
export * from "./core/conditions.ts";
