import type { ConditionLanguage } from "./conditions.ts";
import { PluginError } from "./errors.ts";
import type { Planner } from "./planner.ts";
import type { ReplanStrategy } from "./replan.ts";
import type { Scheduler } from "./scheduler.ts";
import type { HistoryStore } from "./store.ts";
import type { PlanTextParser } from "./plan_text.ts";

/** Any plugin the kernel loads. */
export type Plugin =
  | Scheduler
  | HistoryStore
  | ConditionLanguage
  | Planner
  | ReplanStrategy
  | PlanTextParser;

const HOOKS: Readonly<Record<Plugin["kind"], readonly string[]>> = {
  scheduler: ["select"],
  store: ["append", "read", "runs", "saveCheckpoint", "loadCheckpoint"],
  conditions: ["compile"],
  planner: ["plan"],
  replan: ["replan"],
  text: ["parse"],
};

/** The plugins of an orchestrator, one per slot (any number of replan strategies), checked at registration. */
export interface PluginSlots {
  /** The scheduler plugin, if one was given. */
  readonly scheduler: Scheduler | undefined;
  /** The history store plugin, if one was given. */
  readonly store: HistoryStore | undefined;
  /** The condition language plugin, if one was given. */
  readonly conditions: ConditionLanguage | undefined;
  /** The planner plugin, if one was given. */
  readonly planner: Planner | undefined;
  /** The plan text parser, if one was given. */
  readonly text: PlanTextParser | undefined;
  /** Replan strategies by name, in registration order. */
  readonly strategies: ReadonlyMap<string, ReplanStrategy>;
}

/**
 * Checks plugins and sorts them into slots: each must be an object with a string `name`, a
 * known `kind` and that kind's hooks; names are unique; a slot holds one plugin.
 *
 * @param plugins The plugins, in registration order.
 * @returns The slots.
 * @throws {PluginError} Naming the plugin at fault.
 *
 * @example Two schedulers are refused
 * ```ts
 * import { parallelScheduler, PluginError, registerPlugins, sequentialScheduler } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => registerPlugins([parallelScheduler(), sequentialScheduler()]), PluginError);
 * ```
 */
export function registerPlugins(plugins: readonly unknown[]): PluginSlots {
  const names = new Set<string>();
  const slots: {
    scheduler?: Scheduler;
    store?: HistoryStore;
    conditions?: ConditionLanguage;
    planner?: Planner;
    text?: PlanTextParser;
  } = {};
  const strategies = new Map<string, ReplanStrategy>();
  plugins.forEach((plugin, i) => {
    const p = plugin as Partial<Plugin> | null;
    const name = typeof p?.name === "string" && p.name !== "" ? p.name : `plugins[${i}]`;
    if (typeof p !== "object" || p === null || typeof p.name !== "string" || p.name === "") {
      throw new PluginError("A plugin must be an object with a non-empty string name", {
        plugin: name,
      });
    }
    if (!(typeof p.kind === "string" && p.kind in HOOKS)) {
      throw new PluginError(
        `Unknown plugin kind ${JSON.stringify(p.kind)} (known: ${Object.keys(HOOKS).join(", ")})`,
        { plugin: name },
      );
    }
    for (const hook of HOOKS[p.kind]) {
      if (typeof (p as Record<string, unknown>)[hook] !== "function") {
        throw new PluginError(`A ${p.kind} plugin needs a ${hook}() hook`, { plugin: name });
      }
    }
    if (names.has(name)) {
      throw new PluginError("Another plugin has the same name", { plugin: name });
    }
    names.add(name);
    if (p.kind === "replan") {
      strategies.set(name, p as ReplanStrategy);
      return;
    }
    const kind = p.kind as keyof typeof slots;
    if (slots[kind] !== undefined) {
      throw new PluginError(
        `Only one ${kind} plugin can be loaded; "${slots[kind]!.name}" already is`,
        {
          plugin: name,
        },
      );
    }
    (slots as Record<string, unknown>)[kind] = p;
  });
  return {
    scheduler: slots.scheduler,
    store: slots.store,
    conditions: slots.conditions,
    planner: slots.planner,
    text: slots.text,
    strategies,
  };
}
