/**
 * Baton orchestrates multi-step work for LLM agents: a goal becomes a plan (a DAG of tool-call
 * steps) that is validated, analysed and executed, in parallel where the graph allows.
 *
 * This release ships the foundation: the WebAssembly graph core, under `@baton/baton/graph`
 * (validation with cycle paths, deterministic topological order, parallel levels, critical
 * path, transitive reduction, descendants and ancestors, cycle breaking). The orchestration
 * kernel builds on it.
 *
 * @example The package version
 * ```ts
 * import { VERSION } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * assert.match(VERSION, /^\d+\.\d+\.\d+$/);
 * ```
 *
 * @module
 */
export { VERSION } from "./version.ts";
