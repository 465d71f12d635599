/**
 * Baton's kernel entry: everything of `@baton/baton` but the parts that load npm packages
 * (CEL conditions, YAML plan text, the YAML planner and `createOrchestrator`, which loads them
 * by default). A process that imports only this entry never starts Deno's Node.js layer, about
 * 25 MB less resident memory: for workers that run plans given as objects or JSON, with
 * conditions written as functions or none.
 *
 * Build an orchestrator with {@linkcode createKernel} and the plugins you want.
 *
 * @example A kernel with the in-memory store
 * ```ts
 * import { createKernel, defineTool, memoryStore, parallelScheduler } from "@baton/baton/kernel";
 * import assert from "node:assert/strict";
 *
 * const double = defineTool({
 *   name: "math.double",
 *   description: "Doubles a number",
 *   input: { type: "object", required: ["n"], properties: { n: { type: "number" } } },
 *   run: ({ n }: { n: number }) => 2 * n,
 * });
 * const kernel = createKernel({ tools: [double], plugins: [parallelScheduler(), memoryStore()] });
 * const run = kernel.run({ goal: "Double", steps: [{ id: "a", tool: "math.double", input: { n: 21 } }] });
 * assert.equal((await run.result).output, 42);
 * ```
 *
 * @module
 */
export { VERSION } from "./version.ts";
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
export * from "./plugins/replan/retry_strategy.ts";
export * from "./plugins/replan/alternative_strategy.ts";
export * from "./plugins/replan/partial_strategy.ts";
export * from "./plugins/replan/complete_strategy.ts";
export * from "./plugins/planners/static_planner.ts";
export * from "./plugins/planners/llm_planner.ts";
export * from "./plugins/tools/standard_tools.ts";
export * from "./plugins/tools/fs_tools.ts";
export * from "./plugins/tools/http_fetch_tool.ts";
export * from "./plugins/tools/text_tools.ts";
export * from "./plugins/tools/json_tools.ts";
export * from "./plugins/tools/csv_parse_tool.ts";
export * from "./core/conditions.ts";
