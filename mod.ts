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

export * from "./kernel.ts";
export * from "./preset.ts";
export * from "./plugins/conditions/cel_conditions.ts";
export * from "./plugins/planners/yaml_planner.ts";
export * from "./plugins/text/yaml_plan_text.ts";
