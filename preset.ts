import type { Clock } from "./core/clock.ts";
import { createKernel } from "./core/kernel.ts";
import type { Orchestrator } from "./core/orchestrator.ts";
import type { Limits } from "./core/limits.ts";
import type { PlanCaps } from "./core/normalize_plan.ts";
import type { Tool } from "./core/tool.ts";
import { parallelScheduler } from "./plugins/schedulers/parallel_scheduler.ts";
import { memoryStore } from "./plugins/stores/memory_store.ts";
import { celConditions } from "./plugins/conditions/cel_conditions.ts";
import { alternativeStrategy } from "./plugins/replan/alternative_strategy.ts";
import { yamlPlanText } from "./plugins/text/yaml_plan_text.ts";
import type { ReplanPolicy } from "./core/replan.ts";

/** Options of {@linkcode createOrchestrator}. */
export interface OrchestratorOptions {
  /** The tools plans may call. */
  readonly tools: readonly Tool[];
  /** Plugins; a slot left empty gets its default. */
  readonly plugins?: readonly unknown[];
  /** The history store (the same as passing it in `plugins`). @default {memoryStore()} */
  readonly store?: unknown;
  /** Default limits of every run. */
  readonly limits?: Limits;
  /** Caps on plan input. */
  readonly caps?: PlanCaps;
  /** The clock. */
  readonly clock?: Clock;
  /** Save a checkpoint at least every this many events. @default {1000} */
  readonly checkpointEvery?: number;
  /** Which replan strategies answer which triggers, as an object or YAML/JSON text. */
  readonly replan?: ReplanPolicy | string;
  /**
   * How long a claim on a run holds without renewal, in milliseconds (see `KernelOptions`):
   * a run whose process died is resumed elsewhere once its claim lapsed.
   * @default {30_000}
   */
  readonly leaseMs?: number;
}

/**
 * Creates an orchestrator with default plugins where none is given: `parallelScheduler()`,
 * `memoryStore()`, `celConditions()`, `yamlPlanText()`, and `alternativeStrategy()` when no
 * replan strategy is given (so a step's `fallback:` tools are tried when it fails).
 *
 * @param options Tools, plugins, store, limits.
 * @returns The orchestrator.
 * @throws {PluginError} When a plugin is invalid.
 *
 * @example Run a two-step plan
 * ```ts
 * import { createOrchestrator, defineTool } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const upper = defineTool({
 *   name: "text.upper",
 *   description: "Upper-cases text",
 *   input: { type: "object", required: ["text"], properties: { text: { type: "string" } } },
 *   run: ({ text }: { text: string }) => ({ text: text.toUpperCase() }),
 * });
 * const baton = createOrchestrator({ tools: [upper] });
 * const run = baton.run({
 *   goal: "Shout twice",
 *   steps: [
 *     { id: "once", tool: "text.upper", input: { text: "hi ${{ context.name }}" } },
 *     { id: "twice", tool: "text.upper", input: { text: "${{ steps.once.output.text }}!" }, dependsOn: ["once"] },
 *   ],
 * }, { context: { name: "ada" } });
 * const result = await run.result;
 * assert.equal(result.status, "completed");
 * assert.deepEqual(result.output, { text: "HI ADA!" });
 * ```
 */
export function createOrchestrator(options: OrchestratorOptions): Orchestrator {
  const given = [
    ...(options.plugins ?? []),
    ...(options.store === undefined ? [] : [options.store]),
  ];
  const kinds = new Set(given.map((p) => (p as { kind?: unknown } | null)?.kind));
  const defaults = [
    ...(kinds.has("scheduler") ? [] : [parallelScheduler()]),
    ...(kinds.has("store") ? [] : [memoryStore()]),
    ...(kinds.has("conditions") ? [] : [celConditions()]),
    ...(kinds.has("replan") ? [] : [alternativeStrategy()]),
    ...(kinds.has("text") ? [] : [yamlPlanText()]),
  ];
  return createKernel({
    tools: options.tools,
    plugins: [...given, ...defaults],
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.caps ? { caps: options.caps } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.checkpointEvery ? { checkpointEvery: options.checkpointEvery } : {}),
    ...(options.replan === undefined ? {} : { replan: options.replan }),
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
  });
}
